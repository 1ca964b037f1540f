/* agency: pm_find_agencies driven by tests/examples/agencies.txt (roles,
 * objects that are not actors, lists, collectives, abbreviations, OCR
 * variants, bodies outside the lexicon), plus offsets, limits and the
 * errors of a malformed lexicon. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"

#define EXAMPLES "tests/examples/agencies.txt"

static int setup(void **state)
{
    return fixture_setup(state, "agency", pm_agency_init);
}

static int teardown(void **state)
{
    return fixture_teardown(state, pm_agency_free);
}

static const char *const role_names[] = {"lead", "support", "approver"};

static int role_of(const char *name)
{
    for (int r = 0; r < 3; r++)
        if (strcmp(name, role_names[r]) == 0)
            return r;
    fail_msg("%s: unknown role '%s'", EXAMPLES, name);
    return -1;
}

typedef struct example {
    char text[2048];
    size_t n;
    int role;
    size_t line;
    char expected[32][2048]; /* "role id" or "role id<TAB>raw" */
    size_t n_expected;
} example;

/* Runs one example; prints what differs and returns whether it passed. */
static bool check(fixture *fx, const example *ex)
{
    pm_mention m[32];
    size_t n = pm_find_agencies(&fx->x, &fx->arena, ex->text, ex->n, (pm_role)ex->role, m, 32);
    bool ok = n == ex->n_expected;
    for (size_t i = 0; ok && i < n; i++) {
        char got[256];
        snprintf(got, sizeof got, "%s %s", role_names[m[i].role], m[i].agency.id);
        const char *want = ex->expected[i];
        const char *tab = strchr(want, '\t');
        size_t head = tab ? (size_t)(tab - want) : strlen(want);
        ok = strlen(got) == head && strncmp(got, want, head) == 0 &&
             (!tab || strcmp(m[i].agency.raw, tab + 1) == 0);
        /* raw is the searched text at start..end */
        ok = ok && m[i].end <= ex->n && strlen(m[i].agency.raw) == m[i].end - m[i].start &&
             memcmp(ex->text + m[i].start, m[i].agency.raw, m[i].end - m[i].start) == 0;
    }
    if (!ok) {
        fprintf(stderr, "%s:%zu: %s\n  expected:\n", EXAMPLES, ex->line, ex->text);
        for (size_t i = 0; i < ex->n_expected; i++)
            fprintf(stderr, "    %s\n", ex->expected[i]);
        fprintf(stderr, "  got:\n");
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "    %s %s\t%s\n", role_names[m[i].role], m[i].agency.id,
                    m[i].agency.raw);
    }
    return ok;
}

static void finds_the_examples(void **state)
{
    fixture *fx = *state;
    example_file ef;
    examples_open(&ef, EXAMPLES);
    static example ex;
    bool open_case = false;
    size_t checked = 0, failed = 0;
    for (;;) {
        bool more = examples_next(&ef);
        /* A case ends at the next case or at the end of the file. */
        if (open_case && (!more || strncmp(ef.line, "> ", 2) == 0)) {
            checked++;
            failed += !check(fx, &ex);
            open_case = false;
        }
        if (!more)
            break;
        if (strncmp(ef.line, "> ", 2) == 0) {
            const char *text = examples_split(&ef);
            memset(&ex, 0, sizeof ex);
            ex.role = role_of(ef.line + 2);
            ex.n = examples_unescape(text, ex.text, sizeof ex.text);
            ex.line = ef.line_no;
            open_case = true;
        } else {
            if (!open_case || ex.n_expected == 32)
                fail_msg("%s:%zu: an agency outside a case", EXAMPLES, ef.line_no);
            examples_unescape(ef.line, ex.expected[ex.n_expected], sizeof ex.expected[0]);
            ex.n_expected++;
        }
    }
    examples_close(&ef);
    if (checked < 60)
        fail_msg("only %zu examples in %s", checked, EXAMPLES);
    if (failed)
        fail_msg("%zu of %zu examples failed", failed, checked);
}

static void reports_names_offsets_and_limits(void **state)
{
    fixture *fx = *state;
    const char *s = "Giao Sở KH&ĐT chủ trì, phối hợp với UBND các huyện, thành phố.";
    pm_mention m[4];
    size_t n = pm_find_agencies(&fx->x, &fx->arena, s, strlen(s), PM_ROLE_LEAD, m, 4);
    assert_int_equal(n, 2);
    assert_string_equal(m[0].agency.id, "so-ke-hoach-va-dau-tu");
    assert_string_equal(m[0].agency.name, "Sở Kế hoạch và Đầu tư");
    assert_string_equal(m[0].agency.raw, "Sở KH&ĐT");
    assert_int_equal(m[0].start, strlen("Giao "));
    assert_int_equal(m[0].end, strlen("Giao Sở KH&ĐT"));
    assert_int_equal(m[0].role, PM_ROLE_LEAD);
    assert_string_equal(m[1].agency.name, "UBND cấp huyện");
    assert_int_equal(m[1].role, PM_ROLE_SUPPORT);

    /* at most max, the first ones */
    assert_int_equal(pm_find_agencies(&fx->x, &fx->arena, s, strlen(s), PM_ROLE_LEAD, m, 1), 1);
    assert_string_equal(m[0].agency.id, "so-ke-hoach-va-dau-tu");
    /* only the n bytes given are searched */
    assert_int_equal(pm_find_agencies(&fx->x, &fx->arena, s, strlen("Giao Sở KH&ĐT"),
                                      PM_ROLE_LEAD, m, 4), 1);
}

static void empty_and_missing_input(void **state)
{
    fixture *fx = *state;
    pm_mention m[2];
    assert_int_equal(pm_find_agencies(&fx->x, &fx->arena, "", 0, PM_ROLE_LEAD, m, 2), 0);
    assert_int_equal(pm_find_agencies(&fx->x, &fx->arena, NULL, 5, PM_ROLE_LEAD, m, 2), 0);
    assert_int_equal(pm_find_agencies(&fx->x, &fx->arena, "Sở Y tế", 9, PM_ROLE_LEAD, m, 0), 0);
    const char *junk = "\xff\xfe;;  -- () Sở \xc3";
    assert_int_equal(pm_find_agencies(&fx->x, &fx->arena, junk, strlen(junk), PM_ROLE_LEAD, m, 2), 0);
    pm_extractor bare = {0};
    assert_int_equal(pm_find_agencies(&bare, &fx->arena, "Sở Y tế", 9, PM_ROLE_LEAD, m, 2), 0);
}

/* The mentions as `role id start-end` lines, for comparing two searches. */
static void describe(const pm_mention *m, size_t n, char *out, size_t cap)
{
    size_t w = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && w < cap; i++)
        w += (size_t)snprintf(out + w, cap - w, "%d %s %zu-%zu %s\n", (int)m[i].role,
                              m[i].agency.id, m[i].start, m[i].end, m[i].agency.raw);
}

/* The tokenizer reads ASCII and the Latin letters from its own tables and
 * everything else through utf8proc: capitals, text without marks, NFD,
 * invalid bytes, a character cut at the end and letters outside the
 * tables must read as before (results of the utf8proc-only tokenizer). */
static void letters_inside_and_outside_the_tables(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *text, *expected;
    } cases[] = {
        {"SỞ XÂY DỰNG CHỦ TRÌ, PHỐI HỢP VỚI SỞ TÀI CHÍNH",
         "0 so-xay-dung 0-16 SỞ XÂY DỰNG\n1 so-tai-chinh 48-64 SỞ TÀI CHÍNH\n"},
        {"So Xay dung chu tri, phoi hop voi So Tai chinh",
         "0 so-xay-dung 0-11 So Xay dung\n1 so-tai-chinh 34-46 So Tai chinh\n"},
        {"So\xcc\x9b\xcc\x89 Y te\xcc\x82\xcc\x81 chu\xcc\x89 tri\xcc\x80, pho\xcc\x82\xcc\x81i "
         "ho\xcc\x9b\xcc\xa3p vo\xcc\x9b\xcc\x81i Sở Tài chính",
         "0 so-y-te 0-15 So\xcc\x9b\xcc\x89 Y te\xcc\x82\xcc\x81\n"
         "1 so-tai-chinh 54-70 Sở Tài chính\n"},
        {"Sở Y tế\xff chủ trì; \xed\xa0\x80 Sở Tài chính \xc0\x80 phối hợp",
         "0 so-y-te 0-11 Sở Y tế\n0 so-tai-chinh 29-45 Sở Tài chính\n"},
        {"Sở Tài chính phối hợp với Sở Y t\xe1\xba",
         "0 so-tai-chinh 0-16 Sở Tài chính\n1 so-y-t 36-44 Sở Y t\n"},
        {"Sở Y tếΩ chủ trì, Sở Tài chính𝐀 phối hợp với Sở 財 Xây dựng",
         "0 so-y-te 0-13 Sở Y tếΩ\n0 so-tai-chinh 26-46 Sở Tài chính𝐀\n"
         "1 so-xay-dung 66-86 Sở 財 Xây dựng\n"},
        {"UBND Thành phố Hạ Long, Ủy ban nhân dân tỉnh Quảng Ninh và Đài PT-TH tỉnh chủ trì",
         "0 ubnd-thanh-pho-ha-long 0-27 UBND Thành phố Hạ Long\n"
         "0 ubnd-tinh 29-68 Ủy ban nhân dân tỉnh Quảng Ninh\n"
         "0 dai-phat-thanh-truyen-hinh-tinh 73-91 Đài PT-TH tỉnh\n"},
        {"ÐÀI PHÁT THANH VÀ TRUYỀN HÌNH TỈNH phối hợp với CÔNG AN TỈNH",
         "1 cong-an-tinh 63-78 CÔNG AN TỈNH\n"},
        /* the two- and three-byte decoder: at its edges (U+D7FF, U+0800 and
         * U+FFFF/U+FFFE; U+00A0, U+0085 and U+2028 separate words) and with a
         * character cut at the end */
        {"Sở\xc2\xa0Y tế chủ trì, phối hợp với Sở Tài chính\xc3",
         "0 so-y-te 0-12 Sở\xc2\xa0Y tế\n1 so-tai-chinh 44-60 Sở Tài chính\n"},
        {"\xed\x9f\xbf Sở Y tế\xe0\xa0\x80 chủ trì\xef\xbf\xbf, Sở Tài chính \xef\xbf\xbe "
         "phối hợp\xe1",
         "0 so-y-te 4-18 Sở Y tế\xe0\xa0\x80\n0 so-tai-chinh 34-50 Sở Tài chính\n"},
        {"Sở Xây dựng\xc2\x85phối hợp với Ủy ban nhân dân tỉnh\xe2\x80\xa8"
         "Công an tỉnh\xe1\xbb",
         "0 so-xay-dung 0-16 Sở Xây dựng\n1 ubnd-tinh 37-63 Ủy ban nhân dân tỉnh\n"
         "1 cong-an-tinh 66-81 Công an tỉnh\n"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        pm_mention m[16];
        size_t n = pm_find_agencies(&fx->x, &fx->arena, cases[c].text, strlen(cases[c].text),
                                    PM_ROLE_LEAD, m, 16);
        char got[1024];
        describe(m, n, got, sizeof got);
        assert_string_equal(got, cases[c].expected);
    }
}

/* A memo answers a text searched again as a fresh search would, whatever
 * the role and the limit, and is bypassed for another arena. */
static void memo_answers_like_a_fresh_search(void **state)
{
    fixture *fx = *state;
    pm_agency_memo *memo = pm_agency_memo_new(&fx->arena);
    assert_non_null(memo);
    pm_arena other;
    pm_arena_init(&other);
    example_file ef;
    examples_open(&ef, EXAMPLES);
    size_t checked = 0;
    while (examples_next(&ef)) {
        if (strncmp(ef.line, "> ", 2) != 0)
            continue;
        static char text[2048];
        size_t n = examples_unescape(examples_split(&ef), text, sizeof text);
        for (int pass = 0; pass < 2; pass++) /* a miss, then a hit */
            for (int role = PM_ROLE_LEAD; role <= PM_ROLE_APPROVER; role++)
                for (size_t max = 1; max <= 32; max += 31) {
                    pm_mention fresh[32], kept[32];
                    static char a[8192], b[8192];
                    size_t nf = pm_find_agencies(&fx->x, &fx->arena, text, n, (pm_role)role,
                                                 fresh, max);
                    size_t nk = pm_find_agencies_memo(&fx->x, pass ? &fx->arena : &other, memo,
                                                      text, n, (pm_role)role, kept, max);
                    if (pass)
                        nk = pm_find_agencies_memo(&fx->x, &fx->arena, memo, text, n,
                                                   (pm_role)role, kept, max);
                    describe(fresh, nf, a, sizeof a);
                    describe(kept, nk, b, sizeof b);
                    assert_string_equal(a, b);
                    checked++;
                }
    }
    examples_close(&ef);
    pm_arena_free(&other);
    assert_true(checked > 100);
    /* no memo: a plain search */
    pm_mention m[2];
    assert_int_equal(pm_find_agencies_memo(&fx->x, &fx->arena, NULL, "Sở Y tế", 9, PM_ROLE_LEAD,
                                           m, 2), 1);
}

/* A memo's search reuses its arrays and its find() cache from text to
 * text: long texts after short ones and back, and words around the length
 * that folds on the stack (64 bytes), read as a fresh search does. */
static void memo_search_reuses_its_arrays(void **state)
{
    fixture *fx = *state;
    pm_agency_memo *memo = pm_agency_memo_new(&fx->arena);
    assert_non_null(memo);
    static char texts[6][1200];
    static const size_t long_word[] = {63, 64, 65, 200};
    for (size_t k = 0; k < 4; k++) { /* `Sở <x…x> Xây dựng` and an unknown Latin word */
        char *t = texts[k];
        size_t w = (size_t)sprintf(t, "Sở Y tế chủ trì, ");
        for (size_t i = 0; i < long_word[k]; i++)
            w += (size_t)sprintf(t + w, i % 2 ? "x" : (k % 2 ? "ệ" : "E"));
        sprintf(t + w, " và Sở Xây dựng phối hợp với UBND các huyện, thị xã");
    }
    size_t w = 0; /* many tokens: the arrays grow */
    for (int i = 0; i < 40; i++)
        w += (size_t)sprintf(texts[4] + w, "Sở Tài chính, ");
    strcpy(texts[5], "Sở Y tế");
    static const int order[] = {5, 4, 0, 5, 1, 2, 4, 3, 5};
    for (size_t o = 0; o < sizeof order / sizeof *order; o++) {
        const char *text = texts[order[o]];
        size_t n = strlen(text);
        pm_mention fresh[32], kept[32];
        static char a[8192], b[8192];
        /* another role each time: a miss of the memo, a new search */
        pm_role role = (pm_role)(o % 3);
        size_t nf = pm_find_agencies(&fx->x, &fx->arena, text, n, role, fresh, 32);
        size_t nk = pm_find_agencies_memo(&fx->x, &fx->arena, memo, text, n, role, kept, 32);
        describe(fresh, nf, a, sizeof a);
        describe(kept, nk, b, sizeof b);
        assert_string_equal(a, b);
        assert_true(nf >= 1);
    }
}

/* ---- a malformed lexicon ------------------------------------------------------ */

static pm_status init_with(const char *agencies, pm_error *err)
{
    char dir[] = "/tmp/pm-agency-XXXXXX";
    scratch_dir_make(dir);
    scratch_dir_write(dir, "ocr-fixes.tsv", "Sờ\tSở\n");
    scratch_dir_write(dir, "abbreviations.tsv", "KHĐT\tKế hoạch và Đầu tư\n");
    scratch_dir_write(dir, "agencies.tsv", agencies);
    pm_patterns *p;
    assert_int_equal(pm_patterns_load(dir, &p, err), PM_OK);
    pm_extractor x = {.patterns = p};
    pm_status st = pm_agency_init(&x, err);
    assert_null(st == PM_OK ? NULL : x.agency); /* freed on failure */
    pm_agency_free(&x);
    pm_patterns_free(p);
    scratch_dir_remove(dir);
    return st;
}

/* The phrase walk follows a name as written and without diacritics in one
 * pass: written words first, then, from the first word the written form
 * does not go on with, the form without marks alone. Phrases that share
 * words (a node with several children), a name whose marks stop midway,
 * two names that are one without marks (ambiguous, so neither), and one
 * word without marks (only when written without any). */
static void walks_with_and_without_marks(void **state)
{
    (void)state;
    static const char lexicon[] =
        "agency\tso-tnmt\tSở Tài nguyên và Môi trường\n"
        "agency\tso-tai-chinh\tSở Tài chính\n"
        "agency\tso-nn\tSở Nông nghiệp\n"
        "agency\tso-nn-2\tSố Nông nghiệp\n"
        "agency\tbo\tBộ\n";
    static const struct {
        const char *text, *expected;
    } cases[] = {
        {"Sở Tài nguyên và Môi trường chủ trì", "0 so-tnmt 0-36 Sở Tài nguyên và Môi trường\n"},
        {"Sở Tài nguyen va Moi truong", "0 so-tnmt 0-30 Sở Tài nguyen va Moi truong\n"},
        {"So Tai nguyen va Moi truong", "0 so-tnmt 0-27 So Tai nguyen va Moi truong\n"},
        {"Sở Tài chinh, Sở Tài chính", "0 so-tai-chinh 0-15 Sở Tài chinh\n"},
        {"Sở Nông nghiệp", "0 so-nn 0-19 Sở Nông nghiệp\n"},
        {"Số Nông nghiệp", "0 so-nn-2 0-19 Số Nông nghiệp\n"},
        {"So Nong nghiep", ""},
        {"Sở Nong nghiep", ""},
        {"Bổ", ""},
        {"Bo", "0 bo 0-2 Bo\n"},
        {"Sở Tài", ""},
    };
    char dir[] = "/tmp/pm-agency-XXXXXX";
    scratch_dir_make(dir);
    scratch_dir_write(dir, "ocr-fixes.tsv", "Sờ\tSở\n");
    scratch_dir_write(dir, "abbreviations.tsv", "KHĐT\tKế hoạch và Đầu tư\n");
    scratch_dir_write(dir, "agencies.tsv", lexicon);
    pm_patterns *p;
    pm_error err = {0};
    assert_int_equal(pm_patterns_load(dir, &p, &err), PM_OK);
    pm_extractor x = {.patterns = p};
    assert_int_equal(pm_agency_init(&x, &err), PM_OK);
    pm_arena a;
    pm_arena_init(&a);
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        pm_mention m[8];
        size_t n = pm_find_agencies(&x, &a, cases[c].text, strlen(cases[c].text), PM_ROLE_LEAD,
                                    m, 8);
        char got[512];
        describe(m, n, got, sizeof got);
        assert_string_equal(got, cases[c].expected);
    }
    pm_arena_free(&a);
    pm_agency_free(&x);
    pm_patterns_free(p);
    scratch_dir_remove(dir);
}

/* pm_agency_may_open refuses only texts whose mentions all start after
 * their first token: checked at every character of every example, and on
 * blanks, invalid bytes, `các` and abbreviations first. */
/* Is s refused? Then no mention it has starts in its first token. */
static bool refused(fixture *fx, const char *s, size_t n)
{
    size_t first_end;
    if (pm_agency_may_open(&fx->x, s, n, &first_end))
        return false;
    pm_mention m[32];
    size_t k = pm_find_agencies(&fx->x, &fx->arena, s, n, PM_ROLE_LEAD, m, 32);
    for (size_t i = 0; i < k; i++)
        if (m[i].start < first_end)
            fail_msg("refused, but '%s' starts at %zu: %.*s", m[i].agency.id, m[i].start,
                     (int)n, s);
    return true;
}

static bool may_open(fixture *fx, const char *s, size_t *end)
{
    return pm_agency_may_open(&fx->x, s, strlen(s), end);
}

static void may_open_refuses_only_texts_without_an_opening_mention(void **state)
{
    fixture *fx = *state;
    example_file ef;
    examples_open(&ef, EXAMPLES);
    size_t n_refused = 0, n_opened = 0;
    while (examples_next(&ef)) {
        if (strncmp(ef.line, "> ", 2) != 0)
            continue;
        static char text[2048];
        size_t n = examples_unescape(examples_split(&ef), text, sizeof text);
        for (size_t at = 0; at < n; at++)
            if (((unsigned char)text[at] & 0xC0) != 0x80) {
                bool no = refused(fx, text + at, n - at);
                n_refused += no;
                n_opened += !no;
            }
    }
    examples_close(&ef);
    assert_true(n_refused > 100 && n_opened > 100);
    size_t end;
    assert_false(may_open(fx, "", &end));
    assert_int_equal(end, 0);
    assert_false(may_open(fx, " \n ", &end));
    assert_int_equal(end, strlen(" \n "));
    assert_false(may_open(fx, "  Nâng cao Sở Y tế", &end));
    assert_int_equal(end, strlen("  Nâng"));
    assert_true(may_open(fx, "\xff Sở Y tế", &end));
    assert_true(may_open(fx, "- Sở Y tế", &end));
    assert_true(may_open(fx, " các Sở: Xây dựng, Y tế", &end));
    assert_true(may_open(fx, "cac Sở: Xây dựng", &end));
    assert_true(may_open(fx, "UBND tỉnh", &end));
    assert_true(may_open(fx, "Sở", &end));
    assert_int_equal(end, strlen("Sở"));
}

/* pm_sentence_end byte by byte, as it was before it skipped 8 at a time. */
static size_t sentence_end_slow(const char *s, size_t n, size_t from)
{
    for (size_t i = from; i < n; i++) {
        if (s[i] == '\n' && i > from) {
            size_t j = i + 1;
            while (j < n && (s[j] == ' ' || s[j] == '\t'))
                j++;
            if (j < n && (s[j] == '-' || s[j] == '+' || s[j] == '*'))
                return i;
            continue;
        }
        if (s[i] != '.' && s[i] != '!' && s[i] != '?')
            continue;
        size_t j = i + 1;
        if (j >= n)
            return n;
        if (s[j] != ' ')
            continue;
        while (j < n && s[j] == ' ')
            j++;
        if (j >= n || (unsigned char)s[j] >= 0x80 || (s[j] >= 'A' && s[j] <= 'Z') ||
            s[j] == '-' || s[j] == '+' || s[j] == '(' || s[j] == '*')
            return i + 1;
    }
    return n;
}

/* Every start and length of texts with ends at and across 8-byte words. */
static void sentence_end_skips_exactly(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "Sở Y tế chủ trì. Đến năm 2025 đạt 1.573 km.\n- Giao Sở Tài chính! Xong? Vâng",
        "abcdefg.\n  + x. y. Z.(a)  *b\n\t-c ./. Km3.5 ... ?? !! .",
        "\xff\xfe. \xc3. A\n\n\n-\n\n. ", "", ".", "........ ........ A",
    };
    for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
        size_t len = strlen(texts[t]);
        for (size_t n = 0; n <= len; n++)
            for (size_t from = 0; from <= n; from++)
                assert_int_equal(pm_sentence_end(texts[t], n, from),
                                 sentence_end_slow(texts[t], n, from));
    }
}

static void rejects_a_malformed_lexicon(void **state)
{
    (void)state;
    pm_error err = {0};
    assert_int_equal(init_with("agency\tso-y-te\tSở Y tế\n", &err), PM_OK);
    assert_int_equal(init_with("agency\tso-y-te\tSở Y tế\nbody\tBáo Nghệ An\n", &err), PM_OK);
    assert_int_equal(init_with("# c\nagency\tso-y-te\tSở Y tế\nbodies\tx\ty\n", &err), PM_ERR_PATTERN);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "unknown kind"));
    assert_int_equal(init_with("agency\tSo Y te\tSở Y tế\n", &err), PM_ERR_PATTERN);
    assert_non_null(strstr(err.message, "slug"));
    assert_int_equal(init_with("agency\ta\tSở A\tSở KHĐT\nagency\tb\tSở Kế hoạch và Đầu tư\n", &err),
                     PM_ERR_PATTERN);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "two entries"));
    assert_int_equal(init_with("body\n", &err), PM_ERR_PATTERN);
    assert_int_equal(init_with("role\tboss\tchủ trì\n", &err), PM_ERR_PATTERN);
    assert_int_equal(init_with("level\tubnd-cap-huyen\n", &err), PM_ERR_PATTERN);
    assert_int_equal(init_with("head\t - \n", &err), PM_ERR_PATTERN);
    assert_non_null(strstr(err.message, "empty"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_the_examples),
        cmocka_unit_test(reports_names_offsets_and_limits),
        cmocka_unit_test(empty_and_missing_input),
        cmocka_unit_test(letters_inside_and_outside_the_tables),
        cmocka_unit_test(memo_answers_like_a_fresh_search),
        cmocka_unit_test(memo_search_reuses_its_arrays),
        cmocka_unit_test(may_open_refuses_only_texts_without_an_opening_mention),
        cmocka_unit_test(sentence_end_skips_exactly),
        cmocka_unit_test(rejects_a_malformed_lexicon),
        cmocka_unit_test(walks_with_and_without_marks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
