/* The segmenter's driver: tables claim their lines first, then every other
 * line is classified once, the layout (front matter, closing, appendices)
 * is found, the outline and blocks are built and the header fields read. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "segment/internal.h"

pm_status pm_segmenter_new(const pm_patterns *p, pm_segmenter **out, pm_error *err)
{
    *out = NULL;
    pm_segmenter *s = calloc(1, sizeof *s);
    if (!s)
        return pm_fail(err, PM_ERR_NOMEM, "segmenter", 0, "out of memory");
    s->patterns = p;
    pm_status st = pm_tables_init(s, err);
    if (st == PM_OK)
        st = pm_outline_init(s, err);
    if (st == PM_OK)
        st = pm_header_init(s, err);
    if (st != PM_OK) {
        pm_segmenter_free(s);
        return st;
    }
    *out = s;
    return PM_OK;
}

void pm_segmenter_free(pm_segmenter *s)
{
    if (!s)
        return;
    pm_tables_free(s);
    pm_outline_free(s);
    pm_header_free(s);
    free(s);
}

pm_zone pm_zone_of(const pm_layout *lay, size_t line)
{
    if (line >= lay->closing_start && line < lay->closing_end)
        return PM_ZONE_CLOSING;
    if (line >= lay->appendix_start ||
        (lay->closing_end > lay->closing_start && line >= lay->closing_end))
        return PM_ZONE_APPENDIX;
    return line < lay->front_end ? PM_ZONE_FRONT : PM_ZONE_BODY;
}

size_t pm_utf8_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += ((unsigned char)s[i] & 0xC0) != 0x80;
    return count;
}

char *pm_sentence_case(pm_arena *a, const char *s, size_t n)
{
    /* Case mapping never more than doubles a UTF-8 sequence here
     * (Vietnamese letters keep their length); 4 bytes per code point is safe. */
    char *out = pm_arena_alloc(a, n * 4 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    bool first = true;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) { /* not reachable on normalised text; copy the byte */
            out[o++] = s[i++];
            continue;
        }
        if (utf8proc_category(cp) == UTF8PROC_CATEGORY_LU ||
            utf8proc_category(cp) == UTF8PROC_CATEGORY_LL) {
            cp = first ? utf8proc_toupper(cp) : utf8proc_tolower(cp);
            first = false;
        }
        o += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)out + o);
        i += (size_t)k;
    }
    out[o] = '\0';
    return out;
}

pm_status pm_segment(const pm_segmenter *s, pm_arena *a, const pm_text *t, pm_tree *out,
                     pm_warnings *w, pm_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = t->n_lines;
    unsigned char *line_used = calloc(n + 1, 1);
    pm_line *lines = calloc(n + 1, sizeof *lines);
    pcre2_match_data *md = pcre2_match_data_create(32, NULL);
    pm_status st = PM_OK;
    if (!line_used || !lines || !md) {
        st = pm_fail(err, PM_ERR_NOMEM, "segment", 0, "out of memory");
        goto done;
    }
    st = pm_find_tables(s, a, t, line_used, &out->tables, &out->n_tables, w, err);
    if (st != PM_OK)
        goto done;
    pm_classify_lines(s, t, line_used, lines, md);
    pm_layout lay;
    pm_find_layout(s, t, lines, n, md, &lay);
    st = pm_build_outline(s, a, t, lines, &lay, out, err);
    if (st == PM_OK)
        st = pm_read_header(s, a, t, lines, &lay, out, md, err);
done:
    pcre2_match_data_free(md);
    free(lines);
    free(line_used);
    return st;
}
