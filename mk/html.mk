# html.mk -- the page of vmsim run --html, included at the end of the
# Makefile: sim/io/html/page.html (its style sheet and script inline) is
# built into the library as C strings (scripts/embed-page.sh), for every
# build and for the fuzzing harness's own copy of the library.

HTML_PAGE := sim/io/html/page.html

$(O)/gen/html_page.c: $(HTML_PAGE) scripts/embed-page.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-page.sh $(HTML_PAGE) >$@.tmp && mv $@.tmp $@

$(O)/gen/html_page.o: $(O)/gen/html_page.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(O)/gen/html_page.o

$(FUZZ_O)/gen/html_page.o: $(O)/gen/html_page.c | fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_BIN) $(FUZZ_IMPORT_BIN): $(FUZZ_O)/gen/html_page.o
