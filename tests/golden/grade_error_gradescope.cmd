printf "spawn 1\nfrok 1 2\n" | vmsim grade --trace - --tests docs/homework/tests.vmt --format gradescope; echo "exit $?"
