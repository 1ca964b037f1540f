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
    const char *text;  /* as written, or the replacement of a rewrite: text_len bytes */
    size_t text_len;
    const char *fold;  /* lower case; NULL for a word no phrase has (put_fold writes it);
                        * for punctuation its class as a string */
    uint32_t fold_id, ascii_id; /* word ids of fold and of fold without diacritics; 0: a
                                 * word no phrase has */
    uint64_t roots;    /* the roots (root_bit) its words start a phrase from: see roots_of */
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

/* ---- words and phrases ---------------------------------------------------- */

/* Every word of every phrase is interned once: the phrase table and the
 * tests of single words (`và`, `các`) then compare ids, not strings, and a
 * word of the text that no phrase has gets id 0 and ends every walk. */
typedef struct word_info {
    const char *s; /* NUL-terminated */
    size_t len;
    uint64_t hash;
    uint64_t roots; /* root_bit(cat, mode) for each category a phrase of which starts
                     * with this word in that mode */
    uint32_t ascii_id; /* of the word without diacritics, 0: none (finish_tables sets it) */
} word_info;

typedef struct word_table {
    uint64_t *slots; /* open addressing: the high half of the hash, the id in the low
                      * half (most probes end without reading info); 0: a free slot */
    size_t cap;
    word_info *info; /* by id; info[0] stands for every unknown word (no roots) */
    size_t n, cap_info;
} word_table;

/* One open-addressing table for every phrase and every prefix of one: a
 * trie whose nodes are (parent node, word id). Each category has two roots,
 * mode 'f' (folded) and 'a' (without diacritics); '-' tokens are left out,
 * so `Đài PT-TH` = `Đài PT TH`. */
enum { PREFIX_ONLY = -1, AMBIGUOUS = -2 };

typedef struct slot {
    uint32_t parent, word, node; /* word 0: a free slot */
    int32_t value; /* >= 0: a phrase; PREFIX_ONLY; AMBIGUOUS: two phrases fold together */
} slot;

/* What a walk reads of a node, by node number: its value, and its child
 * when it has only one (most nodes of a trie have one or none), so a step
 * probes the table only from a node with several children. */
#define SEVERAL UINT32_MAX

typedef struct node_info {
    uint32_t child_word; /* of its only child; 0: a leaf; SEVERAL: look the child up */
    uint32_t child_node;
    int32_t value;       /* as in its slot */
    /* A node of mode 'f': the node of mode 'a' its words lead to without
     * diacritics (0: none, a phrase kept only as written), and its value:
     * one walk follows both modes while the written form goes on. */
    uint32_t image;
    int32_t image_value;
} node_info;

typedef struct dict {
    slot *slots;
    size_t cap, len;
    node_info *nodes; /* FIRST_NODE + len of them: the roots, then the nodes */
    size_t cap_nodes;
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

/* Every category (each has two roots). */
static const char root_cats[] = "ADROLGMQSVPHTNXKU";

/* The bit of a root in word_info.roots: two per category. */
static uint64_t root_bit(char cat, char mode)
{
    static const uint8_t index[128] = {
        [CAT_AGENCY] = 0, [CAT_DEPT] = 1,    [CAT_REWRITE] = 2,   [CAT_OCR] = 3,
        [CAT_LEVEL] = 4,  [CAT_GROUP] = 5,   [CAT_MEMBER] = 6,    [CAT_RELATED] = 7,
        [CAT_SCOPE] = 8,  [CAT_GOV] = 9,     [CAT_DEPT_HEAD] = 10, [CAT_HEAD] = 11,
        [CAT_SECTOR] = 12, [CAT_NOT_HEAD] = 13, [CAT_STOP] = 14,  [CAT_ROLE] = 15,
        [CAT_GLUE] = 16,
    };
    return (uint64_t)1 << (2 * index[(unsigned char)cat & 127] + (mode == 'a'));
}

/* The bits of all 'f' roots and of all 'a' roots. */
static const uint64_t mode_f_bits = 0x5555555555555555u, mode_a_bits = 0xAAAAAAAAAAAAAAAAu;

/* The roots of every category a recogniser starts from at the token where
 * it is called: the first find() of each (rec_departments and
 * rec_collective also start from `các`, tested by id). Kept in the
 * lexicon: computed at each token it cost more than the test. */
static uint64_t opening_roots(void)
{
    static const char cats[] = {CAT_AGENCY, CAT_GOV,    CAT_DEPT_HEAD, CAT_GROUP,
                                CAT_MEMBER, CAT_SECTOR, CAT_HEAD};
    uint64_t bits = 0;
    for (size_t k = 0; k < sizeof cats; k++)
        bits |= root_bit(cats[k], 'f') | root_bit(cats[k], 'a');
    return bits;
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
    uint32_t *words;
    size_t n;
    int32_t entry;
} dept_form;

enum { N_PUNCT = 13 };

/* The letters U+0080..U+024F and U+1E00..U+1EFF (every Vietnamese one) as
 * the tokenizer needs them, prepared once: utf8proc spends hundreds of
 * instructions on each and the text is full of them. */
enum { LATIN_END = 0x250, LATIN_EXT = 0x1E00, LATIN_EXT_END = 0x1F00,
       N_LATIN = LATIN_END - 0x80 + LATIN_EXT_END - LATIN_EXT };

typedef struct latin_letter {
    bool word, upper, space; /* is_word_cp, utf8proc_isupper, is_space_cp */
    bool cached;       /* fold and ascii hold what pm_fold_lower and pm_strip_marks make */
    bool plain;        /* cached, and both the same */
    uint8_t fold_len, ascii_len;
    char fold[4], ascii[8];
} latin_letter;

struct pm_agency_lexicon {
    pm_arena arena;
    word_table words;
    dict phrases;
    lex_entry *entries;
    size_t n_entries, cap_entries;
    rewrite *rewrites;
    size_t n_rewrites, cap_rewrites;
    dept_form *depts;
    size_t n_depts, cap_depts;
    int32_t related; /* the entry of `… liên quan` collectives, -1 if none */
    uint32_t punct_id[N_PUNCT]; /* word ids of the punctuation classes */
    latin_letter latin[N_LATIN];
    uint32_t id_va, id_cac, id_cap, id_tinh; /* `và`; `cac`, `cap`, `tinh` without marks */
    /* The first step of a walk without a probe: the node (root, word) of
     * word w for its k-th roots bit (from the lowest) is first[first_at[w] + k].
     * NULL while the phrases are loading. */
    uint32_t *first_at, *first;
    uint64_t opening_roots; /* opening_roots() */
};

/* ---- cutting text into tokens ------------------------------------------------ */

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
    if (cp < 0x80) /* the ASCII letters are Lu/Ll, the digits Nd, the rest neither */
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
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
    if (cp < 0x80) /* ' ' is Zs; U+0000-U+001F and U+007F are Cc */
        return cp <= ' ' || cp == 0x7F;
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL ||
           c == UTF8PROC_CATEGORY_ZP || c == UTF8PROC_CATEGORY_CC ||
           c == UTF8PROC_CATEGORY_CF;
}

/* The code point at s[i] (-1 for an invalid byte) and its length. Two-
 * and three-byte sequences that are valid whatever follows (no overlong
 * form, no surrogate: leads C2-DF, E1-EC, EE-EF) are decoded here, as
 * utf8proc_iterate would (checked over every such sequence); the rest by
 * utf8proc. */
static inline size_t cp_at(const char *s, size_t n, size_t i, int32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s + i;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if (u[0] >= 0xC2 && u[0] < 0xE0 && n - i >= 2 && (u[1] & 0xC0) == 0x80) {
        *cp = (int32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
        return 2;
    }
    if (u[0] >= 0xE1 && u[0] < 0xF0 && u[0] != 0xED && n - i >= 3 && (u[1] & 0xC0) == 0x80 &&
        (u[2] & 0xC0) == 0x80) {
        *cp = (int32_t)(u[0] & 0x0F) << 12 | (int32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
        return 3;
    }
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

/* The slot of cp in the table, -1 when it has none. */
static int latin_slot(int32_t cp)
{
    if (cp >= 0x80 && cp < LATIN_END)
        return cp - 0x80;
    if (cp >= LATIN_EXT && cp < LATIN_EXT_END)
        return LATIN_END - 0x80 + (cp - LATIN_EXT);
    return -1;
}

static const latin_letter *latin_of(const struct pm_agency_lexicon *lex, int32_t cp)
{
    int k = latin_slot(cp);
    return k >= 0 ? &lex->latin[k] : NULL;
}

/* is_word_cp through the table. */
static bool word_cp(const struct pm_agency_lexicon *lex, int32_t cp)
{
    if (cp < 0x80)
        return is_word_cp(cp);
    const latin_letter *l = latin_of(lex, cp);
    return l ? l->word : is_word_cp(cp);
}

/* is_space_cp through the table. */
static bool space_cp(const struct pm_agency_lexicon *lex, int32_t cp)
{
    if (cp < 0x80)
        return is_space_cp(cp);
    const latin_letter *l = latin_of(lex, cp);
    return l ? l->space : is_space_cp(cp);
}

static pm_status latin_init(struct pm_agency_lexicon *lex)
{
    pm_buf fold = {0}, ascii = {0};
    for (int32_t cp = 0x80; cp < LATIN_EXT_END; cp = cp + 1 == LATIN_END ? LATIN_EXT : cp + 1) {
        latin_letter *l = &lex->latin[latin_slot(cp)];
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t k = utf8proc_encode_char(cp, enc);
        pm_buf_reset(&fold);
        pm_buf_reset(&ascii);
        pm_fold_lower((const char *)enc, (size_t)k, &fold);
        pm_strip_marks(fold.data ? fold.data : "", fold.len, &ascii);
        l->word = is_word_cp(cp);
        l->upper = utf8proc_isupper(cp);
        l->space = is_space_cp(cp);
        l->cached = fold.len <= sizeof l->fold && ascii.len <= sizeof l->ascii;
        if (l->cached) {
            l->fold_len = (uint8_t)fold.len;
            l->ascii_len = (uint8_t)ascii.len;
            memcpy(l->fold, fold.data, fold.len);
            memcpy(l->ascii, ascii.data, ascii.len);
            l->plain = fold.len == ascii.len && memcmp(fold.data, ascii.data, fold.len) == 0;
        }
    }
    bool failed = fold.failed || ascii.failed;
    pm_buf_free(&fold);
    pm_buf_free(&ascii);
    return failed ? PM_ERR_NOMEM : PM_OK;
}

static const uint64_t FNV_BASIS = 1469598103934665603u, FNV_PRIME = 1099511628211u;

/* FNV-1a of a word. */
static uint64_t word_hash(const char *s, size_t n)
{
    uint64_t h = FNV_BASIS;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * FNV_PRIME;
    return h;
}

/* A word's fold and its fold without diacritics, with their word_hash. */
typedef struct folded {
    uint64_t fold_hash, ascii_hash;
    bool plain; /* both the same */
} folded;

/* A table letter folds to at most this many bytes, and strips to at most
 * this many. */
enum {
    FOLD_ROOM = sizeof ((latin_letter *)0)->fold,
    ASCII_ROOM = sizeof ((latin_letter *)0)->ascii
};

/* pm_fold_lower and pm_strip_marks of a word, letter by letter (both map
 * each code point on its own) from the table, hashed on the way, into
 * fold (room for FOLD_ROOM * len bytes) and ascii (ASCII_ROOM * len);
 * false when a letter is not in the table. The word is valid UTF-8
 * (tokenize cut it). */
static bool fold_word_fast(const struct pm_agency_lexicon *lex, const char *w, size_t len,
                           char *fold, char *ascii, size_t *fold_len, size_t *ascii_len,
                           folded *out)
{
    char *f = fold, *a = ascii;
    uint64_t hf = FNV_BASIS, ha = FNV_BASIS;
    bool plain = true;
    for (size_t i = 0; i < len;) {
        unsigned char b = (unsigned char)w[i];
        if (b < 0x80) {
            unsigned char c = b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
            *f++ = (char)c;
            *a++ = (char)c;
            hf = (hf ^ c) * FNV_PRIME;
            ha = (ha ^ c) * FNV_PRIME;
            i++;
            continue;
        }
        int32_t cp;
        size_t k;
        if (b < 0xE0) {
            cp = (int32_t)(b & 0x1F) << 6 | (w[i + 1] & 0x3F);
            k = 2;
        } else if (b < 0xF0) {
            cp = (int32_t)(b & 0x0F) << 12 | (int32_t)(w[i + 1] & 0x3F) << 6 | (w[i + 2] & 0x3F);
            k = 3;
        } else {
            return false;
        }
        const latin_letter *l = latin_of(lex, cp);
        if (!l || !l->cached)
            return false;
        for (size_t q = 0; q < l->fold_len; q++)
            hf = (hf ^ (unsigned char)(*f++ = l->fold[q])) * FNV_PRIME;
        for (size_t q = 0; q < l->ascii_len; q++)
            ha = (ha ^ (unsigned char)(*a++ = l->ascii[q])) * FNV_PRIME;
        plain &= l->plain;
        i += k;
    }
    *fold_len = (size_t)(f - fold);
    *ascii_len = (size_t)(a - ascii);
    *out = (folded){hf, ha, plain};
    return true;
}


/* The id of the word s[0, n) whose word_hash is h, 0 if it has none. */
static uint32_t word_find_hashed(const word_table *w, const char *s, size_t n, uint64_t h)
{
    if (!w->cap)
        return 0;
    for (size_t i = h & (w->cap - 1);; i = (i + 1) & (w->cap - 1)) {
        uint64_t v = w->slots[i];
        if (!v)
            return 0;
        if ((v ^ h) >> 32)
            continue;
        const word_info *e = &w->info[(uint32_t)v];
        if (e->len != n)
            continue;
        size_t k = 0; /* words are short: no call to memcmp */
        while (k < n && e->s[k] == s[k])
            k++;
        if (k == n)
            return (uint32_t)v;
    }
}

static uint32_t word_find(const word_table *w, const char *s, size_t n)
{
    return word_find_hashed(w, s, n, word_hash(s, n));
}

static void word_place(word_table *w, uint32_t id)
{
    size_t i = w->info[id].hash & (w->cap - 1);
    while (w->slots[i])
        i = (i + 1) & (w->cap - 1);
    w->slots[i] = (w->info[id].hash & ~(uint64_t)UINT32_MAX) | id;
}

/* The id of the word s[0, n), added (into the lexicon's arena) if new. */
static pm_status word_intern(word_table *w, pm_arena *a, const char *s, size_t n, uint32_t *id)
{
    if ((*id = word_find(w, s, n)))
        return PM_OK;
    if (!w->n) { /* info[0]: the unknown word */
        word_info *none = PM_PUSH(a, w->info, w->n, w->cap_info);
        if (!none)
            return PM_ERR_NOMEM;
        *none = (word_info){"", 0, 0, 0, 0};
    }
    if ((w->n + 1) * 2 > w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 1024;
        uint64_t *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return PM_ERR_NOMEM;
        free(w->slots);
        w->slots = slots;
        w->cap = cap;
        for (uint32_t k = 1; k < w->n; k++)
            word_place(w, k);
    }
    word_info *e = PM_PUSH(a, w->info, w->n, w->cap_info);
    const char *copy = pm_arena_strndup(a, s, n);
    if (!e || !copy)
        return PM_ERR_NOMEM;
    *e = (word_info){copy, n, word_hash(s, n), 0, 0};
    *id = (uint32_t)(w->n - 1);
    word_place(w, *id);
    return PM_OK;
}

static const char punct_classes[N_PUNCT + 1] = ",;:.()-/&+*\t?";

static const char *punct_key(char c)
{
    static const char keys[] = ",\0;\0:\0.\0(\0)\0-\0/\0&\0+\0*\0\t\0?";
    const char *k = strchr(punct_classes, c);
    return keys + 2 * (k ? k - punct_classes : N_PUNCT - 1);
}

/* The roots a phrase may start from at t: those of its fold in mode 'f',
 * of its ascii in mode 'a'; none at a '-' (the walk skips those). As of
 * now: a token made while the lexicon is still loading gets them again
 * before each search. */
static uint64_t roots_of(const struct pm_agency_lexicon *lex, const tok *t)
{
    if (t->punct == '-')
        return 0;
    return (lex->words.info[t->fold_id].roots & mode_f_bits) |
           (lex->words.info[t->ascii_id].roots & mode_a_bits);
}

static void set_roots(const struct pm_agency_lexicon *lex, toks *t)
{
    for (size_t i = 0; i < t->n; i++)
        t->v[i].roots = roots_of(lex, &t->v[i]);
}

/* Tokenising the lexicon's own phrases interns their words (into `intern`,
 * copying the text into `a`); a searched text only looks its words up. */
typedef struct tokenizer {
    const struct pm_agency_lexicon *lex;
    struct pm_agency_lexicon *intern; /* NULL: look up only */
    pm_arena *a;
    pm_buf fold, ascii;
} tokenizer;

static pm_status word_id(tokenizer *tz, const char *s, size_t n, uint32_t *id)
{
    if (tz->intern)
        return word_intern(&tz->intern->words, &tz->intern->arena, s, n, id);
    *id = word_find(&tz->lex->words, s, n);
    return PM_OK;
}

/* Words up to this many bytes fold on the stack: a search then allocates
 * no buffer for them. */
enum { SHORT_WORD = 64 };

/* A word of the text. */
static pm_status fill_word(tokenizer *tz, tok *t, const char *w, size_t len)
{
    char fold_room[FOLD_ROOM * SHORT_WORD], ascii_room[ASCII_ROOM * SHORT_WORD];
    fold_room[0] = ascii_room[0] = '\0'; /* (an empty word reads nothing: for the compiler) */
    char *fold = fold_room, *ascii = ascii_room;
    size_t fold_len = 0, ascii_len = 0;
    folded h;
    if (len > SHORT_WORD) {
        pm_buf_reset(&tz->fold);
        pm_buf_reset(&tz->ascii);
        if (!pm_buf_reserve(&tz->fold, FOLD_ROOM * len) ||
            !pm_buf_reserve(&tz->ascii, ASCII_ROOM * len))
            return PM_ERR_NOMEM;
        fold = tz->fold.data;
        ascii = tz->ascii.data;
    }
    bool fast = fold_word_fast(tz->lex, w, len, fold, ascii, &fold_len, &ascii_len, &h);
    if (!fast) {
        pm_buf_reset(&tz->fold);
        pm_buf_reset(&tz->ascii);
        pm_fold_lower(w, len, &tz->fold);
        pm_strip_marks(tz->fold.data ? tz->fold.data : "", tz->fold.len, &tz->ascii);
        if (tz->fold.failed || tz->ascii.failed)
            return PM_ERR_NOMEM;
        fold = tz->fold.data;
        ascii = tz->ascii.data;
        fold_len = tz->fold.len;
        ascii_len = tz->ascii.len;
    }
    pm_status st = PM_OK;
    if (fast && !tz->intern) {
        t->plain = h.plain;
        t->fold_id = word_find_hashed(&tz->lex->words, fold, fold_len, h.fold_hash);
        /* a known word's is known: one lookup for most words */
        t->ascii_id = t->plain     ? t->fold_id
                      : t->fold_id ? tz->lex->words.info[t->fold_id].ascii_id
                                   : word_find_hashed(&tz->lex->words, ascii, ascii_len, h.ascii_hash);
    } else {
        t->plain = fold_len == ascii_len && memcmp(fold, ascii, fold_len) == 0;
        st = word_id(tz, fold, fold_len, &t->fold_id);
        t->ascii_id = t->fold_id;
        if (st == PM_OK && !t->plain)
            st = word_id(tz, ascii, ascii_len, &t->ascii_id);
    }
    if (st != PM_OK)
        return st;
    t->fold = t->fold_id ? tz->lex->words.info[t->fold_id].s : NULL;
    t->text = tz->intern ? pm_arena_strndup(tz->a, w, len) : w;
    t->text_len = len;
    if (!t->text)
        return PM_ERR_NOMEM;
    int32_t first;
    cp_at(w, len, 0, &first);
    const latin_letter *l = latin_of(tz->lex, first);
    t->upper = first < 0x80 ? first >= 'A' && first <= 'Z' : l ? l->upper : utf8proc_isupper(first);
    t->digit = first >= '0' && first <= '9';
    return PM_OK;
}

/* Cuts s into words and punctuation, at most `max` tokens (each token
 * depends only on the bytes of s, so they are the first ones of the whole
 * cut); spaces separate, '\n' marks a line. */
static pm_status tokenize(tokenizer *tz, pm_arena *a, const char *s, size_t n, size_t max,
                          toks *out)
{
    bool line_start = true;
    int32_t prev = -1;
    for (size_t i = 0; i < n && out->n < max;) {
        int32_t cp;
        size_t k = cp_at(s, n, i, &cp);
        if (cp >= 0 && space_cp(tz->lex, cp)) {
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
        if (!word_cp(tz->lex, cp)) {
            t->punct = punct_class(cp);
            t->end = i + k;
            t->text = tz->intern ? pm_arena_strndup(tz->a, s + i, k) : s + i;
            t->text_len = k;
            t->fold = punct_key(t->punct);
            if (!t->text)
                return PM_ERR_NOMEM;
            if (tz->intern) {
                pm_status st = word_id(tz, t->fold, strlen(t->fold), &t->fold_id);
                if (st != PM_OK)
                    return st;
            } else {
                t->fold_id = tz->lex->punct_id[strchr(punct_classes, t->punct) - punct_classes];
            }
            t->ascii_id = t->fold_id;
            t->roots = roots_of(tz->lex, t);
            prev = cp;
            i += k;
            continue;
        }
        size_t j = i;
        while (j < n) {
            int32_t c;
            size_t kk = cp_at(s, n, j, &c);
            if (!word_cp(tz->lex, c) && !joins_word(s, n, j, c, prev))
                break;
            prev = c;
            j += kk;
        }
        t->end = j;
        pm_status st = fill_word(tz, t, s + i, j - i);
        if (st != PM_OK)
            return st;
        t->roots = roots_of(tz->lex, t);
        i = j;
    }
    return PM_OK;
}

/* The fold of a token (lower case, as the phrase table compares it). */
static void put_fold(pm_buf *out, const tok *t)
{
    if (t->fold)
        pm_buf_puts(out, t->fold);
    else
        pm_fold_lower(t->text, t->text_len, out);
}

/* ---- phrase table ------------------------------------------------------ */

static uint64_t node_hash(uint32_t parent, uint32_t word)
{
    uint64_t h = (uint64_t)parent << 32 | word;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDu;
    return h ^ h >> 33;
}

/* The slot of the node (parent, word), or the free slot where it belongs. */
static slot *dict_slot(const dict *d, uint32_t parent, uint32_t word)
{
    for (size_t i = node_hash(parent, word) & (d->cap - 1);; i = (i + 1) & (d->cap - 1)) {
        slot *s = &d->slots[i];
        if (!s->word || (s->word == word && s->parent == parent))
            return s;
    }
}

/* The node (parent, word), NULL when no phrase goes on that way. */
static const slot *dict_get(const dict *d, uint32_t parent, uint32_t word)
{
    if (!d->cap || !word)
        return NULL;
    const slot *s = dict_slot(d, parent, word);
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
            *dict_slot(d, old[i].parent, old[i].word) = old[i];
    free(old);
    return true;
}

/* Room in d->nodes for one more node. */
static bool nodes_grow(dict *d)
{
    size_t need = FIRST_NODE + d->len + 1;
    if (need <= d->cap_nodes)
        return true;
    size_t cap = d->cap_nodes ? d->cap_nodes * 2 : 2 * FIRST_NODE;
    node_info *nodes = realloc(d->nodes, cap * sizeof *nodes);
    if (!nodes)
        return false;
    /* the new ones (the roots among them): no child yet, no value */
    for (size_t k = d->cap_nodes; k < cap; k++)
        nodes[k] = (node_info){0, 0, PREFIX_ONLY, 0, PREFIX_ONLY};
    d->nodes = nodes;
    d->cap_nodes = cap;
    return true;
}

/* Adds the node (parent, word) -> value; *node gets its number. A phrase
 * that two entries share is an error in the data; without diacritics
 * (`loose`) it is only ambiguous (and not matched). */
static pm_status dict_put(dict *d, uint32_t parent, uint32_t word, bool loose, int32_t value,
                          uint32_t *node, bool *clash)
{
    if (((d->len + 1) * 2 > d->cap && !dict_grow(d)) || !nodes_grow(d))
        return PM_ERR_NOMEM;
    slot *s = dict_slot(d, parent, word);
    if (!s->word) {
        s->word = word;
        s->parent = parent;
        s->node = FIRST_NODE + (uint32_t)d->len++;
        s->value = value;
        *node = s->node;
        node_info *p = &d->nodes[parent];
        if (p->child_word) {
            p->child_word = SEVERAL;
        } else {
            p->child_word = word;
            p->child_node = s->node;
        }
        d->nodes[s->node].value = value;
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
    d->nodes[s->node].value = s->value;
    return PM_OK;
}

/* The child of node by word (0: none), as dict_get finds it, through
 * d->nodes. */
static inline uint32_t dict_child(const dict *d, uint32_t node, uint32_t word)
{
    const node_info *p = &d->nodes[node];
    if (p->child_word == word)
        return word ? p->child_node : 0;
    if (p->child_word != SEVERAL)
        return 0;
    const slot *s = dict_get(d, node, word);
    return s ? s->node : 0;
}

/* Longest phrase of a category at t[i]: tokens consumed (0 = none). With
 * `reached_end`, also whether every token to the end of the text is a
 * prefix of some phrase (a cell cut off mid-name: `UBND các huyện, thị xã,
 * thành`). */
typedef struct hit {
    size_t len;
    int32_t value;
    bool reached_end;
} hit;

/* The node (root of cat in mode, word): the roots bit of word says it
 * exists. */
static uint32_t first_node(const struct pm_agency_lexicon *lex, char cat, char mode,
                           uint32_t word)
{
    if (!lex->first) /* still loading */
        return dict_child(&lex->phrases, root_node(cat, mode), word);
    uint64_t below = lex->words.info[word].roots & (root_bit(cat, mode) - 1);
    return lex->first[lex->first_at[word] + (uint32_t)__builtin_popcountll(below)];
}

/* Counts t[j] into the words of a match and whether all are plain. */
static void count_word(const tok *t, size_t *words, bool *plain)
{
    if (!t->punct) {
        (*words)++;
        *plain &= t->plain;
    }
}

/* Without diacritics one word is too weak a match (`số` is not `sở`)
 * unless it was written without any. */
static bool loose_enough(size_t words, bool plain)
{
    return words >= 2 || plain;
}

/* The walk from t[i] in mode, at node after t[j - 1], on from t[j]: best
 * so far, the words and plainness counted so far. */
static hit walk_on(const struct pm_agency_lexicon *lex, char mode, uint32_t node, const tok *t,
                   size_t n, size_t i, size_t j, size_t words, bool plain, hit best)
{
    for (; j < n; j++) {
        if (t[j].punct == '-')
            continue;
        node = dict_child(&lex->phrases, node, mode == 'f' ? t[j].fold_id : t[j].ascii_id);
        if (!node) {
            best.reached_end = false;
            return best;
        }
        int32_t value = lex->phrases.nodes[node].value;
        count_word(&t[j], &words, &plain);
        if (value >= 0 && (mode == 'f' || loose_enough(words, plain)))
            best = (hit){j + 1 - i, value, false};
    }
    best.reached_end = true;
    return best;
}

static hit walk(const struct pm_agency_lexicon *lex, char cat, char mode, const tok *t, size_t n,
                size_t i)
{
    hit best = {0, PREFIX_ONLY, false};
    /* Exact prefilter: unless the first word starts a phrase of the
     * category (its roots bit), the walk below stops at it with nothing
     * found and no end reached; a '-' first (no roots) stops it the same way. */
    if (i >= n || !(t[i].roots & root_bit(cat, mode)))
        return best;
    uint32_t node = first_node(lex, cat, mode, mode == 'f' ? t[i].fold_id : t[i].ascii_id);
    int32_t value = lex->phrases.nodes[node].value;
    size_t words = 0;
    bool plain = true;
    count_word(&t[i], &words, &plain);
    if (value >= 0 && (mode == 'f' || loose_enough(words, plain)))
        best = (hit){1, value, false};
    return walk_on(lex, mode, node, t, n, i, i + 1, words, plain, best);
}

/* walk() in both modes, combined as find_walk does, once the tables are
 * complete. While the written words go on, the walk without diacritics is
 * at the image of the written one's node (the same phrases' words without
 * marks), so one walk reads both values; from the first word the written
 * form has not, the one without marks goes on alone. */
static hit walk_both(const struct pm_agency_lexicon *lex, char cat, const tok *t, size_t n,
                     size_t i)
{
    if (i >= n || !(t[i].roots & root_bit(cat, 'f')))
        return walk(lex, cat, 'a', t, n, i);
    const node_info *nodes = lex->phrases.nodes;
    hit exact = {0, PREFIX_ONLY, false}, loose = exact;
    uint32_t node = first_node(lex, cat, 'f', t[i].fold_id);
    size_t words = 0;
    bool plain = true;
    for (size_t j = i;;) {
        const node_info *at = &nodes[node];
        count_word(&t[j], &words, &plain);
        if (at->value >= 0)
            exact = (hit){j + 1 - i, at->value, false};
        if (at->image_value >= 0 && loose_enough(words, plain))
            loose = (hit){j + 1 - i, at->image_value, false};
        do
            j++;
        while (j < n && t[j].punct == '-');
        if (j >= n) {
            exact.reached_end = loose.reached_end = true;
            break;
        }
        uint32_t next = dict_child(&lex->phrases, node, t[j].fold_id);
        if (!next) {
            loose = walk_on(lex, 'a', at->image, t, n, i, j, words, plain, loose);
            break;
        }
        node = next;
    }
    hit best = loose.len > exact.len ? loose : exact;
    best.reached_end = exact.reached_end || loose.reached_end;
    return best;
}

/* The recognisers look the same categories up again and again at one
 * token (starts_other for every word of a name, place_list at each word
 * rec_head reads, rec_collective, the role markers): a search keeps find()
 * results by token and category (cached_index). */
enum { N_CACHED = 12 };

typedef struct cached_hit {
    uint32_t len; /* tokens; a text has fewer than 2^32 */
    int32_t value;
    bool reached_end;
} cached_hit;

typedef struct find_cache {
    uint16_t *known;            /* by token: bit k when hits[token][k] holds find()'s */
    cached_hit (*hits)[N_CACHED];
    size_t cap;
} find_cache;

static int cached_index(char cat)
{
    switch (cat) {
    case CAT_AGENCY: return 0;
    case CAT_GOV: return 1;
    case CAT_ROLE: return 2;
    case CAT_STOP: return 3;
    case CAT_HEAD: return 4;
    case CAT_LEVEL: return 5;
    case CAT_GROUP: return 6;
    case CAT_MEMBER: return 7;
    case CAT_DEPT: return 8;
    case CAT_SECTOR: return 9;
    case CAT_RELATED: return 10;
    case CAT_GLUE: return 11;
    default: return -1;
    }
}

typedef struct scan {
    const struct pm_agency_lexicon *lex;
    const tok *t;
    size_t n;
    find_cache *cache; /* NULL: none; else room for n tokens, known cleared */
} scan;

static hit find_walk(const scan *c, char cat, size_t i, bool fold_marks)
{
    if (!fold_marks)
        return walk(c->lex, cat, 'f', c->t, c->n, i);
    if (c->lex->first) /* the images are complete */
        return walk_both(c->lex, cat, c->t, c->n, i);
    hit exact = walk(c->lex, cat, 'f', c->t, c->n, i);
    hit loose = walk(c->lex, cat, 'a', c->t, c->n, i);
    hit best = loose.len > exact.len ? loose : exact;
    best.reached_end = exact.reached_end || loose.reached_end;
    return best;
}

static hit find_cached(const scan *c, char cat, size_t i, bool fold_marks)
{
    int k = c->cache && fold_marks ? cached_index(cat) : -1;
    if (k < 0)
        return find_walk(c, cat, i, fold_marks);
    cached_hit *h = &c->cache->hits[i][k];
    if (!(c->cache->known[i] >> k & 1)) {
        hit found = find_walk(c, cat, i, true);
        *h = (cached_hit){(uint32_t)found.len, found.value, found.reached_end};
        c->cache->known[i] |= (uint16_t)(1u << k);
    }
    return (hit){h->len, h->value, h->reached_end};
}

/* Inline, since most calls stop at the prefilter (the one of walk, for
 * both modes at once). */
static inline hit find(const scan *c, char cat, size_t i, bool fold_marks)
{
    if (i >= c->n ||
        !(c->t[i].roots & (root_bit(cat, 'f') | (fold_marks ? root_bit(cat, 'a') : 0))))
        return (hit){0, PREFIX_ONLY, false};
    return find_cached(c, cat, i, fold_marks);
}

static size_t find_len(const scan *c, char cat, size_t i)
{
    return find(c, cat, i, true).len;
}

static bool is_word(const scan *c, size_t i, uint32_t fold_id)
{
    return i < c->n && c->t[i].fold_id == fold_id;
}

static bool is_punct(const scan *c, size_t i, char p)
{
    return i < c->n && c->t[i].punct == p;
}

/* Applies OCR fixes and abbreviations, longest first, appending to out;
 * *result is out, or in itself (no copy) when nothing is rewritten. */
static pm_status apply_rewrites(const struct pm_agency_lexicon *lex, pm_arena *a, const toks *in,
                                toks *out, const toks **result)
{
    *result = in;
    scan c = {lex, in->v, in->n, NULL};
    bool copying = false;
    for (size_t i = 0; i < in->n;) {
        hit ocr = find(&c, CAT_OCR, i, false);
        hit abbr = find(&c, CAT_REWRITE, i, true);
        hit h = ocr.len >= abbr.len ? ocr : abbr;
        if (!h.len) {
            if (copying) {
                tok *t = PM_PUSH(a, out->v, out->n, out->cap);
                if (!t)
                    return PM_ERR_NOMEM;
                *t = in->v[i];
            }
            i++;
            continue;
        }
        if (!copying) { /* the tokens before the first rewrite */
            for (size_t k = 0; k < i; k++) {
                tok *t = PM_PUSH(a, out->v, out->n, out->cap);
                if (!t)
                    return PM_ERR_NOMEM;
                *t = in->v[k];
            }
            copying = true;
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
    if (copying)
        *result = out;
    return PM_OK;
}

/* ---- loading ---------------------------------------------------------------- */

/* What the tables can know once every phrase is in: each word's ascii_id,
 * the image values, and lex->first_at and lex->first. */
static pm_status finish_tables(struct pm_agency_lexicon *lex)
{
    word_table *w = &lex->words;
    pm_buf ascii = {0};
    for (size_t id = 1; id < w->n; id++) {
        pm_buf_reset(&ascii);
        pm_strip_marks(w->info[id].s, w->info[id].len, &ascii);
        if (ascii.failed)
            break;
        w->info[id].ascii_id = word_find(w, ascii.data ? ascii.data : "", ascii.len);
    }
    bool failed = ascii.failed;
    pm_buf_free(&ascii);
    if (failed)
        return PM_ERR_NOMEM;
    size_t total = 0;
    for (size_t id = 0; id < w->n; id++)
        total += (size_t)__builtin_popcountll(w->info[id].roots);
    uint32_t *at = pm_arena_alloc(&lex->arena, (w->n ? w->n : 1) * sizeof *at);
    uint32_t *first = pm_arena_alloc(&lex->arena, (total ? total : 1) * sizeof *first);
    if (!at || !first)
        return PM_ERR_NOMEM;
    size_t k = 0;
    for (size_t id = 0; id < w->n; id++) {
        at[id] = (uint32_t)k;
        for (int b = 0; b < 64; b++) {
            if (!(w->info[id].roots >> b & 1))
                continue;
            for (const char *cat = root_cats; *cat; cat++)
                for (int m = 0; m < 2; m++)
                    if (root_bit(*cat, m ? 'a' : 'f') == (uint64_t)1 << b)
                        first[k] = dict_get(&lex->phrases, root_node(*cat, m ? 'a' : 'f'),
                                            (uint32_t)id)->node;
            k++;
        }
    }
    /* the values are final now */
    dict *d = &lex->phrases;
    for (size_t node = FIRST_NODE; node < FIRST_NODE + d->len; node++)
        if (d->nodes[node].image)
            d->nodes[node].image_value = d->nodes[d->nodes[node].image].value;
    lex->first_at = at;
    lex->first = first;
    return PM_OK;
}

typedef struct loader {
    struct pm_agency_lexicon *lex;
    const pm_patterns *patterns;
    const pm_tsv *table;
    const pm_tsv_row *row;
    tokenizer tz;
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
    pm_status st = tokenize(&ld->tz, &ld->lex->arena, text, strlen(text), SIZE_MAX, &raw);
    if (st != PM_OK || !rewritten) {
        *out = raw;
        return st;
    }
    *out = (toks){0};
    const toks *result;
    st = apply_rewrites(ld->lex, &ld->lex->arena, &raw, out, &result);
    *out = *result;
    set_roots(ld->lex, out); /* a replacement's tokens were made earlier */
    return st;
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
        uint32_t node = root_node(cat, m ? 'a' : 'f'), written = root_node(cat, 'f');
        size_t last = t->n;
        while (last > 0 && t->v[last - 1].punct == '-')
            last--;
        for (size_t i = 0; i < last; i++) {
            const tok *w = &t->v[i];
            if (w->punct == '-')
                continue;
            bool clash = false;
            uint32_t word = m ? w->ascii_id : w->fold_id;
            if (node == root_node(cat, m ? 'a' : 'f'))
                ld->lex->words.info[word].roots |= root_bit(cat, m ? 'a' : 'f');
            pm_status st = dict_put(&ld->lex->phrases, node, word, m == 1,
                                    i + 1 == last ? value : PREFIX_ONLY, &node, &clash);
            if (st != PM_OK)
                return load_fail(ld, st, "", field);
            if (clash)
                return load_fail(ld, PM_ERR_PATTERN, "phrase listed for two entries", field);
            if (m) { /* the written form's node, made by the first pass */
                written = dict_get(&ld->lex->phrases, written, w->fold_id)->node;
                ld->lex->phrases.nodes[written].image = node;
            }
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
    scan c = {ld->lex, t.v, t.n, NULL};
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
            d->words[d->n++] = rest.v[i].ascii_id;
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
    lex->opening_roots = opening_roots();
    loader ld = {.lex = lex, .patterns = x->patterns, .err = err};
    ld.tz = (tokenizer){.lex = lex, .intern = lex, .a = &lex->arena};
    /* the single words the recognisers test, whether or not a phrase has them */
    static const char *const words[] = {"và", "cac", "cap", "tinh"};
    uint32_t *const ids[] = {&lex->id_va, &lex->id_cac, &lex->id_cap, &lex->id_tinh};
    pm_status st = latin_init(lex);
    for (size_t w = 0; st == PM_OK && w < 4; w++)
        st = word_intern(&lex->words, &lex->arena, words[w], strlen(words[w]), ids[w]);
    if (st != PM_OK)
        st = pm_fail(err, st, "agencies.tsv", 0, "out of memory");
    if (st == PM_OK)
        st = load_rewrites(&ld, "ocr-fixes", CAT_OCR, false);
    if (st == PM_OK)
        st = load_rewrites(&ld, "abbreviations", CAT_REWRITE, true);
    if (st == PM_OK)
        st = load_agencies(&ld);
    /* the replacements' tokens were made before the phrases they start */
    for (size_t r = 0; r < lex->n_rewrites; r++)
        set_roots(lex, &(toks){lex->rewrites[r].to, lex->rewrites[r].n, 0});
    for (size_t p = 0; p < N_PUNCT; p++) {
        const char *key = punct_key(punct_classes[p]);
        lex->punct_id[p] = word_find(&lex->words, key, strlen(key));
    }
    if (st == PM_OK && (st = finish_tables(lex)) != PM_OK)
        st = pm_fail(err, st, "agencies.tsv", 0, "out of memory");
    pm_buf_free(&ld.tz.fold);
    pm_buf_free(&ld.tz.ascii);
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
    free(x->agency->phrases.nodes);
    free(x->agency->words.slots);
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
static bool is_ascii(const scan *c, size_t i, uint32_t ascii_id)
{
    return i < c->n && c->t[i].ascii_id == ascii_id;
}

static bool is_list_sep(const scan *c, size_t i)
{
    return is_punct(c, i, ',') || is_punct(c, i, '/') || is_word(c, i, c->lex->id_va);
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
        if (p == '-')
            pm_buf_putc(out, '-');
        else
            pm_buf_append(out, c->t[i].text, c->t[i].text_len);
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
        pm_buf_append(buf, c->t[gov].text, c->t[gov].text_len);
        for (size_t u = unit; u < unit + unit_len; u++) {
            pm_buf_putc(buf, ' ');
            put_fold(buf, &c->t[u]);
        }
        pm_buf_putc(buf, ' ');
        join_tokens(c, at, at + len, buf);
        const char *name = built_name(sa, buf);
        if (name)
            add_item(k, t0, at + len, -1, name);
        size_t s = at + len;
        if (!is_punct(c, s, ',') && !is_word(c, s, c->lex->id_va))
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
    bool plural = is_ascii(c, j, c->lex->id_cac), level = !plural && is_ascii(c, j, c->lex->id_cap);
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
        pm_buf_append(buf, c->t[i].text, c->t[i].text_len);
        for (size_t w = unit; w < j; w++) {
            pm_buf_putc(buf, ' ');
            put_fold(buf, &c->t[w]);
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
    bool plural = is_ascii(c, j, c->lex->id_cac);
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
    bool plural = is_ascii(c, j, c->lex->id_cac), core = false;
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
        size_t next = j + 1 + is_ascii(c, j + 1, c->lex->id_cac);
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
    if (is_ascii(c, j - 1, c->lex->id_tinh))
        j += proper_name(c, j);
    add_item(k, i, j, e, NULL);
}

/* Word-level edit distance, for a department name missing or changing a word. */
static size_t word_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t row[MAX_NAME_TOKENS + 1];
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
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
    uint32_t words[MAX_NAME_TOKENS];
    size_t n = 0;
    for (size_t i = from; i < to && n < MAX_NAME_TOKENS; i++)
        if (!c->t[i].punct)
            words[n++] = c->t[i].ascii_id;
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
    size_t k = j + is_ascii(c, j, c->lex->id_cac), end = j, units = 0;
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
        if (is_word(c, k, c->lex->id_va))
            return true;
    for (size_t k = j + 2; k < c->n && k < i + MAX_NAME_TOKENS && !c->t[k].punct; k++) {
        if (starts_other(c, k))
            return false;
        if (is_word(c, k, c->lex->id_va))
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
    if (!t[i].upper)
        return;
    size_t head = find_len(c, CAT_HEAD, i);
    if (!head || find_len(c, CAT_NOT_HEAD, i) >= head)
        return;
    size_t known = find_len(c, CAT_AGENCY, i);
    if (known && !continues_name(c, i + known))
        return;
    /* a known name is read whole (`Sở Giao thông …`: not the verb `giao`) */
    size_t first = known ? i + known : i + head, j = first, end = j;
    while (j < c->n && j - i < MAX_NAME_TOKENS) {
        if (is_ascii(c, j - 1, c->lex->id_tinh) && !t[j].upper)
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
        if (t[j].fold_id == c->lex->id_va) {
            size_t next = j + 1 + is_ascii(c, j + 1, c->lex->id_cac);
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

/* `các doanh nghiệp du lịch`: a collective of bodies and the lower-case
 * words of its sector, named as written; up to a verb, punctuation or
 * another agency. */
static void rec_sector(const scan *c, pm_arena *sa, pm_buf *buf, size_t i, cand *k)
{
    size_t head = find_len(c, CAT_SECTOR, i), j = i + head;
    if (!head)
        return;
    while (j < c->n && j < i + head + MAX_SECTOR_WORDS && !c->t[j].punct && !c->t[j].upper &&
           !c->t[j].digit && !is_word(c, j, c->lex->id_va) && !starts_other(c, j))
        j++;
    if (j == i + head)
        return;
    pm_buf_reset(buf);
    join_tokens(c, i, j, buf);
    const char *name = built_name(sa, buf);
    if (name)
        add_item(k, i, j, -1, name);
}

/* Can a recogniser find anything at t? Exact: each returns at its first
 * test unless t has one of the opening roots or is `các`. */
static bool may_open(const struct pm_agency_lexicon *lex, const tok *t)
{
    return (t->roots & lex->opening_roots) || t->ascii_id == lex->id_cac;
}

/* The longest recognition at token i, in one of the two cands of room
 * (the other takes each try: a better one swaps in, no copy). */
static const cand *recognise(const scan *c, pm_arena *sa, pm_buf *buf, size_t i, cand room[2])
{
    cand *best = &room[0], *k = &room[1];
    best->n = best->end = 0;
    if (!may_open(c->lex, &c->t[i]))
        return best;
    for (int r = 0; r < 6; r++) {
        k->n = k->end = 0;
        switch (r) {
        case 0: rec_lexicon(c, i, k); break;
        case 1: rec_government(c, sa, buf, i, k); break;
        case 2: rec_departments(c, i, k); break;
        case 3: rec_collective(c, i, k); break;
        case 4: rec_sector(c, sa, buf, i, k); break;
        default: rec_head(c, sa, buf, i, k); break;
        }
        if (k->end > best->end) {
            cand *swap = best;
            best = k;
            k = swap;
        }
    }
    return best;
}

static pm_status build_line(const scan *c, pm_arena *sa, pm_buf *buf, line *l)
{
    cand room[2];
    for (size_t i = 0; i < c->n;) {
        const tok *t = &c->t[i];
        if (t->punct) {
            if (!push_event(sa, l, punct_event(t), 0, 0))
                return PM_ERR_NOMEM;
            i++;
            continue;
        }
        const cand *best = recognise(c, sa, buf, i, room);
        if (best->n) {
            for (size_t k = 0; k < best->n; k++) {
                draft *d = PM_PUSH(sa, l->m, l->n_m, l->cap_m);
                if (!d || !push_event(sa, l, EV_MENTION, 0, l->n_m - 1))
                    return PM_ERR_NOMEM;
                *d = (draft){best->items[k], false, -1};
            }
            i = best->end;
            continue;
        }
        hit role = find(c, CAT_ROLE, i, true);
        ev_kind kind = role.len                  ? EV_MARKER
                       : is_word(c, i, c->lex->id_va)     ? EV_AND
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

/* What one search found, kept for the rest of the document. */
typedef struct memo_entry {
    const char *text; /* a copy of the searched text; NULL: a free slot */
    size_t n, max, count;
    uint64_t hash;
    pm_role role;
    pm_mention *found;
} memo_entry;

/* The arrays of one search. A memo keeps them for the next search of its
 * document, emptied but not freed: once they have grown to the document's
 * longest text, a search allocates nothing but what it finds. */
typedef struct search_work {
    pm_arena *a; /* where they grow, and where built names go */
    toks written, rewritten;
    line l;
    find_cache cache;
} search_work;

struct pm_agency_memo {
    pm_arena *a; /* the document's: the cached mentions' strings live there */
    memo_entry *slots;
    size_t cap, len;
    search_work work;
};

static size_t search(const pm_extractor *x, pm_arena *a, search_work *w, const char *s,
                     size_t n, pm_role default_role, pm_mention *out, size_t max);

pm_agency_memo *pm_agency_memo_new(pm_arena *a)
{
    pm_agency_memo *m = pm_arena_alloc(a, sizeof *m);
    if (m)
        m->a = m->work.a = a;
    return m;
}

/* The slot of (s, n, role, max), or the free slot where it belongs. */
static memo_entry *memo_slot(const pm_agency_memo *m, const char *s, size_t n, pm_role role,
                             size_t max, uint64_t hash)
{
    for (size_t i = hash & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        memo_entry *e = &m->slots[i];
        if (!e->text || (e->hash == hash && e->n == n && e->role == role && e->max == max &&
                         memcmp(e->text, s, n) == 0))
            return e;
    }
}

/* Keeps what a search found; out of memory only loses the entry. */
static void memo_put(pm_agency_memo *m, const char *s, size_t n, pm_role role, size_t max,
                     uint64_t hash, const pm_mention *found, size_t count)
{
    if ((m->len + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        memo_entry *slots = pm_arena_alloc(m->a, cap * sizeof *slots);
        if (!slots)
            return;
        memo_entry *old = m->slots;
        size_t old_cap = m->cap;
        m->slots = slots;
        m->cap = cap;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].text)
                *memo_slot(m, old[i].text, old[i].n, old[i].role, old[i].max, old[i].hash) =
                    old[i];
    }
    memo_entry e = {pm_arena_strndup(m->a, s, n), n, max, count, hash, role, NULL};
    if (count)
        e.found = pm_arena_alloc(m->a, count * sizeof *found);
    if (!e.text || (count && !e.found))
        return;
    if (count)
        memcpy(e.found, found, count * sizeof *found);
    *memo_slot(m, s, n, role, max, hash) = e;
    m->len++;
}

bool pm_agency_may_open(const pm_extractor *x, const char *s, size_t n, size_t *first_end)
{
    *first_end = n;
    if (!x || !x->agency || !s || !n)
        return false;
    tok first;
    toks one = {&first, 0, 1}; /* room for the one token: the arena is never used */
    tokenizer tz = {.lex = x->agency};
    pm_status st = tokenize(&tz, NULL, s, n, 1, &one);
    pm_buf_free(&tz.fold);
    pm_buf_free(&tz.ascii);
    if (st != PM_OK)
        return true;
    if (!one.n)
        return false;
    *first_end = first.end;
    /* A word without the roots of a rewrite is the first token after the
     * rewrites too, and recognise() finds nothing at a word may_open refuses. */
    const uint64_t rewrites = root_bit(CAT_REWRITE, 'f') | root_bit(CAT_REWRITE, 'a') |
                              root_bit(CAT_OCR, 'f') | root_bit(CAT_OCR, 'a');
    return first.punct || (first.roots & rewrites) || may_open(x->agency, &first);
}

size_t pm_find_agencies_memo(const pm_extractor *x, pm_arena *a, pm_agency_memo *memo,
                             const char *s, size_t n, pm_role default_role, pm_mention *out,
                             size_t max)
{
    if (!memo || memo->a != a || !x || !x->agency || !s || !n || !max)
        return pm_find_agencies(x, a, s, n, default_role, out, max);
    uint64_t hash = pm_hash_text(s, n, (uint64_t)default_role);
    if (memo->cap) {
        const memo_entry *e = memo_slot(memo, s, n, default_role, max, hash);
        if (e->text) {
            if (e->count)
                memcpy(out, e->found, e->count * sizeof *out);
            return e->count;
        }
    }
    size_t count = search(x, a, &memo->work, s, n, default_role, out, max);
    memo_put(memo, s, n, default_role, max, hash, out, count);
    return count;
}

size_t pm_find_agencies(const pm_extractor *x, pm_arena *a, const char *s, size_t n,
                        pm_role default_role, pm_mention *out, size_t max)
{
    if (!x || !x->agency || !s || !n || !max)
        return 0;
    pm_arena sa;
    pm_arena_init(&sa);
    search_work w = {.a = &sa};
    size_t count = search(x, a, &w, s, n, default_role, out, max);
    pm_arena_free(&sa);
    return count;
}

/* pm_find_agencies with the arrays of w (emptied first). */
static size_t search(const pm_extractor *x, pm_arena *a, search_work *w, const char *s,
                     size_t n, pm_role default_role, pm_mention *out, size_t max)
{
    pm_buf scratch = {0};
    tokenizer tz = {.lex = x->agency, .a = w->a};
    w->written.n = w->rewritten.n = w->l.n_ev = w->l.n_m = 0;
    line *l = &w->l;
    const toks *use;
    size_t count = 0;
    if (tokenize(&tz, w->a, s, n, SIZE_MAX, &w->written) != PM_OK ||
        apply_rewrites(x->agency, w->a, &w->written, &w->rewritten, &use) != PM_OK)
        goto done;
    if (!use->n)
        goto done;
    if (w->cache.cap < use->n) {
        size_t cap = use->n > 2 * w->cache.cap ? use->n : 2 * w->cache.cap;
        uint16_t *known = pm_arena_alloc(w->a, cap * sizeof *known);
        cached_hit(*hits)[N_CACHED] = pm_arena_alloc(w->a, cap * sizeof *hits);
        if (!known || !hits)
            goto done;
        w->cache = (find_cache){known, hits, cap};
    }
    memset(w->cache.known, 0, use->n * sizeof *w->cache.known);
    scan c = {x->agency, use->v, use->n, &w->cache};
    if (build_line(&c, w->a, &scratch, l) != PM_OK)
        goto done;
    assign_roles(l);
    for (size_t m = 0; m < l->n_m; m++) {
        const draft *d = &l->m[m];
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
    pm_buf_free(&tz.fold);
    pm_buf_free(&tz.ascii);
    pm_buf_free(&scratch);
    return count;
}
