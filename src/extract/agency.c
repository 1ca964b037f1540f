/* agency.c: the agencies named in a cell, a `Cơ quan thực hiện:` value or a
 * whole sentence, with their roles.
 *
 * The text is cut into tokens (words and punctuation) that keep their byte
 * offsets; abbreviations and OCR confusions are rewritten token-wise
 * (patterns/abbreviations.tsv, patterns/ocr-fixes.tsv). Every phrase of
 * patterns/agencies.tsv lives in one hash table as a trie of its folded
 * tokens (a node is its parent node and one word), so the longest phrase at
 * a token is found by following one word at a time. Each phrase is stored
 * twice: as written (lower case) and without diacritics, the OCR fallback.
 *
 * A scan then recognises, at each token, the longest of: a lexicon agency;
 * a local government (`UBND các huyện, thị xã…`, `UBND thành phố Sóc Trăng,
 * thị xã Vĩnh Châu`, `UBND thành phố: A, B`); a department list (`các Sở:
 * Xây dựng, Tài chính`); a collective (`các sở, ban, ngành (có) liên quan`);
 * a body outside the lexicon, named from a head word (`Ban quản lý …`). The
 * result is a line of events — mentions, role markers, separators, words —
 * from which roles and actor positions are read:
 *  - a mention is an actor when nothing but list glue separates it from the
 *    start, a clause break, a role marker or an actor mention; a mention
 *    after an ordinary word (`báo cáo UBND tỉnh`, `của Bộ Chính trị`) is an
 *    object and is not returned;
 *  - `chủ trì` / `phối hợp (với)` mark the list that follows them, or, when
 *    nothing follows, the list before them; `(phối hợp)` marks the item it
 *    closes. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "extract/internal.h"
#include "text/text.h"

enum {
    MAX_ITEMS = 32,       /* agencies one recognised phrase may expand to */
    MAX_NAME_TOKENS = 16, /* longest name of a body outside the lexicon */
    MAX_PROPER_WORDS = 5, /* longest place name (`Bà Rịa - Vũng Tàu`) */
    MAX_SECTOR_WORDS = 2  /* syllables of the sector after `các doanh nghiệp` */
};

/* ---- tokens ------------------------------------------------------------- */

typedef struct tok {
    size_t start, end; /* bytes of the searched text */
    const char *text;  /* as written, or the replacement of a rewrite */
    const char *fold;  /* lower case; for punctuation its class as a string */
    const char *ascii; /* lower case without diacritics */
    uint64_t fold_hash, ascii_hash; /* word_hash of fold and ascii, for the phrase table */
    char punct;        /* 0 for a word, else , ; : . ( ) - / & + * \t or ? */
    bool upper;        /* a word that starts with a capital */
    bool digit;        /* a word that starts with a digit */
    bool plain;        /* a word written without diacritics */
    bool line_start;   /* the first token of its line */
} tok;

typedef struct toks {
    tok *v;
    size_t n, cap;
} toks;

static char punct_class(int32_t cp)
{
    switch (cp) {
    case ',': case ';': case ':': case '.': case '(': case ')': case '/': case '&':
    case '+': case '*':
        return (char)cp;
    case '\t':
        return '\t';
    case '-': case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2212:
        return '-';
    case '[': case '{':
        return '(';
    case ']': case '}':
        return ')';
    case 0x2022: case 0x25CF: case 0x25E6: case 0x2023:
        return '*';
    default:
        return '?';
    }
}

static bool is_word_cp(int32_t cp)
{
    if (cp < 0)
        return false;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return true;
    default:
        return false;
    }
}

static bool is_space_cp(int32_t cp)
{
    if (cp == '\t')
        return false;
    if (cp == ' ' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f')
        return true;
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL ||
           c == UTF8PROC_CATEGORY_ZP || c == UTF8PROC_CATEGORY_CC ||
           c == UTF8PROC_CATEGORY_CF;
}

/* The code point at s[i] (-1 for an invalid byte) and its length. */
static size_t cp_at(const char *s, size_t n, size_t i, int32_t *cp)
{
    utf8proc_ssize_t k =
        utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), cp);
    if (k < 1) {
        *cp = -1;
        return 1;
    }
    return (size_t)k;
}

/* `&` inside a word (`KH&ĐT`) and `.`/`,` between digits (`1.000`) belong
 * to the word. */
static bool joins_word(const char *s, size_t n, size_t i, int32_t cp, int32_t prev)
{
    if (cp != '&' && cp != '.' && cp != ',')
        return false;
    if (i + 1 >= n)
        return false;
    int32_t next;
    cp_at(s, n, i + 1, &next);
    if (cp == '&')
        return is_word_cp(prev) && is_word_cp(next);
    return prev >= '0' && prev <= '9' && next >= '0' && next <= '9';
}

/* FNV-1a of a token's text: computed once per token, then combined with
 * the node it follows at every lookup in the phrase table. */
static uint64_t word_hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static const char *punct_key(char c)
{
    static const char keys[] = ",\0;\0:\0.\0(\0)\0-\0/\0&\0+\0*\0\t\0?";
    const char *k = strchr(",;:.()-/&+*\t?", c);
    return keys + 2 * (k ? k - ",;:.()-/&+*\t?" : 12);
}

static bool fill_word(pm_arena *a, tok *t, const char *w, size_t len, pm_buf *scratch)
{
    t->text = pm_arena_strndup(a, w, len);
    pm_buf_reset(scratch);
    pm_fold_lower(w, len, scratch);
    t->fold = pm_arena_strndup(a, scratch->data ? scratch->data : "", scratch->len);
    size_t fold_len = scratch->len;
    pm_buf_reset(scratch);
    pm_strip_marks(t->fold ? t->fold : "", fold_len, scratch);
    t->ascii = pm_arena_strndup(a, scratch->data ? scratch->data : "", scratch->len);
    if (!t->text || !t->fold || !t->ascii || scratch->failed)
        return false;
    t->fold_hash = word_hash(t->fold);
    t->ascii_hash = word_hash(t->ascii);
    int32_t first;
    cp_at(w, len, 0, &first);
    t->upper = first >= 0 && utf8proc_isupper(first);
    t->digit = first >= '0' && first <= '9';
    t->plain = strcmp(t->fold, t->ascii) == 0;
    return true;
}

/* Cuts s into words and punctuation; spaces separate, '\n' marks a line. */
static pm_status tokenize(pm_arena *a, const char *s, size_t n, toks *out, pm_buf *scratch)
{
    bool line_start = true;
    int32_t prev = -1;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        size_t k = cp_at(s, n, i, &cp);
        if (cp >= 0 && is_space_cp(cp)) {
            line_start |= cp == '\n';
            prev = cp;
            i += k;
            continue;
        }
        tok *t = PM_PUSH(a, out->v, out->n, out->cap);
        if (!t)
            return PM_ERR_NOMEM;
        memset(t, 0, sizeof *t);
        t->start = i;
        t->line_start = line_start;
        line_start = false;
        if (!is_word_cp(cp)) {
            t->punct = punct_class(cp);
            t->end = i + k;
            t->text = pm_arena_strndup(a, s + i, k);
            t->fold = t->ascii = punct_key(t->punct);
            t->fold_hash = t->ascii_hash = word_hash(t->fold);
            if (!t->text)
                return PM_ERR_NOMEM;
            prev = cp;
            i += k;
            continue;
        }
        size_t j = i;
        while (j < n) {
            int32_t c;
            size_t kk = cp_at(s, n, j, &c);
            if (!is_word_cp(c) && !joins_word(s, n, j, c, prev))
                break;
            prev = c;
            j += kk;
        }
        t->end = j;
        if (!fill_word(a, t, s + i, j - i, scratch))
            return PM_ERR_NOMEM;
        i = j;
    }
    return PM_OK;
}

/* ---- phrase table ------------------------------------------------------ */

/* One open-addressing table for every phrase and every prefix of one: a
 * trie whose nodes are (parent node, word). Each category has two roots,
 * mode 'f' (folded) and 'a' (without diacritics); '-' tokens are left out,
 * so `Đài PT-TH` = `Đài PT TH`. */
enum { PREFIX_ONLY = -1, AMBIGUOUS = -2 };

typedef struct slot {
    const char *word;  /* NULL: a free slot */
    uint64_t hash;     /* node_hash(parent, word): most probes end on it, without a strcmp */
    uint32_t parent, node;
    int32_t value;     /* >= 0: a phrase; PREFIX_ONLY; AMBIGUOUS: two phrases fold together */
} slot;

typedef struct dict {
    slot *slots;
    size_t cap, len;
} dict;

/* The roots take the node numbers below FIRST_NODE, one per category and mode. */
enum { FIRST_NODE = 512 };

static uint32_t root_node(char cat, char mode)
{
    return (uint32_t)(unsigned char)cat << 1 | (mode == 'a');
}

enum category {
    CAT_AGENCY = 'A',  /* value: entry */
    CAT_DEPT = 'D',    /* a department name without its `Sở`; value: entry */
    CAT_REWRITE = 'R', /* abbreviation; value: rewrite */
    CAT_OCR = 'O',     /* OCR confusion; value: rewrite */
    CAT_LEVEL = 'L',   /* unit of local government; value: entry of its level */
    CAT_GROUP = 'G',   /* value: entry */
    CAT_MEMBER = 'M',
    CAT_RELATED = 'Q', /* value: entry */
    CAT_SCOPE = 'S',
    CAT_GOV = 'V',
    CAT_DEPT_HEAD = 'P',
    CAT_HEAD = 'H',
    CAT_SECTOR = 'T',
    CAT_NOT_HEAD = 'N',
    CAT_STOP = 'X',
    CAT_ROLE = 'K',    /* value: a pm_role, or ROLE_ACTOR */
    CAT_GLUE = 'U'
};

enum { ROLE_ACTOR = 16 };

/* The hash of a node from its parent and its word's word_hash, mixed so
 * that the low bits (the table index) depend on both. */
static uint64_t node_hash(uint32_t parent, uint64_t word)
{
    uint64_t h = word ^ (parent * 0x9E3779B97F4A7C15u);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9u;
    return h ^ h >> 32;
}

/* The slot of the node (parent, word), or the free slot where it belongs. */
static slot *dict_slot(const dict *d, uint32_t parent, const char *word, uint64_t hash)
{
    for (size_t i = hash & (d->cap - 1);; i = (i + 1) & (d->cap - 1)) {
        slot *s = &d->slots[i];
        if (!s->word ||
            (s->hash == hash && s->parent == parent && strcmp(s->word, word) == 0))
            return s;
    }
}

/* The node (parent, word), NULL when no phrase goes on that way. */
static const slot *dict_get(const dict *d, uint32_t parent, const char *word, uint64_t word_h)
{
    if (!d->cap)
        return NULL;
    const slot *s = dict_slot(d, parent, word, node_hash(parent, word_h));
    return s->word ? s : NULL;
}

static bool dict_grow(dict *d)
{
    size_t cap = d->cap ? d->cap * 2 : 1024;
    slot *old = d->slots;
    size_t old_cap = d->cap;
    d->slots = calloc(cap, sizeof *d->slots);
    if (!d->slots) {
        d->slots = old;
        return false;
    }
    d->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].word)
            *dict_slot(d, old[i].parent, old[i].word, old[i].hash) = old[i];
    free(old);
    return true;
}

/* Adds the node (parent, word) -> value; *node gets its number. A phrase
 * that two entries share is an error in the data; without diacritics
 * (`loose`) it is only ambiguous (and not matched). */
static pm_status dict_put(dict *d, pm_arena *a, uint32_t parent, const char *word,
                          uint64_t word_h, bool loose, int32_t value, uint32_t *node,
                          bool *clash)
{
    if ((d->len + 1) * 2 > d->cap && !dict_grow(d))
        return PM_ERR_NOMEM;
    uint64_t hash = node_hash(parent, word_h);
    slot *s = dict_slot(d, parent, word, hash);
    if (!s->word) {
        if (!(s->word = pm_arena_strdup(a, word)))
            return PM_ERR_NOMEM;
        s->hash = hash;
        s->parent = parent;
        s->node = FIRST_NODE + (uint32_t)d->len++;
        s->value = value;
        *node = s->node;
        return PM_OK;
    }
    *node = s->node;
    if (value == PREFIX_ONLY || s->value == value || s->value == AMBIGUOUS)
        return PM_OK;
    if (s->value == PREFIX_ONLY)
        s->value = value;
    else if (loose)
        s->value = AMBIGUOUS;
    else
        *clash = true;
    return PM_OK;
}

/* ---- the lexicon ---------------------------------------------------------- */

typedef struct entry {
    const char *id;   /* NULL: a `body`, named by its text as written */
    const char *name; /* canonical */
} lex_entry;

typedef struct rewrite {
    tok *to;
    size_t n;
} rewrite;

/* A department name as words without diacritics, for OCR-damaged names
 * (`Sở tài và Môi trường`). */
typedef struct dept_form {
    const char **words;
    size_t n;
    int32_t entry;
} dept_form;

struct pm_agency_lexicon {
    pm_arena arena;
    dict phrases;
    lex_entry *entries;
    size_t n_entries, cap_entries;
    rewrite *rewrites;
    size_t n_rewrites, cap_rewrites;
    dept_form *depts;
    size_t n_depts, cap_depts;
    int32_t related; /* the entry of `… liên quan` collectives, -1 if none */
};

/* Longest phrase of a category at t[i]: tokens consumed (0 = none). With
 * `reached_end`, also whether every token to the end of the text is a
 * prefix of some phrase (a cell cut off mid-name: `UBND các huyện, thị xã,
 * thành`). */
typedef struct hit {
    size_t len;
    int32_t value;
    bool reached_end;
} hit;

static hit walk(const dict *d, char cat, char mode, const tok *t, size_t n, size_t i)
{
    hit best = {0, PREFIX_ONLY, false};
    uint32_t node = root_node(cat, mode);
    size_t words = 0;
    bool plain = true, all = true;
    for (size_t j = i; j < n; j++) {
        if (t[j].punct == '-') {
            if (j == i)
                break;
            continue;
        }
        const slot *s = mode == 'f' ? dict_get(d, node, t[j].fold, t[j].fold_hash)
                                    : dict_get(d, node, t[j].ascii, t[j].ascii_hash);
        if (!s) {
            all = false;
            break;
        }
        node = s->node;
        if (!t[j].punct) {
            words++;
            plain &= t[j].plain;
        }
        /* Without diacritics one word is too weak a match (`số` is not
         * `sở`) unless it was written without any. */
        if (s->value >= 0 && (mode == 'f' || words >= 2 || plain))
            best = (hit){j + 1 - i, s->value, false};
    }
    best.reached_end = all && i < n && t[i].punct != '-';
    return best;
}

typedef struct scan {
    const struct pm_agency_lexicon *lex;
    const tok *t;
    size_t n;
} scan;

static hit find(const scan *c, char cat, size_t i, bool fold_marks)
{
    if (i >= c->n)
        return (hit){0, PREFIX_ONLY, false};
    hit exact = walk(&c->lex->phrases, cat, 'f', c->t, c->n, i);
    if (!fold_marks)
        return exact;
    hit loose = walk(&c->lex->phrases, cat, 'a', c->t, c->n, i);
    hit best = loose.len > exact.len ? loose : exact;
    best.reached_end = exact.reached_end || loose.reached_end;
    return best;
}

static size_t find_len(const scan *c, char cat, size_t i)
{
    return find(c, cat, i, true).len;
}

static bool is_fold(const scan *c, size_t i, const char *word)
{
    return i < c->n && strcmp(c->t[i].fold, word) == 0;
}

static bool is_punct(const scan *c, size_t i, char p)
{
    return i < c->n && c->t[i].punct == p;
}

/* Applies OCR fixes and abbreviations, longest first, into out. */
static pm_status apply_rewrites(const struct pm_agency_lexicon *lex, pm_arena *a, const toks *in,
                                toks *out)
{
    scan c = {lex, in->v, in->n};
    for (size_t i = 0; i < in->n;) {
        hit ocr = find(&c, CAT_OCR, i, false);
        hit abbr = find(&c, CAT_REWRITE, i, true);
        hit h = ocr.len >= abbr.len ? ocr : abbr;
        if (!h.len) {
            tok *t = PM_PUSH(a, out->v, out->n, out->cap);
            if (!t)
                return PM_ERR_NOMEM;
            *t = in->v[i++];
            continue;
        }
        const rewrite *r = &lex->rewrites[h.value];
        for (size_t k = 0; k < r->n; k++) {
            tok *t = PM_PUSH(a, out->v, out->n, out->cap);
            if (!t)
                return PM_ERR_NOMEM;
            *t = r->to[k];
            t->start = in->v[i].start;
            t->end = in->v[i + h.len - 1].end;
            t->line_start = k == 0 && in->v[i].line_start;
        }
        i += h.len;
    }
    return PM_OK;
}

/* ---- loading ---------------------------------------------------------------- */

typedef struct loader {
    struct pm_agency_lexicon *lex;
    const pm_patterns *patterns;
    const pm_tsv *table;
    const pm_tsv_row *row;
    pm_buf scratch;
    pm_error *err;
} loader;

static pm_status load_fail(loader *ld, pm_status st, const char *msg, const char *field)
{
    if (st == PM_ERR_NOMEM)
        return pm_fail(ld->err, st, ld->table->path, ld->row->line, "out of memory");
    return pm_fail(ld->err, st, ld->table->path, ld->row->line, "%s: '%s'", msg, field);
}

static pm_status tokens_of(loader *ld, const char *text, bool rewritten, toks *out)
{
    toks raw = {0};
    pm_status st = tokenize(&ld->lex->arena, text, strlen(text), &raw, &ld->scratch);
    if (st != PM_OK || !rewritten) {
        *out = raw;
        return st;
    }
    *out = (toks){0};
    return apply_rewrites(ld->lex, &ld->lex->arena, &raw, out);
}

static bool has_words(const toks *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].punct != '-')
            return true;
    return false;
}

/* Inserts a phrase (and all its prefixes) as written and without diacritics. */
static pm_status add_tokens(loader *ld, char cat, const toks *t, int32_t value, bool fold_marks,
                            const char *field)
{
    if (!has_words(t))
        return load_fail(ld, PM_ERR_PATTERN, "empty phrase", field);
    for (int m = 0; m < (fold_marks ? 2 : 1); m++) {
        uint32_t node = root_node(cat, m ? 'a' : 'f');
        size_t last = t->n;
        while (last > 0 && t->v[last - 1].punct == '-')
            last--;
        for (size_t i = 0; i < last; i++) {
            const tok *w = &t->v[i];
            if (w->punct == '-')
                continue;
            bool clash = false;
            pm_status st = dict_put(&ld->lex->phrases, &ld->lex->arena, node,
                                    m ? w->ascii : w->fold, m ? w->ascii_hash : w->fold_hash,
                                    m == 1, i + 1 == last ? value : PREFIX_ONLY, &node, &clash);
            if (st != PM_OK)
                return load_fail(ld, st, "", field);
            if (clash)
                return load_fail(ld, PM_ERR_PATTERN, "phrase listed for two entries", field);
        }
    }
    return PM_OK;
}

static pm_status add_phrase(loader *ld, char cat, const char *text, int32_t value)
{
    toks t;
    pm_status st = tokens_of(ld, text, true, &t);
    return st != PM_OK ? load_fail(ld, st, "", text) : add_tokens(ld, cat, &t, value, true, text);
}

static pm_status add_entry(loader *ld, const char *id, const char *name, int32_t *index)
{
    for (const char *p = id; p && *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return load_fail(ld, PM_ERR_PATTERN, "an id is a slug of [a-z0-9-]", id);
    struct pm_agency_lexicon *lex = ld->lex;
    lex_entry *e = PM_PUSH(&lex->arena, lex->entries, lex->n_entries, lex->cap_entries);
    if (!e)
        return load_fail(ld, PM_ERR_NOMEM, "", id);
    e->id = id;
    e->name = name;
    *index = (int32_t)(lex->n_entries - 1);
    return PM_OK;
}

/* A department (`Sở Xây dựng`) is also listed without its head word, for
 * `các Sở: Xây dựng, Tài chính`, and kept as words for fuzzy matching. */
static pm_status add_dept(loader *ld, const char *form, int32_t e)
{
    toks t;
    pm_status st = tokens_of(ld, form, true, &t);
    if (st != PM_OK)
        return load_fail(ld, st, "", form);
    scan c = {ld->lex, t.v, t.n};
    size_t head = find(&c, CAT_DEPT_HEAD, 0, false).len;
    if (!head || head >= t.n)
        return PM_OK;
    toks rest = {t.v + head, t.n - head, 0};
    if ((st = add_tokens(ld, CAT_DEPT, &rest, e, true, form)) != PM_OK)
        return st;
    struct pm_agency_lexicon *lex = ld->lex;
    dept_form *d = PM_PUSH(&lex->arena, lex->depts, lex->n_depts, lex->cap_depts);
    if (!d || !(d->words = pm_arena_alloc(&lex->arena, rest.n * sizeof *d->words)))
        return load_fail(ld, PM_ERR_NOMEM, "", form);
    d->n = 0;
    d->entry = e;
    for (size_t i = 0; i < rest.n; i++)
        if (!rest.v[i].punct)
            d->words[d->n++] = rest.v[i].ascii;
    return PM_OK;
}


/* abbreviations.tsv and ocr-fixes.tsv: variant<TAB>replacement. OCR fixes
 * differ from the words they fix only in diacritics, so they match exactly. */
static pm_status load_rewrites(loader *ld, const char *table_name, char cat, bool fold_marks)
{
    const pm_tsv *tab = pm_patterns_table(ld->patterns, table_name, ld->err);
    if (!tab)
        return PM_ERR_PATTERN;
    ld->table = tab;
    struct pm_agency_lexicon *lex = ld->lex;
    for (size_t r = 0; r < tab->n_rows; r++) {
        ld->row = &tab->rows[r];
        const char **f = ld->row->fields;
        if (ld->row->n_fields != 2)
            return load_fail(ld, PM_ERR_PATTERN, "expected 'variant<TAB>replacement'", f[0]);
        toks from, to;
        pm_status st = tokens_of(ld, f[0], false, &from);
        if (st == PM_OK)
            st = tokens_of(ld, f[1], false, &to);
        if (st != PM_OK)
            return load_fail(ld, st, "", f[0]);
        if (!has_words(&to))
            return load_fail(ld, PM_ERR_PATTERN, "empty replacement", f[0]);
        rewrite *rw = PM_PUSH(&lex->arena, lex->rewrites, lex->n_rewrites, lex->cap_rewrites);
        if (!rw)
            return load_fail(ld, PM_ERR_NOMEM, "", f[0]);
        rw->to = to.v;
        rw->n = to.n;
        st = add_tokens(ld, cat, &from, (int32_t)(lex->n_rewrites - 1), fold_marks, f[0]);
        if (st != PM_OK)
            return st;
    }
    return PM_OK;
}

static const struct row_kind {
    const char *kind;
    char cat;
    bool has_entry; /* ID and CANONICAL NAME come first */
} row_kinds[] = {
    {"agency", CAT_AGENCY, true},  {"body", CAT_AGENCY, false},
    {"level", CAT_LEVEL, true},
    {"group", CAT_GROUP, true},    {"related", CAT_RELATED, true},
    {"member", CAT_MEMBER, false}, {"scope", CAT_SCOPE, false},
    {"gov", CAT_GOV, false},       {"dept", CAT_DEPT_HEAD, false},
    {"head", CAT_HEAD, false},     {"nothead", CAT_NOT_HEAD, false},
    {"sector", CAT_SECTOR, false},
    {"stop", CAT_STOP, false},     {"glue", CAT_GLUE, false},
    {"role", CAT_ROLE, false},
};

static pm_status load_row(loader *ld, const struct row_kind *kind)
{
    const char **f = ld->row->fields;
    size_t n = ld->row->n_fields, first = 1;
    int32_t value = 0;
    if (kind->has_entry) {
        bool agency = kind->cat == CAT_AGENCY;
        if (n < (agency ? 3u : 4u))
            return load_fail(ld, PM_ERR_PATTERN, "expected 'kind<TAB>id<TAB>name<TAB>form…'", f[0]);
        pm_status st = add_entry(ld, f[1], f[2], &value);
        if (st != PM_OK)
            return st;
        first = agency ? 2 : 3;
        if (kind->cat == CAT_RELATED)
            ld->lex->related = value;
    } else if (kind->cat == CAT_AGENCY) { /* a body: no id of its own */
        if (n < 2)
            return load_fail(ld, PM_ERR_PATTERN, "expected 'body<TAB>form…'", f[0]);
        pm_status st = add_entry(ld, NULL, f[1], &value);
        if (st != PM_OK)
            return st;
    } else if (kind->cat == CAT_ROLE) {
        static const char *const roles[] = {"lead", "support", "actor"};
        static const int32_t codes[] = {PM_ROLE_LEAD, PM_ROLE_SUPPORT, ROLE_ACTOR};
        value = -1;
        for (size_t r = 0; n > 1 && r < 3; r++)
            if (strcmp(f[1], roles[r]) == 0)
                value = codes[r];
        if (value < 0 || n < 3)
            return load_fail(ld, PM_ERR_PATTERN, "expected 'role<TAB>lead|support|actor<TAB>form…'",
                             n > 1 ? f[1] : f[0]);
        first = 2;
    } else if (n < 2) {
        return load_fail(ld, PM_ERR_PATTERN, "expected at least one form", f[0]);
    }
    for (size_t i = first; i < n; i++) {
        if (!*f[i])
            continue;
        pm_status st = add_phrase(ld, kind->cat, f[i], value);
        if (st == PM_OK && kind->cat == CAT_AGENCY)
            st = add_dept(ld, f[i], value);
        if (st != PM_OK)
            return st;
    }
    return PM_OK;
}

static pm_status load_agencies(loader *ld)
{
    const pm_tsv *tab = pm_patterns_table(ld->patterns, "agencies", ld->err);
    if (!tab)
        return PM_ERR_PATTERN;
    ld->table = tab;
    /* The vocabulary first: department names are found by their head word,
     * whatever the order of the rows. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t r = 0; r < tab->n_rows; r++) {
            ld->row = &tab->rows[r];
            const struct row_kind *kind = NULL;
            for (size_t k = 0; k < sizeof row_kinds / sizeof *row_kinds; k++)
                if (strcmp(ld->row->fields[0], row_kinds[k].kind) == 0)
                    kind = &row_kinds[k];
            if (!kind)
                return load_fail(ld, PM_ERR_PATTERN, "unknown kind", ld->row->fields[0]);
            if ((kind->cat == CAT_AGENCY) != (pass == 1))
                continue;
            pm_status st = load_row(ld, kind);
            if (st != PM_OK)
                return st;
        }
    }
    return PM_OK;
}

pm_status pm_agency_init(pm_extractor *x, pm_error *err)
{
    struct pm_agency_lexicon *lex = calloc(1, sizeof *lex);
    if (!lex)
        return pm_fail(err, PM_ERR_NOMEM, "agencies.tsv", 0, "out of memory");
    pm_arena_init(&lex->arena);
    lex->related = -1;
    loader ld = {.lex = lex, .patterns = x->patterns, .err = err};
    pm_status st = load_rewrites(&ld, "ocr-fixes", CAT_OCR, false);
    if (st == PM_OK)
        st = load_rewrites(&ld, "abbreviations", CAT_REWRITE, true);
    if (st == PM_OK)
        st = load_agencies(&ld);
    pm_buf_free(&ld.scratch);
    x->agency = lex;
    if (st != PM_OK)
        pm_agency_free(x);
    return st;
}

void pm_agency_free(pm_extractor *x)
{
    if (!x || !x->agency)
        return;
    free(x->agency->phrases.slots);
    pm_arena_free(&x->agency->arena);
    free(x->agency);
    x->agency = NULL;
}

/* ---- recognising agencies ---------------------------------------------------- */

typedef struct item {
    size_t t0, t1;    /* tokens as written */
    int32_t entry;    /* lexicon entry, or -1 for a built name */
    const char *name; /* when entry < 0 */
} item;

/* What one recogniser found at a token: items and the token after them. */
typedef struct cand {
    size_t end;
    item items[MAX_ITEMS];
    size_t n;
} cand;

static void add_item(cand *k, size_t t0, size_t t1, int32_t entry, const char *name)
{
    if (k->n < MAX_ITEMS)
        k->items[k->n++] = (item){t0, t1, entry, name};
    if (t1 > k->end)
        k->end = t1;
}

/* The word at i without its diacritics is `word`: the function words of
 * collectives (`các`, `cấp`) are matched so, like the lexicon, since OCR
 * drops marks (`UBND cac huyện, thị xa`). */
static bool is_ascii(const scan *c, size_t i, const char *word)
{
    return i < c->n && strcmp(c->t[i].ascii, word) == 0;
}

static bool is_list_sep(const scan *c, size_t i)
{
    return is_punct(c, i, ',') || is_punct(c, i, '/') || is_fold(c, i, "và");
}

/* A word that begins something other than a name: an agency, a local
 * government, a role marker, a verb. */
static bool starts_other(const scan *c, size_t j)
{
    return find_len(c, CAT_AGENCY, j) || find_len(c, CAT_GOV, j) || find_len(c, CAT_ROLE, j) ||
           find_len(c, CAT_STOP, j);
}

/* starts_other for a word of a place name: a function word matches it only
 * as written, since a capitalised syllable without marks is a name (`La Gi`
 * is not `là`). */
static bool starts_other_name(const scan *c, size_t j)
{
    return find_len(c, CAT_AGENCY, j) || find_len(c, CAT_GOV, j) || find_len(c, CAT_ROLE, j) ||
           find(c, CAT_STOP, j, false).len;
}

/* A place name after a body (`tỉnh Thái Nguyên`, `thành phố Sóc Trăng`):
 * capitalised words or numbers. Returns its length in tokens. */
static size_t proper_name(const scan *c, size_t j)
{
    size_t k = j, end = j, words = 0;
    while (k < c->n && words < MAX_PROPER_WORDS) {
        const tok *t = &c->t[k];
        if (t->punct == '-' && words && !t->line_start) {
            k++;
            continue;
        }
        if (t->punct || !(t->upper || t->digit) || starts_other_name(c, k))
            break;
        end = ++k;
        words++;
    }
    return end - j;
}

/* The text of tokens [from, to) as written, spaced as prose. */
static void join_tokens(const scan *c, size_t from, size_t to, pm_buf *out)
{
    for (size_t i = from; i < to; i++) {
        char p = c->t[i].punct;
        bool attach = i == from || (p && strchr(",;:.)", p)) || (i > from && c->t[i - 1].punct == '(');
        if (!attach)
            pm_buf_putc(out, ' ');
        pm_buf_puts(out, p == '-' ? "-" : c->t[i].text);
    }
}

static const char *built_name(pm_arena *a, pm_buf *buf)
{
    return buf->failed ? NULL : pm_arena_strndup(a, buf->data ? buf->data : "", buf->len);
}

/* `UBND thành phố Sóc Trăng, thị xã Vĩnh Châu` and `UBND thành phố: A, B`:
 * one government per name, of its own unit or of the last one named. */
static void named_governments(const scan *c, pm_arena *sa, pm_buf *buf, size_t gov,
                              size_t unit, size_t unit_len, size_t at, bool names_only,
                              cand *k)
{
    size_t t0 = gov;
    for (;;) {
        size_t len = proper_name(c, at);
        if (!len)
            return;
        pm_buf_reset(buf);
        pm_buf_puts(buf, c->t[gov].text);
        for (size_t u = unit; u < unit + unit_len; u++) {
            pm_buf_putc(buf, ' ');
            pm_buf_puts(buf, c->t[u].fold);
        }
        pm_buf_putc(buf, ' ');
        join_tokens(c, at, at + len, buf);
        const char *name = built_name(sa, buf);
        if (name)
            add_item(k, t0, at + len, -1, name);
        size_t s = at + len;
        if (!is_punct(c, s, ',') && !is_fold(c, s, "và"))
            return;
        t0 = at = s + 1;
        hit u = find(c, CAT_LEVEL, at, true);
        if (u.len) {
            unit = at;
            unit_len = u.len;
            at += u.len;
        } else if (!names_only) {
            return;
        }
    }
}

/* Local governments: `UBND tỉnh` is in the lexicon; here `UBND các huyện,
 * thị xã, thành phố`, `UBND cấp xã`, `UBND thành phố Sóc Trăng`, `UBND các
 * thành phố: Thái Nguyên, Sông Công`, and `UBND thành phố` unnamed. */
static void rec_government(const scan *c, pm_arena *sa, pm_buf *buf, size_t i, cand *k)
{
    size_t j = i + find_len(c, CAT_GOV, i);
    if (j == i)
        return;
    bool plural = is_ascii(c, j, "cac"), level = !plural && is_ascii(c, j, "cap");
    j += plural || level;
    hit u = find(c, CAT_LEVEL, j, true);
    if (!u.len)
        return;
    size_t unit = j;
    j += u.len;
    if (level) {
        add_item(k, i, j, u.value, NULL);
        return;
    }
    bool colon = is_punct(c, j, ':');
    if (proper_name(c, j + colon)) {
        named_governments(c, sa, buf, i, unit, u.len, j + colon, colon || plural, k);
        return;
    }
    int32_t lvl = u.value; /* levels are listed from the higher */
    size_t units = 1;
    while (is_list_sep(c, j)) {
        hit v = find(c, CAT_LEVEL, j + 1, true);
        if (v.len) {
            j += 1 + v.len;
            units++;
            lvl = v.value < lvl ? v.value : lvl;
            continue;
        }
        if (v.reached_end) { /* a cell cut off mid-word */
            j = c->n;
            units++;
        }
        break;
    }
    if (!plural && units == 1) { /* one government the text does not name */
        pm_buf_reset(buf);
        pm_buf_puts(buf, c->t[i].text);
        for (size_t w = unit; w < j; w++) {
            pm_buf_putc(buf, ' ');
            pm_buf_puts(buf, c->t[w].fold);
        }
        const char *name = built_name(sa, buf);
        if (name)
            add_item(k, i, j, -1, name);
        return;
    }
    add_item(k, i, j + proper_name(c, j), lvl, NULL);
}

/* A lexicon agency, with the place name written after it (`UBND tỉnh Thái
 * Nguyên`, `Công ty Điện lực Lạng Sơn`). */
static void rec_lexicon(const scan *c, size_t i, cand *k)
{
    hit h = find(c, CAT_AGENCY, i, true);
    if (h.len)
        add_item(k, i, i + h.len + proper_name(c, i + h.len), h.value, NULL);
}

/* `các Sở: Xây dựng, Kế hoạch và Đầu tư` (or `các Sở Xây dựng, Tài chính`):
 * one department per name; `Sở Xây dựng` alone is the lexicon's. */
static void rec_departments(const scan *c, size_t i, cand *k)
{
    size_t j = i;
    bool plural = is_ascii(c, j, "cac");
    j += plural;
    size_t head = find(c, CAT_DEPT_HEAD, j, false).len;
    if (!head)
        return;
    j += head;
    bool colon = is_punct(c, j, ':');
    j += colon;
    if (!plural && !colon)
        return;
    for (;;) {
        hit d = find(c, CAT_DEPT, j, true);
        if (!d.len)
            return;
        add_item(k, j, j + d.len, d.value, NULL);
        j += d.len;
        if (!(is_list_sep(c, j) || is_punct(c, j, ';')) || !find_len(c, CAT_DEPT, j + 1))
            return;
        j++;
    }
}

/* `các sở, ban, ngành (tỉnh)`, `các cơ quan, đơn vị (có) liên quan`: a list
 * of collective words, at least one of the group's own unless `liên quan`
 * follows; a cell cut off inside `có liên quan` still counts. */
static void rec_collective(const scan *c, size_t i, cand *k)
{
    size_t j = i, items = 0;
    bool plural = is_ascii(c, j, "cac"), core = false;
    int32_t group = -1;
    j += plural;
    for (;;) {
        hit g = find(c, CAT_GROUP, j, true), m = find(c, CAT_MEMBER, j, true);
        if (!g.len && !m.len)
            break;
        if (g.len >= m.len) {
            core = true;
            group = g.value;
        }
        j += g.len >= m.len ? g.len : m.len;
        items++;
        if (!is_list_sep(c, j))
            break;
        size_t next = j + 1 + is_ascii(c, j + 1, "cac");
        if (!find_len(c, CAT_GROUP, next) && !find_len(c, CAT_MEMBER, next))
            break;
        j = next;
    }
    if (!items)
        return;
    j += find_len(c, CAT_SCOPE, j);
    hit r = find(c, CAT_RELATED, j, true);
    int32_t e = -1;
    if (r.len) {
        e = r.value;
        j += r.len;
    } else if (r.reached_end) {
        e = c->lex->related;
        j = c->n;
    } else if (core && (plural || items >= 2)) {
        e = group;
    }
    if (e < 0)
        return;
    if (is_ascii(c, j - 1, "tinh"))
        j += proper_name(c, j);
    add_item(k, i, j, e, NULL);
}

/* Word-level edit distance, for a department name missing or changing a word. */
static size_t word_distance(const char *const *a, size_t na, const char *const *b, size_t nb)
{
    size_t row[MAX_NAME_TOKENS + 1];
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (strcmp(a[i - 1], b[j - 1]) != 0);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

/* The department an OCR-damaged name means (`Sở tài và Môi trường`): the
 * only one of three words or more within one word of it. */
static int32_t fuzzy_department(const scan *c, size_t from, size_t to)
{
    const char *words[MAX_NAME_TOKENS];
    size_t n = 0;
    for (size_t i = from; i < to && n < MAX_NAME_TOKENS; i++)
        if (!c->t[i].punct)
            words[n++] = c->t[i].ascii;
    int32_t best = -1;
    size_t best_distance = 2;
    bool unique = false;
    for (size_t d = 0; n >= 2 && d < c->lex->n_depts; d++) {
        const dept_form *f = &c->lex->depts[d];
        if (f->n < 3 || f->n > MAX_NAME_TOKENS)
            continue;
        size_t dist = word_distance(words, n, f->words, f->n);
        if (dist < best_distance) {
            best_distance = dist;
            best = f->entry;
            unique = true;
        } else if (dist == best_distance && f->entry != best) {
            unique = false;
        }
    }
    return unique ? best : -1;
}

/* `các huyện, thị xã, thành phố` at token j: units of local government,
 * two or more joined by list separators, `các` before them or not. Its
 * length in tokens, 0 if there is none. */
static size_t place_list(const scan *c, size_t j)
{
    size_t k = j + is_ascii(c, j, "cac"), end = j, units = 0;
    for (;;) {
        hit u = find(c, CAT_LEVEL, k, true);
        if (!u.len)
            break;
        units++;
        end = k += u.len;
        if (!is_list_sep(c, k))
            break;
        k++;
    }
    return units >= 2 ? end - j : 0;
}

/* Does a name go on at token j? A capitalised word does; so does ` - ` and
 * a capitalised word that starts no agency of its own: a merged department
 * (`Sở Giao thông vận tải - Xây dựng`), not a list (`Sở Y tế - Công an tỉnh`). */
static bool continues_name(const scan *c, size_t j)
{
    const tok *t = c->t;
    if (j < c->n && t[j].punct == '-' && !t[j].line_start)
        j++;
    else if (j < c->n && t[j].punct)
        return false;
    return j < c->n && t[j].upper && !t[j].punct && !t[j].line_start && !starts_other(c, j);
}

/* A word that may go on a body's name after `và` or a comma: capitalised,
 * on the same line, opening no agency and no body of its own. */
static bool name_word(const scan *c, size_t j)
{
    const tok *t = c->t;
    return j < c->n && t[j].upper && !t[j].punct && !t[j].line_start && !starts_other(c, j) &&
           !find_len(c, CAT_HEAD, j);
}

/* Does the comma at j inside the name that starts at i enumerate parts of
 * it: a name word follows, and `và` joins the parts, before the comma
 * (`Báo và Phát thanh, Truyền hình …`) or after it, ahead of the next
 * punctuation (`Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh`)? */
static bool comma_continues(const scan *c, size_t i, size_t j)
{
    if (!name_word(c, j + 1))
        return false;
    for (size_t k = i; k < j; k++)
        if (is_fold(c, k, "và"))
            return true;
    for (size_t k = j + 2; k < c->n && k < i + MAX_NAME_TOKENS && !c->t[k].punct; k++) {
        if (starts_other(c, k))
            return false;
        if (is_fold(c, k, "và"))
            return name_word(c, k + 1);
    }
    return false;
}

/* A body outside the lexicon: a capitalised head word (`Ban quản lý`,
 * `Báo`, `Văn phòng`) and the words of its name, up to a verb, a role
 * marker, punctuation or another agency. `và` continues the name only
 * before a capitalised word (`… Dung Quất và các Khu công nghiệp …`).
 * Where a name is complete, lower-case words start what the sentence says
 * of it: after a lexicon name (`Sở Xây dựng tổ chức lập …`) and after
 * `tỉnh` (`Ban Quản lý Khu kinh tế tỉnh tổ chức …`) only a capitalised
 * place name may follow, and the lexicon recogniser reads that one. A list
 * of places ends the name and belongs to it (`Trung tâm Y tế các huyện, thị
 * xã, thành phố`): its commas do not cut it. */
static void rec_head(const scan *c, pm_arena *sa, pm_buf *buf, size_t i, cand *k)
{
    const tok *t = c->t;
    size_t head = find_len(c, CAT_HEAD, i);
    if (!t[i].upper || !head || find_len(c, CAT_NOT_HEAD, i) >= head)
        return;
    size_t known = find_len(c, CAT_AGENCY, i);
    if (known && !continues_name(c, i + known))
        return;
    /* a known name is read whole (`Sở Giao thông …`: not the verb `giao`) */
    size_t first = known ? i + known : i + head, j = first, end = j;
    while (j < c->n && j - i < MAX_NAME_TOKENS) {
        if (is_ascii(c, j - 1, "tinh") && !t[j].upper)
            break;
        if (t[j].punct == '-' && !t[j].line_start) {
            j++;
            continue;
        }
        size_t places = place_list(c, j);
        if (places) {
            end = j + places;
            break;
        }
        if (is_punct(c, j, ',') && comma_continues(c, i, j)) {
            j++;
            continue;
        }
        if (t[j].punct)
            break;
        if (strcmp(t[j].fold, "và") == 0) {
            size_t next = j + 1 + is_ascii(c, j + 1, "cac");
            if (next < c->n && t[next].upper && !t[next].punct && !starts_other(c, next) &&
                !find_len(c, CAT_HEAD, next)) {
                j = next;
                continue;
            }
            break;
        }
        if (starts_other(c, j))
            break;
        /* after a known name, another department's name (`- Xây dựng`) or
         * capitalised words go on naming it; a lower-case word is the verb */
        size_t dept = known ? find_len(c, CAT_DEPT, j) : 0;
        if (known && !dept && !t[j].upper)
            break;
        end = j += dept ? dept : 1;
    }
    if (end == first)
        return;
    if (find(c, CAT_DEPT_HEAD, i, false).len == head) {
        int32_t e = fuzzy_department(c, i + head, end);
        if (e >= 0) {
            add_item(k, i, end, e, NULL);
            return;
        }
    }
    pm_buf_reset(buf);
    join_tokens(c, i, end, buf);
    const char *name = built_name(sa, buf);
    if (name)
        add_item(k, i, end, -1, name);
}

/* ---- roles and actors -------------------------------------------------------- */

typedef enum ev_kind {
    EV_MENTION, EV_MARKER,
    EV_COMMA, EV_AND, EV_GLUE, EV_DASH,      /* list glue */
    EV_SEMI, EV_BULLET, EV_COLON, EV_OPEN, EV_CLOSE, EV_BREAK, /* clauses */
    EV_WORD
} ev_kind;

typedef struct event {
    ev_kind kind;
    int32_t role;   /* EV_MARKER: a pm_role or ROLE_ACTOR */
    size_t mention; /* EV_MENTION */
} event;

typedef struct draft {
    item it;
    bool actor;
    int32_t marked; /* role given by a marker, -1 none */
} draft;

typedef struct line {
    event *ev;
    size_t n_ev, cap_ev;
    draft *m;
    size_t n_m, cap_m;
} line;

static bool is_glue(ev_kind k)
{
    return k == EV_COMMA || k == EV_AND || k == EV_GLUE || k == EV_DASH;
}

static ev_kind punct_event(const tok *t)
{
    switch (t->punct) {
    case ',': return EV_COMMA;
    case ';': return EV_SEMI;
    case ':': return EV_COLON;
    case '(': return EV_OPEN;
    case ')': return EV_CLOSE;
    case '/': case '&': return EV_GLUE;
    case '-': return t->line_start ? EV_BULLET : EV_DASH;
    case '+': case '*': return t->line_start ? EV_BULLET : EV_BREAK;
    default: return EV_BREAK;
    }
}

/* Gives a mention a marker's role (the stronger of two); a marker before a
 * mention also makes it an actor, one after it does not (`cho UBND tỉnh
 * phối hợp với …` keeps UBND tỉnh an object). */
static void mark(line *l, size_t mention, int32_t role, bool actor)
{
    draft *d = &l->m[mention];
    d->actor |= actor;
    if (d->marked < 0 || role < d->marked)
        d->marked = role;
}

/* Marks the mentions of the list before event `from`. A bare trailing
 * `phối hợp` marks only the last `và`-joined member (`UBND các huyện và cơ
 * quan liên quan phối hợp thực hiện`). */
static void mark_back(line *l, size_t from, int32_t role, bool stop_at_and)
{
    for (size_t p = from; p > 0; p--) {
        const event *e = &l->ev[p - 1];
        if (e->kind == EV_MENTION)
            mark(l, e->mention, role, false);
        else if (e->kind == EV_DASH || !is_glue(e->kind) || (stop_at_and && e->kind == EV_AND))
            return;
    }
}

/* Marks the list after a marker, across `;` and bullets, and through a parenthesis that
 * interrupts it (`phối hợp với Sở Tài chính (trên cơ sở đề xuất của Sở Xây
 * dựng, UBND …)`). Returns how many mentions it marked. */
static size_t mark_forward(line *l, size_t m, int32_t role)
{
    size_t q = m + 1, found = 0, depth = 0;
    if (q < l->n_ev && l->ev[q].kind == EV_COLON)
        q++;
    for (; q < l->n_ev; q++) {
        const event *e = &l->ev[q];
        if (depth) {
            depth += e->kind == EV_OPEN;
            depth -= e->kind == EV_CLOSE;
            if (e->kind == EV_MENTION)
                mark(l, e->mention, role, true);
            continue;
        }
        if (e->kind == EV_MENTION) {
            mark(l, e->mention, role, true);
            found++;
        } else if (e->kind == EV_OPEN && found) {
            depth = 1;
        } else if (!is_glue(e->kind) && e->kind != EV_SEMI && e->kind != EV_BULLET) {
            break;
        }
    }
    return found;
}

static void assign_roles(line *l)
{
    for (size_t e = 0; e < l->n_ev; e++) {
        if (l->ev[e].kind != EV_MENTION)
            continue;
        bool comma = false;
        size_t p = e;
        while (p > 0 && is_glue(l->ev[p - 1].kind))
            comma |= l->ev[--p].kind == EV_COMMA;
        bool actor = true;
        if (p > 0 && l->ev[p - 1].kind == EV_MENTION)
            actor = l->m[l->ev[p - 1].mention].actor;
        else if (p > 0 && l->ev[p - 1].kind == EV_WORD)
            actor = comma; /* `Đến năm 2025, Sở …` but not `báo cáo UBND tỉnh` */
        size_t q = e + 1;
        while (q < l->n_ev && is_glue(l->ev[q].kind))
            q++;
        if (q < l->n_ev && l->ev[q].kind == EV_MARKER && l->ev[q].role == PM_ROLE_LEAD)
            actor = true; /* the subject of `chủ trì` */
        l->m[l->ev[e].mention].actor |= actor;
    }
    for (size_t m = 0; m < l->n_ev; m++) {
        const event *e = &l->ev[m];
        if (e->kind != EV_MARKER || e->role == ROLE_ACTOR)
            continue;
        bool paren = m > 0 && l->ev[m - 1].kind == EV_OPEN && m + 1 < l->n_ev &&
                     l->ev[m + 1].kind == EV_CLOSE;
        size_t p = m;
        while (p > 0 && is_glue(l->ev[p - 1].kind))
            p--;
        bool after_mention = p > 0 && l->ev[p - 1].kind == EV_MENTION;
        if (paren)
            mark_back(l, m - 1, e->role, false);
        else if (e->role == PM_ROLE_LEAD && after_mention) /* `X chủ trì`, not `chủ trì: X` */
            mark_back(l, m, e->role, false);
        else if (!mark_forward(l, m, e->role))
            mark_back(l, m, e->role, true);
    }
}

static bool push_event(pm_arena *a, line *l, ev_kind kind, int32_t role, size_t mention)
{
    event *e = PM_PUSH(a, l->ev, l->n_ev, l->cap_ev);
    if (e)
        *e = (event){kind, role, mention};
    return e != NULL;
}

/* The longest recognition at token i. */
/* `các doanh nghiệp du lịch`: a collective of bodies and the lower-case
 * words of its sector, named as written; up to a verb, punctuation or
 * another agency. */
static void rec_sector(const scan *c, pm_arena *sa, pm_buf *buf, size_t i, cand *k)
{
    size_t head = find_len(c, CAT_SECTOR, i), j = i + head;
    if (!head)
        return;
    while (j < c->n && j < i + head + MAX_SECTOR_WORDS && !c->t[j].punct && !c->t[j].upper &&
           !c->t[j].digit && !is_fold(c, j, "và") && !starts_other(c, j))
        j++;
    if (j == i + head)
        return;
    pm_buf_reset(buf);
    join_tokens(c, i, j, buf);
    const char *name = built_name(sa, buf);
    if (name)
        add_item(k, i, j, -1, name);
}

static void recognise(const scan *c, pm_arena *sa, pm_buf *buf, size_t i, cand *best)
{
    cand k;
    best->n = best->end = 0;
    for (int r = 0; r < 6; r++) {
        k.n = k.end = 0;
        switch (r) {
        case 0: rec_lexicon(c, i, &k); break;
        case 1: rec_government(c, sa, buf, i, &k); break;
        case 2: rec_departments(c, i, &k); break;
        case 3: rec_collective(c, i, &k); break;
        case 4: rec_sector(c, sa, buf, i, &k); break;
        default: rec_head(c, sa, buf, i, &k); break;
        }
        if (k.end > best->end)
            *best = k;
    }
}

static pm_status build_line(const scan *c, pm_arena *sa, pm_buf *buf, line *l)
{
    cand best;
    for (size_t i = 0; i < c->n;) {
        const tok *t = &c->t[i];
        if (t->punct) {
            if (!push_event(sa, l, punct_event(t), 0, 0))
                return PM_ERR_NOMEM;
            i++;
            continue;
        }
        recognise(c, sa, buf, i, &best);
        if (best.n) {
            for (size_t k = 0; k < best.n; k++) {
                draft *d = PM_PUSH(sa, l->m, l->n_m, l->cap_m);
                if (!d || !push_event(sa, l, EV_MENTION, 0, l->n_m - 1))
                    return PM_ERR_NOMEM;
                *d = (draft){best.items[k], false, -1};
            }
            i = best.end;
            continue;
        }
        hit role = find(c, CAT_ROLE, i, true);
        ev_kind kind = role.len                  ? EV_MARKER
                       : is_fold(c, i, "và")     ? EV_AND
                       : find_len(c, CAT_GLUE, i) ? EV_GLUE
                                                  : EV_WORD;
        if (!push_event(sa, l, kind, role.value, 0))
            return PM_ERR_NOMEM;
        i += role.len ? role.len : 1;
    }
    return PM_OK;
}

/* ---- the interface ------------------------------------------------------------- */

/* The output of one mention, or false when out of memory or nameless.
 * A body the contract does not list is named as written (after the
 * rewrites, with its place name): `Đài PTTH Hà Tĩnh` is
 * dai-phat-thanh-truyen-hinh-ha-tinh, not the lexicon's canonical name. */
static bool emit(const scan *c, pm_arena *a, const char *s, const draft *d, pm_role role,
                 pm_buf *buf, pm_mention *out)
{
    const lex_entry *e = d->it.entry >= 0 ? &c->lex->entries[d->it.entry] : NULL;
    const char *name = e && e->id ? e->name : d->it.name;
    if (e && !e->id) {
        pm_buf_reset(buf);
        join_tokens(c, d->it.t0, d->it.t1, buf);
        name = built_name(a, buf);
    }
    if (!name)
        return false;
    pm_buf_reset(buf);
    if (e && e->id)
        pm_buf_puts(buf, e->id);
    else
        pm_slugify(name, strlen(name), buf);
    if (!buf->len || buf->failed)
        return false;
    size_t start = c->t[d->it.t0].start, end = c->t[d->it.t1 - 1].end;
    out->agency.id = pm_arena_strndup(a, buf->data, buf->len);
    out->agency.name = pm_arena_strdup(a, name);
    out->agency.raw = pm_arena_strndup(a, s + start, end - start);
    out->role = role;
    out->start = start;
    out->end = end;
    return out->agency.id && out->agency.name && out->agency.raw;
}

size_t pm_find_agencies(const pm_extractor *x, pm_arena *a, const char *s, size_t n,
                        pm_role default_role, pm_mention *out, size_t max)
{
    if (!x || !x->agency || !s || !n || !max)
        return 0;
    pm_arena sa;
    pm_arena_init(&sa);
    pm_buf scratch = {0};
    toks written = {0}, rewritten = {0};
    line l = {0};
    size_t count = 0;
    if (tokenize(&sa, s, n, &written, &scratch) != PM_OK ||
        apply_rewrites(x->agency, &sa, &written, &rewritten) != PM_OK)
        goto done;
    scan c = {x->agency, rewritten.v, rewritten.n};
    if (build_line(&c, &sa, &scratch, &l) != PM_OK)
        goto done;
    assign_roles(&l);
    for (size_t m = 0; m < l.n_m; m++) {
        const draft *d = &l.m[m];
        if (!d->actor)
            continue;
        pm_role role = d->marked >= 0 ? (pm_role)d->marked : default_role;
        pm_mention mention;
        if (!emit(&c, a, s, d, role, &scratch, &mention))
            continue;
        size_t k = 0;
        while (k < count && strcmp(out[k].agency.id, mention.agency.id) != 0)
            k++;
        if (k < count) { /* once, in its strongest role */
            if (role < out[k].role)
                out[k].role = role;
        } else if (count < max) {
            out[count++] = mention;
        }
    }
done:
    pm_buf_free(&scratch);
    pm_arena_free(&sa);
    return count;
}
