vmsim gen --list
