printf 'Q1: miss\nQ2: m\nQ5: TLB hit\nQ9: hit\nQ10: maybe\n' | vmsim grade --profile tlb --seed 4 --answers -
