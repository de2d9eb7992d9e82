printf "Q1: 2\nQ2: none\nQ3: 1.5\n" | vmsim grade --seed 3 --questions 3 --answers - --format tap; echo "exit $?"
