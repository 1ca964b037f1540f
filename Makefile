# planmine — see README.md. `make run` extracts the bundled corpus,
# `make test` runs every test. Both install missing Debian packages first.

PREFIX    ?= /usr/local
DESTDIR   ?=
BUILD     ?= build
CC        ?= cc
PKGS      := icu-uc icu-i18n libpcre2-8 libutf8proc jansson sqlite3
WARN      := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT       ?= -O2 -g
CFLAGS    ?=
CPPFLAGS  += -Iinclude -Isrc -D_POSIX_C_SOURCE=200809L \
             -DPM_DATADIR='"$(PREFIX)/share/planmine"'
ALL_CFLAGS = -std=c11 $(WARN) $(OPT) -fPIC $(CFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS    += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
PYTHON    := /usr/bin/python3

LIB_SRC   := $(sort $(wildcard src/*/*.c) src/planmine.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC  := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN  := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# The fuzz harnesses without libFuzzer, replaying tests/fuzz/regressions/.
REPLAY_BIN := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz-replay/%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
TOOL_SRC  := $(sort $(wildcard tools/*.c))
TOOL_BIN  := $(TOOL_SRC:tools/%.c=$(BUILD)/tools/%)
DEPS_OK   := $(BUILD)/.deps-ok

.PHONY: all deps run test unit golden cli robust asan install uninstall clean eval golden-update fuzz fuzz-run bench
.DEFAULT_GOAL := all

all: $(BUILD)/planmine $(BUILD)/libplanmine.a $(BUILD)/libplanmine.so $(TOOL_BIN)

# Installs what is missing (apt-get, sudo when not root) and says so.
deps: $(DEPS_OK)
$(DEPS_OK): tools/install-deps
	@./tools/install-deps
	@mkdir -p $(BUILD) && touch $@

$(BUILD)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libplanmine.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libplanmine.so: $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libplanmine.so.0 -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/planmine: $(BUILD)/src/main.o $(BUILD)/libplanmine.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(BUILD)/libplanmine.a | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libplanmine.a $(LDFLAGS) $(LDLIBS) -lcmocka

$(BUILD)/tools/%: tools/%.c $(BUILD)/libplanmine.a | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libplanmine.a $(LDFLAGS) $(LDLIBS)

-include $(LIB_OBJ:.o=.d) $(BUILD)/src/main.d

run: all
	$(BUILD)/planmine extract -o out corpus/*.txt
	rm -f out/plans.sqlite
	$(BUILD)/planmine compare --format html -o out/report.html --db out/plans.sqlite out/*.json
	$(BUILD)/planmine compare --format md -o out/report.md out/*.json
	@echo "planmine: wrote $$(ls out/*.json | wc -l) JSON files, out/report.html, out/report.md and out/plans.sqlite"

unit: $(TEST_BIN)
	@tests/run-all $(TEST_BIN)

golden: all
	@BUILD=$(BUILD) PYTHON=$(PYTHON) tests/run-golden

cli: all
	@BUILD=$(BUILD) PYTHON=$(PYTHON) tests/run-cli

# Every suite runs even when one fails; the last line is the total.
test: all $(TEST_BIN) $(REPLAY_BIN)
	@BUILD=$(BUILD) PYTHON=$(PYTHON) tests/run-all $(TEST_BIN) tests/run-golden tests/run-cli tests/run-prefilters tests/compare/run-browser tests/run-variants tests/run-robust

robust: all $(REPLAY_BIN)
	@BUILD=$(BUILD) PYTHON=$(PYTHON) tests/run-robust

variants: all
	@BUILD=$(BUILD) PYTHON=$(PYTHON) tests/run-variants

golden-update: all
	@BUILD=$(BUILD) PYTHON=$(PYTHON) tests/run-golden --update

# Precision and recall per field on the annotated corpus, then on each
# set of held-out plans annotated without running planmine (tests/*/*.json
# beside *.txt; see README.md, "Accuracy").
HELD_OUT := tests/unseen tests/holdout tests/final tests/measure tests/check tests/verify
eval: all
	@echo "== corpus (development set)"
	@BUILD=$(BUILD) tools/eval
	@for set in $(HELD_OUT); do echo "== $$set"; BUILD=$(BUILD) tools/eval --gold $$set --corpus $$set || exit 1; done

# Throughput, -j scaling, memory and linearity on a generated corpus
# (BENCH_MB, default 256; BENCH_RUNS, default 3). See docs/performance.md.
bench: all
	@BUILD=$(BUILD) $(PYTHON) tools/bench

# AddressSanitizer + UndefinedBehaviorSanitizer over the whole suite.
asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	        LDFLAGS="-fsanitize=address,undefined" test

# libFuzzer harnesses (clang), each run for FUZZ_SECONDS on a seed corpus
# made from corpus/ and tests/variants/; crashes land in build-fuzz/crashes/.
FUZZ_SECONDS ?= 60
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

fuzz:
	./tools/install-deps --extra
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" \
	        LDFLAGS="-fsanitize=address,undefined" fuzz-run

fuzz-run: $(FUZZ_BIN)
	@BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) tools/fuzz-run $(FUZZ_BIN)

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz_common.h $(BUILD)/libplanmine.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/libplanmine.a $(LDFLAGS) $(LDLIBS)

$(BUILD)/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/replay.c tests/fuzz/fuzz_common.h $(BUILD)/libplanmine.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/libplanmine.a $(LDFLAGS) $(LDLIBS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
	           $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/share/planmine/patterns \
	           $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/planmine $(DESTDIR)$(PREFIX)/bin/planmine
	install -m 644 $(BUILD)/libplanmine.a $(DESTDIR)$(PREFIX)/lib/libplanmine.a
	install -m 755 $(BUILD)/libplanmine.so $(DESTDIR)$(PREFIX)/lib/libplanmine.so.0
	ln -sf libplanmine.so.0 $(DESTDIR)$(PREFIX)/lib/libplanmine.so
	install -m 644 include/planmine.h $(DESTDIR)$(PREFIX)/include/planmine.h
	install -m 644 patterns/* $(DESTDIR)$(PREFIX)/share/planmine/patterns/
	install -m 644 man/planmine.1 $(DESTDIR)$(PREFIX)/share/man/man1/planmine.1
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(shell sed -n 's/.*PLANMINE_VERSION "\(.*\)"/\1/p' include/planmine.h)|g' \
	    -e 's|@REQUIRES@|$(PKGS)|g' planmine.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/planmine.pc

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/planmine $(DESTDIR)$(PREFIX)/lib/libplanmine.* \
	      $(DESTDIR)$(PREFIX)/include/planmine.h $(DESTDIR)$(PREFIX)/lib/pkgconfig/planmine.pc \
	      $(DESTDIR)$(PREFIX)/share/man/man1/planmine.1
	rm -rf $(DESTDIR)$(PREFIX)/share/planmine

clean:
	rm -rf build build-asan build-fuzz out
