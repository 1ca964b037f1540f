/* Shared by the tests of one extractor part (agency, deadline, indicator,
 * quantity): the group fixture that loads the patterns and builds that part,
 * and the reader of the tests/examples files. Include after <cmocka.h>;
 * every function is static inline, so a test that uses only some of them
 * builds without unused-function warnings. */
#ifndef PM_TEST_FIXTURE_H
#define PM_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/internal.h"
#include "scratch.h"

typedef struct fixture {
    pm_patterns *patterns;
    pm_extractor x;
    pm_arena arena; /* for the parts that return arena memory */
} fixture;

typedef pm_status (*part_init_fn)(pm_extractor *x, pm_error *err);
typedef void (*part_free_fn)(pm_extractor *x);

/* Loads the patterns (PLANMINE_PATTERNS, else ./patterns) and builds one
 * part of the extractor on them; cmocka's group setup. */
static inline int fixture_setup(void **state, const char *part, part_init_fn init)
{
    fixture *fx = calloc(1, sizeof *fx);
    pm_error err = {0};
    const char *dir = getenv("PLANMINE_PATTERNS");
    if (!fx || pm_patterns_load(dir ? dir : "patterns", &fx->patterns, &err) != PM_OK) {
        fprintf(stderr, "patterns: %s:%zu: %s\n", err.file, err.line, err.message);
        free(fx);
        return -1;
    }
    fx->x.patterns = fx->patterns;
    if (init(&fx->x, &err) != PM_OK) {
        fprintf(stderr, "%s init: %s:%zu: %s\n", part, err.file, err.line, err.message);
        pm_patterns_free(fx->patterns);
        free(fx);
        return -1;
    }
    pm_arena_init(&fx->arena);
    *state = fx;
    return 0;
}

static inline int fixture_teardown(void **state, part_free_fn free_part)
{
    fixture *fx = *state;
    free_part(&fx->x);
    pm_patterns_free(fx->patterns);
    pm_arena_free(&fx->arena);
    free(fx);
    return 0;
}

/* ---- tests/examples/NAME.txt ------------------------------------------------
 * One example a line; `#` lines and blank lines are skipped. Inputs and
 * expectations write `\n` for a line break and `\uXXXX` for a character
 * that cannot be seen (a no-break space). */

typedef struct example_file {
    const char *path;
    FILE *f;
    size_t line_no;
    char line[4096];
} example_file;

static inline void examples_open(example_file *ef, const char *path)
{
    ef->path = path;
    ef->line_no = 0;
    ef->f = fopen(path, "r");
    if (!ef->f)
        fail_msg("cannot open %s (run from the repository root)", path);
}

/* The next example line into ef->line, without its line end; false at the
 * end of the file. A line longer than the buffer fails the test rather
 * than being read as two examples. */
static inline bool examples_next(example_file *ef)
{
    while (fgets(ef->line, sizeof ef->line, ef->f)) {
        ef->line_no++;
        size_t end = strcspn(ef->line, "\r\n");
        if (ef->line[end] == '\0' && !feof(ef->f))
            fail_msg("%s:%zu: line longer than %zu bytes", ef->path, ef->line_no,
                     sizeof ef->line - 1);
        ef->line[end] = '\0';
        if (ef->line[0] != '#' && ef->line[0] != '\0')
            return true;
    }
    return false;
}

/* Splits ef->line at its first tab: ef->line keeps what comes before it,
 * the result is what follows. */
static inline char *examples_split(example_file *ef)
{
    char *tab = strchr(ef->line, '\t');
    if (!tab)
        fail_msg("%s:%zu: no tab in '%s'", ef->path, ef->line_no, ef->line);
    *tab = '\0';
    return tab + 1;
}

static inline void examples_close(example_file *ef)
{
    fclose(ef->f);
}

/* Decodes the `\n` and `\uXXXX` escapes of s into out (size bytes, NUL
 * terminated); returns the length. */
static inline size_t examples_unescape(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = s; *p;) {
        char utf8[3];
        size_t len = 1;
        if (p[0] == '\\' && p[1] == 'n') {
            utf8[0] = '\n';
            p += 2;
        } else if (p[0] == '\\' && p[1] == 'u' && strspn(p + 2, "0123456789abcdefABCDEF") >= 4) {
            unsigned cp = (unsigned)strtoul((char[5]){p[2], p[3], p[4], p[5], 0}, NULL, 16);
            if (cp < 0x80) {
                utf8[0] = (char)cp;
            } else if (cp < 0x800) {
                utf8[0] = (char)(0xC0 | (cp >> 6));
                utf8[1] = (char)(0x80 | (cp & 0x3F));
                len = 2;
            } else {
                utf8[0] = (char)(0xE0 | (cp >> 12));
                utf8[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                utf8[2] = (char)(0x80 | (cp & 0x3F));
                len = 3;
            }
            p += 6;
        } else {
            utf8[0] = *p++;
        }
        if (n + len >= size)
            fail_msg("example longer than %zu bytes: %s", size - 1, s);
        memcpy(out + n, utf8, len);
        n += len;
    }
    out[n] = '\0';
    return n;
}

#endif
