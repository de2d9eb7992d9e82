vmsim grade --trace docs/homework/wrong-submission.trace --tests docs/homework/tests.vmt --format gradescope; echo "exit $?"
