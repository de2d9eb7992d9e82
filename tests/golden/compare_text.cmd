vmsim compare traces/demo.trace --fork cow,copy,sharept
