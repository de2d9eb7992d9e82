#!/bin/sh
# embed-page.sh FILE -- FILE (the page of vmsim run --html) as C source on
# standard output: vmsim_html_page[], one string per line of FILE (newline
# included), and vmsim_html_page_lines. Backslashes, quotes and question
# marks (trigraphs) are escaped; each line stays one string literal, so no
# string is longer than a line of FILE. mk/html.mk runs it.
f=${1:?usage: embed-page.sh FILE}
[ -r "$f" ] || { echo "embed-page.sh: cannot read $f" >&2; exit 1; }
printf '/* made from %s by scripts/embed-page.sh: edit that file, not this one */\n' "$f"
printf '#include <stddef.h>\n\n'
printf 'extern const char *const vmsim_html_page[];\nextern const size_t vmsim_html_page_lines;\n\n'
printf 'const char *const vmsim_html_page[] = {\n'
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/^/    "/' -e 's/$/\\n",/' "$f" || exit 1
printf '};\n\nconst size_t vmsim_html_page_lines = sizeof vmsim_html_page / sizeof vmsim_html_page[0];\n'
