vmsim gen --profile refstring --string 1,2,3,4,1,2,5,1,2,3,4,5 | vmsim run -v -q -
