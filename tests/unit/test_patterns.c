/* patterns: loading regexes and tables, errors as FILE:LINE, match limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "patterns/patterns.h"
#include "scratch.h"

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/pm-patterns-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static void loads_regexes_and_tables(void **state)
{
    (void)state;
    scratch_dir_write(dir, "headings.pcre",
                      "# comment\n\nroman\t^(?<label>[IVX]+)\\.\\s+(?<title>.+)$\n"
                      "letter\t(?i)^([a-zđ])\\)\\s+\r\n");
    /* NFD in the table is normalised to NFC on load. */
    scratch_dir_write(dir, "agencies.tsv",
                      "# id\tname\nso-xay-dung\tSo\xcc\x9b\xcc\x89 Xây dựng\n\nx\t\t\n");
    pm_patterns *p;
    pm_error err = {0};
    assert_int_equal(pm_patterns_load(dir, &p, &err), PM_OK);

    const pcre2_code *roman = pm_patterns_regex(p, "headings.roman", &err);
    assert_non_null(roman);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(roman, NULL);
    const char *line = "III. NHIỆM VỤ, GIẢI PHÁP";
    assert_true(pm_regex_match(p, roman, line, strlen(line), 0, 0, md) > 0);
    size_t s, e;
    assert_true(pm_regex_named(roman, md, "label", &s, &e));
    assert_int_equal(e - s, 3);
    assert_true(pm_regex_named(roman, md, "title", &s, &e));
    assert_string_equal(line + s, "NHIỆM VỤ, GIẢI PHÁP");
    assert_false(pm_regex_named(roman, md, "nope", &s, &e));
    pcre2_match_data_free(md);

    assert_non_null(pm_patterns_regex(p, "headings.letter", &err));
    assert_null(pm_patterns_regex(p, "headings.dotted", &err));
    assert_int_equal(err.status, PM_ERR_PATTERN);
    assert_non_null(strstr(err.message, "headings.pcre"));

    const pm_tsv *t = pm_patterns_table(p, "agencies", &err);
    assert_non_null(t);
    assert_int_equal(t->n_rows, 2);
    assert_int_equal(t->rows[0].n_fields, 2);
    assert_string_equal(t->rows[0].fields[1], "Sở Xây dựng");
    assert_int_equal(t->rows[0].line, 2);
    assert_int_equal(t->rows[1].n_fields, 3);
    assert_string_equal(t->rows[1].fields[2], "");
    assert_null(pm_patterns_table(p, "missing", &err));
    pm_patterns_free(p);
}

static void reports_bad_regex_with_file_and_line(void **state)
{
    (void)state;
    scratch_dir_write(dir, "bad.pcre", "ok\tabc\n# fine\nbroken\t(unclosed\n");
    pm_patterns *p;
    pm_error err = {0};
    assert_int_equal(pm_patterns_load(dir, &p, &err), PM_ERR_PATTERN);
    assert_null(p);
    assert_non_null(strstr(err.file, "bad.pcre"));
    assert_int_equal(err.line, 3);
    scratch_dir_write(dir, "bad.pcre", "no tab here\n");
    assert_int_equal(pm_patterns_load(dir, &p, &err), PM_ERR_PATTERN);
    assert_int_equal(err.line, 1);
    scratch_dir_write(dir, "bad.pcre", "dup\ta\ndup\tb\n");
    assert_int_equal(pm_patterns_load(dir, &p, &err), PM_ERR_PATTERN);
    assert_int_equal(err.line, 2);
    unlink(strcat(strcpy((char[128]){0}, dir), "/bad.pcre"));
}

static void refuses_missing_directory(void **state)
{
    (void)state;
    pm_patterns *p;
    pm_error err = {0};
    assert_int_equal(pm_patterns_load("/nonexistent/patterns", &p, &err), PM_ERR_PATTERN);
}

static void catastrophic_backtracking_is_bounded(void **state)
{
    (void)state;
    scratch_dir_write(dir, "slow.pcre", "evil\t^(a+)+$\n");
    pm_patterns *p;
    pm_error err = {0};
    assert_int_equal(pm_patterns_load(dir, &p, &err), PM_OK);
    const pcre2_code *re = pm_patterns_regex(p, "slow.evil", &err);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    char input[64];
    memset(input, 'a', 40);
    strcpy(input + 40, "!");
    int rc = pm_regex_match(p, re, input, strlen(input), 0, 0, md);
    assert_true(rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_NOMATCH);
    pcre2_match_data_free(md);
    pm_patterns_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_regexes_and_tables),
        cmocka_unit_test(reports_bad_regex_with_file_and_line),
        cmocka_unit_test(refuses_missing_directory),
        cmocka_unit_test(catastrophic_backtracking_is_bounded),
    };
    return cmocka_run_group_tests_name("patterns", tests, make_dir, remove_dir);
}
