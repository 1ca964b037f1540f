/* quantity: Vietnamese numbers, and quantities in prose and table cells,
 * driven by tests/examples/quantities.txt (forms and the negative list). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"

#define EXAMPLES "tests/examples/quantities.txt"

static int setup(void **state)
{
    return fixture_setup(state, "quantity", pm_quantity_init);
}

static int teardown(void **state)
{
    return fixture_teardown(state, pm_quantity_free);
}

/* ---- numbers ---------------------------------------------------------------- */

static void parses_vietnamese_numbers(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t consumed;
        double value;
    } cases[] = {
        {"1.573,1", 7, 1573.1}, {"2,3", 3, 2.3},         {"05", 2, 5},
        {"1.000", 5, 1000},     {"1,5", 3, 1.5},         {"1.000.000", 9, 1000000},
        {"10.000,25", 9, 10000.25}, {"45%", 2, 45},      {"2.5", 3, 2.5},
        {"12.34", 5, 12.34},    {"0208.3855.123", 4, 208}, {"1.2345", 1, 1},
        {"1.5.2024", 1, 1},     {"3.1.", 3, 3.1},        {"7,", 1, 7},
        {"1.000,", 5, 1000},    {"2023-2025", 4, 2023},  {"1,5- 1,9", 3, 1.5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v = -1;
        size_t used = pm_parse_number(cases[i].in, strlen(cases[i].in), &v);
        if (used != cases[i].consumed || v != cases[i].value)
            fail_msg("%s: consumed %zu value %.17g, want %zu %.17g", cases[i].in, used, v,
                     cases[i].consumed, cases[i].value);
    }
}

static void rejects_what_is_not_a_number(void **state)
{
    (void)state;
    const char *bad[] = {"", "abc", ".5", ",5", " 5", "-5", "%"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 42;
        assert_int_equal(pm_parse_number(bad[i], strlen(bad[i]), &v), 0);
        assert_true(v == 42);
    }
    /* The length bounds the read: no look past n. */
    double v;
    assert_int_equal(pm_parse_number("1.000", 2, &v), 1);
    assert_true(v == 1);
    assert_int_equal(pm_parse_number("2,35", 3, &v), 3);
    assert_true(v == 2.3);
}

/* ---- the examples file ---------------------------------------------------------- */

static const char *op_name(pm_op op)
{
    static const char *names[] = {"eq", "gt", "ge", "lt", "le", "approx", "between"};
    return names[op];
}

static void format_bound(char *out, size_t size, bool has, double v)
{
    if (has)
        snprintf(out, size, "%.10g", v);
    else
        snprintf(out, size, "-");
}

/* One quantity in the file's notation, with its slice of the input. */
static void format_quantity(const pm_quantity *q, const char *input, char *out, size_t size)
{
    char lo[32], hi[32];
    format_bound(lo, sizeof lo, q->value.has_min, q->value.min);
    format_bound(hi, sizeof hi, q->value.has_max, q->value.max);
    bool written = q->unit == pm_unit_written;
    snprintf(out, size, "%s %s %s %.*s%s [%.*s]", op_name(q->value.op), lo, hi,
             written ? (int)(q->unit_end - q->unit_start) : q->unit ? (int)strlen(q->unit) : 1,
             written ? input + q->unit_start : q->unit ? q->unit : "-",
             q->aspirational ? " asp" : "", (int)(q->end - q->start), input + q->start);
}

/* Compares one expected item with a formatted quantity; the `[text]` part
 * is compared only when the item has one. */
static bool item_matches(const char *want, size_t want_len, const char *got)
{
    const char *bracket = memchr(want, '[', want_len);
    if (bracket)
        return strlen(got) == want_len && memcmp(got, want, want_len) == 0;
    const char *got_bracket = strstr(got, " [");
    size_t got_len = got_bracket ? (size_t)(got_bracket - got) : strlen(got);
    while (want_len && want[want_len - 1] == ' ')
        want_len--;
    return got_len == want_len && memcmp(got, want, want_len) == 0;
}

static bool check_example(const pm_extractor *x, const char *input, const char *expected,
                          char *report, size_t report_size)
{
    char text[1024];
    size_t n = examples_unescape(input, text, sizeof text);
    pm_quantity qs[16];
    size_t found = pm_find_quantities(x, text, n, qs, 16);
    char got[2048] = "";
    for (size_t i = 0; i < found; i++) {
        char one[256];
        format_quantity(&qs[i], text, one, sizeof one);
        snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? " ; " : "", one);
    }
    bool ok;
    if (strcmp(expected, "none") == 0) {
        ok = found == 0;
    } else {
        ok = true;
        const char *item = expected;
        size_t i = 0;
        for (; ok && item; i++) {
            const char *sep = strstr(item, " ; ");
            size_t len = sep ? (size_t)(sep - item) : strlen(item);
            if (i >= found) {
                ok = false;
                break;
            }
            char one[256];
            format_quantity(&qs[i], text, one, sizeof one);
            ok = item_matches(item, len, one);
            item = sep ? sep + 3 : NULL;
        }
        ok = ok && i == found;
    }
    if (!ok)
        snprintf(report, report_size, "%s\n    want: %s\n    got:  %s\n", input, expected,
                 found ? got : "none");
    return ok;
}

static void finds_the_examples(void **state)
{
    fixture *fx = *state;
    example_file ef;
    examples_open(&ef, EXAMPLES);
    size_t checked = 0, failed = 0;
    while (examples_next(&ef)) {
        const char *expected = examples_split(&ef);
        char report[8192];
        if (!check_example(&fx->x, ef.line, expected, report, sizeof report)) {
            fprintf(stderr, "  %s", report);
            failed++;
        }
        checked++;
    }
    examples_close(&ef);
    assert_true(checked > 100);
    assert_int_equal(failed, 0);
}

/* ---- limits and edges ---------------------------------------------------------------- */

static void respects_max_and_empty_input(void **state)
{
    fixture *fx = *state;
    const char *s = "đạt 10%, 20%, 30% và 40%";
    pm_quantity qs[2];
    assert_int_equal(pm_find_quantities(&fx->x, s, strlen(s), qs, 2), 2);
    assert_true(qs[1].value.min == 20);
    assert_int_equal(pm_find_quantities(&fx->x, s, strlen(s), qs, 0), 0);
    assert_int_equal(pm_find_quantities(&fx->x, "", 0, qs, 2), 0);
    /* Only the first n bytes are read. */
    assert_int_equal(pm_find_quantities(&fx->x, s, strlen("đạt 10"), qs, 2), 1);
    assert_null(qs[0].unit);
}

static void offsets_point_into_the_original_text(void **state)
{
    fixture *fx = *state;
    /* Diacritics shrink the folded key; offsets must still be original. */
    const char *s = "Diện tích sàn nhà ở bình quân đầu người đạt tối thiểu 28 m² vào năm 2025";
    pm_quantity q;
    assert_int_equal(pm_find_quantities(&fx->x, s, strlen(s), &q, 1), 1);
    const char *at = strstr(s, "tối thiểu");
    assert_int_equal(q.start, (size_t)(at - s));
    assert_int_equal(q.end, (size_t)(strstr(s, " vào") - s));
    /* Invalid UTF-8 next to a value does not hide it. */
    const char bad[] = "\xff\xfe trên 45%";
    assert_int_equal(pm_find_quantities(&fx->x, bad, sizeof bad - 1, &q, 1), 1);
    assert_int_equal(q.start, 3);
    assert_int_equal(q.end, sizeof bad - 1);
}

/* The fold reads sixteen bytes a step and maps key offsets back through
 * its marks: a value after any mix of ASCII, two- and three-byte letters,
 * characters without a cached fold (`–`, four bytes), folds longer than
 * their bytes (an ill-formed byte becomes U+FFFD) and stray continuation
 * bytes, at every alignment and near the end, keeps its original offsets. */
static void offsets_hold_after_any_mix_of_characters(void **state)
{
    fixture *fx = *state;
    static const char *const pieces[] = {"a", "b ", "\xe1\xba\xa1", "\xc4\x91", "\xe2\x80\x93",
                                         "\xc2\xa0", "\xf0\x9d\x90\x80", "\xff", "\x80",
                                         " ", "\xe1\xba\xbe", "\xc6\xb0", "\xcc\x81", "\xe1"};
    const size_t n_pieces = sizeof pieces / sizeof *pieces;
    /* ASCII: its offsets come from the marks before it */
    const char value[] = "25%";
    char s[512];
    unsigned seed = 7;
    for (int round = 0; round < 3000; round++) {
        size_t n = 0, parts = (size_t)(round % 61);
        for (size_t k = 0; k < parts; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % n_pieces];
            memcpy(s + n, p, strlen(p));
            n += strlen(p);
        }
        s[n++] = ' ';
        size_t at = n;
        memcpy(s + n, value, sizeof value - 1);
        n += sizeof value - 1;
        size_t end = n;
        s[n++] = ' ';
        for (size_t k = 0; k < (size_t)(round % 23); k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % n_pieces];
            memcpy(s + n, p, strlen(p));
            n += strlen(p);
        }
        pm_quantity q;
        if (pm_find_quantities(&fx->x, s, n, &q, 1) != 1 || q.start != at || q.end != end)
            fail_msg("round %d: %.*s: want [%zu,%zu)", round, (int)n, s, at, end);
    }
}

static void long_text_is_scanned_in_order(void **state)
{
    fixture *fx = *state;
    /* Many values and many non-values in one paragraph: all values, in order. */
    size_t cap = 64 * 1024, n = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    for (int i = 0; i < 500; i++)
        n += (size_t)snprintf(s + n, cap - n, "năm %d, số %d/QĐ-UBND đạt %d%%; ", 2000 + i % 100,
                              i, i);
    pm_quantity *qs = calloc(600, sizeof *qs);
    assert_non_null(qs);
    assert_int_equal(pm_find_quantities(&fx->x, s, n, qs, 600), 500);
    for (size_t i = 0; i < 500; i++) {
        assert_true(qs[i].value.min == (double)i);
        assert_true(i == 0 || qs[i].start > qs[i - 1].end);
    }
    free(qs);
    free(s);
}

/* ---- fast paths ------------------------------------------------------------------- */

/* Every quantity of s as "op min max unit[ asp][ att] [start,end)". */
static void format_all(const pm_extractor *x, const char *s, char *out, size_t size)
{
    pm_quantity qs[8];
    size_t found = pm_find_quantities(x, s, strlen(s), qs, 8);
    out[0] = '\0';
    for (size_t i = 0; i < found; i++) {
        const pm_quantity *q = &qs[i];
        char lo[32], hi[32];
        format_bound(lo, sizeof lo, q->value.has_min, q->value.min);
        format_bound(hi, sizeof hi, q->value.has_max, q->value.max);
        bool written = q->unit == pm_unit_written;
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s %s %s %.*s%s%s [%zu,%zu)", i ? " " : "",
                 op_name(q->value.op), lo, hi,
                 written ? (int)(q->unit_end - q->unit_start) : q->unit ? (int)strlen(q->unit) : 1,
                 written ? s + q->unit_start : q->unit ? q->unit : "-",
                 q->aspirational ? " asp" : "", q->attained ? " att" : "", q->start, q->end);
    }
}

/* What the value search tries (comparator words and signs, the Kelvin sign
 * for k, NBSP, `mỗi … có`, glued numbers), the words before a number that
 * exclude it or state it, `phấn đấu`, texts without an ASCII digit, and
 * the folded key of invalid or decomposed UTF-8: as found by the search
 * at every byte before them. */
static void fast_paths_find_what_the_full_search_finds(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"\u212Ahoảng 45% hộ",
         "approx 45 - % [0,14)"},
        {"≥ 45%",
         "ge 45 - % [0,7)"},
        {"⩾ 45%",
         "ge 45 - % [0,7)"},
        {"≤ 10%",
         "le - 10 % [0,7)"},
        {"⩽ 10%",
         "le - 10 % [0,7)"},
        {"≈ 5 ha",
         "approx 5 - ha [0,8)"},
        {"~ 5%",
         "approx 5 - % [0,4)"},
        {"=> 30%",
         "ge 30 - % [0,6)"},
        {"> 20%",
         "gt 20 - % [0,5)"},
        {"< 3 tháng",
         "lt - 3 tháng [0,10)"},
        {"=< 12%",
         "le - 12 % [0,6)"},
        {"tối\u00A0thiểu\u00A028 m²",
         "ge 28 - m2/person [0,22)"},
        {"tối thiểu mỗi đô thị có 01 trạm quan trắc",
         "ge 1 - count [0,44)"},
        {"Km18 và 5712:1993 đạt 45%",
         "eq 45 - % att [19,29)"},
        {"số 5; đạt 10%",
         "eq 10 - % att [8,18)"},
        {"năm 2025 đạt 10%",
         "eq 10 - % att [10,20)"},
        {"# 5 đạt 7%",
         "eq 7 - % att [4,13)"},
        {"Phụ lục 3 đạt 8%",
         "eq 8 - % att [14,23)"},
        {"phụ lục. 3 và quốc lộ 1A",
         ""},
        {"tuổi thọ đạt khoảng 71 tuổi",
         "approx 71 - tuổi att [20,38)"},
        {"tuổi thọ bình quân đạt tối thiểu 73,5 tuổi",
         "ge 73.5 - tuổi att [32,57)"},
        {"PHẤN ĐẤU đạt 90%",
         "eq 90 - % asp att [14,24)"},
        {"phân loại 5 đô thị, phấn đấu 12 đô thị",
         "eq 12 - count asp [41,54)"},
        {"Phần đầu tỷ lệ 98%",
         "eq 98 - % asp [24,27)"},
        {"٣٤ % và ٣",
         ""},
        {"٣ đạt 45%",
         "eq 45 - % att [3,13)"},
        {"đa\u0323t 45% (NFD)",
         "eq 45 - % att [0,10)"},
        {"\xe1\xba 45%",
         "eq 45 - % [3,6)"},
        {"\xc3 45%",
         "eq 45 - % [2,5)"},
        {"\xe1\xb8\x35 đạt",
         ""},
        {"đạt\xe1\xbb 5 xã",
         "eq 5 - count [9,14)"},
        {"Ngày 15 tháng 12 năm 2024, đạt trên 50%",
         "gt 50 - % att [37,46)"},
        {"toàn tỉnh có 17 đô thị; đến năm 2030 có 21 đô thị",
         "eq 17 - count [17,30) eq 21 - count [53,66)"},
        {"từ 40% đến 45%",
         "between 40 45 % [0,19)"},
        {"đầu tư 500 tỷ đồng",
         "eq 500 - tỷ đồng [11,27)"},
        {"không dưới 30%",
         "ge 30 - % [0,18)"},
        {"KHÔNG QUÁ 5%",
         "le - 5 % [0,14)"},
        {"cao hơn 7%",
         "gt 7 - % [0,11)"},
        {"ít nhất 2 lần",
         "ge 2 - lần [0,18)"},
        {"gần 100 km",
         "approx 100 - km [0,12)"},
        {"xấp xỉ 1,5 triệu lượt khách",
         "approx 1500000 - count [0,37)"},
        {"Tỷ lệ hộ gia đình sử dụng nước sạch theo quy chuẩn của các đô thị loại I, II, III, IV và V trên địa bàn tỉnh đạt 100%",
         "eq 100 - % att [145,156)"},
        {"iso 9001 và tcvn 5945:2005 và ISO. 14001 và TL 5 và ql.1A",
         ""},
        {"điều 5, khoản 2, chương 3 đạt 9%",
         "eq 9 - % att [33,42)"},
        {"_5 đạt 3%",
         "eq 3 - % att [3,12)"},
        {"đạt_5%",
         ""},
        {"từ 3 sao trở lên",
         ""},
        {"trên 100 % các tuyến đường",
         "eq 100 - % [0,11)"},
        {"đạt 10 trở lên",
         "ge 10 - - att [0,20)"},
        {"1) đạt 5%",
         "eq 5 - % att [3,12)"},
        {"(2) 7%",
         "eq 7 - % [4,6)"},
        {"3.1. Tỷ lệ 45%",
         "eq 45 - % [15,18)"},
        {"1.000.000 đồng",
         ""},
        {"0208.3855.123",
         ""},
        {"tăng 1,2°C",
         "eq 1.2 - °C [6,12)"},
        /* next_value reads only the first letter of an ASCII run as a
         * possible opener: glued, too long, after a non-ASCII letter */
        {"xtrên 5 ha",
         "eq 5 - ha [7,11)"},
        {"khoảngtrên 5 ha",
         "eq 5 - ha [14,18)"},
        {"øtrên 5 ha",
         "eq 5 - ha [8,12)"},
        {"TRÊN 20%; 5% và dưới 6%",
         "gt 20 - % [0,9) eq 5 - % [11,13) lt - 6 % [18,28)"},
        /* `phấn đấu` counts up to the last clause boundary before a value */
        {"phấn đấu 5 ha; đạt 6%. Phấn đấu đạt 7%\n8 ha, trên 9%",
         "eq 5 - ha asp [14,18) eq 6 - % att [20,29) eq 7 - % asp att [45,54) eq 8 - ha [55,59) "
         "gt 9 - % [61,69)"},
        {"Phấn đấu x.y đạt 5%, phấn đấu. đạt 6%; 7 ha.",
         "eq 5 - % asp att [18,27) eq 6 - % att [44,53) eq 7 - ha [55,59)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char got[1024];
        format_all(&fx->x, cases[i].in, got, sizeof got);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("%s\n    want: %s\n    got:  %s", cases[i].in, cases[i].want, got);
    }
}

/* key_may_have_digit reads eight bytes at a time: a digit only the key
 * shows (fullwidth, Arabic-Indic), a Vietnamese letter led by 0xE1 right
 * before it, a 0xE1 not before 0xB8..0xBB, and invalid bytes, at every
 * offset in the word and at the end: the value search runs (a digit of
 * another script makes no value) and reads nothing past the text. */
static void digits_beyond_ascii_are_read_at_every_offset(void **state)
{
    fixture *fx = *state;
    static const char *const tails[] = {"đạt \uFF14\uFF15%", "đạt ạ\u0664\u0665%",
                                        "đạt \uFF14\uFF15% ạ", "\xe1\xbd đạt \u0664\u0665%",
                                        "\xe1 đạt \uFF14\uFF15%", "đạt \u0664\u0665%\xe1"};
    for (size_t t = 0; t < sizeof tails / sizeof *tails; t++)
        for (size_t pad = 0; pad < 17; pad++) {
            char got[256];
            char *in = malloc(3 * pad + strlen(tails[t]) + 1); /* exact, for ASan */
            assert_non_null(in);
            in[0] = '\0';
            for (size_t k = 0; k < pad; k++)
                strcat(in, "ạ");
            strcat(in, tails[t]);
            format_all(&fx->x, in, got, sizeof got);
            assert_string_equal(got, "");
            free(in);
        }
}

/* ---- patterns a researcher edits --------------------------------------------------- */

/* Each edit adds a word that the fast path proven for the shipped regex
 * never tries; the edit turns that path off and the general search finds
 * what the word says. */
static void edited_patterns_are_honoured(void **state)
{
    fixture *fx = *state;
    static const struct {
        const pm_proof *proof;
        const char *from, *to, *in, *shipped, *edited;
    } cases[] = {
        {&pm_proof_value_start, "(?<gt>\\b(?:(?:cao", "(?<gt>\\bvuot\\s+muc\\b|\\b(?:(?:cao",
         "vượt mức 20%", "eq 20 - % [14,17)", "gt 20 - % [0,17)"},
        {&pm_proof_excluded_before, "|ql|dt|tl)", "|ql|dt|tl|tieu\\s+chi)",
         "tiêu chí 15%", "eq 15 - % [11,14)", ""},
        {&pm_proof_attained, "\\bdat(?:\\s+(?:khoang", "\\b(?:dat|len)(?:\\s+(?:khoang",
         "tuổi thọ lên 75 tuổi", "", "eq 75 - tuổi att [18,27)"},
        {&pm_proof_aspiration, "\\bphan\\s*dau\\b", "\\b(?:phan\\s*dau|cam\\s+ket)\\b",
         "cam kết đạt 90%", "eq 90 - % att [10,20)", "eq 90 - % asp att [10,20)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char got[1024];
        format_all(&fx->x, cases[i].in, got, sizeof got);
        if (strcmp(got, cases[i].shipped) != 0)
            fail_msg("shipped: %s\n    want: %s\n    got:  %s", cases[i].in, cases[i].shipped,
                     got);
        char dir[] = "/tmp/pm-quantity-XXXXXX";
        scratch_patterns_edited(dir, "quantities", cases[i].from, cases[i].to);
        pm_patterns *p;
        pm_error err = {0};
        assert_int_equal(pm_patterns_load(dir, &p, &err), PM_OK);
        assert_false(pm_proven(p, cases[i].proof));
        pm_extractor x = {.patterns = p};
        assert_int_equal(pm_quantity_init(&x, &err), PM_OK);
        format_all(&x, cases[i].in, got, sizeof got);
        if (strcmp(got, cases[i].edited) != 0)
            fail_msg("edited: %s\n    want: %s\n    got:  %s", cases[i].in, cases[i].edited,
                     got);
        pm_quantity_free(&x);
        pm_patterns_free(p);
        scratch_dir_remove(dir);
    }
}

/* The numbers and one-word comparators read without PCRE2 (bare_number_at,
 * comparator_at), the words a value may cross to its number
 * (value_may_reach, bridge_start), the prefilters of excluded_after and
 * bound_suffix and the `phấn đấu` looked for only as far as the values
 * find what the general search finds: a no-op edit of each regex turns its
 * fast path off. Numbers at either end of the text, next to Unicode spaces
 * and dashes, glued, in ranges, after filler words and the `mỗi … có`
 * bridge, suffixes in other cases and after NBSP. */
static void fast_paths_agree_with_the_general_search(void **state)
{
    fixture *fx = *state;
    static const char *const inputs[] = {
        "5", "45%", "45 %", "45\u00A0%", "45\u2009%", "1.000.000 đồng", "12,5", "7,", "3 ",
        " 3", "2021-2025", "2021 – 2025", "2021—2025", "10 - 15%", "10%-15 %", "10 -\u00A015%",
        "10 -", "10 - x", "ø5 ha", "Km18 đạt 45%", "(2) 7%", "1) đạt 5%", "đạt 95%",
        "Đạt 95 %", "ĐẠT\t95%", "trên 50%", "TRÊN 50%", "trên 100 % các xã", "hơn 3 lần",
        "khoảng 20 ha", "gần 7 km", "dưới 5%", "đạt\u00A095%", "đạtø 95%", "øđạt 95%",
        "đạt được 95%", "đạt mức 90%", "đạt: 90%", "đạt ở mức 90%", "trên địa bàn có 12 xã",
        "đạt chuẩn 15 xã", "tối thiểu mỗi xã có 01 trạm", "ít nhất mỗi huyện, thị xã có 2 điểm",
        "từ 40% đến 45%", "đầu tư 500 tỷ", "khongqua 5%", "không quá 5%", "cao hơn 7%",
        "xấp xỉ 1,5 triệu lượt khách", "đạt, 5%", "đạt (5%)", "đạt - 5%", "5 /QĐ", "5/QĐ",
        "5 : 1", "5 -a", "5 -\u00A0a", "5 + 3", "15 tháng 12", "15 THÁNG 12", "3 sao",
        "3\u00A0sao", "3 ſao", "3 Sao", "10 trở lên", "10 TRỞ xuống", "10\u00A0trở lên",
        "10 tro", "từ 8 m² đến 10 m²", "đạt 10 trở lên", "trên 5", "đạt 5 /năm", "đạt 5/QĐ",
        "đạt 5 : 1", "đạt 5 -a", "đạt 5 -\u00A0a", "đạt 5 + 3", "đạt 15 tháng 12",
        "đạt 15\u00A0tháng 12", "đạt 3 sao", "đạt 3\u00A0sao", "đạt 3 ſao", "đạt 3 Sao",
        "đạt 10\u00A0trở lên", "đạt 10 Trở xuống", "đạt 10 tr", "tuổi thọ đạt 71 tuổi",
        "đạt khoảng 71 tuổi", "đạt xấp xỉ 71 tuổi", "đạt xấp  xỉ\u00A071 tuổi",
        "đạt tối thiểu 71 tuổi", "đạt tối đa 71 tuổi", "đạt ít nhất 71 tuổi",
        "đạt ở mức 71 tuổi", "đạt mức 71 tuổi", "đạt o muc 71 tuổi", "đạt ở 71 tuổi",
        "đạt bình quân 71 tuổi", "đạt trung bình 71 tuổi", "đạt khoảng trên 71 tuổi",
        "Đạt Khoảng 71 tuổi", "ĐẠT TRÊN 71 tuổi", "đạt \u212Ahoảng 71 tuổi", "đạtkhoảng 71 tuổi",
        "xđạt khoảng 71 tuổi", "5đạt khoảng 71 tuổi", "_đạt trên 71 tuổi", "đạt_trên 71 tuổi",
        "tối thiểu 71 tuổi", "mức 71 tuổi", "đạt tối 71 tuổi", "đạt thiểu 71 tuổi",
        "đạt khoảngx 71 tuổi", "đạt\u2003dưới 71 tuổi", "đạt hơn hơn gần 71 tuổi",
        "ađạt mức mức mức mức mức mức mức 71 tuổi", "đạt mức mức mức mức mức mức mức 71 tuổi",
        "đạt trung bình mức 71 tuổi", "trên bình quân 71 tuổi", "øđạt trên 71 tuổi",
        "năm 2025 đạt 5%", "Năm 5 ha", "số 5 ha", " số: 5 ha", "ngày. 15 ha", "#5 ha",
        "# 5 ha", "№ 5 ha", ". 5 ha", ": 5 ha", "\u00A05 ha", "\u2003 5 ha", "iso 9001 ha",
        "xnăm 5 ha", "phụ lục 5 ha", "lục 5 ha", "quốc lộ 5 ha", "lộ 5 ha", "Km 5 ha",
        "\u212Am 5 ha", "loại: 5 ha", "loại :  5 ha", "_năm 5 ha", "5năm 5 ha",
        "10 triệu đồng", "2 nghìn tỷ đồng", "1,25 triệu lượt khách", "10 triệu cây",
        "5 Triệu cây", "5 tỷ", "5 tỷ đồng/năm", "3 ngàn tỷ Đồng", "3 ngàn tỷ 5", "3 ty ti cây",
        "khoảng 5 triệuđồng", "tối thiểu 12 phòng", "tối thiểu 1.200 phòng lưu trú",
        "tối thiểu 60 lít/người/ngày", "11 bác sĩ/vạn dân", "tối thiểu 12 Phòng",
        /* words between the first word and the number (value_may_reach) */
        "đạt trên 5%", "không vượt quá 5%", "không thấp hơn 5%", "không nhiều hơn 10 ha",
        "thấp hơn 3%", "đạt là 5%", "đạt được ở mức 5%", "đạt từ 5 đến 7%", "tối đa 5%",
        "tối đạt 5%", "ít hơn: 5%", "khoảng từ 5 đến 10 ha", "gần đạt 5%", "trên đạt 5%",
        "không 5%", "không hơn 5%", "hơn từ 5%", "từ từ 5%", "đạt mức mức từ 5%", "đạt ở 5%",
        "lớn hơn hơn 5%", "đạt: : 5%", "Không Vượt Quá 5%", "dưới mức 5%", "xấp xỉ là 5%",
        "không quá mỗi 5%", "đạt o  muc 5%", "cao hơn 5%", "đạt trên trên 5%",
        "từ đạt 5%", "đạt:5%", "tối thiểu:5%", "tối:thiểu 5%", "ít nhất là từ 5 - 7%",
        "không dưới 80% số xã", "đầu tư từ 5 tỷ", "tối thiểu mỗi xã, phường có 2 trạm",
        "ít nhất mỗi huyện có: 3 điểm", "tối thiểu mỗi xã có x 5", "> abc 5%", "abc> 5%",
        "đạt > 5%", "đạt; 5%", "đạt. 5%", "khoảng\u00A0~ 5%", "có 5%", "hơn_5%", "trênx 5",
        "xã đạt trên 5%", "chỉ tiêu: đạt 5%", "toàn tỉnh có trên 5 xã", "≥ đạt 5%", "=> là 5%",
        "tỷ lệ (đạt) 5%", "tăng lên đạt khoảng 5%", "hộ dân đạt\u2003 5%", "đạt đạt đạt đạt đạt đạt đạt đạt đạt đạt đạt "
        "đạt đạt đạt đạt đạt đạt đạt đạt đạt đạt đạt đạt đạt đạt 5%",
        /* `phấn đấu` looked for only as far as the values (advance_aspiration) */
        "phấn đấu 5%; 7%", "5%, phấn đấu 7%, phấn đấu 9%", "Phấn đấu. 5%", "phấn   đấu\n5%",
        "phanđấu 5 %", "xphấn đấu 5%", "phấn đấu phấn đấu 5% và 6%", "5% phấn đấu",
        "phấn đấu đạt 5%, phân loại 7 xã; phấn 8 ha", "phấn đấuphấn đấu 5%", "5 phấn đấu 6%",
        "tối thiểu 12 phòngA", "tối thiểu 12 phòng5", "tối thiểu 12 phòng 5",
        "tối thiểu 12 năm", "tối thiểu 12 nam5", "tối thiểu 12 namx", "tối thiểu 12 trong",
        "tối thiểu 12\u00A0phòng", "tối thiểu 12\u2003phòng", "tối thiểu 12 \u00A0 phòng",
        "tối thiểu 12 øre", "tối thiểu 5 \u212Ahoa", "tối thiểu 5 ſo", "tối thiểu 5 so",
        "tối thiểu 5 sổ", "tối thiểu 5 o", "tối thiểu 5 ô", "tối thiểu 5 phòngø",
        "tối thiểu 5 \t\nphòng", "tối thiểu 5 , phòng", "tối thiểu 5 triệu", "tối thiểu 5 triệu ",
        "tối thiểu 5 triệu phòng", "tối thiểu 5 triệu Phòng", "tối thiểu 5 nghìn hộ/xã",
        "02 trạm/xã", "02 trạm /xã", "02 trạm\u00A0/ xã", "tối thiểu 32 giường bệnh/vạn dân",
        "tối thiểu 32 giường bệnh viện/vạn dân", "tối thiểu 32 Giường/vạn dân",
        "tối thiểu 32 giường, /vạn dân", "tối thiểu 32 giường 5/vạn dân",
        "43 triệu đồng/người/năm", "5 ha/người", "5 ha /người", "5 ha-người", "5 ha\t/người",
        "tối thiểu 60 lít/người/ngày", "tối thiểu 60 lít\u2003/người"};
    static const struct {
        const pm_proof *proof;
        const char *from, *to;
    } edits[] = {
        {&pm_proof_value_start, "(?<pct2>\\s*%)?)?", "(?<pct2>\\s*%)?)?(?:)"},
        {&pm_proof_excluded_after, "sao(?![\\p{L}\\p{N}]))", "sao(?![\\p{L}\\p{N}]))(?:)"},
        {&pm_proof_bound_suffix, "(?<le>tro\\s+xuong))\\b", "(?<le>tro\\s+xuong))\\b(?:)"},
        {&pm_proof_excluded_before, "|ql|dt|tl)", "|ql|dt|tl)(?:)"},
        {&pm_proof_magnitude, "(?:nghin|ngan|trieu|ty|ti))*", "(?:nghin|ngan|trieu|ty|ti))*(?:)"},
        {&pm_proof_counted_noun, "\\p{Ll}++(?![\\p{Nd}])", "\\p{Ll}++(?![\\p{Nd}])(?:)"},
        {&pm_proof_rate_tail, "(?:[ \\t\\x{A0}]+dan)?", "(?:[ \\t\\x{A0}]+dan)?(?:)"},
        {&pm_proof_attained, "trung\\s+binh))*\\s*\\z", "trung\\s+binh))*\\s*\\z(?:)"},
        {&pm_proof_aspiration, "\\bphan\\s*dau\\b", "\\bphan\\s*dau\\b(?:)"},
    };
    for (size_t e = 0; e < sizeof edits / sizeof *edits; e++) {
        assert_true(pm_proven(fx->x.patterns, edits[e].proof));
        char dir[] = "/tmp/pm-quantity-XXXXXX";
        scratch_patterns_edited(dir, "quantities", edits[e].from, edits[e].to);
        pm_patterns *p;
        pm_error err = {0};
        assert_int_equal(pm_patterns_load(dir, &p, &err), PM_OK);
        assert_false(pm_proven(p, edits[e].proof));
        pm_extractor x = {.patterns = p};
        assert_int_equal(pm_quantity_init(&x, &err), PM_OK);
        for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
            char fast[1024], general[1024];
            format_all(&fx->x, inputs[i], fast, sizeof fast);
            format_all(&x, inputs[i], general, sizeof general);
            if (strcmp(fast, general) != 0)
                fail_msg("%s: %s\n    fast:    %s\n    general: %s", edits[e].proof->regex,
                         inputs[i], fast, general);
        }
        pm_quantity_free(&x);
        pm_patterns_free(p);
        scratch_dir_remove(dir);
    }
}

/* ---- lexicon errors --------------------------------------------------------------- */

static void bad_unit_table_is_reported_with_its_line(void **state)
{
    (void)state;
    char dir[] = "/tmp/pm-quantity-XXXXXX";
    scratch_dir_make(dir);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp patterns/quantities.pcre %s/", dir);
    assert_int_equal(system(cmd), 0);
    scratch_dir_write(dir, "quantities.tsv", "# units\nha\tha\nkm\n");
    pm_patterns *p;
    pm_error err = {0};
    assert_int_equal(pm_patterns_load(dir, &p, &err), PM_OK);
    pm_extractor x = {.patterns = p};
    assert_int_equal(pm_quantity_init(&x, &err), PM_ERR_PATTERN);
    assert_non_null(strstr(err.file, "quantities.tsv"));
    assert_int_equal(err.line, 3);
    pm_quantity_free(&x);
    assert_null(x.quantity);
    pm_patterns_free(p);
    scratch_dir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_vietnamese_numbers),
        cmocka_unit_test(rejects_what_is_not_a_number),
        cmocka_unit_test(finds_the_examples),
        cmocka_unit_test(respects_max_and_empty_input),
        cmocka_unit_test(offsets_point_into_the_original_text),
        cmocka_unit_test(offsets_hold_after_any_mix_of_characters),
        cmocka_unit_test(long_text_is_scanned_in_order),
        cmocka_unit_test(fast_paths_find_what_the_full_search_finds),
        cmocka_unit_test(digits_beyond_ascii_are_read_at_every_offset),
        cmocka_unit_test(edited_patterns_are_honoured),
        cmocka_unit_test(fast_paths_agree_with_the_general_search),
        cmocka_unit_test(bad_unit_table_is_reported_with_its_line),
    };
    return cmocka_run_group_tests_name("quantity", tests, setup, teardown);
}
