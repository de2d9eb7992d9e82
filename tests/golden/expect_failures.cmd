vmsim run -q tests/traces/246_query_expect_failures.trace; echo "exit status $?"
