/* deadline: deadline cells and phrases, driven by
 * tests/examples/deadlines.txt, plus empty input, trimming and month ends. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"

#define EXAMPLES "tests/examples/deadlines.txt"

static int setup(void **state)
{
    return fixture_setup(state, "deadline", pm_deadline_init);
}

static int teardown(void **state)
{
    return fixture_teardown(state, pm_deadline_free);
}

static const char *kind_name(pm_deadline_kind k)
{
    static const char *names[] = {"none",    "year",   "range",   "date",
                                  "quarter", "annual", "ongoing", "unspecified"};
    return names[k];
}

static void format_year(char *out, size_t size, int year)
{
    if (year)
        snprintf(out, size, "%d", year);
    else
        snprintf(out, size, "-");
}

static void parses_the_examples(void **state)
{
    fixture *fx = *state;
    example_file ef;
    examples_open(&ef, EXAMPLES);
    size_t checked = 0, failed = 0;
    while (examples_next(&ef)) {
        const char *line = ef.line, *expected = examples_split(&ef);
        char text[1024];
        size_t n = examples_unescape(line, text, sizeof text);
        pm_deadline d;
        bool named = pm_parse_deadline(&fx->x, &fx->arena, text, n, &d);
        char start[16], end[16], got[128];
        format_year(start, sizeof start, d.start);
        format_year(end, sizeof end, d.end);
        snprintf(got, sizeof got, "%s %s %s %s", kind_name(d.kind), start, end,
                 d.date[0] ? d.date : "-");
        /* text: the input less what surrounds it (`* Thường xuyên.`). */
        size_t tn = d.text ? strlen(d.text) : 0;
        bool ok = named && strcmp(got, expected) == 0 && tn && strstr(text, d.text) &&
                  !strchr(" *.", d.text[0]) && !strchr(" *.", d.text[tn - 1]);
        if (!ok) {
            fprintf(stderr, "  %s\n    want: %s\n    got:  %s (text '%s')\n", line, expected,
                    got, d.text ? d.text : "(null)");
            failed++;
        }
        checked++;
    }
    examples_close(&ef);
    assert_true(checked > 60);
    assert_int_equal(failed, 0);
}

static void empty_text_names_no_time(void **state)
{
    fixture *fx = *state;
    const char *blank[] = {"", " ", " \t\r\n", "\xc2\xa0 ", " - ", "*.*", ";"};
    for (size_t i = 0; i < sizeof blank / sizeof blank[0]; i++) {
        pm_deadline d;
        d.kind = PM_DEADLINE_YEAR;
        assert_false(pm_parse_deadline(&fx->x, &fx->arena, blank[i], strlen(blank[i]), &d));
        assert_int_equal(d.kind, PM_DEADLINE_NONE);
        assert_null(d.text);
        assert_int_equal(d.start, 0);
        assert_int_equal(d.end, 0);
        assert_string_equal(d.date, "");
    }
    pm_deadline d;
    assert_false(pm_parse_deadline(&fx->x, &fx->arena, NULL, 0, &d));
}

static void text_is_the_trimmed_input(void **state)
{
    fixture *fx = *state;
    pm_deadline d;
    const char *s = "  * Quý II/2024. ";
    assert_true(pm_parse_deadline(&fx->x, &fx->arena, s, strlen(s), &d));
    assert_int_equal(d.kind, PM_DEADLINE_QUARTER);
    assert_string_equal(d.text, "Quý II/2024");
    /* Only n bytes are read, and a trailing `à` is not a no-break space. */
    assert_true(pm_parse_deadline(&fx->x, &fx->arena, "Hằng năm; xyz", strlen("Hằng năm"), &d));
    assert_int_equal(d.kind, PM_DEADLINE_ANNUAL);
    assert_string_equal(d.text, "Hằng năm");
    assert_true(pm_parse_deadline(&fx->x, &fx->arena, "Cà Mau\xc2\xa0", 9, &d));
    assert_string_equal(d.text, "Cà Mau");
    assert_int_equal(d.kind, PM_DEADLINE_UNSPECIFIED);
}

/* The rules that need a year are skipped without one, references without
 * a digit: what is left must read as before. */
static void text_without_a_year(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *text;
        pm_deadline_kind kind;
    } cases[] = {
        {"Hằng năm", PM_DEADLINE_ANNUAL},
        {"định kỳ 6 tháng", PM_DEADLINE_ONGOING},
        {"Thường xuyên (theo Kế hoạch số 58-KH/UBND)", PM_DEADLINE_ONGOING},
        {"Theo tiến độ dự án", PM_DEADLINE_UNSPECIFIED},
        {"Quý II/2O24", PM_DEADLINE_UNSPECIFIED},
        {"hằng năm, từ 2025", PM_DEADLINE_ONGOING},
        {"Năm 1999", PM_DEADLINE_YEAR},
        {"mỗi năm\xd9\xa2", PM_DEADLINE_UNSPECIFIED},     /* an Arabic-Indic digit: no \b */
        {"Hằng năm (Luật năm ٢٠٢٠)", PM_DEADLINE_ANNUAL}, /* digits outside ASCII */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pm_deadline d;
        assert_true(pm_parse_deadline(&fx->x, &fx->arena, cases[i].text, strlen(cases[i].text),
                                      &d));
        assert_int_equal(d.kind, cases[i].kind);
    }
}

/* A researcher lets deadlines.year read 21xx: the year prefilter proven for
 * the shipped rule (no `19` or `20`, no year) is off for it, and the rule
 * reads the new year. */
static void edited_year_rule_is_honoured(void **state)
{
    fixture *fx = *state;
    static const char text[] = "Năm 2105";
    pm_deadline d;
    assert_true(pm_parse_deadline(&fx->x, &fx->arena, text, strlen(text), &d));
    assert_int_equal(d.kind, PM_DEADLINE_UNSPECIFIED);
    char dir[] = "/tmp/pm-deadline-XXXXXX";
    scratch_dir_make(dir);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "sed '/^year\t/s/(?:19|20)/(?:19|20|21)/' patterns/deadlines.pcre > %s/deadlines.pcre",
             dir);
    assert_int_equal(system(cmd), 0);
    pm_patterns *p;
    pm_error err = {0};
    assert_int_equal(pm_patterns_load(dir, &p, &err), PM_OK);
    assert_false(pm_proven(p, &pm_proof_dated[5]));
    assert_true(pm_proven(p, &pm_proof_dated[4]));
    pm_extractor x = {.patterns = p};
    assert_int_equal(pm_deadline_init(&x, &err), PM_OK);
    assert_true(pm_parse_deadline(&x, &fx->arena, text, strlen(text), &d));
    assert_int_equal(d.kind, PM_DEADLINE_YEAR);
    assert_int_equal(d.end, 2105);
    pm_deadline_free(&x);
    pm_patterns_free(p);
    scratch_dir_remove(dir);
}

/* The prefilters of each rule (a year and a cue word, two years, a
 * separator) skip only what the rule cannot match: with every rule edited
 * to a source no pm_proof names (`(?:)` appended) the same phrases read
 * the same. */
static void prefilters_agree_with_the_rules(void **state)
{
    fixture *fx = *state;
    static const char *const texts[] = {
        "2025", "Năm 2025", "Đến năm 2025", "2023-2025", "2023 – 2025", "2023 đến 2025",
        "từ 2023 tới 2025", "Từ năm 2023 trở đi", "TỪ NĂM 2024", "Tu nam 2024", "2020",
        "Năm 2022 và các năm tiếp theo", "2023-2025 và những năm tiếp theo", "TRỞ ĐI 2025",
        "15/12/2024", "15.12.2024", "15-12-2024", "ngày 15 tháng 12 năm 2025",
        "NGÀY 15 THÁNG 12, NĂM 2025", "Tháng 6/2024", "tháng 6 năm 2024", "THÁNG 13/2024",
        "Quý II/2024", "QUÝ IV NĂM 2025", "quy 2 - 3/2024", "Quý I và II/2024",
        "Năm 2024, 2025", "31/02/2024", "Luật Đất đai năm 2024", "LUẬT ĐẤT ĐAI NĂM 2024",
        "Nghị định 30/2020/NĐ-CP", "Kế hoạch số 58-KH/UBND ngày 15/8/2024", "Số: 12/2023/QĐ",
        "2025/NQ", "1999", "19", "20", "Hằng năm", "Thường xuyên", "định kỳ 6 tháng",
        "Quý II/2O24", "năm ٢٠٢٥", "tu\u00A02025", "2024\u00A0-\u00A02025",
        /* references: a capital (or any non-ASCII character) after `-`, or
         * after `/` and blanks; dates: two separators */
        "Số 12/ KH-UBND năm 2025", "58 -KH 2024", "12-kh/ubnd 2025", "12/\u00A0KH 2025",
        "Văn bản 01/ĐA, 2025", "ngày 15/8/2024-ЖК", "ngày 15/8/2024/ ЖК", "12/\tKH 2025", "số 7-ĐA 2026", "15/12 2024", "15 / 12 / 2024",
        "15/12-2024", "1.5.2024", "15 -12- 2024", "2024-2025-2026", "",
    };
    char dir[] = "/tmp/pm-deadline-XXXXXX";
    scratch_dir_make(dir);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "sed -E '/^(reference|ongoing_from|date|month|quarter|range|year)\t/s/$/(?:)/' "
             "patterns/deadlines.pcre > %s/deadlines.pcre",
             dir);
    assert_int_equal(system(cmd), 0);
    pm_patterns *p;
    pm_error err = {0};
    assert_int_equal(pm_patterns_load(dir, &p, &err), PM_OK);
    assert_false(pm_proven(p, &pm_proof_reference));
    for (int r = 0; r < 6; r++)
        assert_false(pm_proven(p, &pm_proof_dated[r]));
    pm_extractor general = {.patterns = p};
    assert_int_equal(pm_deadline_init(&general, &err), PM_OK);
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        char text[256];
        size_t n = examples_unescape(texts[i], text, sizeof text);
        pm_deadline fast, slow;
        bool named = pm_parse_deadline(&fx->x, &fx->arena, text, n, &fast);
        assert_int_equal(named, pm_parse_deadline(&general, &fx->arena, text, n, &slow));
        if (fast.kind != slow.kind || fast.start != slow.start || fast.end != slow.end ||
            strcmp(fast.date, slow.date) != 0)
            fail_msg("`%s`: the prefilters give %d %d-%d %s, the rules %d %d-%d %s", texts[i],
                     fast.kind, fast.start, fast.end, fast.date, slow.kind, slow.start, slow.end,
                     slow.date);
    }
    pm_deadline_free(&general);
    pm_patterns_free(p);
    scratch_dir_remove(dir);
}

/* pm_parse_deadline_md reads the same with the caller's match data, one
 * too small for the rules' groups, and its own. */
static void caller_match_data(void **state)
{
    fixture *fx = *state;
    static const char *const texts[] = {"15/12/2024", "Quý II/2024", "2023-2025", "Hằng năm",
                                        "Theo tiến độ", "Nghị định 30/2020/NĐ-CP năm 2025",
                                        "ngày 15 tháng 12 năm 2025", ""};
    pcre2_match_data *big = pcre2_match_data_create(32, NULL);
    pcre2_match_data *small = pcre2_match_data_create(1, NULL);
    assert_non_null(big);
    assert_non_null(small);
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        size_t n = strlen(texts[i]);
        pm_deadline own, with_big, with_small;
        bool named = pm_parse_deadline(&fx->x, &fx->arena, texts[i], n, &own);
        assert_int_equal(named,
                         pm_parse_deadline_md(&fx->x, &fx->arena, big, texts[i], n, &with_big));
        assert_int_equal(named, pm_parse_deadline_md(&fx->x, &fx->arena, small, texts[i], n,
                                                     &with_small));
        const pm_deadline *other[] = {&with_big, &with_small};
        for (size_t k = 0; k < 2; k++) {
            assert_int_equal(own.kind, other[k]->kind);
            assert_int_equal(own.start, other[k]->start);
            assert_int_equal(own.end, other[k]->end);
            assert_string_equal(own.date, other[k]->date);
        }
    }
    pcre2_match_data_free(big);
    pcre2_match_data_free(small);
}

static void months_end_on_their_last_day(void **state)
{
    fixture *fx = *state;
    static const struct {
        int year;
        const char *ends[12];
    } years[] = {
        {2023, {"31", "28", "31", "30", "31", "30", "31", "31", "30", "31", "30", "31"}},
        {2024, {"31", "29", "31", "30", "31", "30", "31", "31", "30", "31", "30", "31"}},
        {1900, {"31", "28", "31", "30", "31", "30", "31", "31", "30", "31", "30", "31"}},
        {2000, {"31", "29", "31", "30", "31", "30", "31", "31", "30", "31", "30", "31"}},
    };
    for (size_t y = 0; y < sizeof years / sizeof years[0]; y++) {
        for (int m = 1; m <= 12; m++) {
            char text[64], want[16];
            snprintf(text, sizeof text, "Tháng %d/%d", m, years[y].year);
            snprintf(want, sizeof want, "%d-%02d-%s", years[y].year, m, years[y].ends[m - 1]);
            pm_deadline d;
            assert_true(pm_parse_deadline(&fx->x, &fx->arena, text, strlen(text), &d));
            assert_int_equal(d.kind, PM_DEADLINE_DATE);
            assert_int_equal(d.end, years[y].year);
            assert_string_equal(d.date, want);
        }
    }
}

static void missing_pattern_is_reported(void **state)
{
    (void)state;
    char dir[] = "/tmp/pm-deadline-XXXXXX";
    scratch_dir_make(dir);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "grep -v '^annual' patterns/deadlines.pcre > %s/deadlines.pcre",
             dir);
    assert_int_equal(system(cmd), 0);
    pm_patterns *p;
    pm_error err = {0};
    assert_int_equal(pm_patterns_load(dir, &p, &err), PM_OK);
    pm_extractor x = {.patterns = p};
    assert_int_equal(pm_deadline_init(&x, &err), PM_ERR_PATTERN);
    assert_non_null(strstr(err.message, "deadlines.annual"));
    pm_deadline_free(&x);
    assert_null(x.deadline);
    pm_patterns_free(p);
    scratch_dir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_the_examples),
        cmocka_unit_test(empty_text_names_no_time),
        cmocka_unit_test(text_is_the_trimmed_input),
        cmocka_unit_test(text_without_a_year),
        cmocka_unit_test(edited_year_rule_is_honoured),
        cmocka_unit_test(prefilters_agree_with_the_rules),
        cmocka_unit_test(caller_match_data),
        cmocka_unit_test(months_end_on_their_last_day),
        cmocka_unit_test(missing_pattern_is_reported),
    };
    return cmocka_run_group_tests_name("deadline", tests, setup, teardown);
}
