/* Lines -> outline and blocks.
 *
 * Every line is classified once (headings.pcre). Paragraphs are built by
 * deciding, for each pair of consecutive content lines, whether the second
 * continues the first. Two layouts must both work:
 *  - one paragraph per line with blank lines between (a blank line ends a
 *    paragraph unless it visibly cuts a sentence: no end punctuation before,
 *    a lower-case word after);
 *  - hard-wrapped text without blank lines, where a full line (as wide as
 *    the text's typical line) runs on and a paragraph's first line is visibly
 *    shorter because its indent was lost.
 * Section levels come from the nesting of label styles as they appear: a
 * style already open closes everything below it, a new style opens a level. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "segment/internal.h"

/* Tried in this order: worded labels before bare numerals, dotted before
 * arabic, roman before capital letters. Each names headings.<style>. */
static const char *const label_styles[] = {"appendix", "part",   "chapter",      "section",
                                           "article",  "dotted", "roman",        "arabic",
                                           "arabic-paren", "letter", "alpha"};
enum { N_STYLES = sizeof label_styles / sizeof *label_styles, MAX_DEPTH = 32 };
_Static_assert(N_STYLES <= 16, "styles_of_first holds a bit per style");

/* The Vietnamese alphabet, for the value of letter labels (đ after d). */
static const char *const vn_letters[] = {"a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l",
                                         "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "x",
                                         "y"};

struct pm_outline_patterns {
    const pcre2_code *label[N_STYLES];
    const pcre2_code *noise, *footnote, *bullet, *field;
    pm_first_bytes label_first[N_STYLES], noise_first, footnote_first, bullet_first,
        field_first;
    /* numbers of the named groups (negative when absent), looked up once */
    int label_group[N_STYLES], rest_group[N_STYLES], word_group[N_STYLES], bullet_rest;
    /* bit k: label style k may match a line starting with byte c
     * (label_first[k] as one word per byte: one load instead of a test per style) */
    uint16_t styles_of_first[256];
    /* letter_case of U+0000..U+07FF (two bytes) and U+1000..U+1FFF (E1 and two
     * bytes: the Vietnamese letters with two marks), read from utf8proc once:
     * the case of every letter of a line is asked for. */
    unsigned char case2[0x800], case_e1[0x1000];
};

enum { CASE_OTHER, CASE_UPPER, CASE_LOWER };

static unsigned char case_of_category(utf8proc_category_t c)
{
    return c == UTF8PROC_CATEGORY_LU   ? CASE_UPPER
           : c == UTF8PROC_CATEGORY_LL ? CASE_LOWER
                                       : CASE_OTHER;
}

static const pcre2_code *need(const pm_segmenter *s, const char *key, pm_status *st,
                              pm_error *err)
{
    char name[64];
    snprintf(name, sizeof name, "headings.%s", key);
    const pcre2_code *re = pm_patterns_regex(s->patterns, name, err);
    if (!re)
        *st = PM_ERR_PATTERN;
    return re;
}

pm_status pm_outline_init(pm_segmenter *s, pm_error *err)
{
    struct pm_outline_patterns *op = calloc(1, sizeof *op);
    if (!op)
        return pm_fail(err, PM_ERR_NOMEM, "segmenter", 0, "out of memory");
    s->outline = op;
    pm_status st = PM_OK;
    for (size_t i = 0; i < N_STYLES; i++)
        op->label[i] = need(s, label_styles[i], &st, err);
    op->noise = need(s, "noise", &st, err);
    op->footnote = need(s, "footnote", &st, err);
    op->bullet = need(s, "bullet", &st, err);
    op->field = need(s, "field", &st, err);
    for (utf8proc_int32_t cp = 0; cp < 0x800; cp++)
        op->case2[cp] = case_of_category(utf8proc_category(cp));
    for (utf8proc_int32_t cp = 0; cp < 0x1000; cp++)
        op->case_e1[cp] = case_of_category(utf8proc_category(0x1000 + cp));
    if (st != PM_OK)
        return st;
    for (size_t i = 0; i < N_STYLES; i++) {
        op->label_group[i] = pcre2_substring_number_from_name(op->label[i], (PCRE2_SPTR)"label");
        op->rest_group[i] = pcre2_substring_number_from_name(op->label[i], (PCRE2_SPTR)"rest");
        op->word_group[i] = pcre2_substring_number_from_name(op->label[i], (PCRE2_SPTR)"word");
    }
    op->bullet_rest = pcre2_substring_number_from_name(op->bullet, (PCRE2_SPTR)"rest");
    for (size_t i = 0; i < N_STYLES && st == PM_OK; i++)
        st = pm_first_bytes_of(op->label[i], &op->label_first[i], err);
    for (unsigned c = 0; c < 256 && st == PM_OK; c++) {
        char byte = (char)c;
        for (size_t i = 0; i < N_STYLES; i++)
            if (pm_may_match(&op->label_first[i], &byte, 1))
                op->styles_of_first[c] |= (uint16_t)(1u << i);
    }
    if (st == PM_OK)
        st = pm_first_bytes_of(op->noise, &op->noise_first, err);
    if (st == PM_OK)
        st = pm_first_bytes_of(op->footnote, &op->footnote_first, err);
    if (st == PM_OK)
        st = pm_first_bytes_of(op->bullet, &op->bullet_first, err);
    if (st == PM_OK)
        st = pm_first_bytes_of(op->field, &op->field_first, err);
    return st;
}

void pm_outline_free(pm_segmenter *s)
{
    free(s->outline);
    s->outline = NULL;
}

/* ---- classification ------------------------------------------------------ */

/* str is a line of the normalised text, valid UTF-8 (pm_extract checks it
 * once): PCRE2's own check would rescan the line for each of its regexes.
 * A line that cannot start a match is not given to the regex. */
static bool matches(const pm_segmenter *s, const pcre2_code *re, const pm_first_bytes *first,
                    const char *str, size_t n, pcre2_match_data *md)
{
    return pm_may_match(first, str, n) &&
           pm_regex_match(s->patterns, re, str, n, 0, PCRE2_NO_UTF_CHECK, md) > 0;
}

static int roman_value(const char *s, size_t n)
{
    int total = 0, prev = 0;
    for (size_t i = n; i-- > 0;) {
        int v = s[i] == 'I' ? 1 : s[i] == 'V' ? 5 : s[i] == 'X' ? 10 : s[i] == 'L' ? 50 : 0;
        total += v < prev ? -v : v;
        if (v > prev)
            prev = v;
    }
    return total;
}

/* The value of a label: I -> 1, 12 -> 12, 3.2 -> 2, đ -> 5, B -> 2. */
static int label_ordinal(const char *style, const char *s, size_t n)
{
    if (!n)
        return 0;
    if (strcmp(style, "dotted") == 0) {
        const char *dot = s;
        for (size_t i = 0; i < n; i++)
            if (s[i] == '.')
                dot = s + i + 1;
        return atoi(dot);
    }
    if (s[0] >= '0' && s[0] <= '9')
        return atoi(s);
    if (strcmp(style, "part") == 0 && !(s[0] == 'I' || s[0] == 'V' || s[0] == 'X' || s[0] == 'L'))
        return 0; /* `Phần thứ hai`: a numeral in words */
    if (strcmp(style, "letter") == 0) {
        for (size_t i = 0; i < sizeof vn_letters / sizeof *vn_letters; i++)
            if (strlen(vn_letters[i]) == n && memcmp(vn_letters[i], s, n) == 0)
                return (int)i + 1;
        return 0;
    }
    if (strcmp(style, "alpha") == 0)
        return s[0] >= 'A' && s[0] <= 'Z' ? s[0] - 'A' + 1 : 0;
    return roman_value(s, n);
}

static bool is_continuation(char c) { return ((unsigned char)c & 0xC0) == 0x80; }

/* The case (CASE_*) of the code point at norm[i] (before `to`) and its length
 * in *k; *k = 0 for an invalid sequence. Two-byte and E1 sequences are
 * decoded here and looked up in the tables, others go to utf8proc. */
static unsigned char letter_case(const struct pm_outline_patterns *op, const char *norm, size_t i,
                                 size_t to, size_t *k)
{
    unsigned char b = (unsigned char)norm[i];
    if (b < 0x80) {
        *k = 1;
        return op->case2[b];
    }
    if (b >= 0xC2 && b < 0xE0 && i + 1 < to && is_continuation(norm[i + 1])) {
        *k = 2;
        return op->case2[(b & 0x1Fu) << 6 | ((unsigned char)norm[i + 1] & 0x3Fu)];
    }
    if (b == 0xE1 && i + 2 < to && is_continuation(norm[i + 1]) && is_continuation(norm[i + 2])) {
        *k = 3;
        return op->case_e1[((unsigned char)norm[i + 1] & 0x3Fu) << 6 |
                           ((unsigned char)norm[i + 2] & 0x3Fu)];
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)norm + i,
                                          (utf8proc_ssize_t)(to - i), &cp);
    *k = n > 0 ? (size_t)n : 0;
    return n > 0 ? case_of_category(utf8proc_category(cp)) : CASE_OTHER;
}

/* Whether norm[from, to) is written in capitals; sets the case of its first
 * character when ln is given. */
static bool is_upper_case(const struct pm_outline_patterns *op, const char *norm, size_t from,
                          size_t to, pm_line *ln)
{
    size_t upper = 0, lower = 0;
    bool first = true;
    for (size_t i = from; i < to;) {
        size_t k;
        unsigned char c = letter_case(op, norm, i, to, &k);
        if (k == 0) {
            i++;
            continue;
        }
        if (first && ln) {
            ln->starts_lower = c == CASE_LOWER;
            ln->starts_capital = c == CASE_UPPER;
        }
        upper += c == CASE_UPPER;
        lower += c == CASE_LOWER;
        i += k;
        if (first && pm_surely_not_upper(norm + i, to - i, upper, lower))
            return false;
        first = false;
        /* Settled once even a capital in every byte left cannot outweigh
         * the small letters: most lines are prose. */
        if (lower * 10 > upper + (to - i))
            return false;
    }
    /* `21-CTr/TU` inside an upper-case title leaves a few small letters. */
    return upper >= 3 && lower * 10 <= upper;
}

/* The bytes that end a sentence, and those that cannot end a phrase (the
 * line was cut inside one); the normalised text holds no NUL. */
static bool ends_sentence_byte(char c)
{
    return c == '.' || c == '!' || c == '?' || c == ':' || c == ';';
}

static bool ends_open_byte(char c)
{
    return c == ',' || c == '-' || c == '(' || c == '/' || c == '&';
}

static void measure(const struct pm_outline_patterns *op, pm_line *ln, const char *norm)
{
    const char *s = norm + ln->text_start;
    size_t n = ln->text_end - ln->text_start;
    ln->chars = pm_utf8_count(s, n);
    ln->first_word = pm_first_word_count(s, n);
    ln->upper = is_upper_case(op, norm, ln->start, ln->end, ln);

    size_t e = ln->text_end;
    while (e > ln->text_start && (norm[e - 1] == '*' || norm[e - 1] == '"' || norm[e - 1] == ' '))
        e--;
    /* closing quotes ” and ’ are three bytes */
    while (e >= ln->text_start + 3 && (memcmp(norm + e - 3, "\xE2\x80\x9D", 3) == 0 ||
                                       memcmp(norm + e - 3, "\xE2\x80\x99", 3) == 0))
        e -= 3;
    ln->ends_sentence = e > ln->text_start && ends_sentence_byte(norm[e - 1]);
    /* , - – ( / & cannot end a phrase: the line was cut inside one */
    ln->ends_open = e > ln->text_start &&
                    (ends_open_byte(norm[e - 1]) ||
                     (e >= ln->text_start + 3 && memcmp(norm + e - 3, "\xE2\x80\x93", 3) == 0));
}

/* Trims spaces, then markdown emphasis: `**I. MỤC TIÊU**` -> `I. MỤC TIÊU`. A
 * single `*` followed by a space is a bullet and stays. */
static void trim_line(pm_line *ln, const char *norm, size_t start, size_t end)
{
    size_t indent = 0;
    while (start < end && (norm[start] == ' ' || norm[start] == '\t'))
        indent += norm[start++] == '\t' ? 4 : 1;
    while (end > start && (norm[end - 1] == ' ' || norm[end - 1] == '\t'))
        end--;
    ln->indent = indent;
    ln->text_start = start;
    ln->text_end = end;
    size_t lead = 0, trail = 0;
    while (start + lead < end && norm[start + lead] == '*')
        lead++;
    while (end - trail > start + lead && norm[end - trail - 1] == '*')
        trail++;
    bool lead_emphasis = lead >= 2 || (lead == 1 && trail > 0);
    if (lead_emphasis && start + lead < end && norm[start + lead] != ' ')
        start += lead;
    if (trail && end - trail > start && norm[end - trail - 1] != ' ')
        end -= trail;
    ln->start = start;
    ln->end = end;
    ln->side_start = ln->side_end = end;
}

size_t pm_column_end(const char *s, size_t n, size_t from, size_t *next)
{
    /* pm_next_break passes over text and single spaces, which never end a
     * column; it stops at a tab, a '|' or a run of two spaces or more. */
    for (size_t i = pm_next_break(s, n, from); i < n; i = pm_next_break(s, n, i)) {
        if (s[i] == '\t' || s[i] == '|') {
            *next = i + 1;
            return i;
        }
        size_t j = i;
        while (j < n && s[j] == ' ')
            j++;
        utf8proc_int32_t cp;
        if (j - i >= 3 && j < n &&
            utf8proc_iterate((const utf8proc_uint8_t *)s + j, (utf8proc_ssize_t)(n - j), &cp) > 0 &&
            utf8proc_category(cp) == UTF8PROC_CATEGORY_LU) {
            *next = j;
            return i;
        }
        i = j;
    }
    *next = n;
    return n;
}

/* A closing laid out in columns (`- Bộ Xây dựng;` <TAB> `KT. CHỦ TỊCH`, or
 * the same aligned with spaces): when the last column is a signature line or
 * a name, patterns see only the first column and the last is kept aside for
 * the signer. */
static void split_side_column(const pm_segmenter *s, pm_line *ln, const char *norm,
                              pcre2_match_data *md)
{
    const char *str = norm + ln->start;
    size_t n = ln->end - ln->start, next;
    size_t first_end = pm_column_end(str, n, 0, &next);
    if (next >= n)
        return;
    size_t side = next;
    while (next < n) {
        side = next;
        pm_column_end(str, n, side, &next);
    }
    while (first_end > 0 && (str[first_end - 1] == ' ' || str[first_end - 1] == '\t'))
        first_end--;
    while (side < n && (str[side] == ' ' || str[side] == '\t'))
        side++;
    if (pm_header_line_kind(s, str + side, n - side, md) != PM_LINE_SIGNATURE &&
        !pm_header_is_name(s, str + side, n - side, md))
        return;
    ln->side_start = ln->start + side;
    ln->side_end = ln->end;
    ln->end = ln->start + first_end;
}

static bool classify_heading(const pm_segmenter *s, pm_line *ln, const char *norm,
                             pcre2_match_data *md)
{
    const struct pm_outline_patterns *op = s->outline;
    const char *str = norm + ln->start;
    size_t n = ln->end - ln->start;
    unsigned styles = n ? op->styles_of_first[(unsigned char)str[0]] : (1u << N_STYLES) - 1;
    for (; styles; styles &= styles - 1) {
        size_t k = (size_t)__builtin_ctz(styles); /* in the order of label_styles */
        /* valid UTF-8, as in matches() */
        if (pm_regex_match(s->patterns, op->label[k], str, n, 0, PCRE2_NO_UTF_CHECK, md) <= 0)
            continue;
        size_t ls = 0, le = 0, rs = n, re_ = n, ws, we;
        pm_regex_group(md, op->label_group[k], &ls, &le);
        if (!pm_regex_group(md, op->rest_group[k], &rs, &re_))
            rs = n;
        bool worded = pm_regex_group(md, op->word_group[k], &ws, &we);
        bool appendix = strcmp(label_styles[k], "appendix") == 0;
        /* `Phụ lục kèm theo …` is a sentence, not a heading. */
        if (appendix && rs < n) {
            utf8proc_int32_t cp;
            if (utf8proc_iterate((const utf8proc_uint8_t *)str + rs, (utf8proc_ssize_t)(n - rs),
                                 &cp) > 0 &&
                utf8proc_category(cp) == UTF8PROC_CATEGORY_LL)
                return false;
        }
        ln->kind = PM_LINE_HEADING;
        ln->style = label_styles[k];
        ln->appendix = appendix;
        ln->label_start = ln->start + ls;
        ln->label_end = ln->start + le;
        ln->rest = ln->start + rs;
        ln->word = worded ? norm + ln->start + ws : NULL;
        ln->word_len = worded ? we - ws : 0;
        ln->depth = 1;
        for (size_t i = ls; i < le; i++)
            ln->depth += str[i] == '.';
        ln->ordinal = label_ordinal(ln->style, str + ls, le - ls);
        /* the case of the title, not of the label word: `Phần III. TỔ CHỨC` */
        if (ln->rest < ln->end)
            ln->upper = is_upper_case(op, norm, ln->rest, ln->end, NULL);
        return true;
    }
    return false;
}

void pm_classify_lines(const pm_segmenter *s, const pm_text *t, const unsigned char *line_used,
                       const unsigned char *line_plain, pm_line *lines, pcre2_match_data *md)
{
    const struct pm_outline_patterns *op = s->outline;
    for (size_t i = 0; i < t->n_lines; i++) {
        pm_line *ln = &lines[i]; /* zeroed by the caller */
        size_t len;
        pm_text_line_str(t, i + 1, &len);
        size_t base = t->line_norm[i];
        trim_line(ln, t->norm, base, base + len);
        if (line_used[i]) {
            ln->kind = PM_LINE_TABLE;
            continue;
        }
        if (ln->text_start == ln->text_end) {
            ln->kind = PM_LINE_BLANK;
            continue;
        }
        /* A plain line has one column: split_side_column looks inside its
         * text range, where there is no break to find. */
        if (!line_plain[i])
            split_side_column(s, ln, t->norm, md);
        measure(op, ln, t->norm);
        const char *str = t->norm + ln->start;
        size_t n = ln->end - ln->start;
        size_t ms, me;
        if (matches(s, op->noise, &op->noise_first, t->norm + ln->text_start,
                    ln->text_end - ln->text_start, md))
            ln->kind = PM_LINE_NOISE;
        else if ((ln->kind = pm_header_line_kind(s, str, n, md)) != PM_LINE_TEXT)
            ;
        else if (matches(s, op->footnote, &op->footnote_first, str, n, md))
            ln->kind = PM_LINE_FOOTNOTE;
        else if (classify_heading(s, ln, t->norm, md))
            ;
        else if (matches(s, op->bullet, &op->bullet_first, str, n, md) &&
                 pm_regex_group(md, op->bullet_rest, &ms, &me)) {
            ln->kind = PM_LINE_BULLET;
            ln->rest = ln->start + ms;
            /* markers are ASCII: '+', '*' (also for •), '-' for every dash */
            ln->marker = str[0] == '+'                                        ? '+'
                         : str[0] == '*' || strncmp(str, "\xE2\x80\xA2", 3) == 0 ? '*'
                                                                              : '-';
        } else if (matches(s, op->field, &op->field_first, str, n, md))
            ln->kind = PM_LINE_FIELD;
        else
            ln->kind = PM_LINE_TEXT;
    }
}

/* ---- layout -------------------------------------------------------------- */

static bool is_content(pm_line_kind k)
{
    return k != PM_LINE_BLANK && k != PM_LINE_NOISE && k != PM_LINE_TABLE;
}

/* The typical full line: the 90th percentile of content line widths. A
 * handful of lines is no sample: then every line counts as short. */
static size_t wrap_width(const pm_line *lines, size_t n)
{
    enum { CAP = 2048, MIN_SAMPLE = 8 };
    size_t *hist = calloc(CAP + 1, sizeof *hist);
    size_t total = 0;
    if (!hist)
        return CAP; /* without a width every line counts as short: blank-line rules only */
    for (size_t i = 0; i < n; i++)
        if (is_content(lines[i].kind)) {
            hist[lines[i].chars < CAP ? lines[i].chars : CAP]++;
            total++;
        }
    size_t want = total - total / 10, seen = 0, width = CAP;
    for (size_t c = 0; c <= CAP && total >= MIN_SAMPLE; c++) {
        seen += hist[c];
        if (seen >= want) {
            width = c;
            break;
        }
    }
    /* Hard-wrapped text fills most of its lines; a text of one paragraph per
     * line (a Word export) has lines of every length and no width. The lines
     * at least 90% as wide are all but the narrower ones, far fewer bins. */
    size_t full = total;
    for (size_t c = 0; c < width - width / 10 && width < CAP; c++)
        full -= hist[c];
    free(hist);
    return 3 * full >= total ? width : CAP;
}

/* Whether the lines that open a block (label, bullet, field) and visibly
 * run on (the next line starts in small letters) mostly stop far short of
 * the wrap width: then a short first line does not mean a short title. */
static bool cuts_first_lines_short(const pm_line *lines, size_t n, size_t width)
{
    size_t full = width - width / 10, cut_short = 0, cut_full = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        const pm_line *ln = &lines[i], *next = &lines[i + 1];
        if ((ln->kind != PM_LINE_HEADING && ln->kind != PM_LINE_BULLET &&
             ln->kind != PM_LINE_FIELD) ||
            next->kind != PM_LINE_TEXT || !next->starts_lower || ln->rest >= ln->end)
            continue;
        if (ln->chars * 2 < full)
            cut_short++;
        else
            cut_full++;
    }
    return cut_short >= 3 && cut_short > 2 * cut_full;
}

/* `1) trạm Phan Rang;` / `2) trạm Ninh Hải.`: a labelled line that ends with
 * `;` is an item of a list inside a paragraph, not a heading (a title never
 * ends so), and so is the next label of its sequence after it. */
static void demote_list_items(const pm_text *t, pm_line *lines, size_t n)
{
    const pm_line *item = NULL;
    for (size_t i = 0; i < n; i++) {
        pm_line *ln = &lines[i];
        if (!is_content(ln->kind))
            continue;
        bool heading = ln->kind == PM_LINE_HEADING && !ln->appendix && !ln->word;
        bool ends_item = ln->end > ln->start && t->norm[ln->end - 1] == ';';
        bool next_item = item && heading && ln->style == item->style &&
                         ln->depth == item->depth && ln->ordinal == item->ordinal + 1;
        if (heading && (ends_item || next_item)) {
            ln->kind = PM_LINE_TEXT;
            item = ln;
        } else {
            item = NULL;
        }
    }
}

/* The header kind of a line's side column; TEXT without one. */
static pm_line_kind side_kind(const pm_segmenter *s, const pm_text *t, const pm_line *ln,
                              pcre2_match_data *md)
{
    if (ln->side_end == ln->side_start)
        return PM_LINE_TEXT;
    return pm_header_line_kind(s, t->norm + ln->side_start, ln->side_end - ln->side_start, md);
}

void pm_find_layout(const pm_segmenter *s, const pm_text *t, pm_line *lines, size_t n,
                    pcre2_match_data *md, pm_layout *lay)
{
    lay->n_lines = n;
    lay->front_end = n;
    lay->doctype_line = n;
    for (size_t i = 0; i < n; i++)
        if (lines[i].kind == PM_LINE_HEADING) {
            lay->front_end = i;
            break;
        }
    for (size_t i = 0; i < n; i++) {
        pm_line_kind k = lines[i].kind;
        if (k == PM_LINE_DOCTYPE && (lay->doctype_line < n || i > lay->front_end))
            lines[i].kind = PM_LINE_TEXT;
        else if (k == PM_LINE_DOCTYPE)
            lay->doctype_line = i;
        else if ((k == PM_LINE_SIGNATURE || k == PM_LINE_RECIPIENTS) && i < lay->front_end)
            lines[i].kind = PM_LINE_TEXT;
    }
    /* A plan without headings: its body starts after the type line. */
    if (lay->front_end == n)
        lay->front_end = lay->doctype_line < n ? lay->doctype_line + 1 : 0;

    size_t recipients = n, signature = n;
    for (size_t i = lay->front_end; i < n; i++) {
        if (lines[i].kind == PM_LINE_RECIPIENTS && recipients == n)
            recipients = i;
        if (signature == n && (lines[i].kind == PM_LINE_SIGNATURE ||
                               side_kind(s, t, &lines[i], md) == PM_LINE_SIGNATURE))
            signature = i;
    }
    lay->signature_start = signature;
    lay->closing_start = recipients < signature ? recipients : signature;
    size_t end = lay->closing_start;
    if (recipients < n) { /* the list: bullets and wrapped items after the label */
        end = recipients + 1;
        for (size_t i = recipients + 1; i < n && lines[i].kind != PM_LINE_SIGNATURE; i++)
            if (lines[i].kind == PM_LINE_BULLET || lines[i].kind == PM_LINE_TEXT)
                end = i + 1;
            else if (lines[i].kind != PM_LINE_BLANK && lines[i].kind != PM_LINE_NOISE)
                break;
    }
    if (signature < n) {
        /* TM./KT. lines, the title, then the name within a few lines
         * (seals, `[Signature]` and blank lines between). */
        size_t last = signature, name = n;
        for (size_t i = signature + 1; i < n && i <= last + 8; i++) {
            const pm_line *ln = &lines[i];
            bool side_name = ln->side_end > ln->side_start &&
                             pm_header_is_name(s, t->norm + ln->side_start,
                                               ln->side_end - ln->side_start, md);
            if (ln->kind == PM_LINE_SIGNATURE || side_kind(s, t, ln, md) == PM_LINE_SIGNATURE)
                last = i;
            else if (side_name || (ln->kind == PM_LINE_TEXT &&
                                   pm_header_is_name(s, t->norm + ln->start, ln->end - ln->start, md))) {
                name = i;
                break;
            } else if (ln->kind == PM_LINE_HEADING || ln->kind == PM_LINE_TABLE)
                break;
        }
        size_t sig_end = (name < n ? name : last) + 1;
        /* The typist's initials (`LMH`) under the name. */
        for (size_t i = sig_end; i < n && i < sig_end + 3; i++) {
            const pm_line *ln = &lines[i];
            if (ln->kind == PM_LINE_BLANK || ln->kind == PM_LINE_NOISE)
                continue;
            if (ln->kind == PM_LINE_TEXT && ln->upper && ln->chars <= 6 && ln->first_word == ln->chars)
                sig_end = i + 1;
            break;
        }
        if (sig_end > end)
            end = sig_end;
    }
    lay->closing_end = end;

    lay->appendix_start = n;
    size_t from = lay->closing_start < n ? lay->closing_start : lay->front_end;
    for (size_t i = from; i < n; i++)
        if (lines[i].kind == PM_LINE_HEADING && lines[i].appendix) {
            lay->appendix_start = i;
            break;
        }
    if (lay->front_end < n && lines[lay->front_end].kind == PM_LINE_HEADING &&
        lines[lay->front_end].appendix && lay->appendix_start > lay->front_end)
        lay->appendix_start = lay->front_end; /* a document that is only an appendix */
    demote_list_items(t, lines, n);
    lay->wrap_width = wrap_width(lines, n);
    lay->short_first_lines = cuts_first_lines_short(lines, n, lay->wrap_width);
}

/* ---- outline and blocks ---------------------------------------------------- */

typedef struct open_section {
    int index;
    const char *style;
    int depth, ordinal;
} open_section;

typedef struct builder {
    const pm_segmenter *seg;
    pm_arena *arena;
    const pm_text *text;
    pm_line *lines;
    const pm_layout *lay;
    pm_tree *tree;
    size_t cap_blocks, cap_sections;
    open_section stack[MAX_DEPTH];
    int depth;
    int current; /* innermost open section, -1 = none */
    size_t full; /* a line at least this wide was wrapped by the layout */
    pm_span_builder spans;
} builder;

static bool wrapped(const builder *b, const pm_line *line, const pm_line *next)
{
    return line->chars + 1 + next->first_word >= b->full;
}

static bool forces_start(pm_line_kind k)
{
    return k == PM_LINE_HEADING || k == PM_LINE_BULLET || k == PM_LINE_FIELD ||
           k == PM_LINE_FOOTNOTE || k == PM_LINE_DOCTYPE || k == PM_LINE_RECIPIENTS ||
           k == PM_LINE_SIGNATURE;
}

/* The value the next label of this style would have here. */
static int expected_ordinal(const builder *b, const pm_line *ln)
{
    for (int i = b->depth; i-- > 0;)
        if (b->stack[i].style == ln->style && b->stack[i].depth == ln->depth)
            return b->stack[i].ordinal + 1;
    return 1;
}

/* In hard-wrapped text a wrapped line can begin with `3.` or `a)` by chance:
 * inside a running sentence a label counts only when it is the next in its
 * sequence. */
static bool heading_plausible(const builder *b, const pm_line *prev, const pm_line *ln, bool gap)
{
    if (ln->appendix || gap || prev->ends_sentence || !wrapped(b, prev, ln) || !ln->ordinal)
        return true;
    return ln->ordinal == expected_ordinal(b, ln);
}

/* Index of the next content line after i (skipping blank and noise lines),
 * n when a table or the end comes first. */
static size_t next_content(const builder *b, size_t i)
{
    for (size_t k = i + 1; k < b->lay->n_lines; k++) {
        pm_line_kind kind = b->lines[k].kind;
        if (kind == PM_LINE_TABLE)
            return b->lay->n_lines;
        if (is_content(kind))
            return k;
    }
    return b->lay->n_lines;
}

/* A short line that runs on into a full one: the first line of a
 * hard-wrapped paragraph whose indent was lost. After a line that does not
 * end a sentence it is the rest of that sentence instead when the sentence
 * visibly ran on (a full line before it) or when it is too short to have
 * lost only an indent (a word or two left over by a re-wrap), unless the
 * layout cuts first lines short anyway. */
static bool is_first_line(const builder *b, size_t j, size_t k)
{
    const pm_line *prev = &b->lines[j], *ln = &b->lines[k];
    if (ln->ends_sentence || ln->starts_lower || k + 1 >= b->lay->n_lines)
        return false;
    if (!prev->ends_sentence &&
        (wrapped(b, prev, ln) || (ln->chars * 2 < b->full && !b->lay->short_first_lines)))
        return false;
    const pm_line *next = &b->lines[k + 1];
    if (next->kind != PM_LINE_TEXT || wrapped(b, ln, next))
        return false;
    return next->starts_lower || next->chars + 1 >= b->full;
}

/* Content lines i..j are a block so far: whether j is the short tail of a
 * sentence that ran on from a full line (`huyện` / `Bắc` / `Sơn); …`). */
static bool is_leftover(const builder *b, size_t i, size_t j)
{
    const pm_line *ln = &b->lines[j];
    if (j == i || ln->chars * 4 >= b->full)
        return false;
    const pm_line *before = &b->lines[j - 1];
    return is_content(before->kind) && !before->ends_sentence && wrapped(b, before, ln);
}

/* Only blank lines and at least one page number between lines j and k. */
static bool page_break(const builder *b, size_t j, size_t k)
{
    for (size_t m = j + 1; m < k; m++)
        if (b->lines[m].kind == PM_LINE_NOISE)
            return true;
    return false;
}

/* Whether line k continues the block that starts at line i and whose last
 * line so far is j. */
static bool continues(builder *b, size_t i, size_t j, size_t k, bool heading)
{
    pm_line *prev = &b->lines[j], *ln = &b->lines[k];
    bool gap = k != j + 1;
    if (ln->kind == PM_LINE_HEADING &&
        (pm_zone_of(b->lay, k) == PM_ZONE_CLOSING || !heading_plausible(b, prev, ln, gap)))
        ln->kind = PM_LINE_TEXT;
    if (forces_start(ln->kind) || prev->kind == PM_LINE_DOCTYPE ||
        prev->kind == PM_LINE_RECIPIENTS)
        return false;
    /* A footnote runs on over its wrapped lines only: what follows it is the
     * body text it interrupted. */
    if (b->lines[i].kind == PM_LINE_FOOTNOTE)
        return !gap && wrapped(b, prev, ln) && (!prev->ends_sentence || ln->starts_lower);
    if (heading && j == i) {
        if (prev->rest >= prev->end) /* `PHỤ LỤC` with its title on the next line */
            return b->text->norm[ln->text_start] != '(';
        /* A title runs on only from a visibly cut line: no words decide. */
        if (gap)
            return !prev->ends_sentence && ln->starts_lower;
        if (ln->starts_lower)
            return true;
        if (prev->upper != ln->upper)
            return false;
        return prev->upper || prev->ends_open || wrapped(b, prev, ln) ||
               (b->lay->short_first_lines && !prev->ends_sentence && !is_first_line(b, j, k));
    }
    if (gap && page_break(b, j, k)) /* a page number between: only a cut sentence runs on */
        return !prev->ends_sentence && (ln->starts_lower || wrapped(b, prev, ln));
    if (gap)
        return !prev->ends_sentence && ln->starts_lower;
    if (ln->starts_lower || (prev->upper && ln->upper))
        return true;
    if (prev->upper != ln->upper || ln->indent > prev->indent + 1 || is_first_line(b, j, k))
        return false;
    if (wrapped(b, prev, ln))
        return true;
    /* A line that stops short of the width without ending its sentence ends
     * a title, unless it was visibly cut: inside a phrase, in a layout that
     * cuts lines short, or a word or two left over from a re-wrap. */
    if (prev->ends_sentence)
        return false;
    return !ln->starts_capital || prev->ends_open || b->lay->short_first_lines || is_leftover(b, i, j);
}

static char *trimmed_copy(pm_arena *a, const char *s, size_t n)
{
    while (n && (*s == '*' || *s == ' ')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == '*' || s[n - 1] == ' '))
        n--;
    return n ? pm_arena_strndup(a, s, n) : NULL;
}

static pm_status open_section_at(builder *b, const pm_line *ln, size_t line_index, int block)
{
    pm_tree *tree = b->tree;
    int level;
    if (ln->appendix) {
        b->depth = 0;
    } else {
        for (int i = b->depth; i-- > 0;)
            if (b->stack[i].style == ln->style && b->stack[i].depth == ln->depth) {
                b->depth = i;
                break;
            }
        if (b->depth == MAX_DEPTH) /* deeper than any real outline: stay a sibling */
            b->depth--;
    }
    level = b->depth + 1;
    pm_section *sec = PM_PUSH(b->arena, tree->sections, tree->n_sections, b->cap_sections);
    if (!sec)
        return PM_ERR_NOMEM;
    memset(sec, 0, sizeof *sec);
    sec->parent = b->depth ? b->stack[b->depth - 1].index : -1;
    sec->level = level;
    sec->style = ln->style;
    sec->appendix = ln->appendix;
    sec->line_start = line_index + 1;
    sec->block = block;
    const char *norm = b->text->norm;
    size_t label_len = ln->label_end - ln->label_start;
    if (ln->word) {
        char *word = pm_sentence_case(b->arena, ln->word, ln->word_len);
        if (!word)
            return PM_ERR_NOMEM;
        /* `PHỤ  LỤC` -> `Phụ lục` */
        char *w = word;
        for (char *r = word; *r; r++)
            if (*r != ' ' || (w > word && w[-1] != ' '))
                *w++ = *r;
        *w = '\0';
        sec->label = label_len ? pm_arena_printf(b->arena, "%s %.*s", word, (int)label_len,
                                                 norm + ln->label_start)
                               : word;
    } else {
        sec->label = pm_arena_strndup(b->arena, norm + ln->label_start, label_len);
    }
    if (!sec->label)
        return PM_ERR_NOMEM;
    b->stack[b->depth] = (open_section){(int)tree->n_sections - 1, ln->style, ln->depth,
                                        ln->ordinal};
    b->depth++;
    b->current = (int)tree->n_sections - 1;
    return PM_OK;
}

/* A table's title: the heading or short caption just above it, skipping
 * notes in parentheses (`(Kèm theo Kế hoạch …)`). */
static const char *table_title(const pm_tree *tree)
{
    for (size_t i = tree->n_blocks; i-- > 0;) {
        const pm_block *blk = &tree->blocks[i];
        if (blk->kind == PM_BLOCK_TABLE)
            return NULL;
        if (blk->text.len && blk->text.s[0] == '(')
            continue;
        if (blk->kind == PM_BLOCK_HEADING) {
            const pm_section *sec = &tree->sections[blk->section];
            return sec->title ? sec->title : sec->label;
        }
        return blk->body.len <= 300 ? blk->body.s : NULL;
    }
    return NULL;
}

static pm_status add_table_block(builder *b, size_t k)
{
    pm_tree *tree = b->tree;
    pm_table *tb = &tree->tables[k];
    const char *title = table_title(tree);
    pm_block *blk = PM_PUSH(b->arena, tree->blocks, tree->n_blocks, b->cap_blocks);
    if (!blk)
        return PM_ERR_NOMEM;
    memset(blk, 0, sizeof *blk);
    blk->kind = PM_BLOCK_TABLE;
    blk->zone = pm_zone_of(b->lay, tb->line_start ? tb->line_start - 1 : 0);
    blk->section = b->current;
    blk->table = (int)k;
    blk->line_start = tb->line_start;
    blk->line_end = tb->line_end;
    tb->section = b->current;
    tb->block = (int)tree->n_blocks - 1;
    tb->title = title;
    return PM_OK;
}

/* One block starting at line i; returns the index of its last line. */
static pm_status add_block(builder *b, size_t i, size_t *last)
{
    pm_tree *tree = b->tree;
    pm_line *ln = &b->lines[i];
    pm_zone zone = pm_zone_of(b->lay, i);
    bool heading = ln->kind == PM_LINE_HEADING && zone != PM_ZONE_CLOSING;
    bool label_only = heading && ln->rest >= ln->end;
    pm_status st;
    if (heading && (st = open_section_at(b, ln, i, (int)tree->n_blocks)) != PM_OK)
        return st;

    size_t body_at = heading || ln->kind == PM_LINE_BULLET ? ln->rest - ln->text_start : 0;
    size_t j = i;
    for (size_t k; (k = next_content(b, j)) < b->lay->n_lines; j = k) {
        if (pm_zone_of(b->lay, k) != zone || !continues(b, i, j, k, heading))
            break;
        if (j == i) /* a block of one line needs no builder: see below */
            pm_span_add(&b->spans, ln->text_start, ln->text_end);
        pm_span_sep(&b->spans, " ");
        if (label_only && j == i)
            body_at = b->spans.buf.len;
        pm_span_add(&b->spans, b->lines[k].text_start, b->lines[k].text_end);
    }
    pm_block *blk = PM_PUSH(b->arena, tree->blocks, tree->n_blocks, b->cap_blocks);
    if (!blk)
        return PM_ERR_NOMEM;
    memset(blk, 0, sizeof *blk);
    /* add_block runs on content lines, which hold text (an empty one is BLANK) */
    st = j == i ? pm_range_span(b->arena, b->text, ln->text_start, ln->text_end, i + 1, &blk->text)
                : pm_span_end(&b->spans, &blk->text);
    if (st != PM_OK)
        return st;
    if (body_at > blk->text.len)
        body_at = blk->text.len;
    if (body_at == 0)
        blk->body = blk->text;
    else if ((st = pm_span_sub(b->arena, &blk->text, body_at, blk->text.len, &blk->body)) != PM_OK)
        return st;
    blk->kind = heading ? PM_BLOCK_HEADING
                : ln->kind == PM_LINE_BULLET ? PM_BLOCK_BULLET
                                             : PM_BLOCK_PARAGRAPH;
    blk->marker = ln->kind == PM_LINE_BULLET ? ln->marker : 0;
    blk->zone = zone;
    blk->section = b->current;
    blk->table = -1;
    blk->line_start = i + 1;
    blk->line_end = j + 1;
    if (heading) {
        pm_section *sec = &tree->sections[b->current];
        sec->title = trimmed_copy(b->arena, blk->body.s, blk->body.len);
    }
    *last = j;
    return PM_OK;
}

/* line_end: the last content line before the next section at the same or a
 * higher level; body sections stop before the closing. One pass with a stack. */
static void close_sections(builder *b)
{
    pm_tree *tree = b->tree;
    const pm_layout *lay = b->lay;
    int *open = malloc((tree->n_sections + 1) * sizeof *open);
    size_t n_open = 0;
    if (!open && tree->n_sections)
        return;
    for (size_t i = 0; i <= tree->n_sections; i++) {
        bool end = i == tree->n_sections;
        while (n_open && (end || tree->sections[open[n_open - 1]].level >=
                                     tree->sections[i].level)) {
            pm_section *sec = &tree->sections[open[--n_open]];
            size_t last = end ? lay->n_lines : tree->sections[i].line_start - 1;
            if (!sec->appendix && sec->line_start <= lay->closing_start &&
                last > lay->closing_start)
                last = lay->closing_start;
            while (last > sec->line_start && !is_content(b->lines[last - 1].kind) &&
                   b->lines[last - 1].kind != PM_LINE_TABLE)
                last--;
            sec->line_end = last;
        }
        if (!end)
            open[n_open++] = (int)i;
    }
    free(open);
}

pm_status pm_build_outline(const pm_segmenter *s, pm_arena *a, const pm_text *t,
                           pm_line *lines, const pm_layout *lay, pm_tree *tree, pm_error *err)
{
    builder b = {.seg = s, .arena = a, .text = t, .lines = lines, .lay = lay, .tree = tree,
                 .current = -1};
    b.full = lay->wrap_width - lay->wrap_width / 10;
    pm_span_begin(&b.spans, a, t); /* reused: pm_span_end readies it for the next block */
    size_t next_table = 0;
    pm_status st = PM_OK;
    for (size_t i = 0; i < lay->n_lines && st == PM_OK; i++) {
        while (next_table < tree->n_tables && tree->tables[next_table].line_start <= i + 1 &&
               st == PM_OK)
            st = add_table_block(&b, next_table++);
        if (st != PM_OK || !is_content(lines[i].kind))
            continue;
        pm_zone zone = pm_zone_of(lay, i);
        if (zone == PM_ZONE_CLOSING || (zone == PM_ZONE_APPENDIX && i < lay->appendix_start)) {
            b.depth = 0; /* the closing and an untitled annex belong to no section */
            b.current = -1;
        }
        st = add_block(&b, i, &i);
    }
    while (st == PM_OK && next_table < tree->n_tables)
        st = add_table_block(&b, next_table++);
    pm_span_builder_free(&b.spans);
    if (st != PM_OK)
        return pm_fail(err, st, "segment", 0, "out of memory");
    close_sections(&b);
    return PM_OK;
}
