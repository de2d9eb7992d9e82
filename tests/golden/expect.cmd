vmsim run tests/golden/expect.trace; echo "exit status $?"
