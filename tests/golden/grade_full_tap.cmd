vmsim grade --trace docs/homework/sample-submission.trace --tests docs/homework/tests.vmt --format tap; echo "exit $?"
