/* Scratch directories for the unit tests, mostly pattern directories that
 * pm_patterns_load reads instead of patterns/ (malformed or missing
 * lexicons). Include after <cmocka.h>; every function is static inline, so
 * a test that uses only some of them builds without warnings. */
#ifndef PM_TEST_SCRATCH_H
#define PM_TEST_SCRATCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* dir: a writable "/tmp/pm-NAME-XXXXXX" that becomes the directory's path. */
static inline void scratch_dir_make(char *dir)
{
    assert_non_null(mkdtemp(dir));
}

static inline void scratch_dir_write(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* dir: a copy of patterns/ where the first `from` in FILE.pcre is `to` (a
 * researcher's edit). */
static inline void scratch_patterns_edited(char *dir, const char *file, const char *from,
                                           const char *to)
{
    scratch_dir_make(dir);
    char cmd[256], path[256];
    snprintf(cmd, sizeof cmd, "cp patterns/*.pcre patterns/*.tsv %s", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/%s.pcre", dir, file);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char *at = strstr(text, from);
    assert_non_null(at);
    f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(text, 1, (size_t)(at - text), f);
    fputs(to, f);
    fputs(at + strlen(from), f);
    fclose(f);
}

static inline void scratch_dir_remove(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

#endif
