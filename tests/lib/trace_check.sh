# shellcheck shell=sh
# shellcheck disable=SC2154 # tc_tmp: set by the caller
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
#
# The caller sets tc_tmp to a folder of its own for the run's output (the
# checks run for every trace of several suites: one awk reads the trace and
# both outputs, to keep them cheap).

# trace_counts FILE [LINE] -- prints "EVENTS EXPECTS SHOWS SHOWSTATS": the
# event lines of the trace, its `expect` lines, and its `show` and `show
# stats` lines before LINE (all of them without LINE)
trace_counts() {
    awk -v stop="${2:-0}" "{ $tc_count_body }"' END { printf "%d %d %d %d\n", ev, e, s, ss }' "$1"
}
# shellcheck disable=SC2016 # awk code
tc_count_body='
    sub(/\r$/, ""); sub(/#.*/, "")
    if (NF == 0) next
    if ($1 == "expect") { e++; next }
    if ($1 == "show") { if (!stop || FNR < stop) { s++; if ($2 == "stats") ss++ } next }
    if ($1 != "program" && $1 != "mark" && $1 != "options") ev++
    next'

# trace_header FILE -- sets flags, want, line, msg, smsg from the header
# (the first line of each kind)
trace_header() {
    awk '
        { sub(/\r$/, "") }
        !("flags" in v) && sub(/^# flags:/, "")      { v["flags"] = $0 }
        !("want" in v) && sub(/^# exit: */, "")      { v["want"] = $0 }
        !("line" in v) && sub(/^# error-line: */, "") { v["line"] = $0 }
        !("msg" in v) && sub(/^# error: */, "")      { v["msg"] = $0 }
        !("smsg" in v) && sub(/^# stderr: */, "")    { v["smsg"] = $0 }
        END { print v["flags"]; print v["want"]; print v["line"]; print v["msg"]; print v["smsg"] }' "$1" >"$tc_tmp/tc.hdr"
    { read -r flags; read -r want; read -r line; read -r msg; read -r smsg; } <"$tc_tmp/tc.hdr"
    want=${want:-0}
}

trace_check() {
    tc_vm=$1 tc_dir=$2 tc_name=$3 tc_opt=$4
    trace_header "$tc_dir/$tc_name"
    case " $flags " in
    *" -q "* | *" --quiet "* | *" -o "* | *" --output"* | *" --format"*)
        why="flags '$flags' hide or change the text summary the suite reads"
        tc_stderr_head=
        return ;;
    esac
    # shellcheck disable=SC2086
    (cd "$tc_dir" && exec timeout 60 "$tc_vm" run $flags $tc_opt "$tc_name") >"$tc_tmp/tc.out" 2>"$tc_tmp/tc.err"
    tc_rc=$?
    # texts go through the environment: awk -v would read backslashes in them
    why=$(TC_MSG=$msg TC_SMSG=$smsg TC_NAME=$tc_name awk -v rc="$tc_rc" -v want="$want" -v line="$line" \
        -v stop="$([ "$want" = 2 ] && echo "$line")" "
        BEGIN { msg = ENVIRON[\"TC_MSG\"]; smsg = ENVIRON[\"TC_SMSG\"]; name = ENVIRON[\"TC_NAME\"] }
        FILENAME == ARGV[1] { $tc_count_body }"'
        FILENAME == ARGV[2] {
            if ($0 ~ /^events: *total [0-9]+ /) { total = $3 }
            if ($0 ~ /^expect: *passed [0-9]+ *failed [0-9]+$/) { passed = $3; failed = $5; sum = 1 }
            if ($0 ~ /^expect: /) nsum++
            if ($0 ~ /^== line [0-9]+: show /) views++
            outlines++
        }
        FILENAME == ARGV[3] {
            if (index($0, name ":") == 1 && $0 ~ /^[^:]*:[0-9]+: expectation failed: /) efail++
            if (index($0, ": error: ")) { errs++; if (index($0, name ":" line ": error: ") == 1) right++ }
            if (msg != "" && index($0, msg)) hasmsg = 1
            if (smsg != "" && index($0, smsg)) hassmsg = 1
        }
        function no(s) { printf "%s%s", (nwhy++ ? "; " : ""), s }
        END {
            if (rc != want) no("exit " rc ", want " want)
            if (want == 0 || want == 1) {
                if (!sum || total == "") no("no summary on standard output")
                else {
                    if (total != ev) no("events.total " total ", the trace has " ev " event lines")
                    if (want == 0 && (passed != e || failed != 0))
                        no("expect: passed " passed " failed " failed ", want passed " e " failed 0")
                    if (want == 1 && passed + failed != e)
                        no("expect: passed " passed " + failed " failed ", the trace has " e " expect lines")
                    if (want == 1 && failed < 1) no("exit 1 but no expectation failed")
                    if (efail + 0 != failed)
                        no((efail + 0) " expectation failed lines on stderr, the summary says " failed)
                }
            } else if (want == 2) {
                if (line == "") no("an exit 2 trace needs a # error-line: N header")
                else {
                    if (errs != 1) no((errs + 0) " error lines on stderr, want 1")
                    if (!right) no("no " name ":" line ": error: on stderr")
                    if (msg != "" && !hasmsg) no("no message " msg)
                    if (efail) no("an expectation failed before the error")
                    if (views + 0 != s + 0) no("standard output is not the " (s + 0) " views of the show lines before the error")
                    if (nsum + 0 != ss + 0) no("a summary was printed")
                    if (!s && outlines) no("standard output is not empty")
                }
            } else no("exit status " want " in the header is not 0, 1 or 2")
            if (smsg != "" && !hassmsg) no("stderr lacks " smsg)
        }' "$tc_dir/$tc_name" "$tc_tmp/tc.out" "$tc_tmp/tc.err")
    # shellcheck disable=SC2034 # for the caller's report
    if [ -z "$why" ]; then tc_stderr_head=; else tc_stderr_head=$(head -n 5 "$tc_tmp/tc.err"); fi
}
