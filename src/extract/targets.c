/* targets.c: quantified targets — one record per (indicator, year) — from
 * paragraphs, bullets and headings, from the target sentences inside task
 * table cells, and from target tables (years as columns).
 *
 * In prose a target is a quantity with a year. The year of a quantity is,
 * in order: a year phrase right after it (`đạt trên 7% vào năm 2025`, `trên
 * 90% hộ gia đình năm 2025`), the
 * nearest one before it in its sentence (`Đến năm 2025, 100% …`), one later
 * in its sentence (`… phủ trên 80% hộ gia đình … đến năm 2025.`) unless
 * it opens a later clause (`…; đến năm 2030 có 14 đô thị`), the year
 * that opens an earlier sentence of the paragraph, the year of the
 * lead-in the paragraph belongs to, or the year of the heading it sits
 * under (`Mục tiêu đến năm 2025`). Quantities in parentheses, durations
 * and ordinals are no commitments. The indicator is the clause's subject —
 * before the value, or after it when the value comes first (`100% các đô
 * thị …`) — or, when that names no catalogue indicator, the label that
 * opens the sentence before a colon (`Số lượng đô thị: … có 18 đô thị`);
 * a clause with no subject of its own continues the previous one (`…, đến
 * năm 2030 đạt trên 60%`), as does one with only a predicate before its
 * value when the phrase after it names no indicator (`…; đến năm 2030 phủ
 * kín 100% diện tích …`). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "extract/internal.h"

enum { MAX_ITEMS = 16, YEAR_UNKNOWN = -1 };

/* What a paragraph inherits: the indicator and year of its lead-in
 * (`Số lượng đô thị … toàn tỉnh:` over `+ Đến năm 2025 toàn tỉnh có 17 đô thị`). */
typedef struct inherited {
    const char *indicator, *indicator_id;
    int year;
} inherited;

typedef struct id_memo_slot {
    uint64_t hash;
    const char *text; /* NULL: free */
    size_t len;
    const char *id;
} id_memo_slot;

typedef struct id_memo {
    id_memo_slot *slots;
    size_t cap, n; /* cap: a power of two, or 0 */
} id_memo;

typedef struct target_ctx {
    const pm_extractor *x;
    pm_arena *a;
    const pm_text *t;
    const pm_tree *tree;
    pm_records *out;
    pm_warnings *w;
    pcre2_match_data *md;
    /* The plan year from the start; the city and the agency memo are read
     * (a scan of the whole text) when a row's lead agencies are first asked. */
    pm_doc_facts *facts;
    /* the fast paths of target cues proven for the loaded patterns */
    bool aspirational_proven, time_unit_proven, subject_head_proven, forecast_proven,
        subject_cut_proven, not_before_proven;
    pm_buf buf;
    /* Scratch reused block after block, grown to the block with most values. */
    pm_quantity *q;
    bool *kept;
    size_t cap_q;
    pm_year_phrase *all_years, *years;
    bool *opens; /* per kept year phrase: it opens its sentence */
    size_t cap_years;
    bool scratch_failed;
    /* pm_indicator_id of the texts asked so far: the same subjects,
     * list items and row names come back value after value */
    id_memo ids;
    /* section_year of each section, YEAR_UNKNOWN until asked (NULL when
     * out of memory: then asked each time) */
    int *section_years;
    /* The walk back from the bullet block run_last to the start of its run
     * ended at run_start, so the next bullet of the run stops there instead
     * of walking the whole run again. */
    size_t run_last, run_start;
    /* What the lead-in block lead_block gives, once read. */
    bool lead_read;
    size_t lead_block;
    inherited lead;
    /* The target cues, looked up by name once per document. */
    struct {
        const pcre2_code *aspirational, *compared, *count_tail, *forecast, *list_head,
            *not_before, *period_of, *qualifier, *scope, *subject_cut, *subject_head,
            *subject_tail, *time_unit, *total_row;
    } cue;
} target_ctx;

/* Runs a finder that fills at most cap items until one pass finds fewer
 * than cap, doubling the scratch in between: no block has too many values
 * to be read whole, and the rescans cost O(n log values). */
static size_t find_quantities(target_ctx *c, const char *s, size_t n)
{
    for (;;) {
        size_t found = c->cap_q ? pm_find_quantities(c->x, s, n, c->q, c->cap_q) : 0;
        if (c->cap_q && found < c->cap_q) {
            for (size_t i = 0; i < found; i++)
                if (c->q[i].unit == pm_unit_written &&
                    !(c->q[i].unit = pm_quantity_unit(c->a, s, &c->q[i])))
                    c->scratch_failed = true;
            return found;
        }
        size_t cap = c->cap_q ? c->cap_q * 2 : 64;
        pm_quantity *q = realloc(c->q, cap * sizeof *q);
        if (q)
            c->q = q;
        bool *kept = q ? realloc(c->kept, cap * sizeof *kept) : NULL;
        if (kept)
            c->kept = kept;
        if (!q || !kept) {
            c->scratch_failed = true;
            return found;
        }
        c->cap_q = cap;
    }
}

static size_t find_year_phrases(target_ctx *c, const char *s, size_t n)
{
    for (;;) {
        size_t found =
            c->cap_years ? pm_find_year_phrases(c->x, c->md, s, n, c->all_years, c->cap_years) : 0;
        if (c->cap_years && found < c->cap_years)
            return found;
        size_t cap = c->cap_years ? c->cap_years * 2 : 32;
        pm_year_phrase *all = realloc(c->all_years, cap * sizeof *all);
        if (all)
            c->all_years = all;
        pm_year_phrase *years = all ? realloc(c->years, cap * sizeof *years) : NULL;
        if (years)
            c->years = years;
        bool *opens = years ? realloc(c->opens, cap * sizeof *opens) : NULL;
        if (opens)
            c->opens = opens;
        if (!all || !years || !opens) {
            c->scratch_failed = true;
            return found;
        }
        c->cap_years = cap;
    }
}

/* pm_indicator_id through the document's memo. A text that cannot be
 * remembered (out of memory) is looked up every time. */
static const char *indicator_id(target_ctx *c, const char *s, size_t n)
{
    id_memo *m = &c->ids;
    uint64_t h = pm_hash_text(s, n, 0);
    size_t i = 0;
    for (i = m->cap ? h & (m->cap - 1) : 0; m->cap && m->slots[i].text;
         i = (i + 1) & (m->cap - 1)) {
        const id_memo_slot *sl = &m->slots[i];
        if (sl->hash == h && sl->len == n && (n == 0 || memcmp(sl->text, s, n) == 0))
            return sl->id;
    }
    const char *id = pm_indicator_id(c->x, s, n);
    if (2 * (m->n + 1) > m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        id_memo_slot *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return id;
        for (size_t k = 0; k < m->cap; k++) {
            if (!m->slots[k].text)
                continue;
            size_t j = m->slots[k].hash & (cap - 1);
            while (slots[j].text)
                j = (j + 1) & (cap - 1);
            slots[j] = m->slots[k];
        }
        free(m->slots);
        m->slots = slots;
        m->cap = cap;
        for (i = h & (cap - 1); slots[i].text; i = (i + 1) & (cap - 1))
            ;
    }
    const char *text = pm_arena_strndup(c->a, s, n);
    if (text) {
        m->slots[i] = (id_memo_slot){h, text, n, id};
        m->n++;
    }
    return id;
}

/* The monitoring agencies of a table row: its lead cell, read when a
 * record first needs them (most rows of a task table state no target). */
typedef struct row_lead {
    const pm_span *cell; /* NULL or blank: none */
    pm_agency_set *set;  /* NULL until read */
} row_lead;

/* Where found records go: section, table, and the monitoring agencies. */
typedef struct place {
    int section, table;
    row_lead *lead;
} place;

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool only_space(const char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (!is_ws(s[i]))
            return false;
    return true;
}

static bool cell_blank(const pm_span *sp)
{
    return !sp || only_space(sp->s, 0, sp->len);
}

static char *dup_trim(pm_arena *a, const char *s, size_t n)
{
    while (n && is_ws(*s))
        s++, n--;
    while (n && (is_ws(s[n - 1]) || s[n - 1] == ',' || s[n - 1] == '.' || s[n - 1] == ';'))
        n--;
    return pm_arena_strndup(a, s, n);
}

/* Does s[0, n) (up to a NUL) hold at least k words (runs of letters,
 * digits and non-ASCII bytes)? Stops at the k-th. */
static bool words_at_least(const char *s, size_t n, size_t k)
{
    size_t words = 0;
    bool in = false;
    for (size_t i = 0; words < k && i < n && s[i]; i++) {
        bool letter = (unsigned char)s[i] >= 0x80 || (s[i] >= 'a' && s[i] <= 'z') ||
                      (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9');
        if (letter && !in)
            words++;
        in = letter;
    }
    return words >= k;
}

static bool is_ascii_letter(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* filler_tail_bound is exact for this source of target-cues.subject_tail
 * only (an edit turns it off: see pm_proof). */
const pm_proof pm_proof_subject_tail = {"target-cues.subject_tail", "ebd0b4b8a03b5c4a",
                                        "targets.c filler_tail_bound, pm_subject_tail_read, "
                                        "tail_words"};

/* Where target-cues.subject_tail (filler tokens up to the end) can start
 * in s[0, n) at the earliest: after the last ASCII byte that is in no
 * token (neither a letter nor one of the marks and spaces), and after the
 * last whole word of ASCII letters — every filler word holds a letter
 * that is not ASCII, nor caselessly one. A word next to a non-ASCII
 * character may be part of a longer one, so it does not count. */
static size_t filler_tail_bound(const char *s, size_t n)
{
    size_t i = n;
    while (i > 0) {
        unsigned char c = (unsigned char)s[i - 1];
        if (c >= 0x80 || c == ' ' || (c >= '\t' && c <= '\r') || (c && strchr(",:;-+*", c))) {
            i--;
            continue;
        }
        if (!is_ascii_letter(c))
            return i;
        size_t a = i;
        while (a > 0 && is_ascii_letter((unsigned char)s[a - 1]))
            a--;
        if ((a == 0 || (unsigned char)s[a - 1] < 0x80) && (i == n || (unsigned char)s[i] < 0x80))
            return i;
        i = a;
    }
    return 0;
}

/* ---- subject filler read without PCRE2 ------------------------------------
 * target-cues.subject_head and subject_tail are runs of filler tokens: one
 * of the marks [\s,:;\-–+*•], or a word of a list between (?<!\p{L}) and
 * (?!\p{L}), that is a whole run of letters (`phủ\s+kín` and the other
 * two-word entries: two runs with \s+ between). No word is also the first
 * word of a longer entry, and marks are no letters, so at most one token
 * can start (or end) at a place: the head's greedy loop has one path and
 * ends where no token starts, and a tail that reaches the end is cut into
 * tokens one way only, so the matches that end there start at the token
 * bounds read backwards from the end (the leftmost at or after `from` is
 * what the search finds). Letters are compared caselessly by their simple
 * lower case; characters whose class or case PCRE2 could see otherwise
 * (U+212A, U+017F, U+0130, U+0131, other scripts) leave the answer to
 * PCRE2, as does text that is not valid UTF-8 (which PCRE2 refuses). */
const pm_proof pm_proof_subject_head = {"target-cues.subject_head", "2dd06b94947ca7a9",
                                        "targets.c pm_subject_head_read, head_words"};

enum { FC_SPACE, FC_MARK, FC_LETTER, FC_OTHER, FC_UNKNOWN };

/* A character's class for the filler tokens: \s under UCP, another mark,
 * a letter (\p{L}) of the Latin and Vietnamese ranges, a character known
 * to be neither, or one the reading leaves to PCRE2. */
static int filler_class(uint32_t cp)
{
    if (cp < 0x80) {
        if (cp == ' ' || (cp >= '\t' && cp <= '\r'))
            return FC_SPACE;
        if (cp == ',' || cp == ':' || cp == ';' || cp == '-' || cp == '+' || cp == '*')
            return FC_MARK;
        return is_ascii_letter((unsigned char)cp) ? FC_LETTER : FC_OTHER;
    }
    if (cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
        cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000)
        return FC_SPACE;
    if (cp == 0x2013 || cp == 0x2022)
        return FC_MARK;
    if ((cp >= 0xC0 && cp <= 0x1B0 && cp != 0xD7 && cp != 0xF7 && cp != 0x130 && cp != 0x131 &&
         cp != 0x17F) ||
        (cp >= 0x1EA0 && cp <= 0x1EF9))
        return FC_LETTER;
    if ((cp >= 0xA1 && cp <= 0xBF && cp != 0xAA && cp != 0xB5 && cp != 0xBA) ||
        (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x2010 && cp <= 0x205E))
        return FC_OTHER;
    return FC_UNKNOWN;
}

/* The character at s[i] (i < n): its class, its length in *len and its
 * code point in *cp. A sequence that is not UTF-8 is FC_UNKNOWN. */
static int filler_char(const char *s, size_t n, size_t i, size_t *len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s + i;
    size_t k = u[0] < 0x80 ? 1 : u[0] < 0xC2 ? 0 : u[0] < 0xE0 ? 2 : u[0] < 0xF0 ? 3 : 4;
    *len = 1;
    *cp = u[0];
    if (k == 1)
        return filler_class(*cp);
    if (k == 0 || k > n - i)
        return FC_UNKNOWN;
    uint32_t c = u[0] & (0x7F >> k);
    for (size_t j = 1; j < k; j++) {
        if ((u[j] & 0xC0) != 0x80)
            return FC_UNKNOWN;
        c = c << 6 | (u[j] & 0x3F);
    }
    *len = k;
    *cp = c;
    /* overlong forms and surrogates are none of the classes' ranges */
    return (k == 3 && c < 0x800) || (k == 4 && c < 0x10000) ? FC_UNKNOWN : filler_class(c);
}

/* Start of the character that ends at s[i] (i > 0): after at most three
 * continuation bytes (filler_char then says whether it ends at i). */
static size_t char_before(const char *s, size_t i)
{
    size_t p = i - 1;
    while (p > 0 && i - p < 4 && ((unsigned char)s[p] & 0xC0) == 0x80)
        p--;
    return p;
}

/* The character that ends at s[i] (i > 0), as filler_char reads it; its
 * start in *p. FC_UNKNOWN when no character read from there ends at i. */
static int filler_char_before(const char *s, size_t i, size_t *p, uint32_t *cp)
{
    size_t len;
    *p = char_before(s, i);
    int k = filler_char(s, i, *p, &len, cp);
    return *p + len == i ? k : FC_UNKNOWN;
}

/* A run of letters, lower case, in w (at most sizeof: longer runs are no
 * word of the lists). */
typedef struct filler_word {
    char w[24];
    size_t len; /* > sizeof w: too long */
} filler_word;

static void word_add(filler_word *fw, uint32_t cp)
{
    utf8proc_uint8_t enc[4];
    utf8proc_ssize_t k = utf8proc_encode_char(utf8proc_tolower((utf8proc_int32_t)cp), enc);
    if (fw->len + (size_t)k <= sizeof fw->w)
        memcpy(fw->w + fw->len, enc, (size_t)k);
    fw->len += (size_t)k;
}

static bool word_is(const filler_word *fw, const char *word)
{
    return fw->len <= sizeof fw->w && strlen(word) == fw->len && memcmp(fw->w, word, fw->len) == 0;
}

/* The run of letters from s[i] (a letter) forwards, into *fw; its end in
 * *end. False when a character of it or the one after is unknown. */
static bool word_from(const char *s, size_t n, size_t i, filler_word *fw, size_t *end)
{
    fw->len = 0;
    for (size_t len; i < n; i += len) {
        uint32_t cp;
        int k = filler_char(s, n, i, &len, &cp);
        if (k == FC_UNKNOWN)
            return false;
        if (k != FC_LETTER)
            break;
        word_add(fw, cp);
    }
    *end = i;
    return true;
}

/* The run of letters that ends at s[i] (after a letter), backwards, into
 * *fw; its start in *start. False when a character of it or the one before
 * is unknown. */
static bool word_to(const char *s, size_t i, filler_word *fw, size_t *start)
{
    size_t a = i, p;
    uint32_t cp;
    while (a > 0) {
        int k = filler_char_before(s, a, &p, &cp);
        if (k == FC_UNKNOWN)
            return false;
        if (k != FC_LETTER)
            break;
        a = p;
    }
    fw->len = 0;
    for (size_t q = a, len; q < i; q += len) {
        filler_char(s, i, q, &len, &cp);
        word_add(fw, cp);
    }
    *start = a;
    return true;
}

/* The words of subject_head, one-word entries first, then each two-word
 * entry (`trong đó`) as its first word and its second. */
static const char *const head_words[] = {"và", "đạt", NULL};
static const char *const head_pairs[][2] = {
    {"trong", "đó"},      {"cụ", "thể"},      {"đồng", "thời"}, {"phấn", "đấu"},
    {"phần", "đầu"},      {"bảo", "đảm"},     {"đảm", "bảo"},   {"hoàn", "thành"},
    {"thực", "hiện"},     {"tiếp", "tục"},    {"cơ", "bản"},    {"phủ", "kín"}};

static bool word_in(const filler_word *fw, const char *const *words)
{
    for (; *words; words++)
        if (word_is(fw, *words))
            return true;
    return false;
}

int pm_subject_head_read(const char *s, size_t n, size_t *end)
{
    size_t i = 0;
    while (i < n) {
        size_t len;
        uint32_t cp;
        int k = filler_char(s, n, i, &len, &cp);
        if (k == FC_UNKNOWN)
            return -1;
        if (k == FC_SPACE || k == FC_MARK) {
            i += len;
            continue;
        }
        if (k == FC_OTHER)
            break;
        /* a letter after the start, a mark or a whole word: (?<!\p{L}) holds */
        filler_word fw;
        size_t e;
        if (!word_from(s, n, i, &fw, &e))
            return -1;
        if (word_in(&fw, head_words)) {
            i = e;
            continue;
        }
        const char *second = NULL;
        for (size_t p = 0; p < sizeof head_pairs / sizeof *head_pairs && !second; p++)
            if (word_is(&fw, head_pairs[p][0]))
                second = head_pairs[p][1];
        if (!second)
            break;
        size_t j = e;
        int kj = FC_OTHER;
        while (j < n && (kj = filler_char(s, n, j, &len, &cp)) == FC_SPACE)
            j += len;
        if (j < n && kj == FC_UNKNOWN)
            return -1;
        if (j == n || j == e || kj != FC_LETTER)
            break;
        if (!word_from(s, n, j, &fw, &e))
            return -1;
        if (!word_is(&fw, second))
            break;
        i = e;
    }
    *end = i;
    return i > 0;
}

/* The words of subject_tail that stand alone, and its one two-word entry. */
static const char *const tail_words[] = {
    "đạt",  "là",    "ở",    "mức", "khoảng", "trên",  "dưới", "tối", "thiểu", "đa",
    "ít",   "nhất",  "không", "quá", "từ",     "đến",   "bằng", "chiếm", "còn", "hơn",
    "phấn", "đấu",   "phần", "đầu", "vào",    "với",   "được", "đều", "có",   NULL};

int pm_subject_tail_read(const char *s, size_t n, size_t from, size_t *start)
{
    size_t i = n; /* s[i, n) is tokens */
    while (i > from) {
        size_t p;
        uint32_t cp;
        int k = filler_char_before(s, i, &p, &cp);
        if (k == FC_UNKNOWN)
            return -1;
        if (k == FC_SPACE || k == FC_MARK) {
            if (p < from)
                break;
            i = p;
            continue;
        }
        if (k == FC_OTHER)
            break;
        /* s[i] is the end or a mark: (?!\p{L}) holds after the run */
        filler_word fw;
        size_t a;
        if (!word_to(s, i, &fw, &a))
            return -1;
        if (word_in(&fw, tail_words)) {
            if (a < from)
                break;
            i = a;
            continue;
        }
        if (!word_is(&fw, "kín"))
            break;
        size_t j = a; /* \s+ and `phủ` before it */
        int kj = FC_OTHER;
        while (j > 0 && (kj = filler_char_before(s, j, &p, &cp)) == FC_SPACE)
            j = p;
        if (j > 0 && kj == FC_UNKNOWN)
            return -1;
        if (j == a || j == 0 || kj != FC_LETTER)
            break;
        if (!word_to(s, j, &fw, &a))
            return -1;
        if (!word_is(&fw, "phủ") || a < from)
            break;
        i = a;
    }
    *start = i;
    return i < n;
}

/* ---- byte tests before three cue regexes ---------------------------------
 * Each match of target-cues.forecast, subject_cut and not_before holds one
 * of a few short strings, in either case: a regex is asked only where one
 * of them occurs. Every letter of those strings has its upper case as its
 * only caseless twin (no k, no s: U+212A, U+017F), and the two forms differ
 * in one bit of one byte: a needle byte matches b when (b | mask) == byte,
 * with mask 0x20 for an ASCII letter, the bit the forms differ by for that
 * byte of a non-ASCII letter, and 0 elsewhere. */
enum { NEEDLE_MAX = 5 }; /* bytes in the longest needle */

/* Each byte of a needle and its mask sixteen times, as SSE2 compares them. */
#define X16(c)                                                                              \
    {(char)(c), (char)(c), (char)(c), (char)(c), (char)(c), (char)(c), (char)(c), (char)(c), \
     (char)(c), (char)(c), (char)(c), (char)(c), (char)(c), (char)(c), (char)(c), (char)(c)}

typedef struct needle {
    size_t len;
    char bytes[NEEDLE_MAX][16]; /* lower case, with the mask bits set */
    char masks[NEEDLE_MAX][16];
} needle;

#if defined(__SSE2__)
/* Bit p: a needle starts at p[0, 16), whose bytes are read up to
 * p + 15 + NEEDLE_MAX - 1. */
static unsigned needles_at(const char *p, const needle *nd, size_t count)
{
    __m128i v[NEEDLE_MAX];
    for (size_t j = 0; j < NEEDLE_MAX; j++)
        v[j] = _mm_loadu_si128((const __m128i *)(const void *)(p + j));
    __m128i found = _mm_setzero_si128();
    for (size_t k = 0; k < count; k++) {
        __m128i all = _mm_set1_epi8(-1);
        for (size_t j = 0; j < nd[k].len; j++) {
            __m128i m = _mm_loadu_si128((const __m128i *)(const void *)nd[k].masks[j]);
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)nd[k].bytes[j]);
            all = _mm_and_si128(all, _mm_cmpeq_epi8(_mm_or_si128(v[j], m), b));
        }
        found = _mm_or_si128(found, all);
    }
    return (unsigned)_mm_movemask_epi8(found);
}
#endif

/* Does s[from, to) hold one of the needles? */
static bool has_needle(const char *s, size_t from, size_t to, const needle *nd, size_t count)
{
    size_t i = from;
#if defined(__SSE2__)
    /* Sixteen places a step; the last few from a copy padded with zeros,
     * which no needle byte matches (each has bits besides its mask). */
    for (; i + 16 + NEEDLE_MAX - 1 <= to; i += 16)
        if (needles_at(s + i, nd, count))
            return true;
    if (i == to)
        return false;
    char tail[2 * 16 + NEEDLE_MAX] = {0};
    memcpy(tail, s + i, to - i);
    return needles_at(tail, nd, count) || (to - i > 16 && needles_at(tail + 16, nd, count));
#else
    const unsigned char *u = (const unsigned char *)s;
    for (; i < to; i++)
        for (size_t k = 0; k < count; k++) {
            size_t j = 0;
            while (j < nd[k].len && i + j < to &&
                   (u[i + j] | (unsigned char)nd[k].masks[j][0]) == (unsigned char)nd[k].bytes[j][0])
                j++;
            if (j == nd[k].len)
                return true;
        }
    return false;
#endif
}

/* forecast: `theo …`, `(được) dự báo …` and `có thể …` hold `theo`, `báo`
 * or `thể`. Proven for this source only: */
const pm_proof pm_proof_forecast = {"target-cues.forecast", "b03b07932e3945f8",
                                    "targets.c forecast_needles"};
static const needle forecast_needles[] = {
    {4, {X16('t'), X16('h'), X16('e'), X16('o')}, {X16(0x20), X16(0x20), X16(0x20), X16(0x20)}},
    /* báo: á C3 A1, Á C3 81 */
    {4, {X16('b'), X16(0xC3), X16(0xA1), X16('o')}, {X16(0x20), X16(0), X16(0x20), X16(0x20)}},
    /* thể: ể E1 BB 83, Ể E1 BB 82 */
    {5,
     {X16('t'), X16('h'), X16(0xE1), X16(0xBB), X16(0x83)},
     {X16(0x20), X16(0x20), X16(0), X16(0), X16(1)}},
};

/* subject_cut: `trong đó`, `cụ thể là` and `bao gồm` hold `đó`, `thể` or
 * `gồm`. Proven for this source only: */
const pm_proof pm_proof_subject_cut = {"target-cues.subject_cut", "899791696e91a304",
                                       "targets.c cut_needles"};
static const needle cut_needles[] = {
    /* đó: đ C4 91, Đ C4 90; ó C3 B3, Ó C3 93 */
    {4, {X16(0xC4), X16(0x91), X16(0xC3), X16(0xB3)}, {X16(0), X16(1), X16(0), X16(0x20)}},
    {5, /* thể */
     {X16('t'), X16('h'), X16(0xE1), X16(0xBB), X16(0x83)},
     {X16(0x20), X16(0x20), X16(0), X16(0), X16(1)}},
    {5, /* gồm: ồ E1 BB 93, Ồ E1 BB 92 */
     {X16('g'), X16(0xE1), X16(0xBB), X16(0x93), X16('m')},
     {X16(0x20), X16(0), X16(0), X16(1), X16(0x20)}},
};

/* not_before: `cả`, `thứ`, `lần`, `khóa`, `khoá` and `không còn` hold `cả`,
 * `hứ`, `lầ`, `hó`, `oá` or `cò`. Proven for this source only: */
const pm_proof pm_proof_not_before = {"target-cues.not_before", "bead933f9bb972c5",
                                      "targets.c not_before_needles"};
static const needle not_before_needles[] = {
    /* cả: ả E1 BA A3, Ả E1 BA A2 */
    {4, {X16('c'), X16(0xE1), X16(0xBA), X16(0xA3)}, {X16(0x20), X16(0), X16(0), X16(1)}},
    /* hứ: ứ E1 BB A9, Ứ E1 BB A8 */
    {4, {X16('h'), X16(0xE1), X16(0xBB), X16(0xA9)}, {X16(0x20), X16(0), X16(0), X16(1)}},
    /* lầ: ầ E1 BA A7, Ầ E1 BA A6 */
    {4, {X16('l'), X16(0xE1), X16(0xBA), X16(0xA7)}, {X16(0x20), X16(0), X16(0), X16(1)}},
    /* hó, oá, cò: ó C3 B3, Ó C3 93; á C3 A1, Á C3 81; ò C3 B2, Ò C3 92 */
    {3, {X16('h'), X16(0xC3), X16(0xB3)}, {X16(0x20), X16(0), X16(0x20)}},
    {3, {X16('o'), X16(0xC3), X16(0xA1)}, {X16(0x20), X16(0), X16(0x20)}},
    {3, {X16('c'), X16(0xC3), X16(0xB2)}, {X16(0x20), X16(0), X16(0x20)}},
};

bool pm_target_cue_may_match(pm_target_cue cue, const char *s, size_t from, size_t to)
{
    switch (cue) {
    case PM_CUE_FORECAST:
        return has_needle(s, from, to, forecast_needles,
                          sizeof forecast_needles / sizeof *forecast_needles);
    case PM_CUE_SUBJECT_CUT:
        return has_needle(s, from, to, cut_needles, sizeof cut_needles / sizeof *cut_needles);
    case PM_CUE_NOT_BEFORE:
        return has_needle(s, from, to, not_before_needles,
                          sizeof not_before_needles / sizeof *not_before_needles);
    }
    return true;
}

/* Can target-cues.aspirational match in s[from, to)? Each match opens with
 * `ph` (in either case; neither letter has another caseless twin), one
 * character and `n` (or `N`). Proven for this source only: */
const pm_proof pm_proof_aspirational = {"target-cues.aspirational", "0de9b502173d8730",
                                        "targets.c may_aspire"};

static bool may_aspire(const char *s, size_t from, size_t to)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = from; i + 3 < to; i++) {
        if ((u[i] | 0x20) != 'p' || (u[i + 1] | 0x20) != 'h')
            continue;
        size_t j = i + 3; /* past the character at i + 2 */
        while (j < to && (u[j] & 0xC0) == 0x80)
            j++;
        if (j < to && (u[j] | 0x20) == 'n')
            return true;
    }
    return false;
}

/* Does target-cues.aspirational match in s[from, to)? */
static bool aspires(const target_ctx *c, const char *s, size_t from, size_t to)
{
    size_t ms, me;
    return (!c->aspirational_proven || may_aspire(s, from, to)) &&
           pm_cue_find(c->x, c->cue.aspirational, s, to, from, c->md, &ms, &me);
}

/* Can target-cues.time_unit match the unit u? It opens with blanks, then
 * `năm`, `tháng`, `ngày`, `quý`, `tuần`, `giờ` or `lần`: after ASCII
 * blanks, n, t, q, g or l in either case (no caseless twins), or a byte
 * that is not ASCII (a Unicode space). Proven for this source only: */
const pm_proof pm_proof_time_unit = {"target-cues.time_unit", "845a3c0d86b9a5ec",
                                     "targets.c may_be_time"};

static bool may_be_time(const char *u)
{
    while (*u == ' ' || (*u >= '\t' && *u <= '\r'))
        u++;
    unsigned char c = (unsigned char)*u;
    return c >= 0x80 || strchr("ntqgl", c | 0x20);
}

/* Filler trimmed off both ends of a subject candidate, in place. */
static void trim_filler(const target_ctx *c, pm_buf *b)
{
    size_t ms = 0, me = 0;
    const char *s = pm_buf_cstr(b);
    int head = c->subject_head_proven ? pm_subject_head_read(s, b->len, &me) : -1;
    if (head < 0)
        head = pm_cue_at(c->x, c->cue.subject_head, s, b->len, 0, c->md, &me);
    if (head && me > 0) {
        memmove(b->data, b->data + me, b->len - me);
        b->len -= me;
        s = pm_buf_cstr(b);
    }
    size_t from = 0;
    int tail = -1;
    if (c->x->subject_tail_proven) {
        from = filler_tail_bound(s, b->len);
        tail = pm_subject_tail_read(s, b->len, from, &ms);
        me = b->len;
    }
    if (tail < 0)
        tail = pm_cue_find(c->x, c->cue.subject_tail, s, b->len, from, c->md, &ms, &me);
    if (tail && me == b->len)
        b->len = ms;
    pm_buf_cstr(b);
}

/* Copies s[from, to) into b without year phrases and parenthesised asides. */
static void copy_plain(pm_buf *b, const char *s, size_t from, size_t to,
                       const pm_year_phrase *yp, size_t ny)
{
    int depth = 0;
    size_t k = 0; /* year phrases are in text order and apart: the first not behind i */
    for (size_t i = from; i < to; i++) {
        while (k < ny && yp[k].end <= i)
            k++;
        if (k < ny && i >= yp[k].start) {
            i = yp[k].end - 1;
            continue;
        }
        if (s[i] == '(' || s[i] == '*') {
            depth += s[i] == '(';
            continue;
        }
        if (s[i] == ')') {
            if (depth)
                depth--;
            continue;
        }
        if (!depth)
            pm_buf_putc(b, is_ws(s[i]) ? ' ' : s[i]);
    }
    pm_buf_cstr(b);
}

/* ---- coverage lists ------------------------------------------------------- */

typedef struct list_item {
    size_t start, end; /* in the list text */
    const char *id;
} list_item;

/* Can target-cues.list_head start at s[at]? Its words (`quy`, `chương`,
 * `đề`, `kế`) open with qu, ch, đề or kế, in either case (none of u, h, ề
 * U+1EC1 and ế U+1EBF has a caseless twin but its capital), or with U+212A
 * (the Kelvin sign, which (?i) takes for k, led by 0xE2). Proven for this
 * source only: */
const pm_proof pm_proof_list_head = {"target-cues.list_head", "81b27b16f3b65e06",
                                     "targets.c may_open_list"};

static bool may_open_list(const char *s, size_t n, size_t at)
{
    const unsigned char *u = (const unsigned char *)s + at;
    size_t left = at < n ? n - at : 0;
    if (left < 2)
        return false;
    unsigned char c = u[0] | 0x20;
    if (c == 'q' || c == 'c')
        return (u[1] | 0x20) == (c == 'q' ? 'u' : 'h');
    if (u[0] == 0xE2)
        return true;
    /* kế: k, then E1 BA BE/BF; đề: C4 90/91, then E1 BB 80/81 */
    size_t k = c == 'k' ? 1 : u[0] == 0xC4 && (u[1] | 1) == 0x91 ? 2 : 0;
    return k && left >= k + 3 && u[k] == 0xE1 && u[k + 1] == (k == 1 ? 0xBA : 0xBB) &&
           (u[k + 2] | 1) == (k == 1 ? 0xBF : 0x81);
}

static size_t head_len(const target_ctx *c, const char *s, size_t n, size_t at)
{
    size_t me;
    if ((!c->x->list_head_proven || may_open_list(s, n, at)) &&
        pm_cue_at(c->x, c->cue.list_head, s, n, at, c->md, &me))
        return me - at;
    return 0;
}

/* `<prefix> quy hoạch A, quy hoạch B, chương trình C`: one indicator per
 * item when at least two items are different catalogue indicators. An item
 * that is the same indicator as the one before, or an unknown one of the
 * same kind, refines it (`quy hoạch phân khu, quy hoạch chi tiết`).
 * Returns the number of items (0 = no list). */
static size_t split_list(target_ctx *c, const char *s, size_t n, size_t *prefix_end,
                         list_item *items)
{
    size_t first = n;
    const char *colon = memchr(s, ':', n);
    size_t from = colon ? (size_t)(colon - s) + 1 : 0;
    for (size_t i = from; i < n; i++) {
        while (i < n && is_ws(s[i]))
            i++;
        if (i < n && (i == from || s[i - 1] == ' ') && head_len(c, s, n, i)) {
            first = i;
            break;
        }
        while (i < n && !is_ws(s[i]))
            i++;
    }
    if (first == n)
        return 0;
    size_t k = 0, start = first;
    for (size_t i = first; i <= n && k < MAX_ITEMS; i++) {
        bool cut = i == n;
        size_t next = i;
        if (!cut && s[i] == ',') {
            next = i + 1;
            while (next < n && is_ws(s[next]))
                next++;
            cut = head_len(c, s, n, next) > 0;
        } else if (!cut && i + 4 < n && memcmp(s + i, " và ", 5) == 0) {
            next = i + 5;
            cut = head_len(c, s, n, next) > 0;
        }
        if (!cut)
            continue;
        items[k].start = start;
        items[k].end = i;
        k++;
        if (i == n)
            break;
        start = next;
        i = next - 1;
    }
    /* Ids of `<prefix> item`; unknown refinements join the item before. */
    size_t distinct = 0, merged = 0;
    pm_buf key = {0};
    for (size_t i = 0; i < k; i++) {
        pm_buf_reset(&key);
        pm_buf_append(&key, s, first);
        pm_buf_append(&key, s + items[i].start, items[i].end - items[i].start);
        items[i].id = key.failed ? NULL : indicator_id(c, key.data, key.len);
        size_t h = head_len(c, s, n, items[i].start);
        const list_item *before = merged > 0 ? &items[merged - 1] : NULL;
        bool same_id = before && items[i].id && before->id && strcmp(before->id, items[i].id) == 0;
        bool refines = before && !items[i].id && head_len(c, s, n, before->start) == h &&
                       strncmp(s + before->start, s + items[i].start, h) == 0;
        if (same_id || refines) {
            items[merged - 1].end = items[i].end;
            continue;
        }
        bool seen = false;
        for (size_t j = 0; j < merged && items[i].id; j++)
            seen = seen || (items[j].id && strcmp(items[j].id, items[i].id) == 0);
        if (items[i].id && !seen)
            distinct++;
        items[merged++] = items[i];
    }
    pm_buf_free(&key);
    *prefix_end = first;
    return distinct >= 2 ? merged : 0;
}

/* ---- records --------------------------------------------------------------- */

/* Does s hold `loại` in some case (l, o, ạ U+1EA1 or Ạ U+1EA0, i: none of
 * them has another caseless twin)? Every match of target-cues.scope does,
 * for this source (proven for it only): */
const pm_proof pm_proof_scope = {"target-cues.scope", "77d177db136ded68", "targets.c has_loai"};

static bool has_loai(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (const unsigned char *p = u + 2; p + 3 < u + n;) {
        p = memchr(p, 0xE1, (size_t)(u + n - 3 - p));
        if (!p)
            return false;
        if (p[1] == 0xBA && (p[2] | 1) == 0xA1 && (p[-1] | 0x20) == 'o' &&
            (p[-2] | 0x20) == 'l' && (p[3] | 0x20) == 'i')
            return true;
        p++;
    }
    return false;
}

static const char *scope_of(target_ctx *c, const char *s, size_t n)
{
    size_t ms, me;
    if ((c->x->scope_proven && !has_loai(s, n)) ||
        !pm_cue_find(c->x, c->cue.scope, s, n, 0, c->md, &ms, &me))
        return NULL;
    return pm_arena_strndup(c->a, s + ms, me - ms);
}

static pm_status push_target(target_ctx *c, const place *pl, const char *indicator,
                             const char *id, int year, const pm_quantity *q, const char *unit,
                             bool aspirational, const char *scope, pm_source src)
{
    row_lead *lead = pl->lead;
    if (lead && !lead->set) {
        if (!(lead->set = pm_arena_alloc(c->a, sizeof *lead->set)))
            return PM_ERR_NOMEM;
        pm_status st = PM_OK;
        if (!cell_blank(lead->cell))
            st = pm_agencies_all(c->x, c->a, c->facts, lead->cell->s, lead->cell->len,
                                 PM_ROLE_LEAD, lead->set);
        if (st != PM_OK)
            return st;
    }
    pm_target *tg = PM_PUSH(c->a, c->out->targets, c->out->n_targets, c->out->cap_targets);
    if (!tg || !indicator)
        return PM_ERR_NOMEM;
    memset(tg, 0, sizeof *tg);
    tg->section = pl->section;
    tg->table = pl->table;
    tg->indicator = indicator;
    tg->indicator_id = id;
    tg->year = year;
    tg->value = q->value;
    tg->unit = unit;
    tg->aspirational = aspirational;
    tg->scope = scope;
    if (lead) {
        tg->lead = lead->set->lead;
        tg->n_lead = lead->set->n_lead;
    }
    tg->source = src;
    return PM_OK;
}

/* One record, or one per item of a coverage list in the phrase after the
 * value (`100% các đô thị … có quy hoạch chung, quy hoạch phân khu, …`) or,
 * failing that, in the one before it. */
static pm_status emit(target_ctx *c, const place *pl, const char *after, const char *before,
                      const char *indicator, const char *id, int year, const pm_quantity *q,
                      const char *unit, bool aspirational, pm_source src)
{
    list_item items[MAX_ITEMS];
    size_t prefix_end = 0;
    const char *subject = after;
    size_t k = split_list(c, subject, strlen(subject), &prefix_end, items);
    if (k == 0 && before) {
        subject = before;
        k = split_list(c, subject, strlen(subject), &prefix_end, items);
    }
    const char *scope = scope_of(c, indicator, strlen(indicator));
    if (!scope)
        scope = scope_of(c, after, strlen(after));
    if (k == 0)
        return push_target(c, pl, indicator, id, year, q, unit, aspirational, scope, src);
    for (size_t i = 0; i < k; i++) {
        const char *text = pm_arena_printf(c->a, "%.*s%.*s", (int)prefix_end, subject,
                                           (int)(items[i].end - items[i].start),
                                           subject + items[i].start);
        const char *trimmed = text ? dup_trim(c->a, text, strlen(text)) : NULL;
        pm_status st = push_target(c, pl, trimmed, items[i].id, year, q, unit, aspirational,
                                   scope, src);
        if (st != PM_OK)
            return st;
    }
    return PM_OK;
}

/* ---- prose ------------------------------------------------------------------ */

typedef struct clause_state {
    const char *indicator, *id; /* of the previous target of this text */
    size_t end;                 /* where the previous target's clause ended */
} clause_state;

/* The parenthesis depth at `at`, carried on from an earlier position:
 * values come in text order, so a block is scanned once, not once each. */
typedef struct paren_scan {
    size_t at;
    int depth;
} paren_scan;

static bool inside_parens(const char *s, size_t at, paren_scan *p)
{
    if (at < p->at)
        *p = (paren_scan){0, 0};
    for (; p->at < at; p->at++)
        p->depth += s[p->at] == '(' ? 1 : s[p->at] == ')' && p->depth > 0 ? -1 : 0;
    return p->depth > 0;
}

/* The start of the sentence around `at`, walking the sentence ends from
 * `from`, a sentence start known to hold for `at` (0 always does). No
 * sentence end is decided in [from, scan), and s[scan] is no line break
 * (scan == from always does). */
static size_t sentence_start_from(const char *s, size_t at, size_t from, size_t scan)
{
    for (size_t end = pm_sentence_end(s, at, scan); end < at; end = pm_sentence_end(s, at, from))
        from = end;
    return from;
}

/* The sentence bounds of the previous value. Values come in text order, so
 * each value's bounds carry on from the previous ones instead of walking
 * the paragraph from its start (quadratic in a paragraph of one line). */
typedef struct sentence_cache {
    size_t start_at, start; /* sentence_start_from(s, start_at, 0, 0) == start */
    size_t end_from, end;   /* pm_sentence_end(s, n, end_from) == end */
    bool has_end;
} sentence_cache;

static void sentence_bounds(const char *s, size_t n, size_t at, sentence_cache *sc,
                            size_t *start, size_t *end)
{
    /* pm_sentence_end looks past a candidate end only over blanks: what it
     * decided for the previous value before the last character other than
     * a blank still holds. So does the sentence start found then, and no
     * end lies between it and that character. */
    size_t from = 0, scan = 0;
    if (sc->start_at <= at) {
        size_t last = sc->start_at;
        while (last > sc->start + 1 && (s[last - 1] == ' ' || s[last - 1] == '\t'))
            last--;
        if (last > sc->start + 1) {
            from = sc->start;
            scan = s[last - 1] != '\n' ? last - 1 : from;
        }
    }
    *start = sentence_start_from(s, at, from, scan);
    sc->start_at = at;
    sc->start = *start;
    /* No sentence end between the previous value and the end found from
     * it: the same end (a line break at `at` itself would not count). */
    if (sc->has_end && sc->end_from <= at && at < sc->end && s[at] != '\n') {
        *end = sc->end;
        return;
    }
    *end = pm_sentence_end(s, n, at);
    *sc = (sentence_cache){sc->start_at, sc->start, at, *end, true};
}

/* Does a year phrase open the sentence (`Đến năm 2030 hoàn thành …`)? */
/* Only spaces and commas between a period and the value after it. */
static bool only_period_gap(const char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (!is_ws(s[i]) && s[i] != ',')
            return false;
    return true;
}

static bool opens_sentence(const char *s, size_t sentence, size_t at)
{
    for (size_t i = sentence; i < at; i++)
        if (!is_ws(s[i]) && !strchr("-+*•.", s[i]))
            return false;
    return true;
}

/* Does a year phrase at `at` open a clause after `from` (`… 12 đô thị;
 * đến năm 2030 có 14 đô thị`)? Then it dates that clause, not the one
 * before it. */
static bool opens_clause(const char *s, size_t from, size_t at)
{
    size_t i = at;
    while (i > from && is_ws(s[i - 1]))
        i--;
    return i > from && s[i - 1] == ';';
}

enum { MAX_NOUN_WORDS = 4 };

/* Does a year phrase at `at` close the value's own short noun phrase (`trên
 * 90% hộ gia đình năm 2025`): a few words, no punctuation or number between? */
static bool closes_value_phrase(const char *s, size_t from, size_t at)
{
    for (size_t i = from; i < at; i++)
        if (strchr(",;:.()0123456789", s[i]))
            return false;
    return !words_at_least(s + from, at - from, MAX_NOUN_WORDS + 1);
}

/* Does a period word (`giai đoạn`) inside the subject put the year phrase
 * at `at` in a name (`Bộ tiêu chí … giai đoạn đến năm 2030`)? Not when it
 * opens the sentence that starts at `sentence`. */
static bool names_period(target_ctx *c, const char *s, size_t sentence, size_t at)
{
    size_t window = at > sentence + 32 ? at - 32 : sentence, ms, me;
    while (window > sentence && ((unsigned char)s[window] & 0xC0) == 0x80)
        window--;
    return pm_cue_find(c->x, c->cue.period_of, s + window, at - window, 0,
                       c->md, &ms, &me) &&
           !opens_sentence(s, sentence, window + ms);
}

/* opens[k]: does year phrase k open its sentence (`Đến năm 2030 …`)? One
 * walk over the sentence ends, the phrases being in text order. */
static void mark_openers(const char *s, const pm_year_phrase *yp, size_t ny, bool *opens)
{
    size_t sentence = 0;
    for (size_t k = 0; k < ny; k++) {
        sentence = sentence_start_from(s, yp[k].start, sentence, sentence);
        opens[k] = opens_sentence(s, sentence, yp[k].start);
    }
}

static int year_of(target_ctx *c, const char *s, const pm_year_phrase *yp, const bool *opens,
                   size_t ny, const pm_quantity *q, size_t ss, size_t se, const inherited *inh,
                   size_t *attached_end)
{
    *attached_end = q->end;
    for (size_t k = 0; k < ny; k++)
        if (yp[k].start >= q->end) {
            if (closes_value_phrase(s, q->end, yp[k].start)) {
                *attached_end = yp[k].end;
                return yp[k].year;
            }
            break;
        }
    int before = 0, after = 0, frame = 0;
    for (size_t k = 0; k < ny; k++) {
        if (yp[k].end <= q->start && yp[k].start >= ss) {
            if (!(inh && inh->year && names_period(c, s, ss, yp[k].start)))
                before = yp[k].year;
        }
        else if (!after && yp[k].start >= q->end && yp[k].end <= se &&
                 !opens_clause(s, q->end, yp[k].start))
            after = yp[k].year;
        else if (yp[k].start < ss && opens[k])
            frame = yp[k].year;
    }
    if (before)
        return before;
    if (after)
        return after;
    if (frame)
        return frame;
    return inh ? inh->year : 0;
}

/* Does the clause [cs, q) report context rather than commit to q: a
 * forecast (`Theo kịch bản …, mực nước biển dâng khoảng 22 cm`), or a past
 * fact, its last year phrase before the value naming a year before the
 * plan's own (`trong mùa khô năm 2020 có khoảng 19.600 ha`)? A year named
 * for comparison (`so với năm 2020`) dates nothing. */
static bool reports_context(target_ctx *c, const char *s, const pm_year_phrase *all, size_t na,
                            size_t cs, const pm_quantity *q)
{
    size_t ms, me;
    if ((!c->forecast_proven || pm_target_cue_may_match(PM_CUE_FORECAST, s, cs, q->start)) &&
        pm_cue_find(c->x, c->cue.forecast, s, q->start, cs, c->md, &ms, &me))
        return true;
    const pm_year_phrase *last = NULL;
    for (size_t k = 0; k < na && all[k].end <= q->start; k++)
        if (all[k].start >= cs)
            last = &all[k];
    if (!last || last->vision || last->first || !c->facts->plan_year ||
        last->year >= c->facts->plan_year)
        return false;
    size_t window = last->start > cs + 16 ? last->start - 16 : cs;
    while (window > cs && ((unsigned char)s[window] & 0xC0) == 0x80)
        window--;
    return !pm_cue_find(c->x, c->cue.compared, s + window,
                        last->start - window, 0, c->md, &ms, &me);
}

/* Last ';' or ':' in s[from, to), plus one; or from. */
static size_t clause_start(const char *s, size_t from, size_t to)
{
    for (size_t i = to; i > from; i--)
        if (s[i - 1] == ';' || s[i - 1] == ':')
            return i;
    return from;
}

static bool is_count(const char *unit)
{
    return unit && strcmp(unit, "count") == 0;
}

/* Where the words after the number of q start: its last digit's end, or
 * past the magnitude of a scaled count (`1,5 triệu lượt khách`). */
static size_t after_number(const char *s, const pm_quantity *q)
{
    if (is_count(q->unit) && q->unit_end > q->unit_start)
        return q->unit_start;
    for (size_t k = q->end; k > q->start; k--)
        if (s[k - 1] >= '0' && s[k - 1] <= '9')
            return k;
    return q->end;
}

/* The noun a count counts (`17 đô thị` -> `đô thị`), NULL out of memory. */
static const char *counted_noun(target_ctx *c, const char *s, const pm_quantity *q)
{
    size_t from = after_number(s, q);
    return dup_trim(c->a, s + from, q->end - from);
}

/* The catalogue id of s or, failing that, of s without the qualifiers
 * that split an indicator's words (`nước thải sinh hoạt tại các đô thị
 * được thu gom, xử lý`). */
static const char *id_unqualified(target_ctx *c, const char *s)
{
    size_t n = strlen(s);
    const char *id = indicator_id(c, s, n);
    if (id)
        return id;
    const pcre2_code *qualifier = c->cue.qualifier;
    pm_buf rest = {0};
    size_t at = 0, ms, me;
    while (pm_cue_find(c->x, qualifier, s, n, at, c->md, &ms, &me)) {
        pm_buf_append(&rest, s + at, ms - at);
        at = me;
    }
    if (at > 0) {
        pm_buf_append(&rest, s + at, n - at);
        if (!rest.failed)
            id = indicator_id(c, rest.data, rest.len);
    }
    pm_buf_free(&rest);
    return id;
}

/* The id of the shortest comma-prefix (from_end false) or comma-suffix
 * (from_end true) of s that names a catalogue indicator; *text is it. */
static const char *id_by_commas(target_ctx *c, const char *s, bool from_end, const char *tail,
                                const char **text)
{
    size_t n = strlen(s);
    for (size_t k = 0; k <= n; k++) {
        size_t i = from_end ? n - k : k;
        bool edge = from_end ? (i == 0 || s[i - 1] == ',') : (i == n || s[i] == ',');
        if (!edge)
            continue;
        const char *part = from_end ? s + i : s;
        size_t len = from_end ? n - i : i;
        while (len && is_ws(*part))
            part++, len--;
        if (!words_at_least(part, SIZE_MAX, 1) || len == 0)
            continue;
        const char *cand = tail && *tail ? pm_arena_printf(c->a, "%.*s %s", (int)len, part, tail)
                                         : pm_arena_strndup(c->a, part, len);
        const char *id = cand ? id_unqualified(c, cand) : NULL;
        if (id) {
            *text = cand;
            return id;
        }
    }
    return NULL;
}

/* The indicator a count of bare things states: the number of them (`toàn
 * tỉnh có 17 đô thị` is `số lượng đô thị`), when the catalogue has it. */
static const char *number_of(target_ctx *c, const char *noun, const char **text)
{
    const char *cand = pm_arena_printf(c->a, "Số lượng %s", noun);
    const char *id = cand ? indicator_id(c, cand, strlen(cand)) : NULL;
    if (id)
        *text = cand;
    return id;
}

/* Indicator of a clause: `pre` is the text before the value, `post` the
 * noun phrase after it and `post_full` the rest of the clause (all without
 * years and asides). A value followed by an indicator of its own (`…, 50%
 * quy hoạch phân khu`) measures that; a count of a bare noun (`17 đô thị`,
 * not `17 đô thị loại V`) the number of those; otherwise the subject before
 * the value — its shortest comma-suffix that is a catalogue indicator, since
 * `Cải cách …, trong đó diện tích sàn nhà ở …` is about the floor area —
 * then the phrase after it. Counts name what they count (`01 trạm quan
 * trắc`), so the noun after the value joins the subject. */
static void choose_indicator(target_ctx *c, const pm_quantity *q, const char *pre,
                             const char *post, const char *post_full, bool bare_count,
                             const char **text, const char **id)
{
    *text = NULL;
    *id = NULL;
    bool count = is_count(q->unit);
    bool pre_strong = words_at_least(pre, SIZE_MAX, 2);
    if (*post && (*id = id_unqualified(c, post)) != NULL) {
        *text = count && pre_strong ? pm_arena_printf(c->a, "%s %s", pre, post) : post;
        return;
    }
    if (bare_count && (*id = number_of(c, post, text)) != NULL)
        return;
    if (pre_strong && (*id = id_by_commas(c, pre, true, count ? post : NULL, text)) != NULL)
        return;
    if (*post_full && (*id = id_by_commas(c, post_full, false, NULL, text)) != NULL) {
        if (pre_strong)
            *text = pm_arena_printf(c->a, "%s %s", pre, *text);
        return;
    }
    if (pre_strong) {
        /* No catalogue match: the last clause of the subject says what is measured. */
        const char *last = strrchr(pre, ',');
        const char *cand = last && words_at_least(last + 1, SIZE_MAX, 2) ? last + 1 : pre;
        while (is_ws(*cand))
            cand++;
        *text = count && *post ? pm_arena_printf(c->a, "%s %s", cand, post)
                               : pm_arena_strdup(c->a, cand);
    } else if (*post) {
        *text = post;
    }
}

enum { MAX_LABEL_WORDS = 8 };

/* The label that opens the sentence [from, to) before a colon (`Số lượng
 * đô thị: đến năm 2025 toàn tỉnh có 18 đô thị`): a short phrase, not a
 * clause (no `;`, `(`). NULL when there is none. */
static const char *colon_label(target_ctx *c, const char *s, size_t from, size_t to)
{
    const char *colon = memchr(s + from, ':', to - from);
    if (!colon)
        return NULL;
    size_t len = (size_t)(colon - s) - from;
    if (memchr(s + from, ';', len) || memchr(s + from, '(', len) ||
        words_at_least(s + from, len, MAX_LABEL_WORDS + 1))
        return NULL;
    return dup_trim(c->a, s + from, len);
}

static pm_status lead_in_of(target_ctx *c, size_t b, inherited *inh);
static int heading_year(target_ctx *c, const pm_block *bl);

/* A text with no block (a table cell) inherits nothing. */
static const size_t NO_BLOCK = (size_t)-1;

/* The targets of sp, the body of `block` (or NO_BLOCK). What the block
 * inherits is read only when it has values. */
static pm_status scan_prose(target_ctx *c, const pm_span *sp, const place *pl, size_t block)
{
    const char *s = sp->s;
    size_t n = sp->len;
    size_t nq = find_quantities(c, s, n);
    if (nq == 0)
        return c->scratch_failed ? PM_ERR_NOMEM : PM_OK;
    inherited own;
    const inherited *inh = NULL;
    if (block != NO_BLOCK) {
        pm_status st = lead_in_of(c, block, &own);
        if (st != PM_OK)
            return st;
        if (!own.year)
            own.year = heading_year(c, &c->tree->blocks[block]);
        inh = own.year || own.indicator ? &own : NULL;
    }
    const pm_quantity *q = c->q;
    size_t na = find_year_phrases(c, s, n), ny = 0;
    if (c->scratch_failed)
        return PM_ERR_NOMEM;
    const pm_year_phrase *all = c->all_years;
    pm_year_phrase *yp = c->years;
    for (size_t k = 0, next_q = 0; k < na; k++) {
        /* A period names a programme (`Kế hoạch giai đoạn 2021-2025`)
         * unless a value follows it at once: `giai đoạn 2024 - 2025 khoảng
         * 18.500 tỷ đồng` is due by the period's end. */
        while (next_q < nq && q[next_q].start < all[k].end)
            next_q++;
        bool heads_value = next_q < nq && only_period_gap(s, all[k].end, q[next_q].start);
        if (!all[k].vision && (!all[k].first || heads_value) &&
            (!c->facts->plan_year || all[k].year >= c->facts->plan_year))
            yp[ny++] = all[k];
    }
    mark_openers(s, yp, ny, c->opens);
    const pcre2_code *not_before = c->cue.not_before;
    const pcre2_code *time_unit = c->cue.time_unit;
    /* Values in parentheses (`(khoảng 162 xã)`) explain, they commit to nothing. */
    bool *kept = c->kept;
    paren_scan parens = {0, 0};
    for (size_t i = 0; i < nq; i++)
        kept[i] = q[i].unit && !inside_parens(s, q[i].start, &parens);
    sentence_cache sentences = {0};
    clause_state prev = {inh ? inh->indicator : NULL, inh ? inh->indicator_id : NULL, 0};
    size_t ms, me;
    for (size_t i = 0; i < nq; i++) {
        const pm_quantity *qi = &q[i];
        if (!kept[i])
            continue;
        /* `5 năm 2021-2025` is a period; `đạt khoảng 71 tuổi` a measure */
        if (!qi->attained && (!c->time_unit_proven || may_be_time(qi->unit)) &&
            pm_cue_find(c->x, time_unit, qi->unit, strlen(qi->unit), 0, c->md, &ms, &me))
            continue;
        size_t window = qi->start > 24 ? qi->start - 24 : 0;
        while (window > 0 && ((unsigned char)s[window] & 0xC0) == 0x80)
            window--;
        if ((!c->not_before_proven ||
             pm_target_cue_may_match(PM_CUE_NOT_BEFORE, s, window, qi->start)) &&
            pm_cue_find(c->x, not_before, s + window, qi->start - window, 0, c->md, &ms, &me))
            continue;
        size_t ss, se;
        sentence_bounds(s, n, qi->start, &sentences, &ss, &se);
        size_t attached_end;
        int year = year_of(c, s, yp, c->opens, ny, qi, ss, se, inh, &attached_end);
        if (!year)
            continue;
        size_t cs = clause_start(s, prev.end > ss ? prev.end : ss, qi->start);
        if (reports_context(c, s, all, na, cs, qi))
            continue;
        /* The phrase after the value runs to the clause end, the next
         * value or the next year phrase. */
        size_t pe = se;
        for (size_t j = i + 1; j < nq; j++)
            if (kept[j]) {
                if (q[j].start < pe)
                    pe = q[j].start;
                break;
            }
        for (size_t k = 0; k < ny; k++)
            if (yp[k].start >= attached_end && yp[k].start < pe)
                pe = yp[k].start;
        for (size_t k = attached_end; k < pe; k++)
            if (s[k] == ';') {
                pe = k;
                break;
            }
        pm_buf_reset(&c->buf);
        copy_plain(&c->buf, s, cs, qi->start, yp, ny);
        size_t cut_s, cut_e, at = 0;
        const pcre2_code *cut = c->cue.subject_cut;
        size_t cut_at = 0;
        while ((!c->subject_cut_proven ||
                pm_target_cue_may_match(PM_CUE_SUBJECT_CUT, c->buf.data, at, c->buf.len)) &&
               pm_cue_find(c->x, cut, c->buf.data, c->buf.len, at, c->md, &cut_s, &cut_e)) {
            cut_at = cut_e;
            at = cut_e;
        }
        if (cut_at) {
            memmove(c->buf.data, c->buf.data + cut_at, c->buf.len - cut_at);
            c->buf.len -= cut_at;
        }
        bool said_before = words_at_least(c->buf.data ? c->buf.data : "", c->buf.len, 1);
        trim_filler(c, &c->buf);
        char *pre = pm_arena_strndup(c->a, c->buf.data ? c->buf.data : "", c->buf.len);
        /* Only a predicate before the value (`…; đến năm 2030 phủ kín 100%
         * diện tích …`): the clause goes on about the previous subject. */
        bool predicate_only = said_before && pre && !*pre;
        /* A count's unit is the thing counted (`01 trạm quan trắc`), a
         * rate's written unit the thing counted per unit (`32 giường
         * bệnh/vạn dân`): it belongs to the phrase after the number. */
        bool written_rate = qi->unit_end > qi->unit_start && strchr(qi->unit, '/');
        size_t post_from = attached_end;
        if ((is_count(qi->unit) || written_rate) && attached_end == qi->end)
            post_from = after_number(s, qi);
        pm_buf_reset(&c->buf);
        copy_plain(&c->buf, s, post_from, pe, yp, ny);
        trim_filler(c, &c->buf);
        char *post_full = pm_arena_strndup(c->a, c->buf.data ? c->buf.data : "", c->buf.len);
        if (!pre || !post_full || c->buf.failed)
            return PM_ERR_NOMEM;
        /* The noun phrase right after the value ends at its first comma
         * (`100% hộ gia đình, …`) unless that leaves one word (`100% thôn,
         * bản được phủ sóng …`). */
        size_t short_len = strcspn(post_full, ",:");
        while (post_full[short_len] == ',' && !words_at_least(post_full, short_len, 2))
            short_len += 1 + strcspn(post_full + short_len + 1, ",:");
        /* What a count counts, without where or why (`căn hộ theo chỉ tiêu …`). */
        if (is_count(qi->unit) &&
            pm_cue_find(c->x, c->cue.count_tail, post_full, short_len, 0,
                        c->md, &ms, &me) && ms > 0)
            short_len = ms;
        char *post = dup_trim(c->a, post_full, short_len);
        /* The counted noun alone (`17 đô thị,`): nothing narrows it. */
        bool has_noun = is_count(qi->unit) && post_from < qi->end;
        const char *counted = has_noun ? counted_noun(c, s, qi) : NULL;
        if (!post || (has_noun && !counted))
            return PM_ERR_NOMEM;
        const char *indicator, *id;
        choose_indicator(c, qi, pre, post, post_full, counted && strcmp(counted, post) == 0,
                         &indicator, &id);
        if (!indicator) {
            if (!prev.indicator)
                continue;
            indicator = prev.indicator;
            id = prev.id;
        }
        if (!id) {
            const char *label = colon_label(c, s, ss, qi->start);
            const char *label_id = label ? indicator_id(c, label, strlen(label)) : NULL;
            if (label_id) {
                indicator = label;
                id = label_id;
            }
        }
        if (!id && predicate_only && prev.id && prev.end > ss) {
            indicator = prev.indicator;
            id = prev.id;
        }
        if (!id && predicate_only && cs > ss) {
            /* `Chỉnh trang, bó gọn cáp viễn thông; đến năm 2025 hoàn thành
             * 100% các tuyến đường chính`: the clause before says what the
             * predicate completes, the value's noun where */
            pm_buf_reset(&c->buf);
            copy_plain(&c->buf, s, ss, cs, yp, ny);
            if (c->buf.failed)
                return PM_ERR_NOMEM;
            id = indicator_id(c, c->buf.data, c->buf.len);
        }
        if (!id && inh && inh->indicator_id) {
            indicator = inh->indicator;
            id = inh->indicator_id;
        }
        bool aspirational = qi->aspirational || aspires(c, s, ss, qi->start);
        pm_status st = emit(c, pl, post_full, pre, indicator, id, year, qi, qi->unit,
                            aspirational, pm_source_of_span(c->a, c->t, sp, cs, attached_end));
        if (st != PM_OK)
            return st;
        prev.indicator = indicator;
        prev.id = id;
        prev.end = attached_end;
    }
    return PM_OK;
}

/* ---- target tables ------------------------------------------------------------ */

static const pm_span *cell(const pm_row *row, int col)
{
    return col >= 0 && (size_t)col < row->n_cells ? &row->cells[col] : NULL;
}

/* The unit column, read by the quantity parser's own unit lexicon. */
static const char *unit_of_column(target_ctx *c, const pm_span *unit)
{
    if (cell_blank(unit))
        return NULL;
    pm_buf_reset(&c->buf);
    pm_buf_puts(&c->buf, "1 ");
    pm_buf_append(&c->buf, unit->s, unit->len);
    pm_quantity q;
    if (!c->buf.failed && pm_find_quantities(c->x, c->buf.data, c->buf.len, &q, 1) == 1 &&
        q.unit)
        return pm_quantity_unit(c->a, c->buf.data, &q);
    return dup_trim(c->a, unit->s, unit->len);
}

/* The unit an indicator cell ends with when no unit column gives one
 * (`Thu nhập bình quân … (triệu đồng/người/năm)`, `Số xã đạt chuẩn (xã)`,
 * `(%)`): the parenthesis is cut from name and its unit returned. NULL,
 * name untouched, when the parenthesis is no unit (`(toàn tỉnh)`). */
static const char *unit_in_name(target_ctx *c, char *name)
{
    size_t n = strlen(name);
    char *open = strrchr(name, '(');
    if (!open || open == name || n < 3 || name[n - 1] != ')')
        return NULL;
    pm_buf_reset(&c->buf);
    pm_buf_puts(&c->buf, "1 ");
    pm_buf_append(&c->buf, open + 1, (size_t)(name + n - 1 - (open + 1)));
    pm_buf_cstr(&c->buf);
    pm_quantity q;
    if (c->buf.failed || pm_find_quantities(c->x, c->buf.data, c->buf.len, &q, 1) != 1 ||
        !q.unit || q.start != 0 || !only_space(c->buf.data, q.end, c->buf.len))
        return NULL;
    const char *unit = pm_quantity_unit(c->a, c->buf.data, &q);
    if (unit) {
        while (open > name && is_ws(open[-1]))
            open--;
        *open = '\0';
    }
    return unit;
}

/* What a value column holds: the year it is due and, under a two-row
 * header, the sub-column's name (`Toàn tỉnh`, `TP. Bến Tre`). */
typedef struct value_column {
    int year;
    const char *scope;
} value_column;

/* The row of sub-column names a two-row header leaves above the data when
 * the segmenter keeps it as a row (`| | | Toàn tỉnh | TP. Bến Tre |`): it
 * comes before the first indicator, names no indicator and holds text but
 * no quantity under the value columns. -1 when there is none. */
static int subheader_row(target_ctx *c, const pm_table *tb, const pm_column *cols, int ind)
{
    for (size_t r = 0; r < tb->n_rows; r++) {
        const pm_row *row = &tb->rows[r];
        if (!cell_blank(cell(row, ind)))
            return -1;
        size_t named = 0;
        for (size_t col = 0; col < row->n_cells && col < tb->n_columns; col++) {
            const pm_span *v = &row->cells[col];
            pm_quantity q;
            if (cell_blank(v) || (cols[col].role != PM_COL_TARGET_YEAR &&
                                  cols[col].role != PM_COL_OTHER))
                continue;
            if (pm_find_quantities(c->x, v->s, v->len, &q, 1) != 0)
                return -1;
            named++;
        }
        if (named >= 2)
            return (int)r;
    }
    return -1;
}

/* The year and sub-column of every column (year 0: no values). A header
 * spans the empty-headed columns after it that a sub-column row names; a
 * merged header (`Kế hoạch đến năm 2025 / Toàn tỉnh`) whose year another
 * column shares names its sub-column after the last ` / `. */
static value_column *value_columns(target_ctx *c, const pm_table *tb, const pm_column *cols,
                                   int sub)
{
    size_t n = tb->n_columns;
    value_column *vc = pm_arena_alloc(c->a, (n ? n : 1) * sizeof *vc);
    if (!vc)
        return NULL;
    const pm_row *names = sub >= 0 ? &tb->rows[sub] : NULL;
    for (size_t col = 0; col < n; col++) {
        const char *head = tb->columns[col] ? tb->columns[col] : "";
        const pm_span *name = names ? cell(names, (int)col) : NULL;
        vc[col].year = cols[col].role == PM_COL_TARGET_YEAR ? cols[col].year : 0;
        vc[col].scope = NULL;
        if (!vc[col].year && cols[col].role == PM_COL_OTHER && !*head && col > 0 &&
            !cell_blank(name))
            vc[col].year = vc[col - 1].year;
        if (vc[col].year && !cell_blank(name)) {
            vc[col].scope = dup_trim(c->a, name->s, name->len);
            if (!vc[col].scope)
                return NULL;
        }
    }
    for (size_t col = 0; col < n && !names; col++) {
        if (!vc[col].year)
            continue;
        const char *head = tb->columns[col] ? tb->columns[col] : "";
        const char *slash = strstr(head, " / "), *last = NULL;
        for (; slash; slash = strstr(slash + 1, " / "))
            last = slash;
        bool shared = false;
        for (size_t o = 0; o < n; o++)
            shared |= o != col && vc[o].year == vc[col].year;
        if (last && shared && !(vc[col].scope = dup_trim(c->a, last + 3, strlen(last + 3))))
            return NULL;
    }
    return vc;
}

static pm_status scan_targets_table(target_ctx *c, const pm_table *tb, int ti,
                                    const pm_column *cols)
{
    int ind = pm_column_find(cols, tb->n_columns, PM_COL_INDICATOR);
    int unit_col = pm_column_find(cols, tb->n_columns, PM_COL_UNIT);
    int lead_col = pm_column_find(cols, tb->n_columns, PM_COL_LEAD);
    int sub = subheader_row(c, tb, cols, ind);
    const value_column *vc = value_columns(c, tb, cols, sub);
    if (!vc)
        return PM_ERR_NOMEM;
    for (size_t r = 0; r < tb->n_rows; r++) {
        const pm_row *row = &tb->rows[r];
        const pm_span *indicator = cell(row, ind);
        if (row->unparsed || cell_blank(indicator) || pm_is_group_row(tb, cols, r))
            continue;
        row_lead lead = {cell(row, lead_col), NULL};
        place pl = {tb->section, ti, &lead};
        char *name = dup_trim(c->a, indicator->s, indicator->len);
        if (!name)
            return PM_ERR_NOMEM;
        const char *column_unit = unit_of_column(c, cell(row, unit_col));
        if (!column_unit)
            column_unit = unit_in_name(c, name);
        const char *id = indicator_id(c, name, strlen(name));
        bool emitted = false;
        for (size_t col = 0; col < tb->n_columns; col++) {
            const pm_span *v = cell(row, (int)col);
            pm_quantity q;
            if (!vc[col].year || cell_blank(v) ||
                pm_find_quantities(c->x, v->s, v->len, &q, 1) != 1)
                continue;
            /* A bare number in a table row with no unit counts things. */
            const char *unit = column_unit ? column_unit
                               : q.unit ? pm_quantity_unit(c->a, v->s, &q)
                                        : "count";
            if (!unit)
                return PM_ERR_NOMEM;
            bool aspirational = q.aspirational || aspires(c, v->s, 0, v->len);
            size_t from = pm_span_norm(indicator, 0), to = pm_span_norm(v, v->len - 1) + 1;
            pm_source src = to > from ? pm_source_of(c->a, c->t, from, to)
                                      : pm_source_of_span(c->a, c->t, v, 0, v->len);
            src.line = indicator->line;
            /* A sub-column's value is a target of its own, for its scope. */
            pm_status st =
                vc[col].scope
                    ? push_target(c, &pl,
                                  pm_arena_printf(c->a, "%s (%s)", name, vc[col].scope), id,
                                  vc[col].year, &q, unit, aspirational, vc[col].scope, src)
                    : emit(c, &pl, name, NULL, name, id, vc[col].year, &q, unit, aspirational,
                           src);
            if (st != PM_OK)
                return st;
            emitted = true;
        }
        if (emitted && !id)
            pm_warn(c->w, "unknown_indicator", indicator->line,
                    "indicator not in the catalogue: %s", name);
    }
    return PM_OK;
}

/* The total row of a table that lists things under target-year columns
 * (`Tổng cộng | | 17 đô thị | 21 đô thị` closing a list of towns and their
 * classes in 2025 and 2030) states how many there are to be each year: one
 * target per year column whose cell counts a bare noun, the number of those
 * (`số lượng đô thị`). */
static pm_status scan_total_row(target_ctx *c, const pm_table *tb, int ti, const pm_column *cols)
{
    const pcre2_code *total = c->cue.total_row;
    size_t ms, me;
    for (size_t r = tb->n_rows; r-- > 0;) {
        const pm_row *row = &tb->rows[r];
        const pm_span *label = NULL;
        for (size_t col = 0; !row->unparsed && !label && col < row->n_cells; col++)
            if (cols[col].role != PM_COL_TARGET_YEAR && !cell_blank(&row->cells[col]) &&
                pm_cue_find(c->x, total, row->cells[col].s, row->cells[col].len, 0, c->md, &ms,
                            &me))
                label = &row->cells[col];
        if (!label)
            continue;
        place pl = {tb->section, ti, NULL};
        for (size_t col = 0; col < row->n_cells; col++) {
            const pm_span *v = &row->cells[col];
            pm_quantity q;
            if (cols[col].role != PM_COL_TARGET_YEAR || cell_blank(v) ||
                pm_find_quantities(c->x, v->s, v->len, &q, 1) != 1 || !is_count(q.unit))
                continue;
            const char *noun = counted_noun(c, v->s, &q), *indicator = NULL, *id;
            if (!noun)
                return PM_ERR_NOMEM;
            if (!only_space(v->s, q.end, v->len) || !(id = number_of(c, noun, &indicator)))
                continue;
            size_t from = pm_span_norm(label, 0), to = pm_span_norm(v, v->len - 1) + 1;
            pm_source src = to > from ? pm_source_of(c->a, c->t, from, to)
                                      : pm_source_of_span(c->a, c->t, v, 0, v->len);
            src.line = row->line;
            pm_status st = push_target(c, &pl, indicator, id, cols[col].year, &q, q.unit,
                                       q.aspirational, NULL, src);
            if (st != PM_OK)
                return st;
        }
        return PM_OK; /* one total row per table: the last */
    }
    return PM_OK;
}

/* A column of a year before the plan's own (`Thực hiện 2023`, `Năm 2023`,
 * `Thực hiện đến 31/12/2023` in a plan of 2024) reports what was achieved:
 * a baseline, whatever its header says. */
static void past_years_are_baselines(const target_ctx *c, pm_column *cols, size_t n)
{
    for (size_t col = 0; col < n && c->facts->plan_year; col++)
        if (cols[col].role == PM_COL_TARGET_YEAR && cols[col].year < c->facts->plan_year)
            cols[col].role = PM_COL_BASELINE;
}

/* ---- driver ----------------------------------------------------------------------- */

static bool ends_with_colon(const pm_span *sp)
{
    size_t n = sp->len;
    while (n && (is_ws(sp->s[n - 1]) || sp->s[n - 1] == '*'))
        n--;
    return n && sp->s[n - 1] == ':';
}

/* The lead-in a bullet hangs from: the block before its run of bullets
 * (footnotes in between are skipped), when that block ends with ':'. */
static pm_status lead_in_of(target_ctx *c, size_t b, inherited *inh)
{
    const pm_block *blocks = c->tree->blocks, *bl = &blocks[b];
    memset(inh, 0, sizeof *inh);
    if (bl->kind != PM_BLOCK_BULLET)
        return PM_OK;
    size_t k = b;
    while (k > 0) {
        const pm_block *p = &blocks[k - 1];
        if (k - 1 == c->run_last && p->kind == PM_BLOCK_BULLET && p->section == bl->section &&
            p->marker == bl->marker) {
            k = c->run_start;
            break;
        }
        bool footnote = p->kind == PM_BLOCK_PARAGRAPH && p->body.len >= 2 &&
                        (unsigned char)p->body.s[0] == 0xC2 &&
                        ((unsigned char)p->body.s[1] == 0xB9 ||
                         (unsigned char)p->body.s[1] == 0xB2 ||
                         (unsigned char)p->body.s[1] == 0xB3);
        if (p->section != bl->section ||
            !(footnote || (p->kind == PM_BLOCK_BULLET && p->marker == bl->marker)))
            break;
        k--;
    }
    c->run_last = b;
    c->run_start = k;
    if (k == 0)
        return PM_OK;
    const pm_block *lead = &blocks[k - 1];
    if (lead->section != bl->section || lead->kind == PM_BLOCK_TABLE ||
        !ends_with_colon(&lead->body))
        return PM_OK;
    /* The bullets of a run read the same lead-in. */
    if (c->lead_read && c->lead_block == k - 1) {
        *inh = c->lead;
        return PM_OK;
    }
    char *text = dup_trim(c->a, lead->body.s, lead->body.len);
    if (!text)
        return PM_ERR_NOMEM;
    size_t len = strlen(text);
    if (len && text[len - 1] == ':')
        text[--len] = '\0';
    pm_year_phrase yp[4];
    size_t ny = pm_find_year_phrases(c->x, c->md, text, len, yp, 4);
    inh->year = ny == 1 && !yp[0].vision && !yp[0].first ? yp[0].year : 0;
    inh->indicator_id = indicator_id(c, text, len);
    inh->indicator = inh->indicator_id ? text : NULL;
    c->lead_read = true;
    c->lead_block = k - 1;
    c->lead = *inh;
    return PM_OK;
}

/* The year the nearest title from section s up that names one gives (see
 * heading_year), kept per section: the blocks of a section ask again and
 * again. */
static int section_year(target_ctx *c, int s)
{
    const pm_section *sections = c->tree->sections;
    int *known = c->section_years, year = 0, top = s;
    for (; top >= 0; top = sections[top].parent) {
        if (known && known[top] != YEAR_UNKNOWN) {
            year = known[top];
            break;
        }
        const char *title = sections[top].title;
        pm_year_phrase yp[4];
        size_t ny = title ? pm_find_year_phrases(c->x, c->md, title, strlen(title), yp, 4) : 0;
        if (ny == 0)
            continue;
        /* `b) Định hướng đến năm 2030` is a horizon of this plan's own
         * targets; a vision names another document only after its name. */
        bool own_horizon = yp[0].start == 0;
        bool single = ny == 1 && (!yp[0].vision || own_horizon) && !yp[0].first &&
                      (!c->facts->plan_year || yp[0].year >= c->facts->plan_year);
        year = single ? yp[0].year : 0;
        break;
    }
    /* The sections walked name no year: theirs is the one found above. */
    for (int k = s; known && k >= 0; k = k == top ? -1 : sections[k].parent)
        known[k] = year;
    return year;
}

/* The year of the heading a block sits under (`2.1. Mục tiêu đến năm 2025`
 * over `2.1.1. Diện tích sàn … đạt 29,5 m²/người`): the nearest enclosing
 * heading that names a year decides, when it names exactly one, not a
 * period and not a vision of another document. A heading block looks above
 * its own title. */
static int heading_year(target_ctx *c, const pm_block *bl)
{
    int s = bl->section;
    if (bl->kind == PM_BLOCK_HEADING && s >= 0)
        s = c->tree->sections[s].parent;
    return s >= 0 ? section_year(c, s) : 0;
}

pm_status pm_extract_targets(const pm_extractor *x, pm_arena *a, const pm_text *t,
                             const pm_tree *tree, pm_doc_facts *facts, pm_records *out,
                             pm_warnings *w)
{
    target_ctx c = {.x = x, .a = a, .t = t, .tree = tree, .facts = facts, .out = out, .w = w};
    c.cue.aspirational = pm_cue(x, "target-cues.aspirational");
    c.cue.compared = pm_cue(x, "target-cues.compared");
    c.cue.count_tail = pm_cue(x, "target-cues.count_tail");
    c.cue.forecast = pm_cue(x, "target-cues.forecast");
    c.cue.list_head = pm_cue(x, "target-cues.list_head");
    c.cue.not_before = pm_cue(x, "target-cues.not_before");
    c.cue.period_of = pm_cue(x, "target-cues.period_of");
    c.cue.qualifier = pm_cue(x, "target-cues.qualifier");
    c.cue.scope = pm_cue(x, "target-cues.scope");
    c.cue.subject_cut = pm_cue(x, "target-cues.subject_cut");
    c.cue.subject_head = pm_cue(x, "target-cues.subject_head");
    c.cue.subject_tail = pm_cue(x, "target-cues.subject_tail");
    c.cue.time_unit = pm_cue(x, "target-cues.time_unit");
    c.cue.total_row = pm_cue(x, "target-cues.total_row");
    c.aspirational_proven = pm_proven(x->patterns, &pm_proof_aspirational);
    c.time_unit_proven = pm_proven(x->patterns, &pm_proof_time_unit);
    c.subject_head_proven = pm_proven(x->patterns, &pm_proof_subject_head);
    c.forecast_proven = pm_proven(x->patterns, &pm_proof_forecast);
    c.subject_cut_proven = pm_proven(x->patterns, &pm_proof_subject_cut);
    c.not_before_proven = pm_proven(x->patterns, &pm_proof_not_before);
    c.md = pcre2_match_data_create(32, NULL);
    if (!c.md)
        return PM_ERR_NOMEM;
    c.section_years = malloc((tree->n_sections ? tree->n_sections : 1) * sizeof *c.section_years);
    for (size_t i = 0; c.section_years && i < tree->n_sections; i++)
        c.section_years[i] = YEAR_UNKNOWN;
    pm_status st = PM_OK;
    for (size_t b = 0; st == PM_OK && b < tree->n_blocks; b++) {
        const pm_block *bl = &tree->blocks[b];
        if (bl->kind == PM_BLOCK_TABLE || bl->zone == PM_ZONE_FRONT ||
            bl->zone == PM_ZONE_CLOSING)
            continue;
        place pl = {bl->section, -1, NULL};
        st = scan_prose(&c, &bl->body, &pl, b);
    }
    for (size_t ti = 0; st == PM_OK && ti < tree->n_tables; ti++) {
        const pm_table *tb = &tree->tables[ti];
        pm_column *cols;
        st = pm_table_columns(x, a, tb, &cols);
        if (st != PM_OK)
            break;
        past_years_are_baselines(&c, cols, tb->n_columns);
        if (pm_is_targets_table(cols, tb->n_columns)) {
            st = scan_targets_table(&c, tb, (int)ti, cols);
            continue;
        }
        if (pm_column_find(cols, tb->n_columns, PM_COL_TARGET_YEAR) >= 0 &&
            (st = scan_total_row(&c, tb, (int)ti, cols)) != PM_OK)
            break;
        /* Task tables state targets inside their content cells. */
        int content = pm_column_find(cols, tb->n_columns, PM_COL_CONTENT);
        int lead_col = pm_column_find(cols, tb->n_columns, PM_COL_LEAD);
        for (size_t r = 0; st == PM_OK && content >= 0 && r < tb->n_rows; r++) {
            const pm_row *row = &tb->rows[r];
            const pm_span *sp = cell(row, content);
            if (row->unparsed || cell_blank(sp))
                continue;
            row_lead lead = {cell(row, lead_col), NULL};
            place pl = {tb->section, (int)ti, &lead};
            st = scan_prose(&c, sp, &pl, NO_BLOCK);
        }
    }
    if (c.buf.failed && st == PM_OK)
        st = PM_ERR_NOMEM;
    pm_buf_free(&c.buf);
    free(c.q);
    free(c.kept);
    free(c.all_years);
    free(c.years);
    free(c.opens);
    free(c.section_years);
    free(c.ids.slots);
    pcre2_match_data_free(c.md);
    return st;
}
