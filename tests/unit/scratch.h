/* Scratch directories for the unit tests, mostly pattern directories that
 * pm_patterns_load reads instead of patterns/ (malformed or missing
 * lexicons). Include after <cmocka.h>; every function is static inline, so
 * a test that uses only some of them builds without warnings. */
#ifndef PM_TEST_SCRATCH_H
#define PM_TEST_SCRATCH_H

#include <stdio.h>
#include <stdlib.h>

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

static inline void scratch_dir_remove(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

#endif
