/* patterns: loading regexes and tables, errors as FILE:LINE, match limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
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

/* What pm_regex_union_match must equal: the names tried one by one. */
static int first_of(const pm_patterns *p, const char *const *names, size_t n, const char *s,
                    size_t len, pcre2_match_data *md, size_t *end)
{
    for (size_t i = 0; i < n; i++) {
        size_t ms;
        if (pm_regex_match(p, pm_patterns_regex(p, names[i], NULL), s, len, 0, 0, md) > 0 &&
            pm_regex_group(md, 0, &ms, end) && ms == 0)
            return (int)i;
    }
    return -1;
}

static size_t agree(const pm_patterns *p, const pm_regex_union *u, const char *const *names,
                    size_t n, const char *s, size_t len, pcre2_match_data *md)
{
    size_t ue = 0, le = 0;
    int uk = pm_regex_union_match(p, u, s, len, 0, md, &ue);
    int lk = first_of(p, names, n, s, len, md, &le);
    if (uk == -2) /* only for invalid UTF-8, which the loop cannot match either */
        uk = -1;
    if (uk != lk || (uk >= 0 && ue != le))
        fail_msg("union %d..%zu, loop %d..%zu on \"%.*s\"", uk, ue, lk, le, (int)len, s);
    return lk >= 0;
}

/* Every line of the documents in d, from its start and from after each
 * `;`, `,`, `.` (where tasks.c asks for a field label). */
static size_t agree_on_dir(const pm_patterns *p, const pm_regex_union *u,
                           const char *const *names, size_t n, const char *d,
                           pcre2_match_data *md, size_t *hits)
{
    DIR *dd = opendir(d);
    if (!dd)
        return 0;
    size_t tried = 0;
    for (struct dirent *e; (e = readdir(dd)) != NULL;) {
        size_t nl = strlen(e->d_name);
        if (nl < 4 || strcmp(e->d_name + nl - 4, ".txt") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", d, e->d_name);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        static char line[1 << 16];
        while (fgets(line, sizeof line, f)) {
            size_t len = strcspn(line, "\r\n");
            for (size_t i = 0; i <= len; i++)
                if (i == 0 || line[i - 1] == ';' || line[i - 1] == ',' || line[i - 1] == '.') {
                    *hits += agree(p, u, names, n, line + i, len - i, md);
                    tried++;
                }
        }
        fclose(f);
    }
    closedir(dd);
    return tried;
}

static const char *const field_labels[] = {"task-fields.support", "task-fields.approver",
                                           "task-fields.deadline", "task-fields.product",
                                           "task-fields.lead"};

static void union_of_field_labels_agrees_with_the_loop(void **state)
{
    (void)state;
    pm_patterns *p;
    pm_error err = {0};
    assert_int_equal(pm_patterns_load("patterns", &p, &err), PM_OK);
    pm_regex_union *u;
    assert_int_equal(pm_regex_union_new(p, field_labels, 5, &u), PM_OK);
    assert_non_null(u); /* the shipped labels combine */
    pcre2_match_data *md = pcre2_match_data_create(32, NULL);
    static const char *const cases[] = {
        "", " ", "-", " Chủ trì: Sở A", " chủ trì thực hiện: Sở A", "- *Phân công thực hiện:* Sở",
        " Cơ quan phối hợp: Sở B", "phối hợp thực hiện : x", " Cơ quan chủ trì: x",
        " Đơn vị phối hợp:", " cơ quan phê duyệt: UBND", "Cấp phê duyệt:", " Thời gian: Quý II",
        " thời gian hoàn thành: 2025", "Thời hạn hoàn thành:", " Tiến độ thực hiện: 2024",
        " Sản phẩm: Báo cáo", " Kết quả đầu ra: x", "• Chủ trì :**Sở", " + Cơ quan thực hiện:",
        " Trách nhiệm thực hiện:", " Giao thực hiện:", " CHỦ TRÌ:", " chu tri: ", " Chủ trì",
        " Chủ trì Sở A:", "\xc3", "\xe1\xbb", "Ơ Chủ trì:", "\xe2\x80\x93 Thời gian:",
        "  \t Sản phẩm đầu ra:", " Cơ quan chủ trì thực hiện:", " đơn vị tổ chức thực hiện:"};
    size_t hits = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len = strlen(cases[i]);
        for (size_t k = 0; k <= len; k++) /* every prefix, complete characters or not */
            hits += agree(p, u, field_labels, 5, cases[i], k, md);
    }
    assert_true(hits > 20);
    size_t tried = agree_on_dir(p, u, field_labels, 5, "tests/check", md, &hits);
    tried += agree_on_dir(p, u, field_labels, 5, "build/bench-corpus-20mb", md, &hits);
    assert_true(tried > 1000);
    pcre2_match_data_free(md);
    pm_regex_union_free(u);
    pm_patterns_free(p);
}

static void union_keeps_order_and_branches_apart(void **state)
{
    (void)state;
    scratch_dir_write(dir, "u.pcre",
                      "short\t^ab\nlong\t^ab+c?\ncaseless\t(?i)^x\ncased\t^y\n"
                      "loose\tab\ncommit\t^a(*COMMIT)b\nnamed\t^(?<n>a)\nnamed2\t^(?<n>b)\n"
                      "backref\t^(a)\\1\n");
    pm_patterns *p;
    pm_error err = {0};
    assert_int_equal(pm_patterns_load(dir, &p, &err), PM_OK);
    pcre2_match_data *md = pcre2_match_data_create(32, NULL);
    pm_regex_union *u;
    size_t end;
    /* The first in the given order wins, with that regex's own match end. */
    const char *const sl[] = {"u.short", "u.long"};
    assert_int_equal(pm_regex_union_new(p, sl, 2, &u), PM_OK);
    assert_int_equal(pm_regex_union_match(p, u, "abbbc", 5, 0, md, &end), 0);
    assert_int_equal(end, 2);
    pm_regex_union_free(u);
    const char *const ls[] = {"u.long", "u.short"};
    assert_int_equal(pm_regex_union_new(p, ls, 2, &u), PM_OK);
    assert_int_equal(pm_regex_union_match(p, u, "abbbc", 5, 0, md, &end), 0);
    assert_int_equal(end, 5);
    assert_int_equal(pm_regex_union_match(p, u, " ab", 3, 0, md, &end), -1);
    pm_regex_union_free(u);
    /* (?i) of one source does not make the next caseless. */
    const char *const cc[] = {"u.caseless", "u.cased"};
    assert_int_equal(pm_regex_union_new(p, cc, 2, &u), PM_OK);
    assert_non_null(u);
    assert_int_equal(pm_regex_union_match(p, u, "X", 1, 0, md, &end), 0);
    assert_int_equal(pm_regex_union_match(p, u, "y", 1, 0, md, &end), 1);
    assert_int_equal(pm_regex_union_match(p, u, "Y", 1, 0, md, &end), -1);
    pm_regex_union_free(u);
    /* Sources that cannot be combined: no union, the caller's loop. */
    static const char *const refused[][2] = {{"u.short", "u.loose"},   {"u.commit", "u.short"},
                                             {"u.named", "u.named2"},  {"u.backref", "u.short"},
                                             {"u.short", "u.missing"}};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        assert_int_equal(pm_regex_union_new(p, refused[i], 2, &u), PM_OK);
        assert_null(u);
    }
    pcre2_match_data_free(md);
    pm_patterns_free(p);
    unlink(strcat(strcpy((char[128]){0}, dir), "/u.pcre"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_regexes_and_tables),
        cmocka_unit_test(reports_bad_regex_with_file_and_line),
        cmocka_unit_test(refuses_missing_directory),
        cmocka_unit_test(catastrophic_backtracking_is_bounded),
        cmocka_unit_test(union_of_field_labels_agrees_with_the_loop),
        cmocka_unit_test(union_keeps_order_and_branches_apart),
    };
    return cmocka_run_group_tests_name("patterns", tests, make_dir, remove_dir);
}
