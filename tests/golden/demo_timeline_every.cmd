vmsim run -q --timeline - --every 3 --cost fork=1000,exec=0 traces/demo.trace
