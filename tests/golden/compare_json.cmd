vmsim compare -j 1 traces/demo.trace --fork cow,sharept --zero-page=off,on --format json
