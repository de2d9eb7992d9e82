vmsim run tests/golden/error_after_show.trace; echo "exit status $?"
