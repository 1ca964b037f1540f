/* text: decoding, normalisation, the offset map, spans and folding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text/internal.h"
#include "text/text.h"

#ifndef CORPUS_DIR
#define CORPUS_DIR "corpus"
#endif
#ifndef PATTERNS_DIR
#define PATTERNS_DIR "patterns"
#endif

typedef struct fixture {
    pm_arena arena;
    pm_warnings warnings;
    pm_text text;
    pm_error err;
    pm_legacy *legacy;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    pm_arena_init(&f->arena);
    f->warnings.arena = &f->arena;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    pm_arena_free(&f->arena);
    free(f);
    return 0;
}

static pm_status decode_as(fixture *f, const void *bytes, size_t len, const char *encoding)
{
    pm_text_options opt = {.encoding = encoding};
    return pm_text_decode(&f->arena, bytes, len, &opt, &f->text, &f->warnings, &f->err);
}

static pm_status decode(fixture *f, const char *s)
{
    return decode_as(f, s, strlen(s), NULL);
}

/* UTF-16 of UTF-8 s (valid), with or without a BOM; returns the length. */
static size_t to_utf16(const char *s, unsigned char *out, bool big_endian, bool bom)
{
    size_t n = 0, len = strlen(s);
    unsigned hi = big_endian ? 0 : 1;
    if (bom) {
        out[n + hi] = 0xFE;
        out[n + 1 - hi] = 0xFF;
        n += 2;
    }
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        int k = pm_utf8_next((const unsigned char *)s + i, len - i, &cp);
        assert_true(k > 0);
        i += (size_t)k;
        uint32_t units[2] = {cp, 0};
        int nu = 1;
        if (cp >= 0x10000) {
            units[0] = 0xD800 + ((cp - 0x10000) >> 10);
            units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
            nu = 2;
        }
        for (int u = 0; u < nu; u++) {
            out[n + hi] = (unsigned char)(units[u] >> 8);
            out[n + 1 - hi] = (unsigned char)units[u];
            n += 2;
        }
    }
    return n;
}

/* ---- decoding -------------------------------------------------------------- */

static void clean_utf8_is_copied_with_one_breakpoint(void **state)
{
    fixture *f = *state;
    const char *s = "Kế hoạch số 221/KH-UBND\nThái Nguyên, ngày 29\n";
    assert_int_equal(decode(f, s), PM_OK);
    assert_string_equal(f->text.norm, s);
    assert_string_equal(f->text.encoding, "utf-8");
    assert_int_equal(f->text.n_bp, 1);
    assert_int_equal(f->text.n_lines, 2);
    assert_int_equal(f->text.line_norm[2], f->text.norm_len);
    assert_int_equal(f->warnings.len, 0);
    for (size_t i = 0; i <= f->text.norm_len; i++)
        assert_int_equal(pm_text_orig(&f->text, i), i);
    size_t len;
    const char *line = pm_text_line_str(&f->text, 2, &len);
    assert_int_equal(len, strlen("Thái Nguyên, ngày 29"));
    assert_memory_equal(line, "Thái Nguyên, ngày 29", len);
    assert_null(pm_text_line_str(&f->text, 3, &len));
    assert_int_equal(pm_text_line(&f->text, 0), 1);
    assert_int_equal(pm_text_line(&f->text, strlen("Kế hoạch số 221/KH-UBND\n")), 2);
}

static void utf8_bom_is_dropped_and_mapped(void **state)
{
    fixture *f = *state;
    assert_int_equal(decode(f, "\xEF\xBB\xBFKế hoạch"), PM_OK);
    assert_string_equal(f->text.norm, "Kế hoạch");
    assert_string_equal(f->text.encoding, "utf-8-bom");
    assert_int_equal(pm_text_orig(&f->text, 0), 3);
    assert_int_equal(pm_text_orig(&f->text, f->text.norm_len), f->text.orig_len);
    assert_int_equal(f->text.n_lines, 1);
    assert_int_equal(f->text.line_norm[1], f->text.norm_len + 1);
}

static void check_utf16(fixture *f, bool big_endian, bool bom)
{
    const char *s = "Thái Nguyên\r\nKế hoạch 𝔸 năm 2030";
    unsigned char buf[256];
    size_t n = to_utf16(s, buf, big_endian, bom);
    assert_int_equal(decode_as(f, buf, n, NULL), PM_OK);
    assert_string_equal(f->text.norm, "Thái Nguyên\nKế hoạch 𝔸 năm 2030");
    assert_string_equal(f->text.encoding, big_endian ? "utf-16be" : "utf-16le");
    assert_int_equal(f->text.n_lines, 2);
    /* "K" is character 13 of the input: 2 bytes each after the BOM */
    size_t k = strlen("Thái Nguyên\n");
    assert_int_equal(pm_text_orig(&f->text, k), (bom ? 2 : 0) + 13 * 2);
    assert_int_equal(f->text.line_orig[1], (bom ? 2 : 0) + 13 * 2);
    /* the end of line 1's content is the start of "\r\n" */
    assert_int_equal(pm_text_orig(&f->text, k - 1), (bom ? 2 : 0) + 11 * 2);
    assert_int_equal(pm_text_orig(&f->text, f->text.norm_len), n);
}

static void utf16_with_and_without_bom(void **state)
{
    fixture *f = *state;
    check_utf16(f, false, true);
    check_utf16(f, true, true);
    check_utf16(f, false, false);
    check_utf16(f, true, false);
}

static void utf16_broken_surrogate_and_odd_byte_are_repaired(void **state)
{
    fixture *f = *state;
    const unsigned char le[] = {0xFF, 0xFE, 'a', 0, 0x00, 0xD8, 'b', 0, 'c'};
    assert_int_equal(decode_as(f, le, sizeof le, NULL), PM_OK);
    assert_string_equal(f->text.norm, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
    assert_int_equal(f->text.invalid_sequences, 2);
}

static void crlf_and_lone_cr_keep_the_line_structure(void **state)
{
    fixture *f = *state;
    assert_int_equal(decode(f, "ab\r\ncd\re\n\r\nf"), PM_OK);
    assert_string_equal(f->text.norm, "ab\ncd\ne\n\nf");
    assert_int_equal(f->text.n_lines, 5);
    const size_t line_orig[] = {0, 4, 7, 9, 11, 12};
    const size_t line_norm[] = {0, 3, 6, 8, 9, 11};
    for (size_t i = 0; i <= 5; i++) {
        assert_int_equal(f->text.line_orig[i], line_orig[i]);
        assert_int_equal(f->text.line_norm[i], line_norm[i]);
    }
    assert_int_equal(pm_text_orig(&f->text, 2), 2); /* end of "ab": before "\r\n" */
    assert_int_equal(pm_text_orig(&f->text, 3), 4); /* start of "cd" */
    assert_int_equal(pm_text_line(&f->text, 10), 5);
    /* a trailing lone CR is a line end too */
    assert_int_equal(decode(f, "x\r"), PM_OK);
    assert_string_equal(f->text.norm, "x\n");
    assert_int_equal(f->text.n_lines, 1);
    assert_int_equal(f->text.line_norm[1], 2);
}

static pm_status decode_limited(fixture *f, const char *s, size_t len, const char *encoding,
                                size_t max_lines)
{
    pm_text_options opt = {.encoding = encoding, .max_lines = max_lines};
    return pm_text_decode(&f->arena, (const unsigned char *)s, len, &opt, &f->text,
                          &f->warnings, &f->err);
}

/* A limit on lines refuses the input past it, whatever the line ends. */
static void more_lines_than_the_limit_fail(void **state)
{
    fixture *f = *state;
    const char *inputs[] = {"a\nb\nc", "a\nb\nc\n", "a\r\nb\rc\r", "\n\n\n"};
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        assert_int_equal(decode_limited(f, inputs[i], strlen(inputs[i]), NULL, 3), PM_OK);
        assert_int_equal(f->text.n_lines, 3);
        assert_int_equal(decode_limited(f, inputs[i], strlen(inputs[i]), NULL, 2), PM_ERR_LIMIT);
        assert_non_null(strstr(f->err.message, "more than 2 lines"));
    }
    /* UTF-16 counts its own line ends */
    const char utf16[] = "a\0\n\0b\0\n\0c\0";
    assert_int_equal(decode_limited(f, utf16, sizeof utf16 - 1, "utf-16le", 3), PM_OK);
    assert_int_equal(decode_limited(f, utf16, sizeof utf16 - 1, "utf-16le", 2), PM_ERR_LIMIT);
}

static void decomposed_text_becomes_nfc_and_maps_to_unit_ends(void **state)
{
    fixture *f = *state;
    /* "Thái Việt" with a + U+0301 and e + U+0302 + U+0323 (non-canonical order) */
    const char *nfd = "Tha\xCC\x81i Vie\xCC\x82\xCC\xA3t";
    assert_int_equal(decode(f, nfd), PM_OK);
    assert_string_equal(f->text.norm, "Thái Việt");
    size_t after_a = strlen("Thá"), after_e = strlen("Thái Việ");
    assert_int_equal(pm_text_orig(&f->text, after_a), strlen("Tha\xCC\x81"));
    assert_int_equal(pm_text_orig(&f->text, after_a - 2), 2); /* start of á */
    assert_int_equal(pm_text_orig(&f->text, after_e), strlen("Tha\xCC\x81i Vie\xCC\x82\xCC\xA3"));
    assert_int_equal(pm_text_orig(&f->text, f->text.norm_len), strlen(nfd));
}

static void unicode_spaces_and_invisible_characters(void **state)
{
    fixture *f = *state;
    assert_int_equal(decode(f, "a\xC2\xA0" "b\xE2\x80\x89" "c\xC2\xAD" "d\xE2\x80\x8B"
                               "e\xEF\xBB\xBF" "f\tg\xE3\x80\x80h\xE2\x80\xAFi 100 m\xC2\xB2"),
                     PM_OK);
    assert_string_equal(f->text.norm, "a b cdef\tg h i 100 m²");
    assert_int_equal(f->warnings.len, 0);
    /* "d" starts after the soft hyphen; the end of "c" takes the hyphen along */
    assert_int_equal(pm_text_orig(&f->text, strlen("a b c")), strlen("a\xC2\xA0" "b\xE2\x80\x89" "c\xC2\xAD"));
}

static void invalid_bytes_are_repaired_and_reported_once(void **state)
{
    fixture *f = *state;
    const char *in = "ok\nab\xFF" "cd \xC3( \xE1\xBA \xED\xA0\x80!\n";
    assert_int_equal(decode(f, in), PM_OK);
    assert_string_equal(f->text.norm, "ok\nab\xEF\xBF\xBD" "cd \xEF\xBF\xBD( \xEF\xBF\xBD "
                                      "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD!\n");
    assert_int_equal(f->text.invalid_sequences, 6);
    assert_int_equal(f->text.first_invalid_line, 2);
    assert_int_equal(f->warnings.len, 1);
    assert_string_equal(f->warnings.items[0].code, "invalid_utf8");
    assert_int_equal(f->warnings.items[0].line, 2);
    assert_non_null(strstr(f->warnings.items[0].message, "6 invalid byte sequences"));
    assert_int_equal(pm_text_orig(&f->text, strlen("ok\nab\xEF\xBF\xBD")), 6);
    assert_int_equal(pm_text_orig(&f->text, strlen("ok\nab") + 1), 6); /* inside U+FFFD */
}

static void nul_bytes_are_repaired(void **state)
{
    fixture *f = *state;
    const char in[] = "S\xE1\xBB\x9F\0 X\xC3\xA2y d\xE1\xBB\xB1ng\n";
    assert_int_equal(decode_as(f, in, sizeof in - 1, NULL), PM_OK);
    assert_string_equal(f->text.norm, "Sở\xEF\xBF\xBD Xây dựng\n");
    assert_int_equal(f->warnings.len, 1);
    assert_non_null(strstr(f->warnings.items[0].message, "NUL"));
}

static void expect_refusal(fixture *f, const void *bytes, size_t len, const char *what)
{
    assert_int_equal(decode_as(f, bytes, len, NULL), PM_ERR_INPUT);
    assert_int_equal(f->err.status, PM_ERR_INPUT);
    assert_non_null(strstr(f->err.message, what));
}

static void binary_and_empty_input_are_refused(void **state)
{
    fixture *f = *state;
    expect_refusal(f, "", 0, "empty file");
    expect_refusal(f, "%PDF-1.7\n%\xE2\xE3\n", 14, "PDF");
    expect_refusal(f, "PK\x03\x04\x14\0\x06\0", 8, "ZIP");
    expect_refusal(f, "\x89PNG\r\n\x1A\n\0\0", 10, "PNG");
    expect_refusal(f, "\xFF\xD8\xFF\xE0\0\x10JFIF", 10, "JPEG");
    expect_refusal(f, "GIF89a\x01\0", 8, "GIF");
    expect_refusal(f, "\x7F" "ELF\x02\x01\x01", 7, "ELF");
    expect_refusal(f, "\x1F\x8B\x08\0", 4, "gzip");
    unsigned char noise[4096];
    for (size_t i = 0; i < sizeof noise; i++)
        noise[i] = (unsigned char)((i * 7919u + 13u) % 251u);
    expect_refusal(f, noise, sizeof noise, "binary data");
    /* a few control characters do not make text binary */
    assert_int_equal(decode(f, "page 1\f\npage 2\x1B\n"), PM_OK);
}

static void forced_encodings(void **state)
{
    fixture *f = *state;
    assert_int_equal(decode_as(f, "abc", 3, "klingon"), PM_ERR_USAGE);
    assert_non_null(strstr(f->err.message, "klingon"));
    unsigned char buf[64];
    size_t n = to_utf16("Sở", buf, true, false);
    assert_int_equal(decode_as(f, buf, n, "UTF-16BE"), PM_OK);
    assert_string_equal(f->text.norm, "Sở");
    assert_int_equal(decode_as(f, "\xEF\xBB\xBFx", 4, "utf-8"), PM_OK);
    assert_string_equal(f->text.norm, "x");
}

static void fast_ranges_are_nfc_stable_and_never_compose_backwards(void **state)
{
    (void)state;
    /* Every code point that ends a canonical decomposition of two or more
     * code points could compose with what precedes it: none may be fast. */
    for (uint32_t cp = 0; cp < 0x30000; cp++) {
        utf8proc_int32_t parts[8];
        utf8proc_ssize_t n =
            utf8proc_decompose_char((utf8proc_int32_t)cp, parts, 8, UTF8PROC_DECOMPOSE, NULL);
        if (n >= 2 && n <= 8 && pm_cp_nfc_fast((uint32_t)parts[n - 1]))
            fail_msg("U+%04X ends the decomposition of U+%04X", (unsigned)parts[n - 1],
                     (unsigned)cp);
        if (!pm_cp_nfc_fast(cp))
            continue;
        if (utf8proc_get_property((utf8proc_int32_t)cp)->combining_class != 0)
            fail_msg("U+%04X is fast but combining", (unsigned)cp);
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        char s[5] = {0};
        pm_utf8_put(cp, s);
        utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)s);
        if (!nfc || strcmp((const char *)nfc, s) != 0)
            fail_msg("U+%04X is fast but not NFC-stable", (unsigned)cp);
        free(nfc);
    }
}

/* ---- the property test ----------------------------------------------------- */

static const char *const fragments[] = {
    "Kế hoạch", "Thái Nguyên", "Tha\xCC\x81i", "Vie\xCC\xA3\xCC\x82t", "Vie\xCC\x82\xCC\xA3t",
    "Nguye\xCC\x82\xCC\x83n", "đô thị", "Đầu tư", "UBND", "2030", " ", " ", "\xC2\xA0",
    "\r\n", "\n", "\r", "\xC2\xAD", "\xE2\x80\x8B", "\xEF\xBB\xBF", "\xFF", "\xC3", "\xE1\xBA",
    "\xED\xA0\x80", "\xE2\x89\xA5 50%", "m\xC2\xB2", "\t", "a\xCC\x81\xCC\x80",
    "\xCC\x81", "\xE1\x84\x80\xE1\x85\xA1", "\xEA\xB0\x80", "\xE2\x80\x9C" "x" "\xE2\x80\x9D",
    "\xEF\x82\xB7", "\xCE\x86", "\xE2\x84\xAB",
    /* decomposed letters before what may or may not close their segment */
    "o\xCC\x9B\xCC\xA3", "e\xCC\x82\xC4\x91", "a\xCC\x81\xCD\x8F", "u\xCD\x80", "\xC3\xA2\xCC\x81",
};

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

/* A boundary before a starter (not between a base and its marks). */
static bool is_char_boundary(const pm_text *t, size_t off)
{
    if (off == 0 || off == t->norm_len)
        return true;
    if (((unsigned char)t->norm[off] & 0xC0) == 0x80)
        return false;
    uint32_t cp = 0;
    pm_utf8_next((const unsigned char *)t->norm + off, t->norm_len - off, &cp);
    return utf8proc_get_property((utf8proc_int32_t)cp)->combining_class == 0;
}

static size_t count_lines(const unsigned char *s, size_t n)
{
    size_t lines = 0, i = 0, start = 0;
    for (; i < n; i++) {
        if (s[i] == '\n' || s[i] == '\r') {
            if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
                i++;
            lines++;
            start = i + 1;
        }
    }
    return lines + (start < n);
}

/* Cutting the original at the mapped offsets of [s, e) and normalising the
 * cut gives norm[s, e). */
static void check_cut(fixture *f, const pm_text *t, size_t s, size_t e)
{
    size_t os = pm_text_orig(t, s), oe = pm_text_orig(t, e);
    assert_true(os <= oe);
    if (os == oe) { /* only removed characters can vanish */
        assert_int_equal(s, e);
        return;
    }
    pm_text cut;
    pm_error err;
    pm_status st = pm_text_decode(&f->arena, t->orig + os, oe - os, NULL, &cut, NULL, &err);
    assert_int_equal(st, PM_OK);
    if (cut.norm_len != e - s || memcmp(cut.norm, t->norm + s, e - s) != 0)
        fail_msg("cut [%zu,%zu) -> orig [%zu,%zu) gives \"%s\", want \"%.*s\"", s, e, os, oe,
                 cut.norm, (int)(e - s), t->norm + s);
}

static void offsets_round_trip_on_random_text(void **state)
{
    fixture *f = *state;
    const size_t n_frag = sizeof fragments / sizeof fragments[0];
    for (int round = 0; round < 300; round++) {
        char in[2048];
        size_t len = 0;
        int parts = 1 + (int)(rng() % 40);
        for (int p = 0; p < parts; p++) {
            const char *frag = fragments[rng() % n_frag];
            size_t fl = strlen(frag);
            memcpy(in + len, frag, fl);
            len += fl;
        }
        pm_text t;
        assert_int_equal(pm_text_decode(&f->arena, (const unsigned char *)in, len, NULL, &t,
                                        NULL, &f->err),
                         PM_OK);
        assert_int_equal(t.n_lines, count_lines(t.orig, len));
        assert_int_equal(pm_text_orig(&t, t.norm_len), len);
        for (size_t i = 1; i < t.n_bp; i++)
            assert_true(t.bp[i].norm > t.bp[i - 1].norm && t.bp[i].orig > t.bp[i - 1].orig);
        size_t prev = 0;
        for (size_t e = 1; e <= t.norm_len; e++) {
            if (!is_char_boundary(&t, e))
                continue;
            check_cut(f, &t, prev, e);
            size_t s = rng() % e;
            while (!is_char_boundary(&t, s))
                s--;
            check_cut(f, &t, s, e);
            prev = e;
        }
        for (size_t line = 1; line <= t.n_lines; line++) {
            size_t ll;
            const char *ls = pm_text_line_str(&t, line, &ll);
            assert_int_equal(pm_text_line(&t, (size_t)(ls - t.norm)), line);
            assert_null(memchr(ls, '\n', ll));
        }
        pm_arena_free(&f->arena); /* keep the arena small */
        pm_arena_init(&f->arena);
    }
}

static void corpus_lines_round_trip(void **state)
{
    fixture *f = *state;
    DIR *dir = opendir(CORPUS_DIR);
    assert_non_null(dir);
    int files = 0;
    for (struct dirent *de; (de = readdir(dir));) {
        size_t nl = strlen(de->d_name);
        if (nl < 4 || strcmp(de->d_name + nl - 4, ".txt") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, de->d_name);
        unsigned char *data;
        size_t len;
        assert_int_equal(pm_read_file(path, PM_DEFAULT_MAX_BYTES, &data, &len, &f->err), PM_OK);
        pm_text t;
        assert_int_equal(pm_text_decode(&f->arena, data, len, NULL, &t, &f->warnings, &f->err),
                         PM_OK);
        assert_int_equal(t.n_lines, count_lines(data, len));
        for (size_t line = 1; line <= t.n_lines; line++) {
            size_t ll;
            const char *ls = pm_text_line_str(&t, line, &ll);
            size_t start = (size_t)(ls - t.norm);
            assert_int_equal(pm_text_orig(&t, start), t.line_orig[line - 1]);
            if (ll)
                check_cut(f, &t, start, start + ll);
        }
        free(data);
        files++;
    }
    closedir(dir);
    assert_true(files > 0);
}

/* ---- legacy encodings --------------------------------------------------------- */

/* Feeds the rows of PATTERNS_DIR/name (fields split on tabs) to add. */
static void load_rows(pm_legacy *l, const char *name,
                      pm_status (*add)(pm_legacy *, const char *const *, const char *, size_t))
{
    char path[512], line[512];
    snprintf(path, sizeof path, "%s/%s", PATTERNS_DIR, name);
    FILE *in = fopen(path, "r");
    assert_non_null(in);
    for (size_t n = 1; fgets(line, sizeof line, in); n++) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        const char *fields[4] = {line, "", "", ""};
        char *tab = line;
        for (int i = 1; i < 4 && (tab = strchr(tab, '\t')); i++) {
            *tab++ = '\0';
            fields[i] = tab;
        }
        assert_int_equal(add(l, fields, path, n), PM_OK);
    }
    fclose(in);
}

static pm_status add_mapping(pm_legacy *l, const char *const *f, const char *file, size_t line)
{
    return pm_legacy_add_mapping(l, f[0], f[1], f[2], file, line, NULL);
}

static pm_status add_syllable(pm_legacy *l, const char *const *f, const char *file, size_t line)
{
    return pm_legacy_add_syllable_part(l, f[0], f[1], file, line, NULL);
}

static int legacy_setup(void **state)
{
    if (setup(state))
        return -1;
    pm_legacy *l;
    if (pm_legacy_new(&l, NULL) != PM_OK)
        return -1;
    load_rows(l, "legacy-encodings.tsv", add_mapping);
    load_rows(l, "vi-syllables.tsv", add_syllable);
    ((fixture *)*state)->legacy = l;
    return 0;
}

static int legacy_teardown(void **state)
{
    pm_legacy_free(((fixture *)*state)->legacy);
    return teardown(state);
}

static const char sentence[] = "Kế hoạch phát triển đô thị tỉnh Thái Nguyên đến năm 2030, Ủy ban "
                               "nhân dân tỉnh chỉ đạo thực hiện.";

static const struct {
    const char *encoding, *bytes;
} encoded[] = {
    {"windows-1258",
     "K\xEA\xEC hoa\xF2" "ch ph\xE1t tri\xEA\xD2n \xF0\xF4 thi\xF2 ti\xD2nh Th\xE1i Nguy\xEAn "
     "\xF0\xEA\xECn n\xE3m 2030, U\xD2y ban nh\xE2n d\xE2n ti\xD2nh chi\xD2 \xF0" "a\xF2o th"
     "\xFD\xF2" "c hi\xEA\xF2n."},
    {"viscii", "K\xAA ho\xD5" "ch ph\xE1t tri\xACn \xF0\xF4 th\xB8 t\xEFnh Th\xE1i Nguy\xEAn "
               "\xF0\xAAn n\xE5m 2030, \x9Cy ban nh\xE2n d\xE2n t\xEFnh ch\xEF \xF0\xD5o th\xF1"
               "c hi\xAEn."},
    {"tcvn3", "K\xD5 ho\xB9" "ch ph\xB8t tri\xD3n \xAE\xAB th\xDE t\xD8nh Th\xB8i Nguy\xAAn "
              "\xAE\xD5n n\xA8m 2030, \x9Ey ban nh\xA9n d\xA9n t\xD8nh ch\xD8 \xAE\xB9o th\xF9"
              "c hi\xD6n."},
    {"vni", "Ke\xE1 hoa\xEF" "ch pha\xF9t trie\xE5n \xF1o\xE2 th\xF2 t\xE6nh Tha\xF9i Nguye\xE2n "
            "\xF1" "e\xE1n na\xEAm 2030, U\xDBy ban nha\xE2n da\xE2n t\xE6nh ch\xE6 \xF1" "a\xEFo "
            "th\xF6\xEF" "c hie\xE4n."},
};

static void legacy_encodings_are_detected_and_decoded(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof encoded / sizeof encoded[0]; i++) {
        const char *in = encoded[i].bytes;
        pm_text_options detect = {.legacy = f->legacy};
        assert_int_equal(pm_text_decode(&f->arena, (const unsigned char *)in, strlen(in), &detect,
                                        &f->text, &f->warnings, &f->err),
                         PM_OK);
        assert_string_equal(f->text.encoding, encoded[i].encoding);
        assert_string_equal(f->text.norm, sentence);
        assert_int_equal(f->text.invalid_sequences, 0);
        /* "hoạch" starts right after the first word in every encoding */
        const char *space = strchr(in, ' ');
        assert_int_equal(pm_text_orig(&f->text, strlen("Kế ")), (size_t)(space - in) + 1);
        assert_int_equal(pm_text_orig(&f->text, f->text.norm_len), strlen(in));
        /* and forcing the encoding gives the same text */
        pm_text_options forced = {.encoding = encoded[i].encoding, .legacy = f->legacy};
        assert_int_equal(pm_text_decode(&f->arena, (const unsigned char *)in, strlen(in), &forced,
                                        &f->text, &f->warnings, &f->err),
                         PM_OK);
        assert_string_equal(f->text.norm, sentence);
    }
    assert_int_equal(f->warnings.len, 0);
}

static void utf8_is_never_taken_for_a_legacy_encoding(void **state)
{
    fixture *f = *state;
    const char *in = "Kế hoạch phát triển \xFF đô thị tỉnh Thái Nguyên";
    pm_text_options detect = {.legacy = f->legacy};
    assert_int_equal(pm_text_decode(&f->arena, (const unsigned char *)in, strlen(in), &detect,
                                    &f->text, &f->warnings, &f->err),
                     PM_OK);
    assert_string_equal(f->text.encoding, "utf-8");
    assert_int_equal(f->text.invalid_sequences, 1);
    /* high bytes that are no Vietnamese in any table stay repaired UTF-8 */
    const char noise[] = "abc \xFE\xFD\xFC\xFB def \xFA\xF9\xF8";
    assert_int_equal(pm_text_decode(&f->arena, (const unsigned char *)noise, sizeof noise - 1,
                                    &detect, &f->text, &f->warnings, &f->err),
                     PM_OK);
    assert_string_equal(f->text.encoding, "utf-8");
    pm_text_options unknown = {.encoding = "klingon", .legacy = f->legacy};
    assert_int_equal(pm_text_decode(&f->arena, (const unsigned char *)"x", 1, &unknown, &f->text,
                                    &f->warnings, &f->err),
                     PM_ERR_USAGE);
}

static void syllable_grammar_covers_real_text(void **state)
{
    fixture *f = *state;
    size_t words;
    double share = pm_legacy_syllable_share(f->legacy, sentence, strlen(sentence), &words);
    assert_int_equal(words, 19);
    assert_true(share == 1.0);
    const char *garbage = "Kõ ho¹ch ph¸t triÓn ®« thÞ";
    assert_true(pm_legacy_syllable_share(f->legacy, garbage, strlen(garbage), &words) < 0.5);
    DIR *dir = opendir(CORPUS_DIR);
    assert_non_null(dir);
    for (struct dirent *de; (de = readdir(dir));) {
        if (!strstr(de->d_name, ".txt"))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, de->d_name);
        unsigned char *data;
        size_t len;
        assert_int_equal(pm_read_file(path, PM_DEFAULT_MAX_BYTES, &data, &len, &f->err), PM_OK);
        share = pm_legacy_syllable_share(f->legacy, (const char *)data, len, &words);
        if (share < 0.95)
            fail_msg("%s: only %.3f of %zu words are syllables", path, share, words);
        free(data);
    }
    closedir(dir);
}

static void malformed_legacy_rows_are_refused(void **state)
{
    fixture *f = *state;
    pm_error err;
    assert_int_equal(pm_legacy_add_mapping(f->legacy, "vni", "6", "U+00E1", "t.tsv", 3, &err),
                     PM_OK); /* one hex digit is a byte */
    assert_int_equal(pm_legacy_add_mapping(f->legacy, "vni", "zz", "U+00E1", "t.tsv", 4, &err),
                     PM_ERR_PATTERN);
    assert_int_equal(err.line, 4);
    assert_int_equal(pm_legacy_add_mapping(f->legacy, "vni", "61 F9 20", "U+00E1", "t.tsv", 5,
                                           &err),
                     PM_ERR_PATTERN);
    assert_int_equal(pm_legacy_add_mapping(f->legacy, "vni", "61", "á", "t.tsv", 6, &err),
                     PM_ERR_PATTERN);
    assert_int_equal(pm_legacy_add_syllable_part(f->legacy, "coda", "ng", "s.tsv", 7, &err),
                     PM_ERR_PATTERN);
    assert_string_equal(err.file, "s.tsv");
}

/* ---- spans ------------------------------------------------------------------- */

static void spans_join_lines_and_map_back(void **state)
{
    fixture *f = *state;
    assert_int_equal(decode(f, "Sở Xây dựng chủ trì,\r\nphối hợp\r\nvới các sở"), PM_OK);
    const pm_text *t = &f->text;
    size_t l2 = t->line_norm[1], l3 = t->line_norm[2];
    pm_span_builder b;
    pm_span_begin(&b, &f->arena, t);
    pm_span_add(&b, 0, l2 - 1);
    pm_span_sep(&b, " ");
    pm_span_add(&b, l2, l3 - 1);
    pm_span_sep(&b, " / ");
    pm_span_add(&b, l3, t->norm_len);
    pm_span sp;
    assert_int_equal(pm_span_end(&b, &sp), PM_OK);
    assert_string_equal(sp.s, "Sở Xây dựng chủ trì, phối hợp / với các sở");
    assert_int_equal(sp.line, 1);
    size_t comma = strlen("Sở Xây dựng chủ trì,");
    assert_int_equal(pm_span_norm(&sp, comma), l2 - 1); /* the separator -> end of piece */
    assert_int_equal(pm_span_norm(&sp, comma + 1), l2);
    size_t slash = strlen("Sở Xây dựng chủ trì, phối hợp");
    for (size_t k = 0; k < 3; k++)
        assert_int_equal(pm_span_norm(&sp, slash + k), l3 - 1);
    assert_int_equal(pm_span_norm(&sp, slash + 3), l3);
    assert_int_equal(pm_span_norm(&sp, sp.len), t->norm_len);
    assert_int_equal(pm_text_orig(t, pm_span_norm(&sp, comma + 1)), strlen("Sở Xây dựng chủ trì,\r\n"));

    pm_span sub;
    assert_int_equal(pm_span_sub(&f->arena, &sp, comma + 1, slash, &sub), PM_OK);
    assert_int_equal(sub.len, strlen("phối hợp"));
    assert_memory_equal(sub.s, "phối hợp", sub.len);
    assert_int_equal(pm_span_norm(&sub, 0), l2);
    assert_int_equal(pm_span_norm(&sub, sub.len), l3 - 1);
    assert_int_equal(pm_span_sub(&f->arena, &sp, 3, 8, &sub), PM_OK);
    assert_int_equal(pm_span_norm(&sub, 0), 3);
    assert_int_equal(sub.line, 1);

    /* the builder is reusable; contiguous ranges make one piece */
    pm_span_add(&b, 0, 4);
    pm_span_add(&b, 4, 8);
    assert_int_equal(pm_span_end(&b, &sp), PM_OK);
    assert_int_equal(sp.n_pieces, 1);
    assert_int_equal(sp.len, 8);
    assert_int_equal(pm_span_end(&b, &sp), PM_OK);
    assert_int_equal(sp.len, 0);
    assert_int_equal(sp.line, 0);
    pm_span_builder_free(&b);

    pm_span r;
    assert_int_equal(pm_span_from_range(&f->arena, t, l2, l3 - 1, &r), PM_OK);
    assert_string_equal(r.s, "phối hợp");
    assert_int_equal(r.line, 2);
    assert_int_equal(pm_span_norm(&r, 3), l2 + 3);
}

/* ---- folding --------------------------------------------------------------- */

static void check_fold(void (*fn)(const char *, size_t, pm_buf *), const char *in,
                       const char *want)
{
    pm_buf out = {0};
    pm_buf_puts(&out, "<");
    fn(in, strlen(in), &out);
    assert_string_equal(pm_buf_cstr(&out) + 1, want);
    pm_buf_free(&out);
}

static void folding(void **state)
{
    (void)state;
    check_fold(pm_slugify, "Sở Kế hoạch và Đầu tư", "so-ke-hoach-va-dau-tu");
    check_fold(pm_slugify, "UBND thành phố Sóc Trăng", "ubnd-thanh-pho-soc-trang");
    check_fold(pm_slugify, "  Sở Nông nghiệp & PTNT (tỉnh) ", "so-nong-nghiep-ptnt-tinh");
    check_fold(pm_slugify, "Tha\xCC\x81i", "thai");
    check_fold(pm_slugify, "--", "");
    check_fold(pm_fold_lower, "SỞ XÂY DỰNG Đ ĐÀ NẴNG", "sở xây dựng đ đà nẵng");
    check_fold(pm_fold_lower, "ABC\xFF", "abc\xEF\xBF\xBD");
    check_fold(pm_strip_marks, "Sở Xây Dựng, ĐÀ Nẵng", "So Xay Dung, DA Nang");
    check_fold(pm_nfc, "Tha\xCC\x81i Vie\xCC\x82\xCC\xA3t", "Thái Việt");
    check_fold(pm_nfc, "plain ≥ 5 m²", "plain ≥ 5 m²");
    check_fold(pm_nfc, "a\xFF" "b\xCC\x81", "a\xEF\xBF\xBD" "b\xCC\x81");
    check_fold(pm_nfc, "\xE2\x84\xAB", "\xC3\x85"); /* Angstrom sign */
}

static void utf8_validity_follows_pcre2(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        bool valid;
    } cases[] = {
        {"", true},
        {"Kế hoạch 2025", true},
        {"\xF0\x9F\x98\x80", true},       /* U+1F600 */
        {"\xC0\xAF", false},               /* overlong '/' */
        {"\xE0\x80\xAF", false},           /* overlong, three bytes */
        {"\xED\xA0\x80", false},           /* surrogate U+D800 */
        {"\xF4\x90\x80\x80", false},       /* past U+10FFFF */
        {"abc\xE1\xBA", false},            /* cut short at the end */
        {"\x80", false},                    /* a lone continuation byte */
        {"\xE1\xBA\xBFx\xFF", false},      /* valid, then 0xFF */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(pm_utf8_valid(cases[i].bytes, strlen(cases[i].bytes)), cases[i].valid);
}

/* ---- fast paths against general ones --------------------------------------- */

/* Pieces that end the UTF-8 fast scanner's runs, or not, at every offset
 * modulo 8 and 16 (its DFA steps and SSE2 blocks): ASCII runs, words,
 * 2-byte letters (C3..CB), C2 signs and the spaces and soft hyphen behind
 * C2, 3-byte letters from E1 B8..BB and other E1 and E0 characters,
 * Cyrillic, combining marks, line ends and NUL. */
static const char *const scanner_pieces[] = {
    "a", "ab", "abcdefg", "Kho", "\xC3\xA1", "\xC6\xB0", "\xCB\xBF", "\xC2\xB2", "\xC2\xA0",
    "\xC2\xAD", "\xC2\x85", "\xE1\xBA\xBF", "\xE1\xBB\x87", "\xE1\xB8\x80",
    "\xE1\x80\x80", "\xE1\xBC\x80", "\xD0\x96", "\xCC\x81", "\xCC\xA3\xCC\x82",
    "e\xCC\x82", "\xE2\x80\x93", "\xE2\x80\xA8", "\n", "\r\n", "\r", " ", "\t",
    "\xCD\x8F", "\xCD\x80", "\xCD\xAF", "\xC4\x91", "\xE1\x84\x80\xE1\x85\xA1",
    "K\xE1\xBA\xBF ho\xE1\xBA\xA1" "ch ph\xC3\xA1t tri\xE1\xBB\x83n", "\xE0\xA4\x95",
    "\xE1\xB7\x80", "\xE1\xBD\xB1",
};

static size_t random_scanner_text(char *out, size_t cap)
{
    const size_t n_pieces = sizeof scanner_pieces / sizeof scanner_pieces[0];
    size_t len = 0;
    for (int parts = 1 + (int)(rng() % 60); parts > 0; parts--) {
        const char *piece = scanner_pieces[rng() % n_pieces];
        size_t pl = strlen(piece);
        if (len + pl >= cap)
            break;
        memcpy(out + len, piece, pl);
        len += pl;
    }
    out[len] = '\0';
    return len;
}

/* decode_utf8 (a DFA over runs, decomposed letters straight to NFC)
 * against decode_utf16 (code point by code point through feed_cp): the
 * same normalised text and lines. (Their maps differ inside grown units;
 * offsets_round_trip_on_random_text checks the UTF-8 map.) */
static void expect_utf8_as_utf16(fixture *f, const char *in, size_t len)
{
    unsigned char u16[1024];
    assert_true(len < sizeof u16 / 2);
    size_t n16 = to_utf16(in, u16, false, false);
    pm_text a, b;
    pm_text_options as16 = {.encoding = "utf-16le"};
    assert_int_equal(pm_text_decode(&f->arena, (const unsigned char *)in, len, NULL, &a, NULL,
                                    &f->err),
                     PM_OK);
    assert_int_equal(pm_text_decode(&f->arena, u16, n16, &as16, &b, NULL, &f->err), PM_OK);
    assert_int_equal(a.norm_len, b.norm_len);
    assert_memory_equal(a.norm, b.norm, a.norm_len);
    assert_int_equal(a.n_lines, b.n_lines);
    for (size_t i = 0; i <= a.n_lines; i++)
        assert_int_equal(a.line_norm[i], b.line_norm[i]);
    pm_arena_free(&f->arena);
    pm_arena_init(&f->arena);
}

static void utf8_fast_path_agrees_with_utf16_path(void **state)
{
    fixture *f = *state;
    for (int round = 0; round < 2000; round++) {
        char in[512];
        size_t len = random_scanner_text(in, sizeof in);
        expect_utf8_as_utf16(f, in, len);
    }
}

/* Each piece that may stop the scanner's run (or may not) at every offset
 * of its 8-byte steps and 16-byte blocks, also cut by them: after fast
 * text of every length, whose last letter may be open across a step. */
static void utf8_fast_path_agrees_at_every_offset(void **state)
{
    fixture *f = *state;
    static const char *const leads[] = {"", "\xC3\xA1", "\xE1\xBA\xBF"};
    static const char *const stoppers[] = {
        "\xE1\x80\x80", "\xE1\xBC\x80", "\xE1\xB7\x80", "\xE1\xBA\xBF", "\xC2\x85",
        "\xC2\xA0",     "\xC2\xAD",     "\xC2\xB2",     "\xC3\xA1",     "\xCC\x81",
        "\xCD\x8F",     "\xE2\x80\x93", "\xD0\x96",     "\n",           "\r\n",
        "\xE1\xBD\xB1", /* U+1F71, whose NFC is U+03AC */
    };
    for (size_t n = 0; n < 64; n++)
        for (size_t l = 0; l < sizeof leads / sizeof leads[0]; l++)
            for (size_t k = 0; k < sizeof stoppers / sizeof stoppers[0]; k++) {
                char in[128];
                memset(in, 'a', n);
                int len = snprintf(in + n, sizeof in - n, "%s%sxyz", leads[l], stoppers[k]);
                expect_utf8_as_utf16(f, in, n + (size_t)len);
            }
}

/* Decomposed letters: every Latin letter whose NFD is an ASCII letter and
 * marks (the decoder's table), letters and marks that compose into no
 * letter (utf8proc or the memo), one after the other and after ASCII of
 * every length up to 9 (the 8-byte test for a run that ends at a mark),
 * with line ends, tabs and other letters before them: the decoder's text
 * is pm_nfc's line by line, and UTF-16's. */
static void decomposed_letters_agree_with_nfc(void **state)
{
    fixture *f = *state;
    static const char *const fillers[] = {"a", "\n", "\r", "\t", " ", "\xC3\xA1", "\xC4\x91"};
    static const char *const odd[] = {"q\xCC\x81", "e\xCC\x81\xCC\x81", "\xC3\xA1\xCC\x81",
                                      "1\xCC\x83", "e\xCC\xA3\xCC\x82\xCC\x81",
                                      "u\xCC\x9B\xCC\x80", "E\xCD\x85"};
    size_t n_letters = 0;
    for (uint32_t cp = 0xC0; cp < 0x1F00; cp = cp == 0x24F ? 0x1E00 : cp + 1) {
        utf8proc_int32_t parts[8];
        utf8proc_ssize_t np =
            utf8proc_decompose_char((utf8proc_int32_t)cp, parts, 8, UTF8PROC_DECOMPOSE, NULL);
        if (np < 2 || parts[0] >= 0x80)
            continue;
        char nfd[32];
        size_t nl = 0;
        for (utf8proc_ssize_t j = 0; j < np; j++)
            nl += (size_t)pm_utf8_put((uint32_t)parts[j], nfd + nl);
        n_letters++;
        for (int round = 0; round < 6; round++) {
            char in[256];
            size_t len = 0;
            for (size_t k = rng() % 10; k > 0; k--) {
                const char *x = fillers[rng() % (sizeof fillers / sizeof fillers[0])];
                memcpy(in + len, x, strlen(x));
                len += strlen(x);
            }
            memcpy(in + len, nfd, nl);
            len += nl;
            const char *o = odd[rng() % (sizeof odd / sizeof odd[0])];
            memcpy(in + len, o, strlen(o));
            len += strlen(o);
            memcpy(in + len, nfd, nl); /* again: from the memo or table this time */
            len += nl;
            memcpy(in + len, "xyz", 3);
            len += 3;
            in[len] = '\0';
            expect_utf8_as_utf16(f, in, len);
            pm_text t;
            assert_int_equal(pm_text_decode(&f->arena, (const unsigned char *)in, len, NULL, &t,
                                            NULL, &f->err),
                             PM_OK);
            for (size_t line = 1; line <= t.n_lines; line++) {
                size_t got_len;
                const char *got = pm_text_line_str(&t, line, &got_len);
                /* the same line of the input: its line ends are \n, \r or \r\n */
                const char *start = in;
                for (size_t l = 1; l < line; l++) {
                    start += strcspn(start, "\r\n");
                    start += start[0] == '\r' && start[1] == '\n' ? 2 : 1;
                }
                pm_buf want = {0};
                pm_nfc(start, strcspn(start, "\r\n"), &want);
                assert_int_equal(got_len, want.len);
                assert_memory_equal(got, want.data, want.len);
                pm_buf_free(&want);
            }
            pm_arena_free(&f->arena);
            pm_arena_init(&f->arena);
        }
    }
    assert_true(n_letters > 400);
}

/* On text without line ends, spaces or dropped characters, the decoder's
 * text is pm_nfc's (utf8proc on the whole), for every prefix of it (cut
 * sequences at the end) and with invalid bytes anywhere. */
static void utf8_fast_path_agrees_with_nfc(void **state)
{
    fixture *f = *state;
    static const char *const pieces[] = {
        "a", "Kho", "abcdefgh", "\xC3\xA1", "\xC6\xB0", "\xE1\xBA\xBF", "\xE1\xBB\x87",
        "\xE1\x80\x80", "\xD0\x96", "\xCC\x81", "e\xCC\x82", "\xFF", "\x80", "\xE1\xBA",
        "\xC0\xAF", "\xED\xA0\x80", "\xE2\x80\x93", "\xC2\xB2",
        "K\xE1\xBA\xBF ho\xE1\xBA\xA1" "ch ph\xC3\xA1t tri\xE1\xBB\x83n",
    };
    for (int round = 0; round < 400; round++) {
        char in[256];
        size_t len = 0;
        for (int parts = 1 + (int)(rng() % 30); parts > 0; parts--) {
            const char *piece = pieces[rng() % (sizeof pieces / sizeof pieces[0])];
            if (len + strlen(piece) > sizeof in)
                break;
            memcpy(in + len, piece, strlen(piece));
            len += strlen(piece);
        }
        for (size_t cut = 1; cut <= len; cut++) {
            pm_text t;
            assert_int_equal(pm_text_decode(&f->arena, (const unsigned char *)in, cut, NULL, &t,
                                            NULL, &f->err),
                             PM_OK);
            pm_buf want = {0};
            pm_nfc(in, cut, &want);
            assert_int_equal(t.norm_len, want.len);
            assert_memory_equal(t.norm, want.data, want.len);
            pm_buf_free(&want);
        }
        pm_arena_free(&f->arena);
        pm_arena_init(&f->arena);
    }
}

/* pm_utf8_valid (a DFA, two halves at a time) against a sequential
 * pm_utf8_next on random bytes. */
static void utf8_valid_agrees_with_sequential_decoding(void **state)
{
    (void)state;
    static const unsigned char bytes[] = {'a',  0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0,
                                          0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED,
                                          0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF};
    static const char *const valid[] = {"a", "\xC3\xA1", "\xE1\xBA\xBF", "\xF0\x9F\x98\x80"};
    for (int round = 0; round < 40000; round++) {
        unsigned char s[40];
        size_t len = 0, want_len = rng() % 32;
        while (len < want_len) { /* mostly well-formed, with stray bytes */
            if (rng() % 4) {
                const char *v = valid[rng() % 4];
                memcpy(s + len, v, strlen(v));
                len += strlen(v);
            } else {
                s[len++] = bytes[rng() % sizeof bytes];
            }
        }
        bool want = true;
        for (size_t i = 0; i < len && want;) {
            uint32_t cp;
            int k = pm_utf8_next(s + i, len - i, &cp);
            want = k > 0;
            i += (size_t)(k < 0 ? -k : k);
        }
        assert_int_equal(pm_utf8_valid((const char *)s, len), want);
    }
}

/* The sniffers' counts (16 bytes a step) against a byte-by-byte count:
 * random text with control bytes, line ends and NULs anywhere, with and
 * without a first byte that shifts every unit, is refused as binary or
 * taken for UTF-16 exactly as the rules on the counts say. */
static void sniffer_counts_agree_with_bytewise_counts(void **state)
{
    fixture *f = *state;
    static const unsigned char bytes[] = {'a', ' ', 0x00, 0x01, 0x08, '\t', '\n', 0x0B,
                                          0x0C, '\r', 0x0E, 0x1F, 0x20, 0x7F, 0x80, 0xC3,
                                          0xA1, 0xFF};
    for (int round = 0; round < 20000; round++) {
        unsigned char in[200];
        size_t len = 1 + rng() % sizeof in, rare = 1 + rng() % 8;
        for (size_t i = 0; i < len; i++)
            in[i] = rng() % 8 < rare ? bytes[rng() % sizeof bytes] : (unsigned char)('a' + i % 26);
        if (in[0] == 0xFF)
            in[0] = 'x'; /* no UTF-16 BOM */
        size_t controls = 0, nul_even = 0, nul_odd = 0, units = len / 2;
        for (size_t i = 0; i < len; i++) {
            controls += in[i] < 0x20 && (in[i] < '\t' || in[i] > '\r');
            if (!in[i] && i < units * 2) {
                nul_even += !(i & 1);
                nul_odd += i & 1;
            }
        }
        bool utf16 = units && ((nul_odd * 5 >= units * 2 && nul_even * 8 <= nul_odd) ||
                               (nul_even * 5 >= units * 2 && nul_odd * 8 <= nul_even));
        bool binary = !utf16 && controls * 10 > len;
        pm_text t;
        pm_status st = pm_text_decode(&f->arena, in, len, NULL, &t, NULL, &f->err);
        if (st != PM_OK && strstr(f->err.message, "looks like a"))
            continue; /* a binary format's magic bytes */
        assert_int_equal(st, binary ? PM_ERR_INPUT : PM_OK);
        if (!binary)
            assert_int_equal(strncmp(t.encoding, "utf-16", 6) == 0, utf16);
        pm_arena_free(&f->arena);
        pm_arena_init(&f->arena);
    }
}

/* The decoder's text is well-formed UTF-8 whatever the input (run_stages
 * relies on it and does not check again): stray and cut sequences among
 * fast letters, decomposed letters and other characters in UTF-8, and
 * lone surrogates and odd lengths in UTF-16. */
static void decoded_text_is_always_utf8(void **state)
{
    fixture *f = *state;
    static const unsigned char bytes[] = {'a',  ' ',  '\n', '\r', 0x7F, 0x80, 0x85, 0x8F, 0x90,
                                          0x9F, 0xA0, 0xAD, 0xB8, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3,
                                          0xCB, 0xCC, 0xCD, 0xDF, 0xE0, 0xE1, 0xE2, 0xED, 0xEF,
                                          0xF0, 0xF4, 0xF5, 0xFF};
    static const unsigned units[] = {'a', '\n', 0x00E1, 0x0301, 0x1EBF, 0x2013, 0xD800,
                                     0xDBFF, 0xDC00, 0xDFFF, 0xFEFF, 0xFFFD, 0xAC00};
    for (int round = 0; round < 3000; round++) {
        char in[512];
        size_t len = random_scanner_text(in, 400);
        for (int stray = (int)(rng() % 8); stray > 0 && len > 0; stray--)
            in[rng() % len] = (char)bytes[rng() % sizeof bytes];
        pm_text t;
        if (len && pm_text_decode(&f->arena, (const unsigned char *)in, len, NULL, &t, NULL,
                                  &f->err) == PM_OK)
            assert_true(pm_utf8_valid(t.norm, t.norm_len));
        unsigned char u16[512];
        size_t n16 = 1 + rng() % 300;
        for (size_t i = 0; i + 1 < n16; i += 2) {
            unsigned u = units[rng() % (sizeof units / sizeof units[0])];
            u16[i] = (unsigned char)(u & 0xFF);
            u16[i + 1] = (unsigned char)(u >> 8);
        }
        if (n16 & 1)
            u16[n16 - 1] = 'x'; /* an odd final byte */
        pm_text_options as16 = {.encoding = "utf-16le"};
        assert_int_equal(pm_text_decode(&f->arena, u16, n16, &as16, &t, NULL, &f->err), PM_OK);
        assert_true(pm_utf8_valid(t.norm, t.norm_len));
        pm_arena_free(&f->arena);
        pm_arena_init(&f->arena);
    }
}

/* pm_fold_lower and pm_strip_marks (ASCII words, inline letters, cached
 * tables, reserving room only when a character grows) against utf8proc
 * code point by code point. */
static void fold_and_strip_agree_with_utf8proc(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "A", "Hello, World", "KHO B\xE1\xBA\xA0\x43", "\xC3\x81", "\xC4\x90", "\xC4\x91",
        "\xE1\xBB\x86", "\xC4\xB0",  /* İ: lower case shorter */
        "\xC8\xBA",                    /* Ⱥ: lower case U+2C65 longer */
        "\xEA\xB0\x80",                /* 가: strips to two jamo, longer */
        "\xCE\x86", "\xD0\x96", "e\xCC\x82", "\xFF", "\xE1\xBA", "\xF0\x9F\x98\x80", "0123456789",
    };
    for (int round = 0; round < 3000; round++) {
        char in[256];
        size_t len = 0;
        for (int parts = 1 + (int)(rng() % 20); parts > 0; parts--) {
            const char *piece = pieces[rng() % (sizeof pieces / sizeof pieces[0])];
            memcpy(in + len, piece, strlen(piece));
            len += strlen(piece);
        }
        pm_buf want_lower = {0}, want_bare = {0}, lower = {0}, bare = {0};
        for (size_t i = 0; i < len;) {
            uint32_t cp = 0xFFFD;
            int k = pm_utf8_next((const unsigned char *)in + i, len - i, &cp);
            if (k < 0)
                cp = 0xFFFD;
            i += (size_t)(k < 0 ? -k : k);
            char u[4];
            pm_buf_append(&want_lower, u,
                          (size_t)pm_utf8_put((uint32_t)utf8proc_tolower((utf8proc_int32_t)cp), u));
            utf8proc_int32_t parts[8];
            utf8proc_ssize_t np = cp == 0x110 || cp == 0x111
                                      ? 0
                                      : utf8proc_decompose_char((utf8proc_int32_t)cp, parts, 8,
                                                                UTF8PROC_DECOMPOSE, NULL);
            if (np < 1) {
                parts[0] = cp == 0x110 ? 'D' : cp == 0x111 ? 'd' : (utf8proc_int32_t)cp;
                np = 1;
            }
            for (utf8proc_ssize_t j = 0; j < np; j++) {
                utf8proc_category_t cat = utf8proc_category(parts[j]);
                if (cat != UTF8PROC_CATEGORY_MN && cat != UTF8PROC_CATEGORY_ME)
                    pm_buf_append(&want_bare, u, (size_t)pm_utf8_put((uint32_t)parts[j], u));
            }
        }
        /* Appends after what is there, into buffers with no room to spare
         * (as ASan would see an overflow). */
        lower = (pm_buf){.data = malloc(len + 2), .len = 1, .cap = len + 2};
        bare = (pm_buf){.data = malloc(len + 2), .len = 1, .cap = len + 2};
        assert_true(lower.data && bare.data);
        lower.data[0] = bare.data[0] = '<';
        pm_fold_lower(in, len, &lower);
        pm_strip_marks(in, len, &bare);
        assert_int_equal(lower.len, want_lower.len + 1);
        assert_memory_equal(lower.data + 1, pm_buf_cstr(&want_lower), want_lower.len);
        assert_int_equal(bare.len, want_bare.len + 1);
        assert_memory_equal(bare.data + 1, pm_buf_cstr(&want_bare), want_bare.len);
        pm_buf_free(&want_lower);
        pm_buf_free(&want_bare);
        pm_buf_free(&lower);
        pm_buf_free(&bare);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(clean_utf8_is_copied_with_one_breakpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(utf8_bom_is_dropped_and_mapped, setup, teardown),
        cmocka_unit_test_setup_teardown(utf16_with_and_without_bom, setup, teardown),
        cmocka_unit_test_setup_teardown(utf16_broken_surrogate_and_odd_byte_are_repaired, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(crlf_and_lone_cr_keep_the_line_structure, setup, teardown),
        cmocka_unit_test_setup_teardown(more_lines_than_the_limit_fail, setup, teardown),
        cmocka_unit_test_setup_teardown(decomposed_text_becomes_nfc_and_maps_to_unit_ends, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(unicode_spaces_and_invisible_characters, setup, teardown),
        cmocka_unit_test_setup_teardown(invalid_bytes_are_repaired_and_reported_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(nul_bytes_are_repaired, setup, teardown),
        cmocka_unit_test_setup_teardown(binary_and_empty_input_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(forced_encodings, setup, teardown),
        cmocka_unit_test(fast_ranges_are_nfc_stable_and_never_compose_backwards),
        cmocka_unit_test_setup_teardown(offsets_round_trip_on_random_text, setup, teardown),
        cmocka_unit_test_setup_teardown(corpus_lines_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(legacy_encodings_are_detected_and_decoded, legacy_setup,
                                        legacy_teardown),
        cmocka_unit_test_setup_teardown(utf8_is_never_taken_for_a_legacy_encoding, legacy_setup,
                                        legacy_teardown),
        cmocka_unit_test_setup_teardown(syllable_grammar_covers_real_text, legacy_setup,
                                        legacy_teardown),
        cmocka_unit_test_setup_teardown(malformed_legacy_rows_are_refused, legacy_setup,
                                        legacy_teardown),
        cmocka_unit_test_setup_teardown(spans_join_lines_and_map_back, setup, teardown),
        cmocka_unit_test(folding),
        cmocka_unit_test(utf8_validity_follows_pcre2),
        cmocka_unit_test_setup_teardown(utf8_fast_path_agrees_with_utf16_path, setup, teardown),
        cmocka_unit_test_setup_teardown(utf8_fast_path_agrees_at_every_offset, setup, teardown),
        cmocka_unit_test_setup_teardown(utf8_fast_path_agrees_with_nfc, setup, teardown),
        cmocka_unit_test_setup_teardown(decomposed_letters_agree_with_nfc, setup, teardown),
        cmocka_unit_test(utf8_valid_agrees_with_sequential_decoding),
        cmocka_unit_test_setup_teardown(sniffer_counts_agree_with_bytewise_counts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(decoded_text_is_always_utf8, setup, teardown),
        cmocka_unit_test(fold_and_strip_agree_with_utf8proc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
