printf "Q1: 2\nq2 = 8:cow_copy, 11:cow_copy\nQ3: 3/2\nQ 4: 0-1 1-2 1-3\n" | vmsim grade --seed 3 --questions 5 --answers -; echo "exit $?"
