#!/bin/sh
# grade.sh VMSIM -- vmsim quiz and vmsim grade from the outside: quizzes are
# the same for the same options and can be made again from their ARG lines,
# every answer key grades as full marks, reports keep to the Gradescope
# results.json fields and to TAP (13, read by prove, and 14), errors have the right exit
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
err_lacks() { ! grep -qF -- "$1" "$tmp/err" || no "stderr has '$1'"; }

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

# check_tap FILE [VERSION]: TAP syntax (version 13 unless told): the version line, one plan, test
# points numbered from 1 that match it, YAML blocks indented between "  ---"
# and "  ...", comments; nothing else
check_tap() {
    msg=$(awk -v version="${2:-13}" '
        function bad(m) { print m " (line " NR ")"; err = 1; exit 1 }
        NR == 1 { if ($0 != "TAP version " version) bad("no version line"); next }
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

# check_prove FILE PASS: Perl's prove reads the TAP report without a parse error, and
# passes it when PASS is 1
check_prove() {
    command -v prove >/dev/null 2>&1 || return 0
    prove --exec cat "$1" >"$tmp/prove" 2>&1
    prc=$?
    grep -q "Parse errors" "$tmp/prove" && no "prove: $(grep 'Parse errors' "$tmp/prove")"
    [ "$2" = 1 ] && [ $prc != 0 ] && no "prove fails a report that passes"
    [ "$2" = 0 ] && [ $prc = 0 ] && no "prove passes a report that fails"
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
    for m in "" "--fork copy" "--fork sharept --zero-page" "--linux --pt-frames" "--oom fail" "--swap 16p --policy lru"; do
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

# ---- the policy quiz ------------------------------------------------------------
# policy_answers FILE: the answers of a policy quiz printed with -c, from its table
policy_answers() {
    awk '/^Q[0-9]+\. +Access: / {
        n = substr($1, 2); sub(/\.$/, "", n)
        r = $0; sub(/.*Replaced:/, "", r); sub(/ .*/, "", r)
        if ($4 == "HIT") print "Q" n ": hit"; else if (r == "-") print "Q" n ": miss"; else print "Q" n ": miss, replaced " r
    }' "$1"
}

begin "policy quiz: every answer key scores full marks, from the options or the ARG lines"
for m in "" "--policy fifo" "--policy lru" "--policy clock" "--policy opt" "--policy random" "--frames 5 --length 20" \
    "--string 7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1 --policy lru" "--writes 0.5 --arch tiny"; do
    for s in 1 2 3 4; do
        # shellcheck disable=SC2086
        if ! "$vm" quiz --profile policy --seed $s $m -c >"$tmp/q" 2>"$tmp/err"; then
            no "quiz --profile policy --seed $s $m failed: $(head -n 1 "$tmp/err")"
            continue
        fi
        policy_answers "$tmp/q" >"$tmp/a"
        nq=$(wc -l <"$tmp/a")
        [ "$nq" -ge 12 ] || no "quiz --profile policy --seed $s $m: $nq answers"
        grep -q "^FINALSTATS hits [0-9]*   misses [0-9]*   hitrate [0-9.]*\$" "$tmp/q" || no "$s $m: no FINALSTATS line"
        # shellcheck disable=SC2086
        "$vm" grade --profile policy --seed $s $m --answers "$tmp/a" >"$tmp/g" 2>"$tmp/err"
        grep -q "^score: $nq/$nq ($nq of $nq questions right)\$" "$tmp/g" ||
            no "policy seed $s $m: not 'score: $nq/$nq' but '$(tail -n 1 "$tmp/g")'"
        # the ARG lines alone choose the same quiz
        { grep '^ARG' "$tmp/q"; cat "$tmp/a"; } >"$tmp/a2"
        "$vm" grade --answers "$tmp/a2" >"$tmp/g" 2>"$tmp/err"
        grep -q "^score: $nq/$nq " "$tmp/g" || no "policy seed $s $m, by its ARG lines: '$(tail -n 1 "$tmp/g")'"
    done
done
# a wrong victim, and a miss without its victim, score 0
"$vm" quiz --profile policy --seed 2 --policy fifo -c >"$tmp/q"
policy_answers "$tmp/q" | sed -e 's/replaced \([0-9]*\)$/replaced 9\1/' -e 's/: miss$/: hit/' >"$tmp/a"
"$vm" grade --profile policy --seed 2 --policy fifo --answers "$tmp/a" >"$tmp/g"
[ $? = 1 ] || no "wrong answers exit 0"
grep -q '^score: [0-9]*/12 ' "$tmp/g" || no "no score line"
grep -q '^score: 12/12 ' "$tmp/g" && no "wrong victims scored full marks"
end

begin "quiz: with swap, the ARG lines name it, and make the same quiz"
run quiz --seed 6 --profile pressure --swap 8p --policy opt -c
status 0
out_has "ARG swap 8p"
out_has "ARG policy opt"
out_has "The machine: --arch tiny --frames 12 --swap 8p --policy opt"
cp "$tmp/out" "$tmp/q1"
# shellcheck disable=SC2046
run quiz $(sed -n 's/^ARG \([^ ]*\) \(.*\)$/--\1 \2/p' "$tmp/q1") -c
cmp -s "$tmp/out" "$tmp/q1" || no "the ARG lines do not make the same quiz"
end

begin "policy quiz: made again from its ARG lines; errors"
run quiz --profile policy --seed 8 --policy random
status 0
out_has "--policy random --seed 8"
cp "$tmp/out" "$tmp/q1"
# shellcheck disable=SC2046
run quiz $(sed -n 's/^ARG \([^ ]*\) \(.*\)$/--\1 \2/p' "$tmp/q1")
cmp -s "$tmp/out" "$tmp/q1" || no "the ARG lines do not make the same quiz"
for bad in "--questions 3" "--fork copy" "--zero-page" "--swap 1M" "--length 101" "--string 1,x" "--policy mru"; do
    # shellcheck disable=SC2086
    run quiz --profile policy $bad
    [ $rc = 2 ] || no "'$bad': exit $rc, want 2"
    grep -q "^vmsim: error: " "$tmp/err" || no "'$bad': no error message"
    [ -s "$tmp/out" ] && no "'$bad': output on stdout"
done
end

# ---- the tlb quiz ----------------------------------------------------------------
# tlb_answers FILE: the answers of a tlb quiz printed with -c, from its table
tlb_answers() {
    awk '/^Q[0-9]+\. +Line +[0-9]+: / {
        n = substr($1, 2); sub(/\.$/, "", n)
        print "Q" n ": " ($0 ~ / HIT  / ? "hit" : "miss")
    }' "$1"
}

begin "tlb quiz: every answer key scores full marks, from the options or the ARG lines"
for m in "" "--tlb 4" "--tlb 4 --tlb-ways 1 --asid" "--tlb 8 --tlb-ways 2" "--tlb 2 --asid on" \
    "--pages 0 --turns 9 --turn-pages 3" "--arch x86_64 --trials 3" "--tlb 4 --asid off --pages 6 --turns 0"; do
    for s in 1 2 3 4 5 6; do
        # shellcheck disable=SC2086
        if ! "$vm" quiz --profile tlb --seed $s $m -c >"$tmp/q" 2>"$tmp/err"; then
            no "quiz --profile tlb --seed $s $m failed: $(head -n 1 "$tmp/err")"
            continue
        fi
        tlb_answers "$tmp/q" >"$tmp/a"
        nq=$(wc -l <"$tmp/a")
        [ "$nq" -ge 6 ] || no "quiz --profile tlb --seed $s $m: $nq answers"
        hits=$(grep -c '^hit' "$tmp/a")
        grep -q "^FINALSTATS hits [0-9]*   misses [0-9]*   hitrate [0-9.]*\$" "$tmp/q" || no "$s $m: no FINALSTATS line"
        # shellcheck disable=SC2086
        "$vm" grade --profile tlb --seed $s $m --answers "$tmp/a" >"$tmp/g" 2>"$tmp/err"
        grep -q "^score: $nq/$nq ($nq of $nq questions right)\$" "$tmp/g" ||
            no "tlb seed $s $m: not 'score: $nq/$nq' but '$(tail -n 1 "$tmp/g")'"
        # the ARG lines alone choose the same quiz
        { grep '^ARG' "$tmp/q"; cat "$tmp/a"; } >"$tmp/a2"
        "$vm" grade --answers "$tmp/a2" >"$tmp/g" 2>"$tmp/err"
        grep -q "^score: $nq/$nq " "$tmp/g" || no "tlb seed $s $m, by its ARG lines: '$(tail -n 1 "$tmp/g")'"
        # and the same quiz, printed again from them
        # shellcheck disable=SC2046
        "$vm" quiz $(sed -n 's/^ARG \([^ ]*\) \(.*\)$/--\1 \2/p' "$tmp/q") -c >"$tmp/q2" 2>"$tmp/err"
        cmp -s "$tmp/q" "$tmp/q2" || no "tlb seed $s $m: the ARG lines do not make the same quiz"
    done
done
# every answer turned around scores 0
"$vm" quiz --profile tlb --seed 2 -c >"$tmp/q"
tlb_answers "$tmp/q" | sed -e 's/: hit$/: x/' -e 's/: miss$/: hit/' -e 's/: x$/: miss/' >"$tmp/a"
"$vm" grade --profile tlb --seed 2 --answers "$tmp/a" >"$tmp/g"
[ $? = 1 ] || no "wrong answers exit 0"
grep -q '^score: 0/[0-9]* ' "$tmp/g" || no "turned-around answers: '$(tail -n 1 "$tmp/g")'"
end

begin "tlb quiz: the machine it says, the run it answers for; errors"
run quiz --profile tlb --seed 5 --tlb 4 --tlb-ways 2 -c
status 0
out_has "The machine: --arch tiny --frames 64 --tlb 4 --tlb-ways 2"
out_has "2 sets of 2 ways"
grep -c ' HIT ' "$tmp/out" >"$tmp/n"
flags=$(sed -n 's/^The machine: //p' "$tmp/out")
# the hits of the table are the hits of vmsim run on that machine
sed -n '/^The trace:/,/^Say/p' "$tmp/out" | sed -n 's/^ *[0-9][0-9]*  //p' >"$tmp/t.trace"
# shellcheck disable=SC2086
hits=$("$vm" run --format csv $flags "$tmp/t.trace" | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "tlb.hits") c = i; next } { print $c }')
[ "$hits" = "$(cat "$tmp/n")" ] || no "vmsim run: $hits tlb hits, the table $(cat "$tmp/n")"
for bad in "--questions 3" "--fork copy" "--zero-page" "--swap 1M" "--pages 60" "--tlb 4 --tlb-ways 3" \
    "--pages 50 --trials 3 --frames 100" "--tlb 0"; do
    # shellcheck disable=SC2086
    run quiz --profile tlb $bad
    [ $rc = 2 ] || no "'$bad': exit $rc, want 2"
    grep -q "^vmsim: error: " "$tmp/err" || no "'$bad': no error message"
    [ -s "$tmp/out" ] && no "'$bad': output on stdout"
done
run quiz --profile tlb --tlb 0
grep -q "the tlb quiz needs a TLB" "$tmp/err" || no "--tlb 0: $(head -n 1 "$tmp/err")"
# --asid alone: the TLB drawn, with or without tags as given (the seed draws them on)
for a in "--asid:on" "--asid=on:on" "--asid=off:off"; do
    run quiz --profile tlb --seed 2 "${a%%:*}"
    [ $rc = 0 ] && grep -qx "ARG asid ${a##*:}" "$tmp/out" || no "'${a%%:*}': exit $rc, $(grep '^ARG asid' "$tmp/out")"
done
# the other quizzes ask nothing of a TLB: its options are refused, not lost
for p in cow policy; do
    run quiz --profile $p --tlb 4
    [ $rc = 2 ] && grep -q "options of the TLB quiz" "$tmp/err" || no "quiz --profile $p --tlb 4: exit $rc"
done
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

begin "grade --answers: answers in words, as people write them"
printf 'Q1: two references\nQ2: 1 1/2 pages\nQ3: 0-1, 1-2\nQ4: four frames.\n' >"$tmp/words"
run grade --seed 3 --questions 4 --answers "$tmp/words"
status 0
out_has "score: 4/4"
printf 'Q1: 2 bananas\n' >"$tmp/words"
run grade --seed 3 --questions 4 --answers "$tmp/words"
status 1
out_has "could not read it: write a number (2, two or refcount 2)"
end

begin "grade --answers: the ARG lines of the answers file choose the quiz"
run quiz --seed 5 --profile forktree --questions 3 -c
{ grep '^ARG ' "$tmp/out"; answers_of "$tmp/out"; } >"$tmp/args-ans"
# without options: the ARG lines' quiz, not the default profile's
run grade --answers "$tmp/args-ans"
status 0
out_has "args-ans graded against vmsim quiz --seed 5 --profile forktree --arch tiny --frames 24"
out_has "--oom kill --fault-around 1 --exclusive-reuse off --anon-vma off --questions 3"
out_has "score: 3/3"
grep -q "note:" "$tmp/out" && no "ARG lines noted as answers"
# options that agree with them (written otherwise) are fine
run grade --seed 0x5 --profile forktree --zero-page=off --answers "$tmp/args-ans"
status 0
# options that disagree are an error naming the line
run grade --seed 6 --answers "$tmp/args-ans"
status 2
err_has "args-ans:1: error: ARG seed 5, but the command line makes it 6"
run grade --profile cow --answers "$tmp/args-ans"
status 2
err_has "args-ans:2: error: ARG profile forktree, but the command line makes it cow"
run grade --linux --answers "$tmp/args-ans"
status 2
err_has "ARG zero-page off, but the command line makes it on"
# an ARG line that is not NAME VALUE, or names no option
printf 'ARG seed\nQ1: 2\n' >"$tmp/bad-args"
run grade --answers "$tmp/bad-args"
status 2
err_has "bad-args:1: error: an ARG line is ARG NAME VALUE"
printf 'ARG colour blue\nQ1: 2\n' >"$tmp/bad-args"
run grade --answers "$tmp/bad-args"
status 2
err_has "bad-args:1: error: profile 'cow' has no parameter --colour"
# an ARG line's bad value, or one that clashes with the lines above it: its own line
printf 'ARG seed 3\nARG profile policy\nARG frames x3\nQ1: miss\n' >"$tmp/bad-args"
run grade --answers "$tmp/bad-args"
status 2
err_has "bad-args:3: error: --frames: bad number 'x3'"
printf 'ARG seed 3\nARG profile policy\nARG length 12\nARG questions 3\nARG colour blue\n' >"$tmp/bad-args"
run grade --answers "$tmp/bad-args"
status 2
err_has "bad-args:4: error: the policy quiz asks one question per access"
printf 'ARG seed 3\nARG profile policy\nARG colour blue\n' >"$tmp/bad-args"
run grade --answers "$tmp/bad-args"
status 2
err_has "bad-args:3: error: profile 'policy' has no parameter --colour"
grep -q "refstring\|^vmsim:" "$tmp/err" && no "an ARG line's error names gen's profile, or is not FILE:LINE: error:"
# ARG lines are judged over the command line's --profile when they name none
printf 'ARG pages 5\nQ1: hit\n' >"$tmp/cl-prof"
run grade --profile policy --seed 3 --answers "$tmp/cl-prof"
status 1
out_has "--profile policy"
grep -q "no parameter" "$tmp/err" && no "ARG pages judged under the default profile"
# a name given again: its last line counts, and many lines are read in linear time
i=0; while [ $i -lt 20000 ]; do echo "ARG questions 7"; i=$((i + 1)); done >"$tmp/many-args"
echo "ARG frobs 0" >>"$tmp/many-args"
run grade --answers "$tmp/many-args"
status 2
err_has "many-args:20001: error: profile 'cow' has no parameter --frobs"
printf 'ARG seed 4\nARG questions 2\nARG seed 3\n' >"$tmp/again-args"
run grade --answers "$tmp/again-args"
status 1
out_has "graded against vmsim quiz --seed 3 "
# the quiz of an answers file stays within the grader's limits
printf 'ARG events 100000\nARG frames 65536\nARG arch x86_64\n' >"$tmp/big-args"
run grade --seed 4321 --profile forktree --answers "$tmp/big-args" --max-events 1000 --timeout 1
status 2
err_has "big-args:1: error: ARG events 100000 is more than the grader takes (--max-events 1000)"
printf 'ARG events 50000\nARG frames 65536\nARG arch x86_64\n' >"$tmp/big-args"
run grade --seed 4321 --profile forktree --answers "$tmp/big-args" --timeout 1
status 2
err_has "vmsim: error: making the quiz took more processor time than --timeout gives"
err_lacks "line "
# and within --max-memory: what the quiz keeps of each line, not only its model
printf 'ARG events 20000\nARG procs 1000\nARG frames 65536\n' >"$tmp/wide-args"
run grade --answers "$tmp/wide-args" --timeout 0 --max-memory 16M
status 2
err_has "vmsim: error: making the quiz needs more than 16777216 bytes of memory (--max-memory)"
err_lacks "line "
# without ARG lines, the command line alone, and the report names every option
answers_of "$tmp/out" >/dev/null
run grade --seed 3 --questions 4 --answers "$tmp/key"
out_has "key graded against vmsim quiz --seed 3 --profile cow --arch tiny --frames 24 --procs 3 --events 12 --fork cow --zero-page off --lazy-fork off --pt-frames off --oom kill --fault-around 1 --exclusive-reuse off --anon-vma off --questions 4"
end

begin "grade --answers --reveal: the answers in one item of their own visibility"
printf 'Q1: 2\nQ2: 3\n' >"$tmp/half"
run grade --seed 3 --questions 4 --answers "$tmp/half" --reveal after_published --format gradescope
status 1
check_gradescope "$tmp/out"
if [ -n "$python" ]; then
    "$python" - "$tmp/out" <<'PY' >"$tmp/py" 2>&1 || no "gradescope: $(tail -n 1 "$tmp/py")"
import json, sys
d = json.load(open(sys.argv[1]))
t = d["tests"]
assert len(t) == 5, len(t)
for q in t[:4]:
    assert q["visibility"] == "visible" and "the answer:" not in q["output"] and "because:" not in q["output"], q
    assert "your answer" in q["output"] or "no answer" in q["output"], q
a = t[4]
assert a["visibility"] == "after_published" and a["max_score"] == 0 and a["score"] == 0, a
assert "Q2: 1.500" in a["output"] and "because: " in a["output"], a
assert d["score"] == 1, d["score"]
PY
fi
run grade --seed 3 --questions 4 --answers "$tmp/half" --reveal after_due_date
out_has "INFO      the answers and their reasons (after_due_date)"
out_has "score: 1/4 (1 of 4 questions right)"
run grade --seed 3 --questions 4 --answers "$tmp/half" --reveal hidden --format tap
check_tap "$tmp/out"
check_prove "$tmp/out" 0
out_has "# the answers and their reasons (hidden):"
grep -q '^1\.\.4$' "$tmp/out" || no "the answers counted as a test point"
# all right: exit 0 though the answers item is there
run quiz --seed 3 --questions 4 -c
answers_of "$tmp/out" >"$tmp/key4"
run grade --seed 3 --questions 4 --answers "$tmp/key4" --reveal after_published
status 0
out_has "score: 4/4 (4 of 4 questions right)"
# --with-quiz: the quiz first, without the way to print its answers
run grade --seed 3 --questions 4 --answers "$tmp/half" --with-quiz
out_has "ARG seed 3"
out_has "    1  program app"
out_has "Q4. How many frames are in use after line 13?"
out_has "Answer each question on a line of your answers file (Q1: ANSWER)"
grep -q -- "-c prints the answers" "$tmp/out" && no "--with-quiz says how to print the answers"
run grade --seed 3 --answers "$tmp/half" --reveal later
status 2
err_has "--reveal takes visible, after_due_date, after_published or hidden"
run grade --trace $hw/sample-submission.trace --tests $hw/tests.vmt --reveal after_published
status 2
err_has "--reveal is for grade --answers"
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
check_prove "$tmp/r.tap" 0
run grade --trace $hw/sample-submission.trace --tests $hw/tests.vmt --format tap -o "$tmp/r.tap"
status 0
check_tap "$tmp/r.tap"
check_prove "$tmp/r.tap" 1
run grade --trace $hw/wrong-submission.trace --tests $hw/tests.vmt --format tap14
status 1
check_tap "$tmp/out" 14
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
mkdir -p "$tmp/empty"
run grade --trace "$tmp/empty/nothing.trace" --tests $hw/tests.vmt --format gradescope
status 1
check_gradescope "$tmp/out"
out_has "cannot read"
out_has "(its folder is empty)"
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

begin "grade: a submission under another name"
mkdir -p "$tmp/up1" "$tmp/up2"
cp $hw/sample-submission.trace "$tmp/up1/Answer.trace"
echo notes >"$tmp/up1/notes.txt"
run grade --trace "$tmp/up1/answer.trace" --tests $hw/tests.vmt
status 0
out_has "Answer.trace graded with tests.vmt"
out_has "note: there is no answer.trace; Answer.trace, the only .trace file beside it, is graded instead"
out_has "score: 12/12"
# two .trace files, or none: 0 points, and the report lists what was handed in
cp $hw/wrong-submission.trace "$tmp/up1/wrong.trace"
run grade --trace "$tmp/up1/answer.trace" --tests $hw/tests.vmt --format gradescope
status 1
check_gradescope "$tmp/out"
out_has "No such file or directory (its folder holds: Answer.trace, notes.txt, wrong.trace)"
echo notes >"$tmp/up2/answer.txt"
run grade --trace "$tmp/up2/answer.trace" --tests $hw/tests.vmt
status 1
out_has "(its folder holds: answer.txt)"
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
test "published # hash" after_published
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
check_prove "$tmp/out" 1
out_has 'ok 4 - published \# hash'
end

begin "grade: the test's machine, whatever the submission's options lines say"
printf 'flags --arch tiny --frames 16\ntest "cow"\nexpect stat config.fork == cow\nexpect stat config.frames == 16\nexpect stat memory.pages_copied == 0\ntest "copy" flags="--fork copy"\nexpect stat memory.pages_copied == 1\n' >"$tmp/m.vmt"
printf 'options --arch x86_64 --frames 3 --fork copy\nspawn 1\nmmap 1 0x1000 1p rw- private\nwrite 1 0x1000 1\nfork 1 2\n' >"$tmp/m.trace"
run grade --trace "$tmp/m.trace" --tests "$tmp/m.vmt"
status 0
out_has "score: 2/2"
printf 'options --fork spoon\nspawn 1\n' >"$tmp/m.trace"
run grade --trace "$tmp/m.trace" --tests "$tmp/m.vmt"
status 1
out_has "m.trace:1: error: --fork takes cow, copy or sharept, not 'spoon'"
out_has "score: 0/2"
end

begin "grade: visibility words, hidden alone warns, --visible-only"
printf 'test a visible\ntest b after_published\ntest c hidden\ntest d visibility=hidden\ntest e after_due_date\n' \
    >"$tmp/vis.vmt"
run grade --trace "$tmp/s.trace" --tests "$tmp/vis.vmt" --format gradescope
status 0
err_has "vis.vmt:3: warning: 'hidden' now means Gradescope's hidden, never shown to students"
[ "$(grep -c warning "$tmp/err")" = 1 ] || no "not one warning"
tr -d ' \n' <"$tmp/out" >"$tmp/flat"
for tv in a:visible b:after_published c:hidden d:hidden e:after_due_date; do
    grep -q "\"name\":\"${tv%%:*}\",.*\"visibility\":\"${tv#*:}\"" "$tmp/flat" || no "test ${tv%%:*} not ${tv#*:}"
done
run grade --trace "$tmp/s.trace" --tests "$tmp/vis.vmt" --visible-only
status 0
out_has "4 tests not run here (--visible-only): 1 after_published, 1 after_due_date, 2 hidden"
out_has "PASS 1/1  a"
grep -q "  [bcde]\$" "$tmp/out" && no "a test that is not visible was run"
out_has "score: 1/1 (1 of 1 test passed)"
end

begin "grade: errors of the command line and of the TESTS file (exit 2)"
run grade --trace "$tmp/s.trace"
status 2
err_has "give both --trace SUBMISSION and --tests TESTS"
run grade
status 2
run grade --trace "$tmp/s.trace" --tests "$tmp/t.vmt" --format json
status 2
err_has "--format takes text, gradescope, tap (version 13) or tap14"
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
# a word the field can never be: without the error every submission would fail it
printf 'test a\n\nexpect proc 2 state == gnoe\n' >"$tmp/e.vmt"
run grade --trace "$tmp/s.trace" --tests "$tmp/e.vmt"
status 2
err_has "e.vmt:3: error: state is never 'gnoe': it is one of running, suspended, zombie or gone"
printf 'test a\nexpect page 1 0x1000 kind == anonymous\n' >"$tmp/e.vmt"
run grade --trace "$tmp/s.trace" --tests "$tmp/e.vmt"
status 2
err_has "e.vmt:2: error: kind is never 'anonymous'"
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
err_has "e.vmt:1: error: test \"a\" has 2097152 frames, more than 1048576 (--max-frames)"
printf '# a machine too large from the flags line\nflags --frames 2M\ntest a\n' >"$tmp/e.vmt"
run grade --trace "$tmp/s.trace" --tests "$tmp/e.vmt"
status 2
err_has "e.vmt:2: error: test \"a\" has 2097152 frames"
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
for case in sample wrong missing renamed; do
    rm -f "$ag/submission/"* "$ag/results/results.json"
    case $case in
    missing) echo "my answer" >"$ag/submission/answer.txt" ;;
    renamed) cp "$hw/sample-submission.trace" "$ag/submission/Answer.trace" ;;
    *) cp "$hw/$case-submission.trace" "$ag/submission/answer.trace" ;;
    esac
    AUTOGRADER=$ag VMSIM=$vm sh $hw/run_autograder >"$tmp/out" 2>"$tmp/err" || no "$case: run_autograder failed"
    [ -f "$ag/results/results.json" ] || { no "$case: no results.json"; continue; }
    check_gradescope "$ag/results/results.json"
    case $case in
    sample) grep -q '"score": 12,' "$ag/results/results.json" || no "sample: not 12" ;;
    wrong) grep -q '"score": 6,' "$ag/results/results.json" || no "wrong: not 6" ;;
    missing) grep -q '"score": 0,' "$ag/results/results.json" || no "missing: not 0"
        grep -q 'its folder holds: answer.txt' "$ag/results/results.json" || no "missing: the folder not listed" ;;
    renamed) grep -q '"score": 12,' "$ag/results/results.json" || no "renamed: not 12" ;;
    esac
done
printf 'test a\nexpect nonsense\n' >"$ag/source/tests.vmt"
rm -f "$ag/results/results.json"
AUTOGRADER=$ag VMSIM=$vm sh $hw/run_autograder >"$tmp/out" 2>"$tmp/err" && no "a broken tests.vmt passed"
[ -f "$ag/results/results.json" ] && no "results.json from a broken tests.vmt"
end

begin "the quiz autograder: a seed per student from the submission's metadata"
ag=$tmp/qag
mkdir -p "$ag/submission"
cat >"$ag/submission_metadata.json" <<'EOF'
{
  "id": 123456,
  "assignment": {"id": 25828, "course_id": 1234, "title": "Quiz 1"},
  "submission_method": "upload",
  "users": [
    {"email": "student@example.com", "id": 4321, "name": "Student User"},
    {"email": "other@example.com", "id": 8765, "name": "Other User"}
  ],
  "previous_submissions": []
}
EOF
qag() { AUTOGRADER=$ag VMSIM=$vm sh $hw/quiz/run_autograder >"$tmp/out" 2>"$tmp/err" || no "run_autograder failed"; }
# the first submission, empty: 0 points, and the student's quiz (seed 4321) in the report
: >"$ag/submission/answers.txt"
qag
check_gradescope "$ag/results/results.json"
grep -q '"score": 0,' "$ag/results/results.json" || no "empty: not 0"
grep -q 'ARG seed 4321' "$ag/results/results.json" || no "empty: not the quiz of seed 4321"
grep -q '"visibility": "after_published"' "$ag/results/results.json" || no "empty: the answers are not after_published"
# the right answers, with the quiz's ARG lines: full marks
run quiz --seed 4321 --profile forktree --questions 7 -c
{ grep '^ARG' "$tmp/out"; answers_of "$tmp/out"; } >"$ag/submission/answers.txt"
qag
check_gradescope "$ag/results/results.json"
grep -q '"score": 7,' "$ag/results/results.json" || no "right: not 7"
# another student's quiz: 0, and why
sed 's/^ARG seed 4321$/ARG seed 8765/' "$ag/submission/answers.txt" >"$tmp/other" && cp "$tmp/other" "$ag/submission/answers.txt"
qag
check_gradescope "$ag/results/results.json"
grep -q '"score": 0,' "$ag/results/results.json" || no "another quiz: not 0"
grep -q 'ARG seed 8765, but the command line makes it 4321' "$ag/results/results.json" || no "another quiz: no reason"
# SEED_FROM=answers: the ARG lines choose
SEED_FROM=answers AUTOGRADER=$ag VMSIM=$vm sh $hw/quiz/run_autograder >"$tmp/out" 2>"$tmp/err"
check_gradescope "$ag/results/results.json"
grep -q 'vmsim quiz --seed 8765 --profile forktree' "$ag/results/results.json" || no "SEED_FROM=answers: not seed 8765"
# control bytes in an ARG line: an error at its line, and still a results.json that is JSON
printf 'ARG profile a\001b\033[2J\377\n' >"$ag/submission/answers.txt"
qag
check_gradescope "$ag/results/results.json"
grep -q '"score": 0,' "$ag/results/results.json" || no "control bytes: not 0"
grep -q 'answers.txt:1: error: an ARG line holds the byte 0x01' "$ag/results/results.json" || no "control bytes: no reason"
end

begin "answers: a byte order mark, negative numbers, pss within less than 0.001"
run quiz --seed 3 --questions 4 -c
answers_of "$tmp/out" >"$tmp/right"
{ printf '\357\273\277'; grep '^ARG' "$tmp/out"; cat "$tmp/right"; } >"$tmp/bom.txt"
run grade --answers "$tmp/bom.txt"
status 0
out_has "graded against vmsim quiz --seed 3 "
# Q1 is a refcount of 2, Q2 a pss of 1.500, Q4 4 frames (seed 3 with 4 questions)
grep -q '^Q1: 2$' "$tmp/right" && grep -q '^Q4: 4$' "$tmp/right" || no "the quiz of seed 3 changed: Q1 2, Q4 4 expected"
printf 'Q1: -2\nQ2: -3/2\nQ4: \342\210\2224\n' >"$tmp/neg.txt"
run grade --seed 3 --questions 4 --answers "$tmp/neg.txt"
status 1
out_has "score: 0/4"
for a in 1.501 1.499; do
    printf 'Q2: %s\n' $a >"$tmp/pss.txt"
    run grade --seed 3 --questions 4 --answers "$tmp/pss.txt"
    out_has "FAIL 0/1  Q2"
done
for a in 1.5009 1.4991 3/2; do
    printf 'Q2: %s\n' $a >"$tmp/pss.txt"
    run grade --seed 3 --questions 4 --answers "$tmp/pss.txt"
    out_has "PASS 1/1  Q2"
done
end

begin "bounds: a quiz's frames, an answers file's ARG frames, a TESTS file's size"
run quiz --frames 65537
status 2
err_has "vmsim: error: --frames: '65537' is more than a quiz takes (at most 65536 frames)"
[ -s "$tmp/out" ] && no "quiz --frames 65537: output on stdout"
printf 'ARG frames 300000000\nQ1: 1\n' >"$tmp/big-frames"
run grade --answers "$tmp/big-frames"
status 2
err_has "big-frames:1: error: --frames: '300000000' is more than a quiz takes (at most 65536 frames)"
run quiz --profile policy --frames 65536
status 0
printf 'spawn 1\n' >"$tmp/ok.trace"
head -c 16777217 /dev/zero >"$tmp/zeros.vmt"
run grade --trace "$tmp/ok.trace" --tests "$tmp/zeros.vmt"
status 2
err_has "zeros.vmt is larger than 16777216 bytes (a TESTS file's bound)"
rm -f "$tmp/zeros.vmt"
end

begin "TESTS: an error in the flags line names that line"
printf 'spawn 1\n' >"$tmp/ok.trace"
printf '# a comment\n\nflags --arch tiny --bogus\n\ntest "first"\n' >"$tmp/f1.vmt"
run grade --trace "$tmp/ok.trace" --tests "$tmp/f1.vmt"
status 2
err_has "f1.vmt:3: error: '--bogus' is not an option of the machine"
printf 'flags --arch tiny --frames 0\n\ntest "first"\n' >"$tmp/f2.vmt"
run grade --trace "$tmp/ok.trace" --tests "$tmp/f2.vmt"
status 2
err_has "f2.vmt:1: error: memory must hold at least one frame (the flags of test \"first\")"
grep -q "^vmsim:" "$tmp/err" && no "a TESTS flags value error is not one FILE:LINE: error: line"
printf 'flags --arch tiny\ntest "a" flags="--bogus"\n' >"$tmp/f3.vmt"
run grade --trace "$tmp/ok.trace" --tests "$tmp/f3.vmt"
status 2
err_has "f3.vmt:2: error: '--bogus' is not an option of the machine"
end

begin "the Makefile grader: reports and grades.csv"
sub=$tmp/subs
mkdir -p "$sub/ada" "$sub/bob" "$sub/cy" "$sub/dee" "$sub/eve"
cp $hw/sample-submission.trace "$sub/ada/answer.trace"
cp $hw/wrong-submission.trace "$sub/bob/answer.trace"
printf 'spawn 1\nfrok 1 2\n' >"$sub/cy/answer.trace"
cp $hw/sample-submission.trace "$sub/dee/Answer.trace" # another name: graded all the same
echo "my answer" >"$sub/eve/answer.txt"                # no trace: 0, and the folder listed
bin=$tmp/bin
mkdir -p "$bin"
ln -s "$vm" "$bin/vmsim"
if PATH="$bin:$PATH" make --no-print-directory -f $hw/Makefile SUBMISSIONS="$sub" GRADES="$tmp/grades.csv" \
    >"$tmp/out" 2>"$tmp/err"; then
    printf 'student,score,max_score\nada,12,12\nbob,6,12\ncy,0,12\ndee,12,12\neve,0,12\n' >"$tmp/want.csv"
    cmp -s "$tmp/grades.csv" "$tmp/want.csv" || no "grades.csv: $(tr '\n' ' ' <"$tmp/grades.csv")"
    for s in ada bob cy dee eve; do check_tap "$sub/$s/report.tap"; done
    grep -q "its folder holds: answer.txt" "$sub/eve/report.tap" || no "eve's report does not list her folder"
else
    no "make failed"
fi
end

echo "grade: $pass passed, $fail failed"
[ "$fail" = 0 ]
