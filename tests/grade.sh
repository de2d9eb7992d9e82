#!/bin/sh
# grade.sh VMSIM -- vmsim quiz and vmsim grade from the outside: quizzes are
# the same for the same options and can be made again from their ARG lines,
# every answer key grades as full marks, reports keep to the Gradescope
# results.json fields and to TAP version 14, errors have the right exit
# status, and the example assignment (docs/homework) grades as documented
# through run_autograder and its Makefile. Prints "grade: N passed, M failed".
vm=${1:?usage: grade.sh VMSIM}
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
hw=docs/homework
pass=0 fail=0
python=$(command -v python3 || true)

begin() { name=$1 why=; }
no() { why="$why; $*"; }
end() {
    if [ -z "$why" ]; then pass=$((pass + 1)); else
        fail=$((fail + 1))
        echo "FAIL grade: $name (${why#; })"
        sed -n '1,3s/^/    stderr: /p' "$tmp/err"
    fi
}
# run ARGS...: vmsim ARGS; rc, out, err
run() {
    timeout 60 "$vm" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
}
status() { [ "$rc" = "$1" ] || no "exit $rc, want $1"; }
out_has() { grep -qF -- "$1" "$tmp/out" || no "stdout lacks '$1'"; }
err_has() { grep -qF -- "$1" "$tmp/err" || no "stderr lacks '$1'"; }

# check_gradescope FILE: results.json as Gradescope reads it
check_gradescope() {
    if [ -n "$python" ]; then
        msg=$("$python" - "$1" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1], encoding="utf-8"))
except Exception as e:
    print("not JSON: %s" % e); sys.exit(1)
bad = []
if not isinstance(d, dict): bad.append("not an object")
else:
    if not isinstance(d.get("score"), (int, float)): bad.append("no score")
    if not isinstance(d.get("output", ""), str): bad.append("output not a string")
    tests = d.get("tests")
    if not isinstance(tests, list): bad.append("no tests list")
    else:
        total = 0
        for t in tests:
            for k, ty in (("name", str), ("score", (int, float)), ("max_score", (int, float)),
                          ("status", str), ("output", str), ("visibility", str)):
                if not isinstance(t.get(k), ty): bad.append("test without %s" % k)
            if t.get("status") not in ("passed", "failed"): bad.append("status %r" % t.get("status"))
            if t.get("visibility") not in ("hidden", "after_due_date", "after_published", "visible"):
                bad.append("visibility %r" % t.get("visibility"))
            if isinstance(t.get("score"), (int, float)) and isinstance(t.get("max_score"), (int, float)):
                if not 0 <= t["score"] <= t["max_score"]: bad.append("score out of range")
                if (t["status"] == "passed") != (t["score"] == t["max_score"]): bad.append("status and score differ")
                total += t["score"]
        if isinstance(d.get("score"), (int, float)) and abs(total - d["score"]) > 1e-6:
            bad.append("score %s is not the sum %s" % (d["score"], total))
print("; ".join(bad)); sys.exit(1 if bad else 0)
EOF
        ) || no "results.json: $msg"
    else
        for k in '"score": ' '"tests": [' '"name": ' '"max_score": ' '"status": ' '"output": ' '"visibility": '; do
            grep -qF -- "$k" "$1" || no "results.json lacks $k"
        done
    fi
}

# check_tap FILE: TAP version 14 syntax: the version line, one plan, test
# points numbered from 1 that match it, YAML blocks indented between "  ---"
# and "  ...", comments; nothing else
check_tap() {
    msg=$(awk '
        function bad(m) { print m " (line " NR ")"; err = 1; exit 1 }
        NR == 1 { if ($0 != "TAP version 14") bad("no version line"); next }
        inyaml { if ($0 == "  ...") { inyaml = 0; next } if ($0 !~ /^  /) bad("YAML not indented"); next }
        /^1\.\.[0-9]+$/ { if (plan != "") bad("two plans"); plan = substr($0, 4) + 0; next }
        /^(not )?ok [0-9]+( - .*)?$/ {
            n++; num = $0; sub(/^(not )?ok /, "", num); sub(/ .*/, "", num)
            if (num + 0 != n) bad("test " num " where " n " was due"); last = NR; next }
        /^  ---$/ { if (last != NR - 1) bad("YAML block not after its test line"); inyaml = 1; next }
        /^#/ { next }
        { bad("not TAP: " $0) }
        END { if (err) exit 1; if (inyaml) { print "YAML block not closed"; exit 1 }
              if (plan == "") { print "no plan"; exit 1 }
              if (plan != n) { print "plan " plan " but " n " tests"; exit 1 } }
    ' "$1") || no "TAP: $msg"
}

# answers_of FILE: the answer lines of a quiz printed with -c
answers_of() {
    awk '/^Q[0-9]+\. /{ n = substr($1, 2); sub(/\.$/, "", n) }
         /^    answer: /{ sub(/^    answer: /, ""); print "Q" n ": " $0 }' "$1"
}

# ---- quiz ---------------------------------------------------------------------
begin "quiz: ARG lines first, every option with its value"
run quiz --seed 11
status 0
head -n 15 "$tmp/out" >"$tmp/args"
for a in seed profile arch frames procs events fork zero-page lazy-fork pt-frames oom fault-around exclusive-reuse \
    anon-vma questions; do
    grep -q "^ARG $a " "$tmp/args" || no "no ARG $a"
done
grep -q '^ARG seed 11$' "$tmp/args" || no "seed not echoed"
out_has "The trace:"
out_has "Q1. "
grep -q "answer:" "$tmp/out" && no "answers without -c"
end

begin "quiz: the same options give the same bytes; another seed another quiz"
run quiz --seed 11 --profile mixed -c
cp "$tmp/out" "$tmp/q1"
run quiz --seed 11 --profile mixed -c
cmp -s "$tmp/out" "$tmp/q1" || no "two runs differ"
run quiz --seed 12 --profile mixed -c
cmp -s "$tmp/out" "$tmp/q1" && no "seeds 11 and 12 give the same quiz"
end

begin "quiz: made again from its ARG lines"
run quiz --seed 21 --profile exec --fork copy --zero-page --questions 5
status 0
[ "$(grep -c '^ARG ' "$tmp/out")" -ge 10 ] || no "no ARG lines"
[ "$(grep -c '^Q[0-9]*\. ' "$tmp/out")" = 5 ] || no "not 5 questions"
cp "$tmp/out" "$tmp/q1"
# shellcheck disable=SC2046
run quiz $(sed -n 's/^ARG \([^ ]*\) \(.*\)$/--\1 \2/p' "$tmp/q1")
status 0
cmp -s "$tmp/out" "$tmp/q1" || no "the ARG lines do not make the same quiz"
# the rules closer to Linux too (their ARG lines say them one by one)
run quiz --seed 22 --profile shared --linux --fault-around 4 --questions 5 -c
status 0
grep -q '^ARG fault-around 4$' "$tmp/out" || no "no ARG fault-around 4"
grep -q '^ARG exclusive-reuse on$' "$tmp/out" || no "no ARG exclusive-reuse on"
cp "$tmp/out" "$tmp/q1"
# shellcheck disable=SC2046
run quiz -c $(sed -n 's/^ARG \([^ ]*\) \(.*\)$/--\1 \2/p' "$tmp/q1")
status 0
cmp -s "$tmp/out" "$tmp/q1" || no "the ARG lines of a --linux quiz do not make the same quiz"
end

begin "quiz: -c adds an answer and a reason to every question"
run quiz --seed 4 --questions 9 -c
status 0
nq=$(grep -c '^Q[0-9]*\. ' "$tmp/out")
[ "$nq" = 9 ] || no "$nq questions, want 9"
[ "$(grep -c '^    answer: ' "$tmp/out")" = 9 ] || no "not 9 answers"
[ "$(grep -c '^    because: ' "$tmp/out")" = 9 ] || no "not 9 reasons"
end

# every answer key grades as full marks: profiles x machines x seeds
begin "quiz: every answer key scores full marks"
for p in cow forktree exec shared pressure mixed; do
    for m in "" "--fork copy" "--fork sharept --zero-page" "--linux --pt-frames" "--oom fail"; do
        for s in 1 2 3 4 5; do
            # shellcheck disable=SC2086
            if ! timeout 60 "$vm" quiz --profile $p --seed $s $m -c >"$tmp/q" 2>"$tmp/err"; then
                no "quiz --profile $p --seed $s $m failed"
                continue
            fi
            answers_of "$tmp/q" >"$tmp/a"
            nq=$(grep -c '^Q[0-9]*\. ' "$tmp/q")
            if [ "$nq" -lt 1 ] || [ "$(wc -l <"$tmp/a")" != "$nq" ]; then
                no "quiz --profile $p --seed $s $m: $nq questions, $(wc -l <"$tmp/a") answers"
            fi
            # shellcheck disable=SC2086
            timeout 60 "$vm" grade --profile $p --seed $s $m --answers "$tmp/a" >"$tmp/g" 2>"$tmp/err"
            rc=$?
            [ $rc = 0 ] || no "$p seed $s $m: the key scores $(tail -n 1 "$tmp/g") (exit $rc)"
            grep -q "^score: $nq/$nq ($nq of $nq questions right)\$" "$tmp/g" ||
                no "$p seed $s $m: not 'score: $nq/$nq' but '$(tail -n 1 "$tmp/g")'"
        done
    done
done
end

begin "quiz: errors"
for bad in "--profile nope" "--profile shell" "--questions 0" "--questions 101" "--seed x" "-v" \
    "--format json" "some.trace" "--frames 0" "--arch nope" "--procs"; do
    # shellcheck disable=SC2086
    run quiz $bad
    [ $rc = 2 ] || no "'$bad': exit $rc, want 2"
    grep -q "^vmsim: error: " "$tmp/err" || no "'$bad': no error message"
    [ -s "$tmp/out" ] && no "'$bad': output on stdout"
done
run quiz --help
status 0
out_has "usage: vmsim quiz"
end

# ---- grade --answers ----------------------------------------------------------------
begin "grade --answers: tolerant reading, per-question report, exit 1"
run quiz --seed 3 --questions 4 -c
answers_of "$tmp/out" >"$tmp/key"
{
    sed -n '1s/^Q1: /  q1 =  /p' "$tmp/key"
    sed -n '2s/^Q2: /2) /p' "$tmp/key"
    echo "# a comment"
    echo "Q3: not a number"
} >"$tmp/ans"
run grade --seed 3 --questions 4 --answers "$tmp/ans"
status 1
out_has "PASS 1/1  Q1 ("
out_has "PASS 1/1  Q2 ("
out_has "FAIL 0/1  Q3 ("
out_has "could not read it: write PARENT-CHILD pairs"
out_has "FAIL 0/1  Q4 ("
out_has "no answer (write a line Q4: ANSWER)"
out_has "score: 2/4 (2 of 4 questions right)"
run grade --seed 3 --questions 4 --answers "$tmp/key" --format gradescope -o "$tmp/r.json"
status 0
[ -s "$tmp/out" ] && no "stdout not empty with -o"
check_gradescope "$tmp/r.json"
run grade --seed 3 --questions 4 --answers "$tmp/ans" --format tap
check_tap "$tmp/out"
end

begin "grade --answers: a missing answers file scores 0"
run grade --seed 3 --answers "$tmp/none.txt" --format gradescope
status 1
check_gradescope "$tmp/out"
out_has "cannot read"
end

# ---- grade --tests ------------------------------------------------------------------
begin "grade: the sample submission scores full marks"
run grade --trace $hw/sample-submission.trace --tests $hw/tests.vmt
status 0
out_has "score: 12/12 (8 of 8 tests passed)"
end

begin "grade: the wrong submission, in the three formats"
run grade --trace $hw/wrong-submission.trace --tests $hw/tests.vmt
status 1
out_has "score: 6/12 (4 of 8 tests passed)"
out_has "FAIL 0/1  step 7: the child exits and is reaped"
out_has "     failed: proc 2 state == gone (actual zombie)"
run grade --trace $hw/wrong-submission.trace --tests $hw/tests.vmt --format gradescope
status 1
check_gradescope "$tmp/out"
out_has '"visibility": "after_published"'
out_has '"score": 6,'
run grade --trace $hw/wrong-submission.trace --tests $hw/tests.vmt --format=tap
status 1
check_tap "$tmp/out"
grep -q '^not ok 5 - step 6: ' "$tmp/out" || no "test 5 not failed in TAP"
run grade --trace $hw/wrong-submission.trace --tests $hw/tests.vmt --format tap -o "$tmp/r.tap"
status 1
check_tap "$tmp/r.tap"
end

begin "grade: a trace error scores 0 everywhere, shown in every test"
printf 'spawn 1 app\nfrok 1 2\n' >"$tmp/bad.trace"
run grade --trace "$tmp/bad.trace" --tests $hw/tests.vmt --format gradescope
status 1
check_gradescope "$tmp/out"
out_has '"score": 0,'
[ "$(grep -c 'bad.trace:2: error: unknown keyword' "$tmp/out")" -ge 8 ] || no "the error is not in every test"
end

begin "grade: unreadable, binary and non-UTF-8 submissions give valid reports"
run grade --trace "$tmp/nothing.trace" --tests $hw/tests.vmt --format gradescope
status 1
check_gradescope "$tmp/out"
out_has "cannot read"
printf 'spawn 1\nread 1 0x100 \033[2J\377\376\n' >"$tmp/junk.trace"
run grade --trace "$tmp/junk.trace" --tests $hw/tests.vmt --format gradescope
status 1
check_gradescope "$tmp/out"
grep -q "$(printf '\033')" "$tmp/out" && no "an escape byte reached the report"
run grade --trace "$tmp/junk.trace" --tests $hw/tests.vmt --format tap
check_tap "$tmp/out"
run grade --trace "$tmp/junk.trace" --tests $hw/tests.vmt
grep -q "$(printf '\033')" "$tmp/out" && no "an escape byte reached the text report"
end

begin "grade: the submission from standard input"
timeout 60 "$vm" grade --trace - --tests $hw/tests.vmt <$hw/sample-submission.trace >"$tmp/out" 2>"$tmp/err"
rc=$?
status 0
out_has "standard input graded with tests.vmt"
end

# a TESTS file of our own: marks, machines, visibility words, points
cat >"$tmp/t.vmt" <<'EOF'
flags --arch tiny --frames 16
test "visible" points=0.5
expect stat faults.total >= 1
test "due" points=2 after_due_date
test "never" points=1 visibility=hidden flags="--fork copy --zero-page=on"
expect stat memory.pages_copied == 0
test "published # hash" hidden
at here
expect proc 1 state == running
EOF
printf 'spawn 1\nmmap 1 0x1000 1p rw- private\nread 1 0x1000\nmark here\n' >"$tmp/s.trace"
begin "grade: our own TESTS file: points, visibility, flags, marks"
run grade --trace "$tmp/s.trace" --tests "$tmp/t.vmt" --format gradescope
status 0
check_gradescope "$tmp/out"
for v in visible after_due_date hidden after_published; do
    out_has "\"visibility\": \"$v\""
done
out_has '"score": 4.5,'
run grade --trace "$tmp/s.trace" --tests "$tmp/t.vmt" --format tap
check_tap "$tmp/out"
out_has 'ok 4 - published \# hash'
end

begin "grade: errors of the command line and of the TESTS file (exit 2)"
run grade --trace "$tmp/s.trace"
status 2
err_has "give both --trace SUBMISSION and --tests TESTS"
run grade
status 2
run grade --trace "$tmp/s.trace" --tests "$tmp/t.vmt" --format json
status 2
err_has "--format takes text, gradescope or tap"
run grade --trace "$tmp/s.trace" --tests "$tmp/t.vmt" --seed 3
status 2
run grade --trace "$tmp/s.trace" --tests "$tmp/t.vmt" --answers "$tmp/a"
status 2
run grade --seed 3 --answers "$tmp/a" -c
status 2
run grade --trace "$tmp/s.trace" --tests "$tmp/nothing.vmt"
status 2
err_has "cannot read"
printf 'test a\nexpect stat no.such == 1\n' >"$tmp/e.vmt"
run grade --trace "$tmp/s.trace" --tests "$tmp/e.vmt"
status 2
err_has "e.vmt:2: error: unknown stat 'no.such'"
[ -s "$tmp/out" ] && no "a report despite the error"
printf 'test a flags="-v"\n' >"$tmp/e.vmt"
run grade --trace "$tmp/s.trace" --tests "$tmp/e.vmt"
status 2
err_has "'-v' is not an option of the machine"
printf 'test a flags="--fork spoon"\n' >"$tmp/e.vmt"
run grade --trace "$tmp/s.trace" --tests "$tmp/e.vmt"
status 2
err_has "--fork takes cow, copy or sharept"
printf 'test a flags="--frames 2M"\n' >"$tmp/e.vmt"
run grade --trace "$tmp/s.trace" --tests "$tmp/e.vmt"
status 2
err_has "(--max-frames)"
printf 'test a\nexpect\n' >"$tmp/e.vmt"
run grade --trace "$tmp/s.trace" --tests "$tmp/e.vmt"
status 2
err_has "e.vmt:2: error: "
run grade --trace "$tmp/s.trace" --tests "$tmp/t.vmt" --max-events lots
status 2
run grade --trace "$tmp/s.trace" --tests "$tmp/t.vmt" --timeout -1
status 2
run grade --trace "$tmp/s.trace" --tests "$tmp/t.vmt" -o "$tmp/no/such/dir/r.json"
status 2
run grade --help
status 0
out_has "usage: vmsim grade"
end

begin "grade: limits given on the command line"
run grade --trace $hw/sample-submission.trace --tests $hw/tests.vmt --max-events 3
status 1
out_has "more than 3 events (--max-events)"
run grade --trace $hw/sample-submission.trace --tests $hw/tests.vmt --max-size 100
status 1
out_has "is larger than 100 bytes (--max-size)"
run grade --trace $hw/sample-submission.trace --tests $hw/tests.vmt --max-line 20
status 1
out_has "line longer than 20 bytes"
run grade --trace $hw/sample-submission.trace --tests $hw/tests.vmt --max-procs 1
out_has "(limit 1, --max-procs)"
run grade --trace $hw/sample-submission.trace --tests $hw/tests.vmt --max-events 0 --max-size 0 --timeout 0
status 0
end

# ---- the example assignment's wiring -----------------------------------------------
begin "run_autograder: results.json for a good, a wrong and a missing answer"
ag=$tmp/ag
mkdir -p "$ag/source" "$ag/submission"
cp $hw/tests.vmt "$ag/source/"
for case in sample wrong missing; do
    rm -f "$ag/submission/answer.trace" "$ag/results/results.json"
    [ $case = missing ] || cp "$hw/$case-submission.trace" "$ag/submission/answer.trace"
    AUTOGRADER=$ag VMSIM=$vm sh $hw/run_autograder >"$tmp/out" 2>"$tmp/err" || no "$case: run_autograder failed"
    [ -f "$ag/results/results.json" ] || { no "$case: no results.json"; continue; }
    check_gradescope "$ag/results/results.json"
    case $case in
    sample) grep -q '"score": 12,' "$ag/results/results.json" || no "sample: not 12" ;;
    wrong) grep -q '"score": 6,' "$ag/results/results.json" || no "wrong: not 6" ;;
    missing) grep -q '"score": 0,' "$ag/results/results.json" || no "missing: not 0" ;;
    esac
done
printf 'test a\nexpect nonsense\n' >"$ag/source/tests.vmt"
rm -f "$ag/results/results.json"
AUTOGRADER=$ag VMSIM=$vm sh $hw/run_autograder >"$tmp/out" 2>"$tmp/err" && no "a broken tests.vmt passed"
[ -f "$ag/results/results.json" ] && no "results.json from a broken tests.vmt"
end

begin "the Makefile grader: reports and grades.csv"
sub=$tmp/subs
mkdir -p "$sub/ada" "$sub/bob" "$sub/cy"
cp $hw/sample-submission.trace "$sub/ada/answer.trace"
cp $hw/wrong-submission.trace "$sub/bob/answer.trace"
printf 'spawn 1\nfrok 1 2\n' >"$sub/cy/answer.trace"
bin=$tmp/bin
mkdir -p "$bin"
ln -s "$vm" "$bin/vmsim"
if PATH="$bin:$PATH" make --no-print-directory -f $hw/Makefile SUBMISSIONS="$sub" GRADES="$tmp/grades.csv" \
    >"$tmp/out" 2>"$tmp/err"; then
    printf 'student,score,max_score\nada,12,12\nbob,6,12\ncy,0,12\n' >"$tmp/want.csv"
    cmp -s "$tmp/grades.csv" "$tmp/want.csv" || no "grades.csv: $(tr '\n' ' ' <"$tmp/grades.csv")"
    for s in ada bob cy; do check_tap "$sub/$s/report.tap"; done
else
    no "make failed"
fi
end

echo "grade: $pass passed, $fail failed"
[ "$fail" = 0 ]
