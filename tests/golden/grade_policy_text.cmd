printf 'Q1: miss\nQ2: miss\nQ3: MISS, replaced -\nQ4: miss\nQ5: hit\nQ6: miss, replaced 0\nQ7: m 2\nQ8: hit 4\nQ9: no idea\n' | vmsim grade --profile policy --seed 16 --answers -
