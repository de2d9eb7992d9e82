vmsim gen --profile build --arch tiny --spawn=vfork --jobs 3 -s 2
