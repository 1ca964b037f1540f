/* tables: logical tables out of the three shapes plan texts carry them in —
 * tab-separated rows, pipe rows, and Word exports with one cell per line —
 * merged across page breaks (repeated headers, rows cut in two), with
 * two-row headers merged into column names and HTML lists inside cells
 * turned into lines. The contract is in internal.h.
 *
 * Lines are classified once by their tabs and pipes; a table is then read
 * forward from a line that can start one. While a table is being read its
 * cells are lists of fragments (ranges of the normalised text and literal
 * separators), so cells can be joined, merged and re-aligned freely; only a
 * finished row becomes pm_spans that map back to the original bytes. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "segment/internal.h"

/* A regex and the bytes its subject can start with (cells are tried
 * against several regexes each, most of which cannot match them). */
typedef struct table_regex {
    const pcre2_code *code;
    pm_first_bytes first;
} table_regex;

struct pm_table_patterns {
    const pm_patterns *patterns;
    table_regex header_cell, subheader_cell, row_label, group_label, label_title, time_cell,
        time_column, open_range, continuation, bullet, page_number, pipe_rule, html_markup,
        html_break_tag, html_list_tag, html_list_split, number_column, layout_cell;
};

static const struct {
    const char *name;
    size_t offset;
} regex_slots[] = {
    {"tables.header-cell", offsetof(struct pm_table_patterns, header_cell)},
    {"tables.subheader-cell", offsetof(struct pm_table_patterns, subheader_cell)},
    {"tables.row-label", offsetof(struct pm_table_patterns, row_label)},
    {"tables.group-label", offsetof(struct pm_table_patterns, group_label)},
    {"tables.label-title", offsetof(struct pm_table_patterns, label_title)},
    {"tables.time-cell", offsetof(struct pm_table_patterns, time_cell)},
    {"tables.time-column", offsetof(struct pm_table_patterns, time_column)},
    {"tables.open-range", offsetof(struct pm_table_patterns, open_range)},
    {"tables.continuation", offsetof(struct pm_table_patterns, continuation)},
    {"tables.bullet", offsetof(struct pm_table_patterns, bullet)},
    {"tables.page-number", offsetof(struct pm_table_patterns, page_number)},
    {"tables.pipe-rule", offsetof(struct pm_table_patterns, pipe_rule)},
    {"tables.html-markup", offsetof(struct pm_table_patterns, html_markup)},
    {"tables.html-break-tag", offsetof(struct pm_table_patterns, html_break_tag)},
    {"tables.html-list-tag", offsetof(struct pm_table_patterns, html_list_tag)},
    {"tables.html-list-split", offsetof(struct pm_table_patterns, html_list_split)},
    {"tables.number-column", offsetof(struct pm_table_patterns, number_column)},
    {"tables.layout-cell", offsetof(struct pm_table_patterns, layout_cell)},
};

pm_status pm_tables_init(pm_segmenter *s, pm_error *err)
{
    struct pm_table_patterns *tp = calloc(1, sizeof *tp);
    if (!tp)
        return pm_fail(err, PM_ERR_NOMEM, NULL, 0, "out of memory");
    tp->patterns = s->patterns;
    for (size_t i = 0; i < sizeof regex_slots / sizeof regex_slots[0]; i++) {
        table_regex *slot = (table_regex *)((char *)tp + regex_slots[i].offset);
        slot->code = pm_patterns_regex(s->patterns, regex_slots[i].name, err);
        pm_status st = slot->code ? pm_first_bytes_of(slot->code, &slot->first, err)
                                  : PM_ERR_PATTERN;
        if (st != PM_OK) {
            free(tp);
            return st;
        }
    }
    s->tables = tp;
    return PM_OK;
}

void pm_tables_free(pm_segmenter *s)
{
    free(s->tables);
    s->tables = NULL;
}

/* ---- lines ------------------------------------------------------------------ */

typedef enum line_kind {
    LINE_BLANK,     /* spaces only */
    LINE_TEXT,      /* no tab */
    LINE_TABS,      /* two or more tabs and nothing else */
    LINE_CELL,      /* one leading tab, then one cell (maybe empty) */
    LINE_SUB,       /* two or more leading tabs, then one cell: a merged-cell sub-item */
    LINE_DELIM,     /* a tab after text: tab-separated cells */
    LINE_PIPE,      /* | a | b | */
    LINE_PIPE_RULE  /* |---|---| */
} line_kind;

/* Only runs of ' ' and '\t' matter: the normaliser already turned every
 * Unicode space into ' '. */
static bool is_space(char c) { return c == ' ' || c == '\t'; }

/* ---- cells under construction ---------------------------------------------- */

typedef enum sep_kind { SEP_NONE, SEP_SPACE, SEP_LINE } sep_kind;

/* A range of the normalised text, or a literal (a separator, a decoded
 * entity) when lit is set. */
typedef struct frag {
    size_t start, end;
    const char *lit;
} frag;

typedef struct cell {
    frag *frags;
    size_t n_frags, cap_frags;
    sep_kind pending; /* separator owed before the next text */
    size_t line;      /* 1-based line of the first text, 0 while empty */
    size_t last_line; /* last source line that fed the cell */
    bool sub;         /* from a line with two or more leading tabs */
} cell;

typedef struct draft {
    cell *cells;
    size_t n_cells, cap_cells;
    size_t line_start, line_end;
    size_t line;  /* the row's line when it is not its first cell's: a row
                     written again after a page break keeps its first line */
    bool spaced;  /* one-cell-per-line: blank lines fell between its cells */
    bool has_sub; /* holds sub-item lines */
    bool unparsed;
    pm_span raw;
} draft;

typedef struct scanner {
    const struct pm_table_patterns *re;
    pm_arena *arena;
    const pm_text *text;
    pm_warnings *warnings;
    unsigned char *line_used;
    unsigned char *line_plain;
    unsigned char *kind; /* line_kind of line i (0-based) */
    size_t n_lines;
    pcre2_match_data *md;
    pm_buf scratch, scratch2;
    pm_span_builder spans;
    pm_table *tables;
    size_t n_tables, cap_tables;
    bool nomem;
} scanner;

static const char *sep_text(sep_kind k) { return k == SEP_LINE ? "\n" : k == SEP_SPACE ? " " : ""; }

static bool cell_empty(const cell *c) { return c->n_frags == 0; }

static void cell_sep(cell *c, sep_kind k)
{
    if (k > c->pending)
        c->pending = k;
}

/* A new last fragment of c. Most cells hold one fragment: their array starts
 * at two, not at PM_PUSH's eight. */
static frag *push_frag(scanner *sc, cell *c)
{
    if (!c->cap_frags) {
        enum { FIRST_FRAGS = 2 };
        c->frags = pm_arena_alloc(sc->arena, FIRST_FRAGS * sizeof *c->frags);
        c->cap_frags = c->frags ? FIRST_FRAGS : 0;
    }
    frag *f = c->frags ? PM_PUSH(sc->arena, c->frags, c->n_frags, c->cap_frags) : NULL;
    if (!f)
        sc->nomem = true;
    return f;
}

static void cell_push(scanner *sc, cell *c, size_t start, size_t end, const char *lit, size_t line)
{
    if (!lit && end <= start)
        return;
    if (!cell_empty(c) && c->pending != SEP_NONE) {
        frag *sep = push_frag(sc, c);
        if (!sep)
            return;
        *sep = (frag){.lit = sep_text(c->pending)};
    }
    c->pending = SEP_NONE;
    frag *f = push_frag(sc, c);
    if (!f)
        return;
    *f = (frag){.start = start, .end = end, .lit = lit};
    if (!c->line)
        c->line = line;
    if (line > c->last_line)
        c->last_line = line;
}

/* The cell's text into buf (reset first); NUL-terminated. */
static const char *cell_string(scanner *sc, const cell *c, pm_buf *buf)
{
    pm_buf_reset(buf);
    for (size_t i = 0; i < c->n_frags; i++) {
        const frag *f = &c->frags[i];
        if (f->lit)
            pm_buf_puts(buf, f->lit);
        else
            pm_buf_append(buf, sc->text->norm + f->start, f->end - f->start);
    }
    const char *s = pm_buf_cstr(buf);
    if (buf->failed)
        sc->nomem = true;
    return s ? s : "";
}

/* s is a piece of the normalised text (valid UTF-8, pm_extract checks it)
 * cut at ASCII bytes or at a match's bounds, or a cell assembled from such
 * pieces and valid literals: PCRE2 need not check it again. */
static bool matches(scanner *sc, const table_regex *re, const char *s, size_t n)
{
    return pm_may_match(&re->first, s, n) &&
           pm_regex_match(sc->re->patterns, re->code, s, n, 0, PCRE2_NO_UTF_CHECK, sc->md) > 0;
}

static bool cell_matches(scanner *sc, const cell *c, const table_regex *re)
{
    if (cell_empty(c))
        return false;
    if (c->n_frags == 1 && !c->frags[0].lit)
        return matches(sc, re, sc->text->norm + c->frags[0].start,
                       c->frags[0].end - c->frags[0].start);
    const char *s = cell_string(sc, c, &sc->scratch);
    return matches(sc, re, s, sc->scratch.len);
}

static size_t cell_length(const cell *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n_frags; i++)
        n += c->frags[i].lit ? strlen(c->frags[i].lit) : c->frags[i].end - c->frags[i].start;
    return n;
}

static char cell_first_byte(scanner *sc, const cell *c)
{
    if (cell_empty(c))
        return 0;
    return c->frags[0].lit ? c->frags[0].lit[0] : sc->text->norm[c->frags[0].start];
}

/* Appends src to dst after separator k. */
static void cell_append(scanner *sc, cell *dst, const cell *src, sep_kind k)
{
    if (cell_empty(src))
        return;
    cell_sep(dst, k);
    for (size_t i = 0; i < src->n_frags; i++)
        cell_push(sc, dst, src->frags[i].start, src->frags[i].end, src->frags[i].lit,
                  src->line);
    if (src->last_line > dst->last_line)
        dst->last_line = src->last_line;
}

/* ---- HTML inside a cell ------------------------------------------------------ */

static const char *utf8_literal(scanner *sc, unsigned long cp)
{
    char b[5] = {0};
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        b[0] = (char)cp;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
    }
    const char *lit = pm_arena_strdup(sc->arena, b);
    if (!lit)
        sc->nomem = true;
    return lit;
}

/* The text an entity stands for, NULL when unknown (then it stays as written);
 * "" for a space, which only separates. */
static const char *entity_text(scanner *sc, const char *name, size_t n)
{
    static const struct {
        const char *name, *text;
    } named[] = {{"nbsp", ""}, {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""},
                 {"apos", "'"}, {"ndash", "–"}, {"mdash", "—"}, {"bull", "•"}};
    if (n > 1 && name[0] == '#') {
        bool hex = name[1] == 'x' || name[1] == 'X';
        char digits[16];
        size_t skip = hex ? 2 : 1;
        if (n - skip >= sizeof digits)
            return NULL;
        memcpy(digits, name + skip, n - skip);
        digits[n - skip] = 0;
        unsigned long cp = strtoul(digits, NULL, hex ? 16 : 10);
        return cp == 0xA0 || cp == ' ' ? "" : utf8_literal(sc, cp);
    }
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strlen(named[i].name) == n && memcmp(named[i].name, name, n) == 0)
            return named[i].text;
    return NULL;
}

/* A run of text between tags: trimmed, spaces at its edges become
 * separators, and inside a list `…; - b` starts a new line. */
static void html_text_run(scanner *sc, cell *c, size_t s, size_t e, bool in_list, size_t line)
{
    const char *norm = sc->text->norm;
    size_t ts = s, te = e;
    while (ts < te && is_space(norm[ts]))
        ts++;
    while (te > ts && is_space(norm[te - 1]))
        te--;
    if (ts > s)
        cell_sep(c, SEP_SPACE);
    if (ts == te)
        return;
    /* norm[0, te) is valid UTF-8 and ts a code point's start (a cell's start
     * after spaces, or a match's end): PCRE2's check of norm[ts, te) before
     * every match could find nothing */
    while (in_list &&
           pm_regex_match(sc->re->patterns, sc->re->html_list_split.code, norm, te, ts,
                          PCRE2_NO_UTF_CHECK, sc->md) > 0) {
        size_t ms, me;
        pm_regex_group(sc->md, 0, &ms, &me);
        cell_push(sc, c, ts, ms + 1, NULL, line); /* keeps the ';' */
        cell_sep(c, SEP_LINE);
        ts = me;
    }
    cell_push(sc, c, ts, te, NULL, line);
    if (te < e)
        cell_sep(c, SEP_SPACE);
}

/* Removes tags and decodes entities of norm[s, e); list items and line-break
 * tags become the cell's lines. */
static void html_cell_text(scanner *sc, cell *c, size_t s, size_t e, size_t line)
{
    const struct pm_table_patterns *re = sc->re;
    const char *norm = sc->text->norm;
    bool in_list = false;
    size_t pos = s;
    /* as in html_text_run: pos is the cell's start or a match's end */
    while (pos < e && pm_regex_match(re->patterns, re->html_markup.code, norm, e, pos,
                                     PCRE2_NO_UTF_CHECK, sc->md) > 0) {
        size_t ms, me, ns, ne;
        pm_regex_group(sc->md, 0, &ms, &me);
        html_text_run(sc, c, pos, ms, in_list, line);
        if (pm_regex_named(re->html_markup.code, sc->md, "tag", &ns, &ne)) {
            size_t cs, ce;
            bool closing =
                pm_regex_named(re->html_markup.code, sc->md, "close", &cs, &ce) && ce > cs;
            bool is_list = matches(sc, &re->html_list_tag, norm + ns, ne - ns);
            bool is_break = matches(sc, &re->html_break_tag, norm + ns, ne - ns);
            if (is_list)
                in_list = !closing;
            if (is_break)
                cell_sep(c, SEP_LINE);
        } else if (pm_regex_named(re->html_markup.code, sc->md, "entity", &ns, &ne)) {
            const char *text = entity_text(sc, norm + ns, ne - ns);
            if (!text)
                cell_push(sc, c, ms, me, NULL, line);
            else if (!*text)
                cell_sep(c, SEP_SPACE);
            else
                cell_push(sc, c, 0, 0, text, line);
        }
        pos = me;
    }
    html_text_run(sc, c, pos, e, in_list, line);
}

/* Adds norm[s, e) to a cell, trimmed of spaces and of markdown emphasis
 * around it; separator k goes before it when the cell already holds text. */
static void cell_text(scanner *sc, cell *c, size_t s, size_t e, sep_kind k, size_t line)
{
    const char *norm = sc->text->norm;
    while (s < e && is_space(norm[s]))
        s++;
    while (e > s && is_space(norm[e - 1]))
        e--;
    /* markdown emphasis around the whole cell: `**I**`, `*Ghi chú*` */
    size_t stars = 0;
    while (stars < 3 && s + 2 * stars + 2 < e && norm[s + stars] == '*' &&
           norm[e - 1 - stars] == '*')
        stars++;
    if (stars && norm[s + stars] != '*' && norm[e - 1 - stars] != '*') {
        s += stars;
        e -= stars;
        while (s < e && is_space(norm[s]))
            s++;
        while (e > s && is_space(norm[e - 1]))
            e--;
    }
    if (line > c->last_line)
        c->last_line = line;
    if (s == e)
        return;
    cell_sep(c, k);
    if (memchr(norm + s, '<', e - s) || memchr(norm + s, '&', e - s))
        html_cell_text(sc, c, s, e, line);
    else
        cell_push(sc, c, s, e, NULL, line);
}

/* ---- rows under construction ------------------------------------------------ */

static cell *draft_cell(scanner *sc, draft *d, size_t line)
{
    cell *c = PM_PUSH(sc->arena, d->cells, d->n_cells, d->cap_cells);
    if (!c) {
        sc->nomem = true;
        return NULL;
    }
    *c = (cell){.last_line = line};
    if (!d->line_start || line < d->line_start)
        d->line_start = line;
    if (line > d->line_end)
        d->line_end = line;
    return c;
}

static size_t draft_filled(const draft *d)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n_cells; i++)
        n += !cell_empty(&d->cells[i]);
    return n;
}

static cell *last_filled(draft *d)
{
    for (size_t i = d->n_cells; i-- > 0;)
        if (!cell_empty(&d->cells[i]))
            return &d->cells[i];
    return NULL;
}

static const cell *first_filled(const draft *d)
{
    for (size_t i = 0; i < d->n_cells; i++)
        if (!cell_empty(&d->cells[i]))
            return &d->cells[i];
    return NULL;
}

/* The line's text as a range of the normalised text. */
static void line_range(const scanner *sc, size_t i, size_t *s, size_t *e)
{
    *s = sc->text->line_norm[i];
    *e = sc->text->line_norm[i + 1] - 1;
}

/* Splits line i at tabs or pipes into a fresh draft. */
static void split_line(scanner *sc, size_t i, char delim, draft *d)
{
    *d = (draft){0};
    const char *norm = sc->text->norm;
    size_t s, e;
    line_range(sc, i, &s, &e);
    if (delim == '|') {
        while (s < e && is_space(norm[s]))
            s++;
        while (e > s && is_space(norm[e - 1]))
            e--;
        if (s < e && norm[s] == '|')
            s++;
        if (e > s && norm[e - 1] == '|')
            e--;
    }
    for (;;) {
        const char *at = memchr(norm + s, delim, e - s);
        size_t p = at ? (size_t)(at - norm) : e;
        cell *c = draft_cell(sc, d, i + 1);
        if (!c)
            return;
        cell_text(sc, c, s, p, SEP_SPACE, i + 1);
        if (p == e)
            break;
        s = p + 1;
    }
}

static bool drafts_equal(scanner *sc, const draft *a, const draft *b)
{
    size_t na = a->n_cells, nb = b->n_cells;
    while (na && cell_empty(&a->cells[na - 1]))
        na--;
    while (nb && cell_empty(&b->cells[nb - 1]))
        nb--;
    if (na != nb || na == 0)
        return false;
    for (size_t i = 0; i < na; i++) {
        const char *x = cell_string(sc, &a->cells[i], &sc->scratch);
        const char *y = cell_string(sc, &b->cells[i], &sc->scratch2);
        if (strcmp(x, y) != 0)
            return false;
    }
    return true;
}

/* Bytes: a column name is a few words, a data cell is often a paragraph. */
enum { MAX_HEADER_CELL = 120 };

/* Two thirds of its cells, and at least two, name columns; all are short;
 * it starts with a column name, not a row label. */
static bool is_header(scanner *sc, const draft *d)
{
    if (!d->n_cells || cell_empty(&d->cells[0]) ||
        cell_matches(sc, &d->cells[0], &sc->re->row_label))
        return false;
    size_t filled = 0, named = 0;
    for (size_t i = 0; i < d->n_cells; i++) {
        const cell *c = &d->cells[i];
        if (cell_empty(c))
            continue;
        if (cell_length(c) > MAX_HEADER_CELL)
            return false;
        filled++;
        named += cell_matches(sc, c, &sc->re->header_cell);
    }
    return named >= 2 && 3 * named >= 2 * filled;
}

/* The second row of a two-row header: empty under the labels that span both
 * rows, header-like (years, `Đến năm …`) under the ones that split. */
static bool is_subheader(scanner *sc, const draft *d)
{
    if (d->n_cells < 2 || !cell_empty(&d->cells[0]))
        return false;
    size_t filled = 0;
    for (size_t i = 0; i < d->n_cells; i++) {
        const cell *c = &d->cells[i];
        if (cell_empty(c))
            continue;
        if (cell_length(c) > MAX_HEADER_CELL || !(cell_matches(sc, c, &sc->re->subheader_cell) ||
                                      cell_matches(sc, c, &sc->re->header_cell)))
            return false;
        filled++;
    }
    return filled > 0;
}

/* `III Nhóm nhiệm vụ…` in one cell: the label goes to label_out, the title
 * stays in the cell. Only single-range cells are split. */
static bool split_label_title(scanner *sc, cell *c, cell *label_out)
{
    if (c->n_frags != 1 || c->frags[0].lit)
        return false;
    const struct pm_table_patterns *re = sc->re;
    frag f = c->frags[0];
    size_t ls, le, ts, te;
    if (!matches(sc, &re->label_title, sc->text->norm + f.start, f.end - f.start) ||
        !pm_regex_named(re->label_title.code, sc->md, "label", &ls, &le) ||
        !pm_regex_named(re->label_title.code, sc->md, "title", &ts, &te))
        return false;
    size_t line = c->line;
    *label_out = (cell){.last_line = line};
    cell_push(sc, label_out, f.start + ls, f.start + le, NULL, line);
    c->frags[0] = (frag){.start = f.start + ts, .end = f.start + te};
    return true;
}

/* ---- a table under construction -------------------------------------------- */

typedef struct builder {
    draft top, sub; /* header rows; top.n_cells == 0 without a header */
    size_t n_columns;
    draft *rows;
    size_t n_rows, cap_rows;
    size_t line_start, last_line; /* 1-based */
    int time_column;              /* -1 = none */
    bool label_column;            /* column 0 holds row numbers */
} builder;

static draft *push_row(scanner *sc, builder *b, const draft *d)
{
    draft *r = PM_PUSH(sc->arena, b->rows, b->n_rows, b->cap_rows);
    if (!r) {
        sc->nomem = true;
        return NULL;
    }
    *r = *d;
    return r;
}

static bool one_extends_other(scanner *sc, const cell *a, const cell *b)
{
    if (cell_empty(a) || cell_empty(b))
        return true;
    const char *x = cell_string(sc, a, &sc->scratch);
    const char *y = cell_string(sc, b, &sc->scratch2);
    size_t nx = sc->scratch.len, ny = sc->scratch2.len;
    return nx <= ny ? strncmp(x, y, nx) == 0 : strncmp(x, y, ny) == 0;
}

/* The same row written again after a page break, once cut short: each cell
 * keeps the longer text when one extends the other, both otherwise. */
static void merge_repeated_row(scanner *sc, draft *prev, const draft *d)
{
    if (!prev->line)
        prev->line = first_filled(prev) ? first_filled(prev)->line : prev->line_start;
    for (size_t i = 0; i < d->n_cells; i++) {
        const cell *c = &d->cells[i];
        if (i >= prev->n_cells) {
            cell *added = draft_cell(sc, prev, d->line_end);
            if (!added)
                return;
            *added = *c;
            continue;
        }
        cell *p = &prev->cells[i];
        if (!one_extends_other(sc, p, c))
            cell_append(sc, p, c, SEP_LINE);
        else if (cell_length(c) > cell_length(p))
            *p = *c;
    }
    if (d->line_end > prev->line_end)
        prev->line_end = d->line_end;
}

/* A row that continues the one above cell by cell (its first cell empty, its
 * text going on in lower case). */
static void merge_continuation(scanner *sc, draft *prev, const draft *d)
{
    for (size_t i = 0; i < d->n_cells; i++) {
        if (i < prev->n_cells) {
            cell_append(sc, &prev->cells[i], &d->cells[i], SEP_SPACE);
        } else {
            cell *added = draft_cell(sc, prev, d->line_end);
            if (!added)
                return;
            *added = d->cells[i];
        }
    }
    if (d->line_end > prev->line_end)
        prev->line_end = d->line_end;
}

/* The rest of a row whose last cell wrapped onto the next line. */
static void merge_wrapped(scanner *sc, draft *prev, const draft *d)
{
    cell_append(sc, &prev->cells[prev->n_cells - 1], &d->cells[0], SEP_SPACE);
    for (size_t i = 1; i < d->n_cells; i++) {
        cell *added = draft_cell(sc, prev, d->line_end);
        if (!added)
            return;
        *added = d->cells[i];
    }
    if (d->line_end > prev->line_end)
        prev->line_end = d->line_end;
}

/* A row cut by a page break before its last cells: d has text in a cell
 * the row above left empty. */
static bool fills_empty_cells(const draft *prev, const draft *d)
{
    for (size_t i = 1; i < d->n_cells; i++)
        if (!cell_empty(&d->cells[i]) && (i >= prev->n_cells || cell_empty(&prev->cells[i])))
            return true;
    return false;
}

/* A tab or pipe row joins the table: as a new row, or merged into the last
 * one when it is that row again after a break (whole, or the rest of a row
 * cut before its last cells), its continuation, or the rest of a wrapped
 * line. */
static void add_delimited_row(scanner *sc, builder *b, draft *d, bool after_break)
{
    cell label;
    if (d->n_cells >= 2 && cell_empty(&d->cells[1]) && split_label_title(sc, &d->cells[0], &label)) {
        d->cells[1] = d->cells[0];
        d->cells[0] = label;
    }
    draft *prev = b->n_rows ? &b->rows[b->n_rows - 1] : NULL;
    if (prev && !prev->unparsed && prev->n_cells > 1 && d->n_cells > 1) {
        const cell *first = &d->cells[0], *lead = first_filled(d);
        if (after_break && !cell_empty(first) &&
            strcmp(cell_string(sc, first, &sc->scratch),
                   cell_string(sc, &prev->cells[0], &sc->scratch2)) == 0) {
            if (one_extends_other(sc, &prev->cells[1], &d->cells[1])) {
                merge_repeated_row(sc, prev, d);
                return;
            }
            if (fills_empty_cells(prev, d)) { /* its label again, then the rest */
                d->cells[0] = (cell){.last_line = d->line_end};
                merge_continuation(sc, prev, d);
                return;
            }
        }
        if (cell_empty(first) && lead && cell_matches(sc, lead, &sc->re->continuation)) {
            merge_continuation(sc, prev, d);
            return;
        }
        if (!after_break && prev->n_cells < b->n_columns &&
            prev->n_cells + d->n_cells - 1 <= b->n_columns &&
            !cell_matches(sc, first, &sc->re->row_label)) {
            merge_wrapped(sc, prev, d);
            return;
        }
    }
    push_row(sc, b, d);
}

/* ---- finishing a table ------------------------------------------------------ */

static const char *cell_arena_string(scanner *sc, const cell *c)
{
    const char *s = cell_string(sc, c, &sc->scratch);
    char *copy = pm_arena_strndup(sc->arena, s, sc->scratch.len);
    if (!copy)
        sc->nomem = true;
    return copy ? copy : "";
}

/* Column names from one or two header rows. A top cell spans the columns of
 * the run of non-empty cells below it: when the second row has more cells,
 * the top row is widened there; an empty top cell over a non-empty one takes
 * the spanning name on its left: "Chỉ tiêu cần đạt được / Đến năm 2025". */
static void name_columns(scanner *sc, builder *b, pm_table *out)
{
    size_t n = b->n_columns, m = b->top.n_cells, k = b->sub.n_cells;
    const char **names = pm_arena_alloc(sc->arena, (n ? n : 1) * sizeof *names);
    const char **top = pm_arena_alloc(sc->arena, (n ? n : 1) * sizeof *top);
    const char **below = pm_arena_alloc(sc->arena, (n ? n : 1) * sizeof *below);
    if (!names || !top || !below) {
        sc->nomem = true;
        return;
    }
    for (size_t c = 0; c < n; c++)
        below[c] = c < k ? cell_arena_string(sc, &b->sub.cells[c]) : "";
    size_t extra = k > m ? k - m : 0;
    for (size_t c = 0, t = 0; c < n; c++, t++) {
        top[c] = t < m ? cell_arena_string(sc, &b->top.cells[t]) : "";
        while (extra && c + 1 < n && *below[c] && *below[c + 1]) {
            top[++c] = "";
            extra--;
        }
    }
    for (size_t c = 0; c < n; c++) {
        const char *head = top[c];
        if (!*head && *below[c]) {
            size_t l = c;
            while (l > 0 && !*top[l - 1] && *below[l - 1])
                l--;
            if (l > 0 && *below[l - 1])
                head = top[l - 1];
        }
        if (*head && *below[c])
            names[c] = pm_arena_printf(sc->arena, "%s / %s", head, below[c]);
        else
            names[c] = *head ? head : below[c];
        if (!names[c]) {
            sc->nomem = true; /* reported by the caller; the column stays unnamed */
            names[c] = "";
        }
        if (*names[c] && matches(sc, &sc->re->time_column, names[c], strlen(names[c])))
            b->time_column = (int)c;
    }
    b->label_column = n > 1 && m && matches(sc, &sc->re->number_column, top[0], strlen(top[0]));
    out->columns = names;
    out->n_columns = n;
}

static cell *empty_cells(scanner *sc, size_t n)
{
    cell *cells = pm_arena_alloc(sc->arena, (n ? n : 1) * sizeof *cells);
    if (!cells)
        sc->nomem = true;
    return cells;
}

/* Pads a row to the table's width; surplus cells join the last one. */
static void fit_positional(scanner *sc, const builder *b, draft *d)
{
    size_t n = b->n_columns;
    if (d->n_cells == n) /* already as wide as the table */
        return;
    cell *out = empty_cells(sc, n);
    if (!out)
        return;
    for (size_t i = 0; i < d->n_cells; i++) {
        if (i < n)
            out[i] = d->cells[i];
        else
            cell_append(sc, &out[n - 1], &d->cells[i], SEP_SPACE);
    }
    d->cells = out;
    d->n_cells = d->cap_cells = n;
}

/* A one-cell-per-line row whose cells do not line up with the columns (Word
 * merged cells): the label goes to the number column, its last time-like
 * cell to the time column, the first text to the content column followed by
 * its sub-items (cells from double-tab lines, or after an empty cell, or
 * bullets, right after the content), and the rest to the columns left. */
static void fit_irregular(scanner *sc, const builder *b, draft *d)
{
    size_t n = b->n_columns, nc = d->n_cells;
    cell *out = empty_cells(sc, n);
    if (!out)
        return;
    size_t first = 0;
    while (first < nc && cell_empty(&d->cells[first]))
        first++;
    size_t content_col = b->label_column ? 1 : 0;
    if (first < nc && b->label_column) {
        cell label;
        if (cell_matches(sc, &d->cells[first], &sc->re->row_label))
            out[0] = d->cells[first++];
        else if (split_label_title(sc, &d->cells[first], &label))
            out[0] = label;
    }
    size_t time_at = nc;
    if (b->time_column >= 0 && (size_t)b->time_column != content_col)
        for (size_t i = nc; i-- > first;)
            if (cell_matches(sc, &d->cells[i], &sc->re->time_cell)) {
                time_at = i;
                out[b->time_column] = d->cells[i];
                break;
            }
    bool content = false, chain = false;
    size_t col = content_col + 1;
    for (size_t i = first; i < nc; i++) {
        const cell *x = &d->cells[i];
        if (i == time_at || cell_empty(x))
            continue;
        bool after_empty = i > 0 && cell_empty(&d->cells[i - 1]);
        if (!content) {
            out[content_col] = *x;
            content = chain = true;
        } else if (x->sub || (chain && (after_empty || cell_matches(sc, x, &sc->re->bullet)))) {
            cell_append(sc, &out[content_col], x, SEP_LINE);
        } else {
            chain = false;
            while (col < n && time_at < nc && col == (size_t)b->time_column)
                col++;
            if (col < n) {
                out[col++] = *x;
            } else {
                size_t last = n - 1;
                if (time_at < nc && last == (size_t)b->time_column && last > content_col)
                    last--;
                cell_append(sc, &out[last], x, SEP_SPACE);
            }
        }
    }
    d->cells = out;
    d->n_cells = d->cap_cells = n;
}

static bool label_is_parent(scanner *sc, const cell *parent, const cell *child)
{
    if (cell_empty(parent) || cell_empty(child))
        return false;
    const char *p = cell_string(sc, parent, &sc->scratch);
    size_t np = sc->scratch.len;
    const char *c = cell_string(sc, child, &sc->scratch2);
    if (np && p[np - 1] == '.')
        np--;
    return np && strncmp(p, c, np) == 0 && c[np] == '.' && c[np + 1] >= '0' && c[np + 1] <= '9';
}

/* `I Nhóm…` or `2 Đầu tư…` over `2.1`: a label and a title, nothing else,
 * heading a group (a Roman or capital label, or rows numbered under it). */
static bool is_group_row(scanner *sc, const builder *b, size_t r)
{
    const draft *d = &b->rows[r];
    if (d->unparsed || b->n_columns < 3 || draft_filled(d) != 2 || cell_empty(&d->cells[1]) ||
        !cell_matches(sc, &d->cells[0], &sc->re->row_label))
        return false;
    if (cell_matches(sc, &d->cells[0], &sc->re->group_label))
        return true;
    for (size_t next = r + 1; next < b->n_rows; next++)
        if (!b->rows[next].unparsed)
            return label_is_parent(sc, &d->cells[0], &b->rows[next].cells[0]);
    return false;
}

static void cell_span(scanner *sc, const cell *c, pm_span *out)
{
    if (cell_empty(c)) {
        *out = (pm_span){.s = ""};
        return;
    }
    if (c->n_frags == 1 && !c->frags[0].lit) { /* most cells: one range */
        if (pm_range_span(sc->arena, sc->text, c->frags[0].start, c->frags[0].end, c->line,
                          out) != PM_OK) {
            sc->nomem = true;
            *out = (pm_span){.s = ""};
        }
        return;
    }
    for (size_t i = 0; i < c->n_frags; i++) {
        if (c->frags[i].lit)
            pm_span_sep(&sc->spans, c->frags[i].lit);
        else
            pm_span_add(&sc->spans, c->frags[i].start, c->frags[i].end);
    }
    if (pm_span_end(&sc->spans, out) != PM_OK) {
        sc->nomem = true;
        *out = (pm_span){.s = ""};
    }
}

static bool is_page_number(scanner *sc, size_t i)
{
    if (sc->kind[i] != LINE_TEXT)
        return false;
    size_t s, e;
    line_range(sc, i, &s, &e);
    while (s < e && is_space(sc->text->norm[s]))
        s++;
    while (e > s && is_space(sc->text->norm[e - 1]))
        e--;
    return matches(sc, &sc->re->page_number, sc->text->norm + s, e - s);
}

/* Builds the pm_table of lines [start, end) and claims them (page numbers
 * excepted: they are the caller's). */
static void finish_table(scanner *sc, builder *b, size_t start, size_t end, bool one_cell_per_line)
{
    pm_table *t = PM_PUSH(sc->arena, sc->tables, sc->n_tables, sc->cap_tables);
    if (!t) {
        sc->nomem = true;
        return;
    }
    *t = (pm_table){.section = -1, .block = -1, .line_start = start + 1, .line_end = end};
    b->time_column = -1;
    name_columns(sc, b, t);
    if (sc->nomem)
        return;
    for (size_t r = 0; r < b->n_rows; r++) {
        draft *d = &b->rows[r];
        if (one_cell_per_line && !d->unparsed &&
            (d->n_cells != b->n_columns || d->spaced || d->has_sub))
            fit_irregular(sc, b, d);
        else
            fit_positional(sc, b, d);
    }
    t->rows = pm_arena_alloc(sc->arena, (b->n_rows ? b->n_rows : 1) * sizeof *t->rows);
    if (!t->rows || sc->nomem) {
        sc->nomem = true;
        return;
    }
    t->n_rows = b->n_rows;
    for (size_t r = 0; r < b->n_rows; r++) {
        const draft *d = &b->rows[r];
        pm_row *row = &t->rows[r];
        row->cells = pm_arena_alloc(sc->arena, (b->n_columns ? b->n_columns : 1) * sizeof *row->cells);
        if (!row->cells) {
            sc->nomem = true;
            return;
        }
        row->n_cells = b->n_columns;
        row->unparsed = d->unparsed;
        row->raw = d->unparsed ? d->raw : (pm_span){.s = ""};
        row->group = is_group_row(sc, b, r);
        row->line = d->unparsed ? d->line_start : d->line;
        row->line_end = d->line_end;
        for (size_t c = 0; c < b->n_columns; c++) {
            const cell *x = &d->cells[c];
            cell_span(sc, x, &row->cells[c]);
            if (!row->line && x->line)
                row->line = x->line;
            if (x->last_line > row->line_end)
                row->line_end = x->last_line;
        }
        if (!row->line)
            row->line = d->line_start;
    }
    for (size_t i = start; i < end; i++)
        if (!is_page_number(sc, i))
            sc->line_used[i] = 1;
}

/* ---- tab and pipe rows ------------------------------------------------------ */

static bool is_row_line(line_kind k, char delim)
{
    return delim == '|' ? k == LINE_PIPE
                        : k == LINE_DELIM || k == LINE_CELL || k == LINE_SUB || k == LINE_TABS;
}

static bool is_gap(scanner *sc, size_t i)
{
    return sc->kind[i] == LINE_BLANK || is_page_number(sc, i);
}

static size_t skip_gap(scanner *sc, size_t i)
{
    while (i < sc->n_lines && is_gap(sc, i))
        i++;
    return i;
}

/* One unparsed row made of lines [from, to): raw text, and a warning. */
static void add_unparsed(scanner *sc, builder *b, size_t from, size_t to)
{
    draft u = {.unparsed = true, .line_start = from + 1, .line_end = to};
    for (size_t i = from; i < to; i++) {
        size_t s, e;
        line_range(sc, i, &s, &e);
        while (s < e && is_space(sc->text->norm[s]))
            s++;
        while (e > s && is_space(sc->text->norm[e - 1]))
            e--;
        if (i > from)
            pm_span_sep(&sc->spans, " ");
        pm_span_add(&sc->spans, s, e);
    }
    if (pm_span_end(&sc->spans, &u.raw) != PM_OK) {
        sc->nomem = true;
        return;
    }
    pm_warn(sc->warnings, "unparsed_row", from + 1, "table row kept as raw text: %.80s", u.raw.s);
    push_row(sc, b, &u);
}

/* At most two lines of plain text inside a table, followed by more of its
 * rows (its header again, or a row of its width): their count, else 0. */
static size_t interlude_lines(scanner *sc, const builder *b, size_t i, char delim)
{
    size_t count = 0;
    while (i + count < sc->n_lines && sc->kind[i + count] == LINE_TEXT && !is_page_number(sc, i + count))
        count++;
    if (count == 0 || count > 2)
        return 0;
    size_t j = skip_gap(sc, i + count);
    if (j >= sc->n_lines || !is_row_line(sc->kind[j], delim) || sc->kind[j] == LINE_TABS)
        return 0;
    draft d;
    split_line(sc, j, delim, &d);
    if (b->top.n_cells && drafts_equal(sc, &d, &b->top))
        return count;
    return d.n_cells == b->n_columns && !is_header(sc, &d) ? count : 0;
}

/* A header known by its shape when its words are not in the lexicon
 * (`Số TT | Công việc | Người thực hiện`): it names the column of row
 * numbers, its other cells are short, and the next row starts with a label. */
static bool is_header_by_shape(scanner *sc, const draft *d, const draft *next)
{
    if (d->n_cells < 2 || !next->n_cells ||
        !cell_matches(sc, &d->cells[0], &sc->re->number_column) ||
        !cell_matches(sc, &next->cells[0], &sc->re->row_label))
        return false;
    for (size_t i = 1; i < d->n_cells; i++)
        if (cell_length(&d->cells[i]) > MAX_HEADER_CELL / 2 ||
            cell_matches(sc, &d->cells[i], &sc->re->row_label))
            return false;
    return true;
}

/* A headerless tab row laid out as the page's columns (issuer beside motto,
 * recipients beside signature), not a table. */
static bool is_layout_row(scanner *sc, const draft *d)
{
    for (size_t i = 0; i < d->n_cells; i++)
        if (!cell_empty(&d->cells[i]) && cell_matches(sc, &d->cells[i], &sc->re->layout_cell))
            return true;
    return false;
}

static bool parse_delimited(scanner *sc, size_t start, size_t *next)
{
    size_t n = sc->n_lines;
    char delim = sc->kind[start] == LINE_PIPE ? '|' : '\t';
    builder b = {0};
    draft first;
    split_line(sc, start, delim, &first);
    size_t i = start + 1;
    if (is_layout_row(sc, &first)) { /* skip the whole run of layout rows */
        while (*next < n && (is_row_line(sc->kind[*next], delim) ||
                             (delim == '|' && sc->kind[*next] == LINE_PIPE_RULE)))
            ++*next;
        return false;
    }
    bool rule = delim == '|' && i < n && sc->kind[i] == LINE_PIPE_RULE;
    if (rule || is_header(sc, &first)) {
        b.top = first;
        i += rule;
        if (i < n && is_row_line(sc->kind[i], delim)) {
            draft d;
            split_line(sc, i, delim, &d);
            if (is_subheader(sc, &d)) {
                b.sub = d;
                i++;
            }
        }
        b.n_columns = b.top.n_cells > b.sub.n_cells ? b.top.n_cells : b.sub.n_cells;
    } else {
        if (i >= n || !is_row_line(sc->kind[i], delim) || sc->kind[i] == LINE_TABS)
            return false;
        draft second;
        split_line(sc, i, delim, &second);
        if (first.n_cells < 2 || first.n_cells != second.n_cells)
            return false;
        b.n_columns = first.n_cells;
        if (is_header_by_shape(sc, &first, &second))
            b.top = first;
        else
            i = start;
    }
    size_t end = i;
    bool after_break = false;
    while (i < n && !sc->nomem) {
        line_kind k = sc->kind[i];
        if (is_gap(sc, i)) {
            after_break = true;
            i++;
            continue;
        }
        if (k == LINE_PIPE_RULE && delim == '|') { /* under a repeated header */
            end = ++i;
            continue;
        }
        if (is_row_line(k, delim)) {
            draft d;
            split_line(sc, i, delim, &d);
            if (!draft_filled(&d)) {
                end = ++i;
                continue;
            }
            if (b.top.n_cells && drafts_equal(sc, &d, &b.top)) {
                end = ++i;
                if (b.sub.n_cells && i < n && is_row_line(sc->kind[i], delim)) {
                    draft again;
                    split_line(sc, i, delim, &again);
                    if (drafts_equal(sc, &again, &b.sub))
                        end = ++i;
                }
                after_break = true;
                continue;
            }
            if (is_header(sc, &d))
                break;
            add_delimited_row(sc, &b, &d, after_break);
            after_break = false;
            end = ++i;
            continue;
        }
        /* An untabbed line right under a row: the rest of its last cell when
         * the row is short of cells or the line goes on in lower case. */
        draft *last = b.n_rows ? &b.rows[b.n_rows - 1] : NULL;
        if (k == LINE_TEXT && !after_break && last && !last->unparsed && last->n_cells) {
            size_t s, e;
            line_range(sc, i, &s, &e);
            while (s < e && is_space(sc->text->norm[s]))
                s++;
            cell *target = last->n_cells < b.n_columns ? &last->cells[last->n_cells - 1]
                           : matches(sc, &sc->re->continuation, sc->text->norm + s, e - s)
                               ? last_filled(last)
                               : NULL;
            if (target) {
                cell_text(sc, target, s, e, SEP_SPACE, i + 1);
                last->line_end = i + 1;
                end = ++i;
                continue;
            }
        }
        size_t count = k == LINE_TEXT && b.n_rows ? interlude_lines(sc, &b, i, delim) : 0;
        if (!count)
            break;
        add_unparsed(sc, &b, i, i + count);
        i += count;
        end = i;
        after_break = false;
    }
    if (!b.n_rows)
        return false;
    finish_table(sc, &b, start, end, false);
    *next = end;
    return true;
}

/* ---- one cell per line -------------------------------------------------------- */

/* A run of non-blank lines: cells from tab-led lines, untabbed lines spilling
 * into the cell above, double-tab lines as an empty cell plus a sub-item. */
typedef struct block {
    size_t start, end; /* lines [start, end) */
    draft cells;
    size_t loose_lines; /* untabbed lines it starts with */
} block;

static void read_block(scanner *sc, size_t i, block *bl)
{
    *bl = (block){.start = i};
    cell *last = NULL;
    bool leading_text = true;
    for (; i < sc->n_lines; i++) {
        line_kind k = sc->kind[i];
        if (k == LINE_BLANK || k == LINE_DELIM || k == LINE_PIPE || k == LINE_PIPE_RULE)
            break;
        size_t s, e;
        line_range(sc, i, &s, &e);
        if (i + 1 > bl->cells.line_end)
            bl->cells.line_end = i + 1;
        if (k == LINE_TEXT) {
            if (leading_text)
                bl->loose_lines++;
            if (!last) {
                if (!(last = draft_cell(sc, &bl->cells, i + 1)))
                    return;
            }
            sep_kind sep = SEP_SPACE;
            while (s < e && is_space(sc->text->norm[s]))
                s++;
            if (!cell_empty(last) && matches(sc, &sc->re->bullet, sc->text->norm + s, e - s))
                sep = SEP_LINE;
            cell_text(sc, last, s, e, sep, i + 1);
            continue;
        }
        leading_text = false;
        if (k == LINE_TABS)
            continue;
        size_t tabs = 0;
        while (s < e && is_space(sc->text->norm[s]))
            tabs += sc->text->norm[s++] == '\t';
        for (size_t extra = 1; k == LINE_SUB && extra < tabs; extra++) {
            cell *empty = draft_cell(sc, &bl->cells, i + 1);
            if (!empty)
                return;
            empty->sub = true;
        }
        if (!(last = draft_cell(sc, &bl->cells, i + 1)))
            return;
        last->sub = k == LINE_SUB;
        cell_text(sc, last, s, e, SEP_SPACE, i + 1);
    }
    bl->end = i;
}

static bool is_label_only(scanner *sc, const draft *d)
{
    const cell *c = first_filled(d);
    return c && draft_filled(d) == 1 && cell_matches(sc, c, &sc->re->row_label);
}

/* Where a row of a Word export starts: at a label after a blank line, after
 * a complete row, or after sub-items; at any cell after a blank line unless
 * the row so far is a bare label or was already spread over blank lines.
 * A year range cut after its dash (`2023 -` / `2030`) is one cell. */
static void feed_cell(scanner *sc, builder *b, draft *cur, const cell *c, bool gap_before)
{
    if (cur->n_cells) {
        cell *tail = last_filled(cur);
        char lead = cell_first_byte(sc, c);
        if (tail && lead >= '0' && lead <= '9' && cell_matches(sc, tail, &sc->re->open_range)) {
            cell_append(sc, tail, c, SEP_SPACE);
            cur->spaced |= gap_before;
            if (c->last_line > cur->line_end)
                cur->line_end = c->last_line;
            return;
        }
        bool label = cell_matches(sc, c, &sc->re->row_label), new_row;
        if (c->sub)
            new_row = false;
        else if (gap_before)
            new_row = label || !(cur->spaced || is_label_only(sc, cur));
        else
            new_row = label && (cur->n_cells >= b->n_columns || cur->has_sub);
        if (new_row) {
            push_row(sc, b, cur);
            *cur = (draft){0};
        } else {
            cur->spaced |= gap_before;
        }
    }
    cell *slot = draft_cell(sc, cur, c->line ? c->line : c->last_line);
    if (!slot)
        return;
    *slot = *c;
    cur->has_sub |= c->sub;
    if (c->last_line > cur->line_end)
        cur->line_end = c->last_line;
}

/* The block at line i (after blank lines) goes on with this table: cells,
 * and not the header of another table. */
static bool block_continues(scanner *sc, const builder *b, size_t i)
{
    if (i >= sc->n_lines || (sc->kind[i] != LINE_CELL && sc->kind[i] != LINE_SUB))
        return false;
    block bl;
    read_block(sc, i, &bl);
    return !is_header(sc, &bl.cells) || (b->top.n_cells && drafts_equal(sc, &bl.cells, &b->top));
}

static bool parse_cells(scanner *sc, size_t start, size_t *next)
{
    size_t n = sc->n_lines;
    builder b = {0};
    block bl;
    read_block(sc, start, &bl);
    *next = bl.end;
    size_t i;
    if (is_header(sc, &bl.cells)) {
        b.top = bl.cells;
        i = bl.end;
        size_t j = skip_gap(sc, i);
        if (j < n && sc->kind[j] == LINE_CELL) {
            block sub;
            read_block(sc, j, &sub);
            if (is_subheader(sc, &sub.cells)) {
                b.sub = sub.cells;
                i = sub.end;
            }
        }
        b.n_columns = b.top.n_cells > b.sub.n_cells ? b.top.n_cells : b.sub.n_cells;
    } else {
        size_t j = skip_gap(sc, bl.end);
        if (j >= n || sc->kind[j] != LINE_CELL)
            return false;
        block second;
        read_block(sc, j, &second);
        if (bl.cells.n_cells < 2 || bl.cells.n_cells != second.cells.n_cells)
            return false;
        b.n_columns = bl.cells.n_cells;
        i = start;
    }
    size_t end = i;
    draft cur = {0};
    while (!sc->nomem) {
        size_t j = skip_gap(sc, i);
        bool gap = j > i;
        if (j >= n || sc->kind[j] == LINE_DELIM || sc->kind[j] == LINE_PIPE ||
            sc->kind[j] == LINE_PIPE_RULE)
            break;
        read_block(sc, j, &bl);
        size_t from = 0; /* first cell of the block fed as a cell */
        if (bl.loose_lines) {
            if (!block_continues(sc, &b, skip_gap(sc, bl.end)))
                break;
            cell *loose = &bl.cells.cells[0], *tail = last_filled(&cur);
            if (tail && cell_matches(sc, loose, &sc->re->bullet)) {
                cell_append(sc, tail, loose, SEP_LINE);
                cur.line_end = bl.end;
                from = 1;
                gap = false;
            } else if (bl.loose_lines > 1) {
                if (bl.loose_lines > 2)
                    break;
                if (cur.n_cells)
                    push_row(sc, &b, &cur);
                cur = (draft){0};
                add_unparsed(sc, &b, j, j + bl.loose_lines);
                from = 1;
            }
        } else if (b.top.n_cells && drafts_equal(sc, &bl.cells, &b.top)) {
            i = end = bl.end;
            size_t k = skip_gap(sc, i);
            if (b.sub.n_cells && k < n && sc->kind[k] == LINE_CELL) {
                block again;
                read_block(sc, k, &again);
                if (drafts_equal(sc, &again.cells, &b.sub))
                    i = end = again.end;
            }
            continue;
        } else if (is_header(sc, &bl.cells)) {
            break;
        }
        for (size_t c = from; c < bl.cells.n_cells; c++)
            feed_cell(sc, &b, &cur, &bl.cells.cells[c], gap && c == from);
        i = end = bl.end;
    }
    if (cur.n_cells)
        push_row(sc, &b, &cur);
    if (!b.n_rows)
        return false;
    finish_table(sc, &b, start, end, true);
    *next = end;
    return true;
}

/* ---- columns aligned with spaces ---------------------------------------------- */

/* A run of text between gaps of two spaces or more: bytes of the normalised
 * text and columns (code points from the line start) of pdftotext -layout. */
typedef struct segment {
    size_t start, end;
    size_t col, col_end;
} segment;

enum { MAX_SEGMENTS = 24, MIN_ALIGNED_COLUMNS = 3 };

/* The segments of line i (at most MAX_SEGMENTS; the rest join the last). */
static size_t line_segments(const scanner *sc, size_t i, segment *out)
{
    size_t s, e, k = 0, col = 0, spaces = 0;
    line_range(sc, i, &s, &e);
    const char *norm = sc->text->norm;
    for (size_t p = s; p < e; p++) {
        unsigned char ch = (unsigned char)norm[p];
        if ((ch & 0xC0) == 0x80)
            continue; /* a continuation byte: same column */
        if (is_space(norm[p])) {
            spaces++;
        } else {
            if (k == 0 || (spaces >= 2 && k < MAX_SEGMENTS))
                out[k++] = (segment){.start = p, .col = col};
            spaces = 0;
            size_t len = 1;
            while (p + len < e && ((unsigned char)norm[p + len] & 0xC0) == 0x80)
                len++;
            out[k - 1].end = p + len;
            out[k - 1].col_end = col + 1;
        }
        col++;
    }
    return k;
}

/* Column of a segment: the last column starting at or before its middle
 * (numbers are right-aligned or centred under their header). */
static size_t column_of(const size_t *starts, size_t n, const segment *g)
{
    size_t mid = (g->col + g->col_end) / 2, c = 0;
    while (c + 1 < n && starts[c + 1] <= mid)
        c++;
    return c;
}

/* Line i cut at the column starts into a fresh draft of n cells. */
static void aligned_draft(scanner *sc, size_t i, const size_t *starts, size_t n, draft *d)
{
    segment g[MAX_SEGMENTS];
    size_t k = line_segments(sc, i, g);
    *d = (draft){0};
    for (size_t c = 0; c < n; c++)
        if (!draft_cell(sc, d, i + 1))
            return;
    for (size_t j = 0; j < k; j++)
        cell_text(sc, &d->cells[column_of(starts, n, &g[j])], g[j].start, g[j].end, SEP_SPACE,
                  i + 1);
}

/* Do two lines set their segments at the same columns? */
static bool same_columns(const segment *a, size_t na, const segment *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t j = 0; j < na; j++)
        if (a[j].col != b[j].col)
            return false;
    return true;
}

/* A table set in columns with spaces (pdftotext -layout): a header of
 * column names, or two lines with the same column starts, each with at
 * least MIN_ALIGNED_COLUMNS segments. Its rows are cut at the column starts;
 * a line with its first column empty continues the row above (wrapped
 * cells), a blank line or page number is a gap when the table goes on after
 * it, and a line of one unindented segment or of page layout ends it. */
/* Whether line i (LINE_TEXT) has fewer than two gaps after its first text,
 * so fewer than MIN_ALIGNED_COLUMNS segments, without walking it byte by
 * byte: every segment but the first starts after a run of two blanks or
 * more, and each such run starts with a break of pm_next_break (a pair of
 * blanks or a tab); a break at a '|' stands for the run after it. A plain
 * line has no such run before its trailing blanks: one segment. */
static bool few_gaps(const scanner *sc, size_t i)
{
    if (sc->line_plain[i])
        return true;
    size_t s, e, k = 0, gaps = 0;
    line_range(sc, i, &s, &e);
    const char *p = sc->text->norm + s;
    size_t n = e - s;
    while (k < n && is_space(p[k]))
        k++;
    for (k = pm_next_break(p, n, k); k < n && gaps < 2; k = pm_next_break(p, n, k)) {
        gaps++;
        for (k++; k < n && is_space(p[k]); k++)
            ;
    }
    return gaps < 2;
}

static bool parse_aligned(scanner *sc, size_t start, size_t *next)
{
    segment head[MAX_SEGMENTS], g[MAX_SEGMENTS];
    if (few_gaps(sc, start))
        return false;
    size_t nh = line_segments(sc, start, head);
    if (nh < MIN_ALIGNED_COLUMNS)
        return false;
    size_t starts[MAX_SEGMENTS];
    for (size_t j = 0; j < nh; j++)
        starts[j] = head[j].col;
    builder b = {.n_columns = nh};
    draft first;
    aligned_draft(sc, start, starts, nh, &first);
    size_t i = start + 1;
    if (is_header(sc, &first)) {
        b.top = first;
    } else {
        if (i >= sc->n_lines || sc->kind[i] != LINE_TEXT ||
            !same_columns(head, nh, g, line_segments(sc, i, g)) || is_layout_row(sc, &first))
            return false;
        i = start;
    }
    size_t end = i;
    while (i < sc->n_lines && !sc->nomem) {
        if (is_gap(sc, i)) {
            size_t j = skip_gap(sc, i);
            if (j >= sc->n_lines || sc->kind[j] != LINE_TEXT ||
                line_segments(sc, j, g) < MIN_ALIGNED_COLUMNS)
                break;
            i = j;
            continue;
        }
        if (sc->kind[i] != LINE_TEXT)
            break;
        size_t k = line_segments(sc, i, g);
        bool indented = k >= 1 && nh > 1 && g[0].col + 1 >= starts[1];
        if (k == 0 || (k == 1 && !indented))
            break;
        draft d;
        aligned_draft(sc, i, starts, nh, &d);
        if (is_layout_row(sc, &d))
            break;
        if (b.top.n_cells && drafts_equal(sc, &d, &b.top)) {
            end = ++i;
            continue;
        }
        draft *prev = b.n_rows ? &b.rows[b.n_rows - 1] : NULL;
        if (cell_empty(&d.cells[0]) && prev)
            merge_continuation(sc, prev, &d);
        else if (is_header(sc, &d))
            break;
        else
            push_row(sc, &b, &d);
        end = ++i;
    }
    if (!b.n_rows)
        return false;
    finish_table(sc, &b, start, end, false);
    *next = end;
    return true;
}

/* ---- entry ------------------------------------------------------------------ */

/* The kind of line i; sets line_plain[i] (no tab after the leading blanks,
 * so plain when it has no '|' and no two spaces in a row before the
 * trailing blanks). */
static line_kind classify(scanner *sc, size_t i)
{
    size_t s, e;
    line_range(sc, i, &s, &e);
    const char *p = sc->text->norm + s;
    size_t len = e - s, lead = 0, tabs = 0;
    sc->line_plain[i] = 0;
    while (lead < len && is_space(p[lead]))
        tabs += p[lead++] == '\t';
    if (lead == len)
        return tabs == 0 ? LINE_BLANK : tabs == 1 ? LINE_CELL : LINE_TABS;
    size_t end = len;
    while (end > lead && is_space(p[end - 1]))
        end--;
    /* Most lines are plain text: one pass finds no tab, no '|' and no two
     * blanks in a row up to the trailing blanks, and the trailing blanks
     * hold no tab; then the checks below would find nothing either. */
    if (pm_next_break(p, end, lead) == end &&
        (end == len || !memchr(p + end, '\t', len - end))) { /* most lines: no trailing blank */
        sc->line_plain[i] = 1;
        return tabs == 0 ? LINE_TEXT : tabs == 1 ? LINE_CELL : LINE_SUB;
    }
    if (memchr(p + lead, '\t', len - lead))
        return LINE_DELIM;
    const char *bar = memchr(p + lead, '|', end - lead);
    sc->line_plain[i] = !bar && !pm_has_space_pair(p + lead, end - lead);
    if (tabs)
        return tabs == 1 ? LINE_CELL : LINE_SUB;
    if (p[lead] == '|') {
        if (matches(sc, &sc->re->pipe_rule, p + lead, end - lead))
            return LINE_PIPE_RULE;
        if (memchr(p + lead + 1, '|', end - lead - 1))
            return LINE_PIPE;
    }
    /* `TT | Tên đồ án | Thời gian`: pipes between three cells or more, none outside */
    if (bar && memchr(bar + 1, '|', (size_t)(p + end - bar - 1)))
        return LINE_PIPE;
    return LINE_TEXT;
}

pm_status pm_find_tables(const pm_segmenter *s, pm_arena *a, const pm_text *t,
                         unsigned char *line_used, unsigned char *line_plain,
                         pm_table **tables, size_t *n_tables, pm_warnings *w, pm_error *err)
{
    *tables = NULL;
    *n_tables = 0;
    scanner sc = {.re = s->tables, .arena = a, .text = t, .warnings = w,
                  .line_used = line_used, .line_plain = line_plain, .n_lines = t->n_lines};
    sc.kind = malloc(t->n_lines ? t->n_lines : 1);
    sc.md = pcre2_match_data_create(16, NULL);
    if (!sc.kind || !sc.md)
        sc.nomem = true;
    pm_span_begin(&sc.spans, a, t); /* once: pm_span_end leaves it ready for the next span */
    for (size_t i = 0; i < t->n_lines && !sc.nomem; i++)
        sc.kind[i] = (unsigned char)classify(&sc, i);
    for (size_t i = 0; i < t->n_lines && !sc.nomem;) {
        size_t next = i + 1;
        line_kind k = sc.kind[i];
        if (k == LINE_DELIM || k == LINE_PIPE)
            parse_delimited(&sc, i, &next);
        else if (k == LINE_CELL)
            parse_cells(&sc, i, &next);
        else if (k == LINE_TEXT)
            parse_aligned(&sc, i, &next);
        i = next > i ? next : i + 1;
    }
    free(sc.kind);
    pcre2_match_data_free(sc.md);
    pm_buf_free(&sc.scratch);
    pm_buf_free(&sc.scratch2);
    pm_span_builder_free(&sc.spans);
    if (sc.nomem)
        return pm_fail(err, PM_ERR_NOMEM, NULL, 0, "out of memory while reading tables");
    *tables = sc.tables;
    *n_tables = sc.n_tables;
    return PM_OK;
}
