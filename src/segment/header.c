/* Header fields: type, number, date, issuer, province, title, implemented
 * documents, signer, recipients, and the appendices' citations.
 *
 * Number, date and the issuer block are read line by line (cell by cell in
 * tab layouts) in the front matter; the title, the implemented documents
 * and the citations from blocks, where hard-wrapped lines are already
 * joined. Provinces are matched on a key without case, diacritics and
 * punctuation, so `TỈNH LẠNG SƠN`, `Lang Son` and `Khánh Hoà` all resolve. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "segment/internal.h"

typedef struct province_form {
    const char *key; /* folded spelling */
    size_t key_len;
    size_t province;
} province_form;

typedef struct province {
    const char *name; /* canonical, with diacritics */
    const char *kind; /* "tỉnh" or "thành phố" */
} province;

struct pm_header_patterns {
    const pcre2_code *doctype, *number, *date, *date_value, *issuer, *province_ref,
        *committee_ref, *admin_word, *docref, *citation, *recipients, *on_behalf,
        *signer_title, *signer_name, *placeholder;
    /* the regexes tried on every line */
    pm_first_bytes doctype_first, recipients_first, on_behalf_first, signer_title_first,
        signer_name_first;
    bool docref_proven; /* docref_proof holds for the loaded docref */
    /* numbers of the named groups read after a match (negative when absent),
     * looked up once instead of by name at every match */
    struct {
        int number_num, number_code, date_place, date_d, date_m, date_y, value_d, value_m,
            value_y, province_name, committee_name, docref_kind, docref_num, docref_date,
            citation_kind, citation_num, citation_code, citation_date, citation_issuer,
            doctype_type, doctype_rest, on_behalf_prefix, on_behalf_who, recipients_rest;
    } group;
    pm_arena arena;
    province *provinces;
    size_t n_provinces, cap_provinces;
    province_form *forms;
    size_t n_forms, cap_forms;
};

/* ---- a fast path proven for the shipped docref regex -----------------------
 * `docref` is searched in every front-matter paragraph; most hold no cited
 * document, and PCRE2's own scan for a start is slow there. As shipped, a
 * match starts where its `kind` group does, with `nghị` or `chương` under
 * (?i): no other code point folds to n, g, h, c, ị, ư or ơ, and nothing
 * stands before the group (no look-behind). So only places that spell one of
 * the two are tried, anchored, in order: the first that matches is the match
 * an unanchored search from the same offset returns. Like a pm_proof in
 * src/extract, it holds only for the source with this fingerprint; an edited
 * regex gets the plain search. */
typedef struct header_proof {
    const char *regex, *fingerprint;
} header_proof;

static const header_proof docref_proof = {"header.docref", "628dc70233866657"};

/* Whether s[i, n) starts with `nghị` or `chương` in either case. */
static bool docref_opens(const char *s, size_t n, size_t i)
{
    const unsigned char *u = (const unsigned char *)s + i;
    if (n - i < 6)
        return false;
    if ((u[0] | 0x20) == 'n') /* ị U+1ECB, Ị U+1ECA */
        return (u[1] | 0x20) == 'g' && (u[2] | 0x20) == 'h' && u[3] == 0xE1 && u[4] == 0xBB &&
               (u[5] == 0x8B || u[5] == 0x8A);
    /* ư U+01B0, Ư U+01AF; ơ U+01A1, Ơ U+01A0 */
    return (u[0] | 0x20) == 'c' && (u[1] | 0x20) == 'h' && u[2] == 0xC6 &&
           (u[3] == 0xB0 || u[3] == 0xAF) && u[4] == 0xC6 && (u[5] == 0xA1 || u[5] == 0xA0);
}

/* Lower-case ASCII key: diacritics removed (đ -> d), every run of
 * non-alphanumerics one space, no space at either end. */
static void fold_key(const char *s, size_t n, pm_buf *out)
{
    pm_buf bare = {0};
    pm_strip_marks(s, n, &bare);
    pm_buf_reset(out);
    bool space = false;
    for (size_t i = 0; i < bare.len; i++) {
        unsigned char c = (unsigned char)bare.data[i];
        bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum) {
            space = out->len > 0;
            continue;
        }
        if (space)
            pm_buf_putc(out, ' ');
        space = false;
        pm_buf_putc(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
    }
    pm_buf_cstr(out);
    pm_buf_free(&bare);
}

static pm_status load_provinces(pm_segmenter *s, struct pm_header_patterns *hp, pm_error *err)
{
    const pm_tsv *tsv = pm_patterns_table(s->patterns, "provinces", err);
    if (!tsv)
        return PM_ERR_PATTERN;
    pm_buf key = {0};
    for (size_t r = 0; r < tsv->n_rows; r++) {
        const pm_tsv_row *row = &tsv->rows[r];
        if (row->n_fields < 3 || !*row->fields[0] ||
            (strcmp(row->fields[1], "tỉnh") != 0 && strcmp(row->fields[1], "thành phố") != 0)) {
            pm_buf_free(&key);
            return pm_fail(err, PM_ERR_PATTERN, tsv->path, row->line,
                           "expected 'name<TAB>tỉnh|thành phố<TAB>merged_into[<TAB>spelling...]'");
        }
        province *p = PM_PUSH(&hp->arena, hp->provinces, hp->n_provinces, hp->cap_provinces);
        if (!p)
            break;
        p->name = row->fields[0];
        p->kind = row->fields[1];
        for (size_t f = 0; f < row->n_fields; f++) {
            if (f == 1 || f == 2 || !*row->fields[f])
                continue;
            fold_key(row->fields[f], strlen(row->fields[f]), &key);
            province_form *form = PM_PUSH(&hp->arena, hp->forms, hp->n_forms, hp->cap_forms);
            if (!form || key.failed || !(form->key = pm_arena_strndup(&hp->arena, key.data, key.len)))
                break;
            form->key_len = key.len;
            form->province = hp->n_provinces - 1;
        }
    }
    bool failed = key.failed;
    pm_buf_free(&key);
    if (failed || hp->n_forms == 0)
        return pm_fail(err, failed ? PM_ERR_NOMEM : PM_ERR_PATTERN, tsv->path, 0,
                       failed ? "out of memory" : "no provinces");
    return PM_OK;
}

pm_status pm_header_init(pm_segmenter *s, pm_error *err)
{
    struct pm_header_patterns *hp = calloc(1, sizeof *hp);
    if (!hp)
        return pm_fail(err, PM_ERR_NOMEM, "segmenter", 0, "out of memory");
    pm_arena_init(&hp->arena);
    s->header = hp;
    struct {
        const pcre2_code **slot;
        const char *name;
    } wanted[] = {
        {&hp->doctype, "header.doctype"},         {&hp->number, "header.number"},
        {&hp->date, "header.date"},               {&hp->date_value, "header.date_value"},
        {&hp->issuer, "header.issuer"},           {&hp->province_ref, "header.province_ref"},
        {&hp->committee_ref, "header.committee_ref"}, {&hp->admin_word, "header.admin_word"},
        {&hp->docref, "header.docref"},           {&hp->citation, "header.citation"},
        {&hp->recipients, "header.recipients"},   {&hp->on_behalf, "header.on_behalf"},
        {&hp->signer_title, "header.signer_title"}, {&hp->signer_name, "header.signer_name"},
        {&hp->placeholder, "header.placeholder"},
    };
    for (size_t i = 0; i < sizeof wanted / sizeof *wanted; i++)
        if (!(*wanted[i].slot = pm_patterns_regex(s->patterns, wanted[i].name, err)))
            return PM_ERR_PATTERN;
    struct {
        const pcre2_code *re;
        pm_first_bytes *first;
    } filtered[] = {
        {hp->doctype, &hp->doctype_first},         {hp->recipients, &hp->recipients_first},
        {hp->on_behalf, &hp->on_behalf_first},     {hp->signer_title, &hp->signer_title_first},
        {hp->signer_name, &hp->signer_name_first},
    };
    for (size_t i = 0; i < sizeof filtered / sizeof *filtered; i++) {
        pm_status st = pm_first_bytes_of(filtered[i].re, filtered[i].first, err);
        if (st != PM_OK)
            return st;
    }
    struct {
        int *slot;
        const pcre2_code *re;
        const char *name;
    } groups[] = {
        {&hp->group.number_num, hp->number, "num"},
        {&hp->group.number_code, hp->number, "code"},
        {&hp->group.date_place, hp->date, "place"},
        {&hp->group.date_d, hp->date, "d"},
        {&hp->group.date_m, hp->date, "m"},
        {&hp->group.date_y, hp->date, "y"},
        {&hp->group.value_d, hp->date_value, "d"},
        {&hp->group.value_m, hp->date_value, "m"},
        {&hp->group.value_y, hp->date_value, "y"},
        {&hp->group.province_name, hp->province_ref, "name"},
        {&hp->group.committee_name, hp->committee_ref, "name"},
        {&hp->group.docref_kind, hp->docref, "kind"},
        {&hp->group.docref_num, hp->docref, "num"},
        {&hp->group.docref_date, hp->docref, "date"},
        {&hp->group.citation_kind, hp->citation, "kind"},
        {&hp->group.citation_num, hp->citation, "num"},
        {&hp->group.citation_code, hp->citation, "code"},
        {&hp->group.citation_date, hp->citation, "date"},
        {&hp->group.citation_issuer, hp->citation, "issuer"},
        {&hp->group.doctype_type, hp->doctype, "type"},
        {&hp->group.doctype_rest, hp->doctype, "rest"},
        {&hp->group.on_behalf_prefix, hp->on_behalf, "prefix"},
        {&hp->group.on_behalf_who, hp->on_behalf, "who"},
        {&hp->group.recipients_rest, hp->recipients, "rest"},
    };
    for (size_t i = 0; i < sizeof groups / sizeof *groups; i++)
        *groups[i].slot =
            pcre2_substring_number_from_name(groups[i].re, (PCRE2_SPTR)groups[i].name);
    hp->docref_proven = pm_patterns_regex_is(s->patterns, docref_proof.regex,
                                             docref_proof.fingerprint);
    return load_provinces(s, hp, err);
}

void pm_header_free(pm_segmenter *s)
{
    if (!s->header)
        return;
    pm_arena_free(&s->header->arena);
    free(s->header);
    s->header = NULL;
}

/* str is normalised text, valid UTF-8 (pm_extract checks it once), so a
 * match from its start skips PCRE2's check, which would rescan it for each
 * regex; a later start keeps the check, which also vets the offset. */
static bool match(const pm_segmenter *s, const pcre2_code *re, const char *str, size_t n,
                  size_t from, pcre2_match_data *md)
{
    return pm_regex_match(s->patterns, re, str, n, from, from ? 0 : PCRE2_NO_UTF_CHECK, md) > 0;
}

pm_line_kind pm_header_line_kind(const pm_segmenter *s, const char *line, size_t len,
                                 pcre2_match_data *md)
{
    const struct pm_header_patterns *hp = s->header;
    if (pm_may_match(&hp->doctype_first, line, len) && match(s, hp->doctype, line, len, 0, md))
        return PM_LINE_DOCTYPE;
    if (pm_may_match(&hp->recipients_first, line, len) &&
        match(s, hp->recipients, line, len, 0, md))
        return PM_LINE_RECIPIENTS;
    if ((pm_may_match(&hp->on_behalf_first, line, len) &&
         match(s, hp->on_behalf, line, len, 0, md)) ||
        (pm_may_match(&hp->signer_title_first, line, len) &&
         match(s, hp->signer_title, line, len, 0, md)))
        return PM_LINE_SIGNATURE;
    return PM_LINE_TEXT;
}

bool pm_header_is_name(const pm_segmenter *s, const char *line, size_t len, pcre2_match_data *md)
{
    return pm_may_match(&s->header->signer_name_first, line, len) &&
           match(s, s->header->signer_name, line, len, 0, md);
}

/* ---- small helpers --------------------------------------------------------- */

/* Group `group` (a number from hp->group) of the last match as [*start, *end),
 * false when absent, unset or empty. */
static bool span_of(pcre2_match_data *md, int group, size_t *start, size_t *end)
{
    return pm_regex_group(md, group, start, end) && *end > *start;
}

/* Copy without any whitespace: `221 /KH-UBND` -> `221/KH-UBND`. */
static char *without_spaces(pm_arena *a, const char *s, size_t n)
{
    char *out = pm_arena_alloc(a, n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            out[o++] = s[i];
    while (o && (out[o - 1] == '.' || out[o - 1] == ','))
        o--;
    out[o] = '\0';
    return out;
}

static char *iso_date(pm_arena *a, long d, long m, long y)
{
    if (d < 1 || d > 31 || m < 1 || m > 12 || y < 1900 || y > 2100)
        return NULL;
    /* "%04ld-%02ld-%02ld" without printf: every field has its width */
    char *out = pm_arena_alloc(a, sizeof "yyyy-mm-dd");
    if (!out)
        return NULL;
    long parts[] = {y / 100, y % 100, -1, m, -1, d};
    for (size_t i = 0, o = 0; i < sizeof parts / sizeof *parts; i++) {
        if (parts[i] < 0) {
            out[o++] = '-';
            continue;
        }
        out[o++] = (char)('0' + parts[i] / 10);
        out[o++] = (char)('0' + parts[i] % 10);
    }
    return out;
}

/* The number the ASCII digits at the start of s[start, end) spell (a
 * regex group): read inside the group only, as the text around it may be
 * a buffer with no NUL after it. */
static long group_number(const char *s, size_t start, size_t end)
{
    long v = 0;
    for (size_t i = start; i < end && i < start + 9 && s[i] >= '0' && s[i] <= '9'; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* `19 tháng 12 năm 2023`, `11/11/2022` -> ISO; NULL for blank or partial dates. */
static char *parse_date(const pm_segmenter *s, pm_arena *a, const char *str, size_t n,
                        pcre2_match_data *md)
{
    const pcre2_code *re = s->header->date_value;
    while (n && str[n - 1] == ' ')
        n--;
    if (!match(s, re, str, n, 0, md))
        return NULL;
    size_t ds, de, ms, me, ys, ye;
    const struct pm_header_patterns *hp = s->header;
    if (!span_of(md, hp->group.value_d, &ds, &de) || !span_of(md, hp->group.value_m, &ms, &me) ||
        !span_of(md, hp->group.value_y, &ys, &ye))
        return NULL;
    return iso_date(a, group_number(str, ds, de), group_number(str, ms, me),
                    group_number(str, ys, ye));
}

/* The province a name starts with (`Lạng Sơn thời kỳ …` -> Lạng Sơn);
 * exact: the whole name must be the province. -1 when none. */
static int find_province(const struct pm_header_patterns *hp, const char *s, size_t n, bool exact,
                         pm_buf *scratch)
{
    fold_key(s, n, scratch);
    if (scratch->failed)
        return -1;
    int best = -1;
    size_t best_len = 0;
    for (size_t i = 0; i < hp->n_forms; i++) {
        const province_form *f = &hp->forms[i];
        if (f->key_len > scratch->len || f->key_len <= best_len ||
            memcmp(scratch->data, f->key, f->key_len) != 0)
            continue;
        char after = scratch->data[f->key_len];
        if (after == '\0' || (!exact && after == ' ')) {
            best = (int)f->province;
            best_len = f->key_len;
        }
    }
    return best;
}

/* First province named after an administrative word (regex `re`, its group
 * `name` numbered name_group) anywhere in str, or -1. */
static int province_in(const pm_segmenter *s, const pcre2_code *re, int name_group,
                       const char *str, size_t n, pcre2_match_data *md, pm_buf *scratch)
{
    for (size_t from = 0; from < n && match(s, re, str, n, from, md);) {
        size_t ns, ne;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t next = ov[1] > from ? ov[1] : from + 1;
        if (span_of(md, name_group, &ns, &ne)) {
            int p = find_province(s->header, str + ns, ne - ns, false, scratch);
            if (p >= 0)
                return p;
            next = ns; /* the name may hold the next `tỉnh X` */
        }
        from = next > from ? next : from + 1;
    }
    return -1;
}

/* A cell of a line: [start, end) without spaces and markdown emphasis. */
static void trim_cell(const char *s, size_t *start, size_t *end)
{
    while (*start < *end && (s[*start] == ' ' || s[*start] == '*' || s[*start] == '#'))
        (*start)++;
    while (*end > *start && (s[*end - 1] == ' ' || s[*end - 1] == '*'))
        (*end)--;
}

/* ---- front matter: number, date, issuer ----------------------------------- */

typedef struct reading {
    const pm_segmenter *seg;
    pm_arena *arena;
    const pm_text *text;
    const pm_line *lines;
    const pm_layout *lay;
    pm_tree *tree;
    pcre2_match_data *md;
    pm_buf scratch, joined;
    bool number_seen;     /* a `Số:` line, even a blank one */
    bool committee;       /* the issuer is a people's committee */
    const char *code;     /* `/KH-UBND` as written */
    int province;         /* index into provinces, -1 = not yet */
    int place_province;   /* from the date line */
    size_t cap_implements, cap_citations, cap_recipients;
} reading;

static void read_number(reading *r, const char *cell, size_t n, size_t line)
{
    const pcre2_code *re = r->seg->header->number;
    if (r->number_seen || !match(r->seg, re, cell, n, 0, r->md))
        return;
    size_t ns = 0, ne = 0, cs, ce;
    r->number_seen = true;
    r->tree->header.number_line = line;
    if (span_of(r->md, r->seg->header->group.number_code, &cs, &ce))
        r->code = pm_arena_strndup(r->arena, cell + cs, ce - cs);
    if (span_of(r->md, r->seg->header->group.number_num, &ns, &ne))
        r->tree->header.number = without_spaces(r->arena, cell + ns, (ce > ne ? ce : ne) - ns);
}

/* `Lạng Sơn, ngày 27` cut by a hard wrap is matched with the next line. */
static void read_date(reading *r, const char *cell, size_t n, size_t i)
{
    const pm_segmenter *s = r->seg;
    const pcre2_code *re = s->header->date;
    pm_header *h = &r->tree->header;
    if (h->date_line || !match(s, re, cell, n, 0, r->md))
        return;
    size_t ys, ye;
    const struct pm_header_patterns *hp = s->header;
    if (!span_of(r->md, hp->group.date_y, &ys, &ye)) {
        for (size_t k = i + 1; k < r->lay->n_lines && k <= i + 2; k++) {
            const pm_line *next = &r->lines[k];
            if (next->kind == PM_LINE_BLANK || next->kind == PM_LINE_NOISE)
                continue;
            pm_buf_reset(&r->joined);
            pm_buf_append(&r->joined, cell, n);
            pm_buf_putc(&r->joined, ' ');
            pm_buf_append(&r->joined, r->text->norm + next->start, next->end - next->start);
            if (!r->joined.failed &&
                match(s, re, r->joined.data, r->joined.len, 0, r->md) &&
                span_of(r->md, hp->group.date_y, &ys, &ye)) {
                cell = r->joined.data;
                n = r->joined.len;
            } else {
                match(s, re, cell, n, 0, r->md); /* back to the line's own match */
            }
            break;
        }
    }
    h->date_line = i + 1;
    size_t ps, pe, ds, de, ms, me;
    bool placed = span_of(r->md, hp->group.date_place, &ps, &pe);
    if (span_of(r->md, hp->group.date_d, &ds, &de) && span_of(r->md, hp->group.date_m, &ms, &me) &&
        span_of(r->md, hp->group.date_y, &ys, &ye))
        h->date = iso_date(r->arena, group_number(cell, ds, de), group_number(cell, ms, me),
                           group_number(cell, ys, ye));
    if (placed) { /* `TP. Hồ Chí Minh, ngày …`: the place without its admin word */
        size_t as, ae;
        if (match(s, s->header->admin_word, cell + ps, pe - ps, 0, r->md) &&
            pm_regex_group(r->md, 0, &as, &ae))
            ps += ae;
        r->place_province = find_province(s->header, cell + ps, pe - ps, true, &r->scratch);
    }
}

/* `ỦY BAN NHÂN DÂN` over `TỈNH LẠNG SƠN`, or `UBND TỈNH LẠNG SƠN`. */
static void read_issuer(reading *r, const char *cell, size_t n, size_t i)
{
    const pm_segmenter *s = r->seg;
    const struct pm_header_patterns *hp = s->header;
    if (r->committee || !match(s, hp->issuer, cell, n, 0, r->md))
        return;
    r->committee = true;
    int p = province_in(s, hp->province_ref, hp->group.province_name, cell, n, r->md,
                        &r->scratch);
    for (size_t k = i + 1; p < 0 && k < r->lay->n_lines && k <= i + 2; k++) {
        const pm_line *next = &r->lines[k];
        if (next->kind != PM_LINE_BLANK)
            p = province_in(s, hp->province_ref, hp->group.province_name,
                            r->text->norm + next->start,
                            next->end - next->start, r->md, &r->scratch);
    }
    if (p >= 0 && r->province < 0)
        r->province = p;
}

static void read_front_lines(reading *r)
{
    for (size_t i = 0; i < r->lay->front_end && i < r->lay->n_lines; i++) {
        size_t len;
        const char *line = pm_text_line_str(r->text, i + 1, &len);
        for (size_t cs = 0; cs < len;) { /* column layouts put fields side by side */
            size_t next, ce = pm_column_end(line, len, cs, &next);
            size_t a = cs, b = ce;
            trim_cell(line, &a, &b);
            if (b > a) {
                read_number(r, line + a, b - a, i + 1);
                read_date(r, line + a, b - a, i);
                read_issuer(r, line + a, b - a, i);
            }
            cs = next;
        }
    }
}

/* ---- title, implemented documents, citations ------------------------------ */

static char *collapse(pm_arena *a, const char *s, size_t n)
{
    char *out = pm_arena_alloc(a, n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        bool space = s[i] == ' ' || s[i] == '\t';
        if (space && (o == 0 || out[o - 1] == ' '))
            continue;
        out[o++] = space ? ' ' : s[i];
    }
    while (o && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    return out;
}

static char *kind_of(reading *r, const char *s, size_t n)
{
    char *flat = collapse(r->arena, s, n);
    return flat ? pm_sentence_case(r->arena, flat, strlen(flat)) : NULL;
}

/* Documents are the same when their numbers agree on letters and digits
 * (`74-CTR/TU` = `74-CTr/TU`, `06/NQ-TW` = `06-NQ/TW`). */
static bool same_number(const char *a, const char *b)
{
    for (;;) {
        while (*a && !((*a >= '0' && *a <= '9') || ((*a | 32) >= 'a' && (*a | 32) <= 'z') ||
                       (unsigned char)*a >= 0x80))
            a++;
        while (*b && !((*b >= '0' && *b <= '9') || ((*b | 32) >= 'a' && (*b | 32) <= 'z') ||
                       (unsigned char)*b >= 0x80))
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        char ca = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a;
        char cb = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
        if (ca != cb)
            return false;
        a++;
        b++;
    }
}

static bool has_lower(const char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            return true;
    return false;
}

bool pm_header_docref_proven(const pm_segmenter *s) { return s->header->docref_proven; }

/* The next docref match in str at or after `from`, as match() finds it. */
static bool next_docref(reading *r, const char *str, size_t n, size_t from)
{
    const pm_segmenter *s = r->seg;
    const pcre2_code *re = s->header->docref;
    if (!s->header->docref_proven)
        return match(s, re, str, n, from, r->md);
    /* str is valid UTF-8 (see match) and `at` is at an ASCII byte */
    for (size_t at = pm_next_either_letter(str, n, from, 'n', 'c'); at < n;
         at = pm_next_either_letter(str, n, at + 1, 'n', 'c'))
        if (docref_opens(str, n, at) &&
            pm_regex_match(s->patterns, re, str, n, at, PCRE2_ANCHORED | PCRE2_NO_UTF_CHECK,
                           r->md) > 0)
            return true;
    return false;
}

static pm_status add_implements(reading *r, const pm_block *blk)
{
    const pm_segmenter *s = r->seg;
    pm_header *h = &r->tree->header;
    const char *str = blk->text.s;
    size_t n = blk->text.len;
    for (size_t from = 0; from < n && next_docref(r, str, n, from);) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
        size_t whole_s = ov[0], whole_e = ov[1];
        size_t ks, ke, ns, ne, ds, de;
        span_of(r->md, s->header->group.docref_kind, &ks, &ke);
        span_of(r->md, s->header->group.docref_num, &ns, &ne);
        bool dated = span_of(r->md, s->header->group.docref_date, &ds, &de);
        char *number = without_spaces(r->arena, str + ns, ne - ns);
        char *date = dated ? parse_date(s, r->arena, str + ds, de - ds, r->md) : NULL;
        if (!number)
            return PM_ERR_NOMEM;
        pm_docref *same = NULL;
        for (size_t i = 0; i < h->n_implements && !same; i++)
            if (same_number(h->implements[i].number, number))
                same = &h->implements[i];
        if (same) {
            if (!same->date)
                same->date = date;
            /* an upper-case title loses the case of codes: `74-CTR/TU` */
            if (!has_lower(same->number) && has_lower(number))
                same->number = number;
        } else {
            pm_docref *ref = PM_PUSH(r->arena, h->implements, h->n_implements, r->cap_implements);
            if (!ref)
                return PM_ERR_NOMEM;
            ref->number = number;
            ref->date = date;
            ref->kind = kind_of(r, str + ks, ke - ks);
            ref->line = pm_text_line(r->text, pm_span_norm(&blk->text, whole_s));
        }
        from = whole_e > from ? whole_e : from + 1;
    }
    return PM_OK;
}

static pm_status add_citation(reading *r, const pm_block *blk)
{
    const pm_segmenter *s = r->seg;
    const pcre2_code *re = s->header->citation;
    pm_header *h = &r->tree->header;
    const char *str = blk->text.s;
    if (!blk->text.len || str[0] != '(' || !match(s, re, str, blk->text.len, 0, r->md))
        return PM_OK;
    size_t ks, ke, ns, ne, cs, ce, ds, de, is, ie;
    const struct pm_header_patterns *hp = s->header;
    bool numbered = span_of(r->md, hp->group.citation_num, &ns, &ne);
    bool coded = span_of(r->md, hp->group.citation_code, &cs, &ce);
    bool dated = span_of(r->md, hp->group.citation_date, &ds, &de);
    bool issued = span_of(r->md, hp->group.citation_issuer, &is, &ie);
    span_of(r->md, hp->group.citation_kind, &ks, &ke);
    pm_docref *ref = PM_PUSH(r->arena, h->citations, h->n_citations, r->cap_citations);
    if (!ref)
        return PM_ERR_NOMEM;
    ref->kind = kind_of(r, str + ks, ke - ks);
    ref->number = numbered ? without_spaces(r->arena, str + ns, (coded ? ce : ne) - ns) : NULL;
    ref->line = blk->line_start;
    /* the issuer is read before parse_date reuses the match data */
    if (issued && r->province < 0) {
        int p = province_in(s, s->header->province_ref, s->header->group.province_name, str + is,
                            ie - is, r->md, &r->scratch);
        if (p >= 0)
            r->province = p;
        if (!h->issuer)
            h->issuer = collapse(r->arena, str + is, ie - is);
        r->committee = r->committee || strncmp(str + is, "UBND", 4) == 0 ||
                       strncmp(str + is, "Ủy ban", strlen("Ủy ban")) == 0;
    }
    ref->date = dated ? parse_date(s, r->arena, str + ds, de - ds, r->md) : NULL;
    return PM_OK;
}

/* Implemented documents and citations, from the blocks. */
static pm_status read_blocks(reading *r)
{
    pm_tree *tree = r->tree;
    size_t doctype = r->lay->doctype_line; /* 0-based; n_lines when none */
    bool have_doctype = doctype < r->lay->n_lines;
    pm_status st = PM_OK;
    for (size_t b = 0; b < tree->n_blocks && st == PM_OK; b++) {
        const pm_block *blk = &tree->blocks[b];
        if (blk->kind == PM_BLOCK_TABLE)
            continue;
        if (blk->zone == PM_ZONE_FRONT && (!have_doctype || blk->line_start > doctype))
            st = add_implements(r, blk);
        if (st == PM_OK)
            st = add_citation(r, blk);
    }
    return st;
}

static void read_type(reading *r)
{
    const pm_segmenter *s = r->seg;
    const pcre2_code *re = s->header->doctype;
    pm_header *h = &r->tree->header;
    size_t d = r->lay->doctype_line;
    if (d >= r->lay->n_lines)
        return;
    const pm_line *ln = &r->lines[d];
    const char *str = r->text->norm + ln->start;
    size_t n = ln->end - ln->start;
    size_t ts, te, rs, re_;
    if (!match(s, re, str, n, 0, r->md) || !span_of(r->md, s->header->group.doctype_type, &ts, &te))
        return;
    h->type = kind_of(r, str + ts, te - ts);
    if (span_of(r->md, s->header->group.doctype_rest, &rs, &re_))
        h->title = collapse(r->arena, str + rs, re_ - rs);
}

/* The title block directly follows the type line, after blank lines too:
 * find it by position rather than by line number. */
static void read_title(reading *r)
{
    pm_tree *tree = r->tree;
    pm_header *h = &tree->header;
    size_t d = r->lay->doctype_line;
    if (h->title || d >= r->lay->n_lines)
        return;
    for (size_t b = 0; b < tree->n_blocks; b++) {
        const pm_block *blk = &tree->blocks[b];
        if (blk->line_start <= d + 1)
            continue;
        if (blk->zone == PM_ZONE_FRONT && blk->kind == PM_BLOCK_PARAGRAPH &&
            strncmp(blk->text.s, "Căn cứ", strlen("Căn cứ")) != 0)
            h->title = collapse(r->arena, blk->text.s, blk->text.len);
        return;
    }
}

/* ---- closing: signer and recipients --------------------------------------- */

/* `PHÓ CHỦ TỊCH` -> `Phó Chủ tịch`: a deputy's title keeps the office's capital. */
static char *signer_title(reading *r, const char *s, size_t n)
{
    char *title = kind_of(r, s, n);
    if (!title || strncmp(title, "Phó ", strlen("Phó ")) != 0)
        return title;
    const char *office = title + strlen("Phó ");
    char *cased = pm_sentence_case(r->arena, office, strlen(office));
    return cased ? pm_arena_printf(r->arena, "Phó %s", cased) : NULL;
}

/* `TRỊNH VIỆT HÙNG` -> `Trịnh Việt Hùng`; a name already in title case stays. */
static char *person_name(reading *r, const char *s, size_t n)
{
    pm_buf out = {0};
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] != ' ')
            j++;
        char *word = pm_sentence_case(r->arena, s + i, j - i);
        if (!word)
            break;
        if (out.len)
            pm_buf_putc(&out, ' ');
        pm_buf_puts(&out, word);
        for (i = j; i < n && s[i] == ' '; i++)
            ;
    }
    char *name = out.failed ? NULL : pm_arena_strndup(r->arena, out.data ? out.data : "", out.len);
    pm_buf_free(&out);
    return name;
}

static void read_signer(reading *r)
{
    const pm_segmenter *s = r->seg;
    const struct pm_header_patterns *hp = s->header;
    pm_header *h = &r->tree->header;
    const pm_layout *lay = r->lay;
    pm_buf authority = {0};
    const char *prefix = NULL;
    size_t prefix_len = 0;
    for (size_t i = lay->signature_start; i < lay->closing_end && i < lay->n_lines; i++) {
        const pm_line *line = &r->lines[i];
        /* in tab columns the signature is the last column */
        bool side = line->side_end > line->side_start;
        const char *str = r->text->norm + (side ? line->side_start : line->start);
        size_t n = side ? line->side_end - line->side_start : line->end - line->start;
        pm_line_kind kind = side ? pm_header_line_kind(s, str, n, r->md) : line->kind;
        size_t ps, pe, ws, we;
        if (kind == PM_LINE_SIGNATURE && match(s, hp->on_behalf, str, n, 0, r->md) &&
            span_of(r->md, hp->group.on_behalf_prefix, &ps, &pe) &&
            span_of(r->md, hp->group.on_behalf_who, &ws, &we)) {
            /* the innermost authority wins: `KT. CHỦ TỊCH` under `TM. ỦY BAN …` */
            prefix = str + ps;
            prefix_len = pe - ps;
            pm_buf_reset(&authority);
            pm_buf_append(&authority, str + ws, we - ws);
        } else if (kind == PM_LINE_SIGNATURE) {
            h->signer_title = signer_title(r, str, n);
        } else if (kind == PM_LINE_TEXT && pm_header_is_name(s, str, n, r->md)) {
            h->signer_name = person_name(r, str, n);
            break;
        } else if (kind == PM_LINE_TEXT && !side && line->upper && prefix && !h->signer_title) {
            /* `TM. ỦY BAN NHÂN` wrapped before `DÂN` */
            pm_buf_putc(&authority, ' ');
            pm_buf_append(&authority, str, n);
        }
    }
    if (prefix && !authority.failed) {
        char *who = kind_of(r, authority.data, authority.len);
        if (who)
            h->signer_on_behalf = pm_arena_printf(r->arena, "%.*s. %s", (int)prefix_len, prefix, who);
    }
    pm_buf_free(&authority);
}

static pm_status add_recipient(reading *r, const char *s, size_t n)
{
    while (n && (s[n - 1] == ';' || s[n - 1] == '.' || s[n - 1] == ',' || s[n - 1] == ' ' ||
                 s[n - 1] == '*'))
        n--;
    while (n && (*s == ' ' || *s == '*')) {
        s++;
        n--;
    }
    if (!n)
        return PM_OK;
    pm_header *h = &r->tree->header;
    const char **slot = PM_PUSH(r->arena, h->recipients, h->n_recipients, r->cap_recipients);
    if (!slot || !(*slot = collapse(r->arena, s, n)))
        return PM_ERR_NOMEM;
    return PM_OK;
}

static pm_status read_recipients(reading *r)
{
    const pm_segmenter *s = r->seg;
    const struct pm_header_patterns *hp = s->header;
    const pm_layout *lay = r->lay;
    size_t first = lay->n_lines;
    for (size_t i = lay->closing_start; i < lay->closing_end && i < lay->n_lines; i++)
        if (r->lines[i].kind == PM_LINE_RECIPIENTS) {
            first = i;
            break;
        }
    if (first == lay->n_lines)
        return PM_OK;
    const pm_line *head = &r->lines[first];
    const char *hs = r->text->norm + head->start;
    size_t rs, re_;
    pm_status st = PM_OK;
    if (match(s, hp->recipients, hs, head->end - head->start, 0, r->md) &&
        span_of(r->md, hp->group.recipients_rest, &rs, &re_))
        st = add_recipient(r, hs + rs, re_ - rs);
    for (size_t i = first + 1; i < lay->closing_end && i < lay->n_lines && st == PM_OK; i++) {
        const pm_line *ln = &r->lines[i];
        if (ln->kind == PM_LINE_SIGNATURE)
            break;
        if (ln->kind != PM_LINE_BULLET && ln->kind != PM_LINE_TEXT)
            continue;
        const char *str = r->text->norm + ln->start;
        size_t n = ln->end - ln->start;
        /* the signature column bleeding into the list: `- tuannt *[Signature]*` */
        if (match(s, hp->placeholder, str, n, 0, r->md) || pm_header_is_name(s, str, n, r->md))
            continue;
        size_t from = ln->kind == PM_LINE_BULLET ? ln->rest - ln->start : 0;
        st = add_recipient(r, str + from, n - from);
    }
    return st;
}

/* ---- province and issuer --------------------------------------------------- */

static void resolve_province(reading *r)
{
    const pm_segmenter *s = r->seg;
    const struct pm_header_patterns *hp = s->header;
    pm_tree *tree = r->tree;
    if (r->province < 0)
        r->province = r->place_province;
    /* `Ủy ban nhân dân tỉnh X ban hành …`, front matter first, then anywhere;
     * last any `tỉnh X`. */
    const pcre2_code *refs[] = {hp->committee_ref, hp->committee_ref, hp->province_ref};
    const int names[] = {hp->group.committee_name, hp->group.committee_name,
                         hp->group.province_name};
    for (size_t pass = 0; pass < 3 && r->province < 0; pass++)
        for (size_t b = 0; b < tree->n_blocks && r->province < 0; b++) {
            const pm_block *blk = &tree->blocks[b];
            if (blk->kind == PM_BLOCK_TABLE || (pass == 0 && blk->zone != PM_ZONE_FRONT))
                continue;
            r->province = province_in(s, refs[pass], names[pass], blk->text.s, blk->text.len,
                                      r->md, &r->scratch);
        }
    if (r->province < 0)
        return;
    const province *p = &hp->provinces[r->province];
    pm_header *h = &tree->header;
    h->province = p->name;
    bool ubnd_code = r->code && strstr(r->code, "UBND");
    if (r->committee || ubnd_code)
        h->issuer = pm_arena_printf(r->arena, "UBND %s %s", p->kind, p->name);
}

pm_status pm_read_header(const pm_segmenter *s, pm_arena *a, const pm_text *t,
                         const pm_line *lines, const pm_layout *lay, pm_tree *tree,
                         pcre2_match_data *md, pm_error *err)
{
    reading r = {.seg = s, .arena = a, .text = t, .lines = lines, .lay = lay, .tree = tree,
                 .md = md, .province = -1, .place_province = -1};
    pm_header *h = &tree->header;
    read_front_lines(&r);
    read_type(&r);
    read_title(&r);
    pm_status st = read_blocks(&r);
    /* An appendix or a copy without its own `Số:` line: the citation says
     * which plan it belongs to. */
    if (st == PM_OK && !r.number_seen && h->n_citations) {
        h->number = h->citations[0].number;
        h->number_line = h->number ? h->citations[0].line : 0;
        if (!h->date_line) {
            h->date = h->citations[0].date;
            h->date_line = h->date ? h->citations[0].line : 0;
        }
    }
    if (st == PM_OK) {
        resolve_province(&r);
        read_signer(&r);
        st = read_recipients(&r);
    }
    bool failed = r.scratch.failed || r.joined.failed;
    pm_buf_free(&r.scratch);
    pm_buf_free(&r.joined);
    if (st != PM_OK || failed)
        return pm_fail(err, PM_ERR_NOMEM, "segment", 0, "out of memory");
    return PM_OK;
}
