vmsim run -q --zero-page --pt-frames tests/golden/views.trace
