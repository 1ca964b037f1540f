/* span.c: strings assembled from ranges of the normalised text, with the
 * pieces that map their offsets back (see text.h).
 *
 * Mapping rule: an offset maps through the last piece at or before it,
 * norm = piece.norm + (off - piece.at). A range adds a piece only when that
 * rule would not already give its start (contiguous ranges merge). The
 * first byte of a separator that follows a range maps to the range's end
 * by the same rule; every later separator byte gets a piece pointing at
 * that end, so all of a separator maps to the end of the range before it.
 *
 * While building, the slot pieces[n_pieces] (always allocated) remembers
 * where the last range ended: .at in the span, .norm in the text. Between
 * spans, line keeps the line of the last one: builders walk the text
 * forwards, so the next span's line is found from there. */
#include <string.h>

#include "text/internal.h"

void pm_span_begin(pm_span_builder *b, pm_arena *a, const pm_text *t)
{
    memset(b, 0, sizeof *b);
    b->arena = a;
    b->text = t;
}

void pm_span_builder_free(pm_span_builder *b)
{
    pm_buf_free(&b->buf); /* the pieces live in the arena */
    b->pieces = NULL;
    b->n_pieces = b->cap_pieces = 0;
}

/* Where offset `off` maps under the current pieces (n_pieces > 0). */
static size_t extrapolate(const pm_span_builder *b, size_t off)
{
    const pm_piece *last = &b->pieces[b->n_pieces - 1];
    return last->norm + (off - last->at);
}

/* Appends a piece and keeps room for the end-of-range slot. */
static void push_piece(pm_span_builder *b, size_t at, size_t norm)
{
    /* pm_grow copies `len` items: the slot too, once there is one */
    size_t len = b->pieces ? b->n_pieces + 1 : 0;
    if (!pm_grow(b->arena, (void **)&b->pieces, &b->cap_pieces, len, sizeof *b->pieces) ||
        (!len && !pm_grow(b->arena, (void **)&b->pieces, &b->cap_pieces, 1,
                          sizeof *b->pieces))) {
        b->buf.failed = true;
        return;
    }
    b->pieces[b->n_pieces++] = (pm_piece){at, norm};
}

enum { LINE_STEPS = 8 };

/* pm_text_line(b->text, off), walking on from the line of the builder's
 * last span when off is at or after its start (line_norm ascends: the
 * last line starting at or before off is the same either way). */
static size_t line_from_last(const pm_span_builder *b, size_t off)
{
    const pm_text *t = b->text;
    size_t i = b->line; /* its 0-based index plus one */
    if (!i || i > t->n_lines || t->line_norm[i - 1] > off)
        return pm_text_line(t, off);
    for (size_t steps = 0; i < t->n_lines && t->line_norm[i] <= off; i++)
        if (++steps > LINE_STEPS)
            return pm_text_line(t, off);
    return i;
}

static pm_piece *range_end(pm_span_builder *b)
{
    return &b->pieces[b->n_pieces];
}

void pm_span_add(pm_span_builder *b, size_t norm_start, size_t norm_end)
{
    if (norm_end > b->text->norm_len)
        norm_end = b->text->norm_len;
    if (norm_end <= norm_start || b->buf.failed)
        return;
    size_t at = b->buf.len;
    if (!b->n_pieces) {
        /* Separators written before the first range map to its start. */
        for (size_t k = 0; k < at; k++)
            push_piece(b, k, norm_start);
        push_piece(b, at, norm_start);
        b->line = line_from_last(b, norm_start);
    } else if (extrapolate(b, at) != norm_start) {
        push_piece(b, at, norm_start);
    }
    if (b->buf.failed)
        return;
    pm_buf_append(&b->buf, b->text->norm + norm_start, norm_end - norm_start);
    *range_end(b) = (pm_piece){b->buf.len, norm_end};
}

void pm_span_sep(pm_span_builder *b, const char *sep)
{
    size_t n = strlen(sep);
    if (b->n_pieces && !b->buf.failed) {
        size_t end = range_end(b)->norm;
        for (size_t k = 0; k < n; k++)
            if (extrapolate(b, b->buf.len + k) != end)
                push_piece(b, b->buf.len + k, end);
    }
    pm_buf_append(&b->buf, sep, n);
}

pm_status pm_span_end(pm_span_builder *b, pm_span *out)
{
    memset(out, 0, sizeof *out);
    bool had_range = b->n_pieces > 0;
    if (b->buf.len && !b->n_pieces) /* separators only: nothing to point at */
        push_piece(b, 0, 0);
    pm_status st = PM_OK;
    if (b->buf.failed) {
        st = PM_ERR_NOMEM;
    } else {
        char *s = pm_arena_strndup(b->arena, b->buf.data ? b->buf.data : "", b->buf.len);
        pm_piece *pieces =
            b->n_pieces ? pm_arena_alloc_uninit(b->arena, b->n_pieces * sizeof *pieces) : NULL;
        if (!s || (b->n_pieces && !pieces)) {
            st = PM_ERR_NOMEM;
        } else {
            if (b->n_pieces)
                memcpy(pieces, b->pieces, b->n_pieces * sizeof *pieces);
            *out = (pm_span){s, b->buf.len, pieces, b->n_pieces,
                             b->buf.len && had_range ? b->line : 0};
        }
    }
    pm_buf_reset(&b->buf);
    b->buf.failed = false;
    b->n_pieces = 0;
    return st;
}

size_t pm_span_norm(const pm_span *sp, size_t off)
{
    if (!sp->n_pieces)
        return 0;
    if (off > sp->len)
        off = sp->len;
    size_t lo = 0, hi = sp->n_pieces; /* the last piece at or before off */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (sp->pieces[mid].at <= off)
            lo = mid;
        else
            hi = mid;
    }
    return sp->pieces[lo].norm + (off - sp->pieces[lo].at);
}

pm_status pm_span_from_range(pm_arena *a, const pm_text *t, size_t norm_start,
                             size_t norm_end, pm_span *out)
{
    memset(out, 0, sizeof *out);
    if (norm_end > t->norm_len)
        norm_end = t->norm_len;
    if (norm_end < norm_start)
        norm_end = norm_start;
    size_t len = norm_end - norm_start;
    char *s = pm_arena_strndup(a, t->norm + norm_start, len);
    pm_piece *piece = pm_arena_alloc_uninit(a, sizeof *piece);
    if (!s || !piece)
        return PM_ERR_NOMEM;
    *piece = (pm_piece){0, norm_start};
    *out = (pm_span){s, len, piece, 1, len ? pm_text_line(t, norm_start) : 0};
    return PM_OK;
}

pm_status pm_span_sub(pm_arena *a, const pm_span *sp, size_t start, size_t end, pm_span *out)
{
    memset(out, 0, sizeof *out);
    if (end > sp->len)
        end = sp->len;
    if (start > end)
        start = end;
    size_t first = 0, hi = sp->n_pieces; /* the piece that holds start */
    while (hi - first > 1) {
        size_t mid = first + (hi - first) / 2;
        if (sp->pieces[mid].at <= start)
            first = mid;
        else
            hi = mid;
    }
    size_t n = 0;
    for (size_t j = first; j < sp->n_pieces && (j == first || sp->pieces[j].at < end); j++)
        n++;
    pm_piece *pieces = n ? pm_arena_alloc_uninit(a, n * sizeof *pieces) : NULL;
    if (n && !pieces)
        return PM_ERR_NOMEM;
    for (size_t j = 0; j < n; j++) {
        const pm_piece *p = &sp->pieces[first + j];
        pieces[j] = j ? (pm_piece){p->at - start, p->norm}
                      : (pm_piece){0, p->norm + (start - p->at)};
    }
    /* The line is known only inside the first piece, whose text is a copy
     * of the normalised text, '\n's included; elsewhere it needs pm_text:
     * pm_text_line(t, pm_span_norm(out, 0)). */
    size_t line = 0;
    if (end > start && first == 0 && sp->line) {
        line = sp->line;
        for (size_t k = 0; k < start; k++)
            line += sp->s[k] == '\n';
    }
    *out = (pm_span){sp->s + start, end - start, pieces, n, line};
    return PM_OK;
}
