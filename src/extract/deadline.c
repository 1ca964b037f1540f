/* deadline.c: a deadline cell or phrase -> pm_deadline.
 *
 * The forms are regexes in patterns/deadlines.pcre, tried from the most
 * informative to the least (an open-ended start year, a day, a month, a
 * quarter, two years, one year, recurring, ongoing), on the text with its
 * diacritics stripped so OCR slips (`Hang nam`, `thuong xuyen`) read the
 * same. Cited documents are blanked first: their numbers and dates are not
 * deadlines. Non-empty text that names no time is UNSPECIFIED. */
#include <stdlib.h>
#include <string.h>

#include "extract/internal.h"

enum rule {
    RULE_ONGOING_FROM,
    RULE_DATE,
    RULE_MONTH,
    RULE_QUARTER,
    RULE_RANGE,
    RULE_YEAR,
    RULE_ANNUAL,
    RULE_ONGOING,
    N_RULES
};

static const char *const rule_names[N_RULES] = {
    "deadlines.ongoing_from", "deadlines.date",  "deadlines.month",  "deadlines.quarter",
    "deadlines.range",        "deadlines.year",  "deadlines.annual", "deadlines.ongoing",
};

/* The regexes the prefilters of pm_parse_deadline (may_match) were proven
 * for: a reference needs a digit (\d: ASCII or, under UCP, a non-ASCII
 * one) and after it a `/` then blanks and a capital, or a `-` then a
 * capital (\p{Lu}, outside any (?i): an ASCII capital or a non-ASCII
 * character; \s may be non-ASCII too), or `luat`; each rule before
 * `annual` a year `(?:19|20)\d\d`, and besides: ongoing_from `cac`,
 * `nhung`, `tro` or `tu`; date two of `/`, `.`, `-` (between day, month
 * and year) or `thang`; month `thang`; quarter `quy`; range two years. The
 * words are caseless ASCII letters none of which has a non-ASCII case
 * twin (as `k` and `s` have). */
const pm_proof pm_proof_reference = {"deadlines.reference", "7b681a09c6b5acc3",
                                     "deadline.c may_match (digit, /A -A luat)"};
_Static_assert(RULE_ANNUAL == 6, "internal.h declares one pm_proof_dated per rule before annual");
const pm_proof pm_proof_dated[RULE_ANNUAL] = {
    {"deadlines.ongoing_from", "18577ee172664eaa", "deadline.c may_match (year, cac nhung tro tu)"},
    {"deadlines.date", "5917dc852a394b40", "deadline.c may_match (year, two / . -, thang)"},
    {"deadlines.month", "973cf50d56773593", "deadline.c may_match (year, thang)"},
    {"deadlines.quarter", "fc9ea23657ee0a96", "deadline.c may_match (year, quy)"},
    {"deadlines.range", "f06ff4bac155dadc", "deadline.c may_match (two years)"},
    {"deadlines.year", "99aa56bc50884fc2", "deadline.c may_match (year)"},
};

struct pm_deadline_lexicon {
    const pcre2_code *reference;
    const pcre2_code *rules[N_RULES];
    uint32_t max_groups; /* over all the regexes, for one match data */
    /* The prefilters that hold for the loaded regexes (pm_proof). */
    bool reference_proven, dated_proven[RULE_ANNUAL];
};

static uint32_t capture_count(const pcre2_code *re)
{
    uint32_t n = 0;
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &n);
    return n;
}

pm_status pm_deadline_init(pm_extractor *x, pm_error *err)
{
    struct pm_deadline_lexicon *lx = calloc(1, sizeof *lx);
    if (!lx)
        return pm_fail(err, PM_ERR_NOMEM, "deadlines", 0, "out of memory");
    x->deadline = lx;
    lx->reference = pm_patterns_regex(x->patterns, "deadlines.reference", err);
    if (!lx->reference)
        return PM_ERR_PATTERN;
    lx->max_groups = capture_count(lx->reference);
    lx->reference_proven = pm_proven(x->patterns, &pm_proof_reference);
    for (int r = 0; r < RULE_ANNUAL; r++)
        lx->dated_proven[r] = pm_proven(x->patterns, &pm_proof_dated[r]);
    for (int r = 0; r < N_RULES; r++) {
        lx->rules[r] = pm_patterns_regex(x->patterns, rule_names[r], err);
        if (!lx->rules[r])
            return PM_ERR_PATTERN;
        uint32_t n = capture_count(lx->rules[r]);
        if (n > lx->max_groups)
            lx->max_groups = n;
    }
    return PM_OK;
}

void pm_deadline_free(pm_extractor *x)
{
    free(x->deadline);
    x->deadline = NULL;
}

/* ---- helpers ------------------------------------------------------------- */

static bool is_trimmed(const char *s, size_t i, size_t n, size_t *width)
{
    unsigned char c = (unsigned char)s[i];
    if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
        *width = 2; /* NBSP */
        return true;
    }
    *width = 1;
    return c != '\0' && c < 0x80 && strchr(" \t\r\n\v\f.,;:*_-+", (char)c);
}

/* [*b, *e): s without blanks, bullets, emphasis and closing punctuation
 * around it (`* Thường xuyên.` -> `Thường xuyên`). */
static void trim(const char *s, size_t n, size_t *b, size_t *e)
{
    size_t w;
    *b = 0;
    *e = n;
    while (*b < *e && is_trimmed(s, *b, *e, &w))
        *b += w;
    while (*e > *b) {
        if ((unsigned char)s[*e - 1] == 0xA0 && *e - 1 > *b && (unsigned char)s[*e - 2] == 0xC2)
            *e -= 2;
        else if (is_trimmed(s, *e - 1, *e, &w) && w == 1)
            *e -= 1;
        else
            break;
    }
}

static int group_int(const pcre2_code *re, pcre2_match_data *md, const char *key,
                     const char *name)
{
    size_t b, e;
    if (!pm_regex_named(re, md, name, &b, &e))
        return 0;
    int v = 0;
    for (size_t i = b; i < e && v < 100000; i++)
        v = v * 10 + (key[i] - '0');
    return v;
}

static bool is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* A day deadline; false when the day does not exist. */
static bool set_date(pm_deadline *out, int year, int month, int day)
{
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
        return false;
    out->kind = PM_DEADLINE_DATE;
    out->end = year;
    /* YYYY-MM-DD by hand: the regexes give 4-digit years. */
    const int parts[3][2] = {{year, 4}, {month, 2}, {day, 2}};
    char *d = out->date;
    for (int p = 0; p < 3; p++) {
        for (int k = parts[p][1] - 1, v = parts[p][0]; k >= 0; k--, v /= 10)
            d[k] = (char)('0' + v % 10);
        d += parts[p][1];
        *d++ = p < 2 ? '-' : '\0';
    }
    return true;
}

/* Every year in the key: one gives YEAR, several the RANGE they span
 * (`Năm 2024, 2025`, `đến năm 2025 và năm 2030`). */
static bool set_years(const pm_extractor *x, const char *key, size_t len, pcre2_match_data *md,
                      pm_deadline *out)
{
    const pcre2_code *re = x->deadline->rules[RULE_YEAR];
    int lo = 0, hi = 0;
    size_t pos = 0;
    while (pos < len && pm_regex_match(x->patterns, re, key, len, pos, 0, md) > 0) {
        int y = group_int(re, md, key, "year");
        lo = lo == 0 || y < lo ? y : lo;
        hi = y > hi ? y : hi;
        size_t b, e;
        pm_regex_group(md, 0, &b, &e);
        pos = e;
    }
    if (hi == 0)
        return false;
    out->kind = lo == hi ? PM_DEADLINE_YEAR : PM_DEADLINE_RANGE;
    out->start = lo == hi ? 0 : lo;
    out->end = hi;
    return true;
}

/* Applies rule r, which matched; false when what it matched is not a
 * deadline after all (`31/02/2024`) and the next rule should try. */
static bool apply_rule(const pm_extractor *x, enum rule r, const char *key, size_t len,
                       pcre2_match_data *md, pm_deadline *out)
{
    const pcre2_code *re = x->deadline->rules[r];
    switch (r) {
    case RULE_ONGOING_FROM:
        out->kind = PM_DEADLINE_ONGOING;
        out->start = group_int(re, md, key, "year");
        return true;
    case RULE_DATE:
        return set_date(out, group_int(re, md, key, "year"), group_int(re, md, key, "month"),
                        group_int(re, md, key, "day"));
    case RULE_MONTH: {
        int year = group_int(re, md, key, "year"), month = group_int(re, md, key, "month");
        return month >= 1 && month <= 12 && set_date(out, year, month, days_in_month(year, month));
    }
    case RULE_QUARTER:
        out->kind = PM_DEADLINE_QUARTER;
        out->start = out->end = group_int(re, md, key, "year");
        return true;
    case RULE_RANGE: {
        int a = group_int(re, md, key, "start"), b = group_int(re, md, key, "end");
        if (a == b) {
            out->kind = PM_DEADLINE_YEAR;
            out->end = a;
        } else {
            out->kind = PM_DEADLINE_RANGE;
            out->start = a < b ? a : b;
            out->end = a < b ? b : a;
        }
        return true;
    }
    case RULE_YEAR:
        return set_years(x, key, len, md, out);
    case RULE_ANNUAL:
        out->kind = PM_DEADLINE_ANNUAL;
        return true;
    case RULE_ONGOING:
        out->kind = PM_DEADLINE_ONGOING;
        return true;
    case N_RULES:
        break;
    }
    return false;
}

/* Cited documents become blanks of the same length. */
static void blank_references(const pm_extractor *x, char *key, size_t len, pcre2_match_data *md)
{
    size_t pos = 0;
    while (pos < len &&
           pm_regex_match(x->patterns, x->deadline->reference, key, len, pos, 0, md) > 0) {
        size_t b, e;
        pm_regex_group(md, 0, &b, &e);
        memset(key + b, ' ', e - b);
        pos = e > b ? e : b + 1;
    }
}

/* What the prefilters read of a key, in one pass. */
enum key_feature {
    KEY_DIGIT = 1 << 0,  /* an ASCII digit or a non-ASCII byte */
    KEY_YEAR = 1 << 1,   /* `19` or `20` */
    KEY_YEARS = 1 << 2,  /* two of them */
    KEY_CITE = 1 << 3,   /* `/` then blanks and a capital, or `-` then a capital */
    KEY_SEP = 1 << 4,    /* a `/`, `.` or `-` */
    KEY_SEPS = 1 << 5,   /* two of them */
    KEY_LUAT = 1 << 6,   /* the words, in any case */
    KEY_THANG = 1 << 7,
    KEY_QUY = 1 << 8,
    KEY_CAC = 1 << 9,
    KEY_NHUNG = 1 << 10,
    KEY_TRO = 1 << 11,
    KEY_TU = 1 << 12
};

static bool at_word(const char *s, size_t n, size_t i, const char *w)
{
    for (; *w; w++, i++)
        if (i >= n || (s[i] | 0x20) != *w) /* w is lower-case letters */
            return false;
    return true;
}

static unsigned key_features(const char *s, size_t n)
{
    static const struct {
        const char *word;
        unsigned feature;
    } words[] = {{"luat", KEY_LUAT}, {"thang", KEY_THANG}, {"quy", KEY_QUY},
                 {"cac", KEY_CAC},   {"nhung", KEY_NHUNG}, {"tro", KEY_TRO},
                 {"tu", KEY_TU}};
    unsigned f = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= '0' && c <= '9') || c >= 0x80)
            f |= KEY_DIGIT;
        if (i + 1 < n && ((c == '1' && s[i + 1] == '9') || (c == '2' && s[i + 1] == '0')))
            f |= f & KEY_YEAR ? KEY_YEARS : KEY_YEAR;
        if (c == '/' || c == '.' || c == '-')
            f |= f & KEY_SEP ? KEY_SEPS : KEY_SEP;
        if (c == '/' || c == '-') {
            size_t j = i + 1;
            while (c == '/' && j < n && (s[j] == ' ' || (s[j] >= '\t' && s[j] <= '\r')))
                j++;
            if (j < n && ((s[j] >= 'A' && s[j] <= 'Z') || (unsigned char)s[j] >= 0x80))
                f |= KEY_CITE;
        }
        unsigned char lower = c | 0x20;
        if (lower != 'l' && lower != 't' && lower != 'q' && lower != 'c' && lower != 'n')
            continue; /* no word starts with it */
        for (size_t w = 0; w < sizeof words / sizeof *words; w++)
            if (lower == words[w].word[0] && at_word(s, n, i, words[w].word))
                f |= words[w].feature;
    }
    return f;
}

/* Can rule r match a key with the features f? False only where its
 * pm_proof holds and the regex needs what the key lacks. */
static bool may_match(const struct pm_deadline_lexicon *lx, int r, unsigned f)
{
    if (r >= RULE_ANNUAL || !lx->dated_proven[r])
        return true;
    if (!(f & KEY_YEAR))
        return false;
    switch (r) {
    case RULE_ONGOING_FROM: return f & (KEY_CAC | KEY_NHUNG | KEY_TRO | KEY_TU);
    case RULE_DATE: return f & (KEY_SEPS | KEY_THANG);
    case RULE_MONTH: return f & KEY_THANG;
    case RULE_QUARTER: return f & KEY_QUY;
    case RULE_RANGE: return f & KEY_YEARS;
    default: return true;
    }
}

bool pm_parse_deadline(const pm_extractor *x, pm_arena *a, const char *s, size_t n,
                       pm_deadline *out)
{
    return pm_parse_deadline_md(x, a, NULL, s, n, out);
}

bool pm_parse_deadline_md(const pm_extractor *x, pm_arena *a, pcre2_match_data *caller_md,
                          const char *s, size_t n, pm_deadline *out)
{
    memset(out, 0, sizeof *out);
    size_t b = 0, e = 0;
    if (s)
        trim(s, n, &b, &e);
    if (b == e)
        return false;
    out->kind = PM_DEADLINE_UNSPECIFIED;
    /* Out of memory leaves text NULL; the kind is still right. */
    out->text = pm_arena_strndup(a, s + b, e - b);

    pm_buf key = {0};
    pm_strip_marks(s + b, e - b, &key);
    bool own_md = !caller_md || pcre2_get_ovector_count(caller_md) <= x->deadline->max_groups;
    pcre2_match_data *md =
        own_md ? pcre2_match_data_create(x->deadline->max_groups + 1, NULL) : caller_md;
    if (md && !key.failed && pm_buf_cstr(&key) && !key.failed) {
        const struct pm_deadline_lexicon *lx = x->deadline;
        /* Exact prefilters for the regexes proven (pm_proof_reference,
         * pm_proof_dated): most phrases have no digit and no year, and only
         * the recurrence rules run; a bare year (`2025`) tries `year` alone.
         * A blanked reference only takes features away, so those of the
         * key before it still let every rule run that may match. */
        unsigned f = key_features(key.data, key.len);
        if (!lx->reference_proven ||
            ((f & KEY_DIGIT) && (f & (KEY_CITE | KEY_LUAT))))
            blank_references(x, key.data, key.len, md);
        for (int r = 0; r < N_RULES; r++) {
            if (!may_match(lx, r, f))
                continue;
            if (pm_regex_match(x->patterns, x->deadline->rules[r], key.data, key.len, 0, 0, md) >
                    0 &&
                apply_rule(x, (enum rule)r, key.data, key.len, md, out))
                break;
        }
    }
    if (own_md)
        pcre2_match_data_free(md);
    pm_buf_free(&key);
    return true;
}
