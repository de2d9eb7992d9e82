vmsim gen --profile refstring --seed 4 --length 30 --writes 0.2 --policy lru
