vmsim compare traces/demo.trace --oom kill,fail --frames 2 --format csv 2>&1; echo "exit $?"
