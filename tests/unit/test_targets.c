/* targets: the subject filler read without PCRE2 (pm_subject_head_read,
 * pm_subject_tail_read) agrees with target-cues.subject_head and
 * subject_tail on tricky texts and on random strings of their tokens. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>

#include "fixture.h"

static pm_status no_part(pm_extractor *x, pm_error *err)
{
    (void)x;
    (void)err;
    return PM_OK;
}

static void no_part_free(pm_extractor *x)
{
    (void)x;
}

static int setup(void **state)
{
    return fixture_setup(state, "targets", no_part);
}

static int teardown(void **state)
{
    return fixture_teardown(state, no_part_free);
}

typedef struct tally {
    size_t read, asked; /* answers read in C, and left to PCRE2 */
} tally;

/* Both readings of s against both regexes, the tail from every character
 * boundary; a C answer (not -1) must be PCRE2's. */
static void agree(const fixture *fx, const char *s, tally *t)
{
    const pcre2_code *head = pm_patterns_regex(fx->patterns, "target-cues.subject_head", NULL);
    const pcre2_code *tail = pm_patterns_regex(fx->patterns, "target-cues.subject_tail", NULL);
    pcre2_match_data *md = pcre2_match_data_create(32, NULL);
    assert_non_null(head);
    assert_non_null(tail);
    assert_non_null(md);
    size_t n = strlen(s), end = 0, ms = 0, me = 0;
    if (!pm_utf8_valid(s, n)) {
        /* Never asked of PCRE2 (pm_cue_find trusts the text to be UTF-8):
         * read within s, and not read where it is not UTF-8. */
        pm_subject_head_read(s, n, &end);
        for (size_t from = 0; from <= n; from++)
            pm_subject_tail_read(s, n, from, &ms);
        if (n && (unsigned char)s[n - 1] >= 0x80)
            assert_int_equal(pm_subject_tail_read(s, n, 0, &ms), -1);
        if ((unsigned char)s[0] >= 0x80)
            assert_int_equal(pm_subject_head_read(s, n, &end), -1);
        pcre2_match_data_free(md);
        return;
    }
    int fast = pm_subject_head_read(s, n, &end);
    bool general = pm_cue_at(&fx->x, head, s, n, 0, md, &me);
    if (fast >= 0 && (fast != general || (general && end != me)))
        fail_msg("subject_head: \"%s\": fast %d end %zu, general %d end %zu", s, fast, end,
                 general, me);
    t->read += fast >= 0;
    t->asked += fast < 0;
    for (size_t from = 0; from <= n; from++) {
        if (from < n && ((unsigned char)s[from] & 0xC0) == 0x80)
            continue;
        size_t start = 0;
        fast = pm_subject_tail_read(s, n, from, &start);
        general = pm_cue_find(&fx->x, tail, s, n, from, md, &ms, &me) && me == n;
        if (fast >= 0 && (fast != general || (general && start != ms)))
            fail_msg("subject_tail: \"%s\" from %zu: fast %d start %zu, general %d start %zu",
                     s, from, fast, start, general, ms);
        t->read += fast >= 0;
        t->asked += fast < 0;
    }
    pcre2_match_data_free(md);
}

static void proven_for_the_shipped_patterns(void **state)
{
    fixture *fx = *state;
    assert_true(pm_proven(fx->patterns, &pm_proof_subject_head));
    assert_true(pm_proven(fx->patterns, &pm_proof_subject_tail));
}

/* Filler in any case, two-word entries split and glued, Unicode spaces and
 * marks, letters beyond the lists' ranges, marks that end a word, invalid
 * UTF-8 and the empty text. */
static void filler_read_in_c_is_what_pcre2_finds(void **state)
{
    fixture *fx = *state;
    static const char *const texts[] = {
        "", " ", ", ", ",  đạt ", "Đạt", "ĐẠT 5", " đạt", "và đạt", "Và Đạt tỷ lệ",
        "trong đó", "trong  đó tỷ lệ", "trong\u00A0đó x", "trongđó", "trong", "trong ",
        "trong x", "Phấn đấu đạt", "phấn đấu", "phần đầu", "PHẤN ĐẤU", "phấn", "đấu",
        "phủ kín", "phủ  kín", "phủ\u2009kín", "kín", " kín", "x kín", "phủkín", "phủ kínx",
        "cụ thể, ", "đồng thời", "bảo đảm", "đảm bảo", "hoàn thành", "thực hiện", "tiếp tục",
        "cơ bản", "cơ bản.", " – • + * - : ;", "\t\n\r\v\f", "\u3000đạt\u205F",
        "tỷ lệ hộ nghèo đạt", "tỷ lệ đạt trên", "diện tích đạt tối thiểu", "số xã ít nhất",
        "không quá", "khoảng", "KHOẢNG ", "từ", "đến", "chiếm", "còn hơn", "được", "có ",
        "đều có", "với", "vào", "ở mức", "là", "đa", "tối đa", "bằng", "xđạt", "đạtx",
        "5đạt", "đạt5", "x.đạt", "“đạt”", "đạt…", "\u212Ahoảng", "\u017Fđạt", "ıt", "İt",
        "đạt\u0301", "\u0301đạt", "ªđạt", "đạtª", "µ đạt", "đạt ø", "ø đạt", "ǆ đạt",
        "đạt \u0391", "\xff đạt", "đạt \xc3", "đạt\xe1\xba", "\u200Bđạt", "đạt\u200B",
        "\xC2\x85" "đạt", "\u180Eđạt", "phủ\u180Ekín", "phủ\u200Bkín", "đạt\n", "x\n",
        "Các đô thị từ loại IV trở lên đều có ", " hoàn thành phủ kín quy hoạch chung đô thị, ",
        " Đảm bảo , ", ", phấn đấu tập trung phát triển đô thị thông minh tại ",
    };
    tally t = {0, 0};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        agree(fx, texts[i], &t);
    assert_true(t.read > 4 * t.asked);
}

static void filler_of_random_tokens_agrees(void **state)
{
    fixture *fx = *state;
    static const char *const tokens[] = {
        "đạt", "Đạt", "ĐẠT", "và", "VÀ", "trong", "đó", "phủ", "Phủ", "kín", "KÍN", "phấn",
        "đấu", "phần", "Đầu", "tối", "thiểu", "không", "quá", "cơ", "bản", "xã", "tỷ", "lệ",
        "hộ", " ", "  ", "\u00A0", "\u2003", ",", ":", ";", "-", "–", "•", "+", "*", ".",
        "5", "a", "đ", "\u212A", "ſ", "\u0301", "“", "ø", "\n", "\t", "(", "ª"};
    uint32_t seed = 148;
    tally t = {0, 0};
    char s[256];
    for (int i = 0; i < 20000; i++) {
        s[0] = '\0';
        seed = seed * 1103515245u + 12345u;
        size_t k = (seed >> 16) % 7;
        for (size_t j = 0; j < k; j++) {
            seed = seed * 1103515245u + 12345u;
            strcat(s, tokens[(seed >> 16) % (sizeof tokens / sizeof *tokens)]);
        }
        agree(fx, s, &t);
    }
    assert_true(t.read > 2 * t.asked);
}

/* The byte tests before target-cues.forecast, subject_cut and not_before
 * say yes wherever PCRE2 finds a match in s[from, to): every cue in every
 * case, next to the ends of the range (the test reads sixteen places a
 * step and the last few from a copy), and texts that hold none. */
static void cue_byte_tests_never_miss_a_match(void **state)
{
    fixture *fx = *state;
    static const struct {
        pm_target_cue cue;
        const char *regex;
    } cues[] = {{PM_CUE_FORECAST, "target-cues.forecast"},
                {PM_CUE_SUBJECT_CUT, "target-cues.subject_cut"},
                {PM_CUE_NOT_BEFORE, "target-cues.not_before"}};
    static const char *const phrases[] = {
        "theo kịch bản", "THEO DỰ BÁO", "Theo các dự báo", "được dự báo sẽ", "Dự Báo đến",
        "dự báo trong", "có thể tăng", "CÓ THỂ SẼ VƯỢT", "có thể lên tới", "trong đó",
        "TRONG ĐÓ", "Trong Đó", "cụ thể là", "CỤ THỂ LÀ", "bao gồm", "BAO GỒM", "cả",
        "CẢ", "thứ", "THỨ", "lần", "LẦN", "khóa", "KHÓA", "khoá", "KHOÁ", "không còn",
        "KHÔNG CÒN gì", "không  còn thêm nữa", "theo", "dự", "thể", "trong", "khóa học",
        "tỷ lệ hộ nghèo", "", "x", "đô thị loại II"};
    static const char *const pads[] = {"", " ", "a ", "tỷ lệ đô thị hóa đạt ",
                                       "Kế hoạch phát triển đô thị tỉnh giai đoạn mới, "};
    pcre2_match_data *md = pcre2_match_data_create(32, NULL);
    assert_non_null(md);
    size_t said_no = 0;
    char s[512];
    for (size_t c = 0; c < sizeof cues / sizeof *cues; c++) {
        const pcre2_code *re = pm_patterns_regex(fx->patterns, cues[c].regex, NULL);
        assert_non_null(re);
        for (size_t p = 0; p < sizeof phrases / sizeof *phrases; p++)
            for (size_t a = 0; a < sizeof pads / sizeof *pads; a++)
                for (size_t b = 0; b < sizeof pads / sizeof *pads; b++) {
                    snprintf(s, sizeof s, "%s%s%s", pads[a], phrases[p], pads[b]);
                    size_t n = strlen(s), ms, me;
                    for (size_t from = 0; from <= n; from++) {
                        if (from < n && ((unsigned char)s[from] & 0xC0) == 0x80)
                            continue;
                        bool may = pm_target_cue_may_match(cues[c].cue, s, from, n);
                        if (!may && pm_cue_find(&fx->x, re, s, n, from, md, &ms, &me))
                            fail_msg("%s: \"%s\" from %zu: a match the test ruled out",
                                     cues[c].regex, s, from);
                        said_no += !may;
                    }
                }
    }
    assert_true(said_no > 0);
    pcre2_match_data_free(md);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(proven_for_the_shipped_patterns),
        cmocka_unit_test(filler_read_in_c_is_what_pcre2_finds),
        cmocka_unit_test(filler_of_random_tokens_agrees),
        cmocka_unit_test(cue_byte_tests_never_miss_a_match),
    };
    return cmocka_run_group_tests_name("targets", tests, setup, teardown);
}
