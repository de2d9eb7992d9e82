# shellcheck shell=sh
# trace_check.sh -- sourced by the scripts that run self-checking traces
# (run_traces.sh, run_docs.sh): what a run of one trace must show, beyond
# its exit status, so that a vmsim that prints nothing, or a summary that
# does not add up, fails.
#
# A trace says what it expects in header lines:
#   # flags: OPTIONS       options for vmsim run (default none)
#   # exit: N              expected exit status (default 0)
#   # error-line: N        for exit 2: the line the error names (required)
#   # error: TEXT          for exit 2: text the error message contains
#   # stderr: TEXT         text standard error contains (any exit status)
#
# trace_check VMSIM DIR NAME [OPTION] runs DIR/NAME from DIR (so messages
# name the file NAME) with OPTION (e.g. --check) and sets `why` to what went
# wrong, empty when the run is right:
#   exit 0   a summary is printed (the last `events:` and `expect:` lines of
#            standard output, after any `show stats`); events.total is the
#            number of event lines of the trace; expect.passed is the number
#            of `expect` lines, expect.failed 0; nothing on standard error
#            says "expectation failed"
#   exit 1   a summary as above; every `expect` line ran (passed + failed
#            = the `expect` lines), at least one failed, and standard error
#            holds one "NAME:LINE: expectation failed:" line per failure
#   exit 2   standard error holds exactly one "error:" line, and it is
#            "NAME:LINE: error: " with the line of `# error-line` (and the
#            text of `# error:`); no expectation failed before it; standard
#            output holds the views of the `show` lines before the error
#            and nothing else (no summary)
# The trace's own options keep the text summary: a trace whose flags hold
# -q, -o or --format is refused.

# trace_counts FILE -- prints "EVENTS EXPECTS SHOWS SHOWSTATS": the event
# lines of the trace, its `expect` lines, and its `show` and `show stats`
# lines before line $2 (all of them when $2 is empty)
trace_counts() {
    awk -v stop="${2:-0}" '
        { sub(/\r$/, ""); sub(/#.*/, "") }
        NF == 0 { next }
        $1 == "expect" { e++; next }
        $1 == "show" { if (!stop || NR < stop) { s++; if ($2 == "stats") ss++ } next }
        $1 == "program" || $1 == "mark" { next }
        { ev++ }
        END { printf "%d %d %d %d\n", ev, e, s, ss }' "$1"
}

# trace_header FILE -- sets flags, want, line, msg, smsg from the header
trace_header() {
    flags=$(sed -n 's/^# flags://p' "$1" | head -n 1 | tr -d '\r')
    want=$(sed -n 's/^# exit: *//p' "$1" | head -n 1 | tr -d '\r')
    want=${want:-0}
    line=$(sed -n 's/^# error-line: *//p' "$1" | head -n 1 | tr -d '\r')
    msg=$(sed -n 's/^# error: *//p' "$1" | head -n 1 | tr -d '\r')
    smsg=$(sed -n 's/^# stderr: *//p' "$1" | head -n 1 | tr -d '\r')
}

# tc_no TEXT -- adds a reason to why
tc_no() { why="${why:+$why; }$*"; }

trace_check() {
    tc_vm=$1 tc_dir=$2 tc_name=$3 tc_opt=$4
    why=
    trace_header "$tc_dir/$tc_name"
    case " $flags " in
    *" -q "* | *" --quiet "* | *" -o "* | *" --output"* | *" --format"*)
        tc_no "flags '$flags' hide or change the text summary the suite reads"
        return ;;
    esac
    tc_out=$(mktemp) tc_err=$(mktemp)
    # shellcheck disable=SC2086
    (cd "$tc_dir" && timeout 60 "$tc_vm" run $flags $tc_opt "$tc_name") >"$tc_out" 2>"$tc_err"
    tc_rc=$?
    [ "$tc_rc" = "$want" ] || tc_no "exit $tc_rc, want $want"
    tc_failed_lines=$(grep -ac "^$tc_name:[0-9]*: expectation failed: " "$tc_err")
    case $want in
    0 | 1)
        # shellcheck disable=SC2046
        set -- $(trace_counts "$tc_dir/$tc_name")
        tc_events=$1 tc_expects=$2
        tc_total=$(sed -n 's/^events: *total \([0-9]*\) .*/\1/p' "$tc_out" | tail -n 1)
        tc_sum=$(sed -n 's/^expect: *passed \([0-9]*\) *failed \([0-9]*\)$/\1 \2/p' "$tc_out" | tail -n 1)
        if [ -z "$tc_total" ] || [ -z "$tc_sum" ]; then
            tc_no "no summary on standard output"
        else
            tc_passed=${tc_sum% *} tc_nfailed=${tc_sum#* }
            [ "$tc_total" = "$tc_events" ] || tc_no "events.total $tc_total, the trace has $tc_events event lines"
            if [ "$want" = 0 ]; then
                if [ "$tc_passed" != "$tc_expects" ] || [ "$tc_nfailed" != 0 ]; then
                    tc_no "expect: passed $tc_passed failed $tc_nfailed, want passed $tc_expects failed 0"
                fi
            else
                [ $((tc_passed + tc_nfailed)) = "$tc_expects" ] ||
                    tc_no "expect: passed $tc_passed + failed $tc_nfailed, the trace has $tc_expects expect lines"
                [ "$tc_nfailed" -ge 1 ] || tc_no "exit 1 but no expectation failed"
            fi
            [ "$tc_failed_lines" = "$tc_nfailed" ] ||
                tc_no "$tc_failed_lines 'expectation failed' lines on stderr, the summary says $tc_nfailed"
        fi
        ;;
    2)
        if [ -z "$line" ]; then
            tc_no "an exit 2 trace needs a '# error-line: N' header"
        else
            tc_errs=$(grep -ac ': error: ' "$tc_err")
            [ "$tc_errs" = 1 ] || tc_no "$tc_errs error lines on stderr, want 1"
            grep -aq "^$tc_name:$line: error: " "$tc_err" || tc_no "no '$tc_name:$line: error: ' on stderr"
            [ -n "$msg" ] && ! grep -aqF -- "$msg" "$tc_err" && tc_no "no message '$msg'"
            [ "$tc_failed_lines" = 0 ] || tc_no "an expectation failed before the error"
            # shellcheck disable=SC2046
            set -- $(trace_counts "$tc_dir/$tc_name" "$line")
            tc_shows=$3 tc_stats=$4
            [ "$(grep -ac '^== line [0-9]*: show ' "$tc_out")" = "$tc_shows" ] ||
                tc_no "standard output is not the $tc_shows views of the show lines before the error"
            [ "$(grep -ac '^expect: ' "$tc_out")" = "$tc_stats" ] || tc_no "a summary was printed"
            [ "$tc_shows" != 0 ] || [ ! -s "$tc_out" ] || tc_no "standard output is not empty"
        fi
        ;;
    *) tc_no "exit status $want in the header is not 0, 1 or 2" ;;
    esac
    [ -n "$smsg" ] && ! grep -aqF -- "$smsg" "$tc_err" && tc_no "stderr lacks '$smsg'"
    # shellcheck disable=SC2034 # for the caller's report
    tc_stderr_head=$(head -n 5 "$tc_err")
    rm -f "$tc_out" "$tc_err"
}
