/* Arena, growable arrays and byte buffers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

struct pm_arena_block {
    pm_arena_block *next;
    size_t used, size;
    max_align_t data[]; /* flexible array keeps the payload aligned */
};

struct pm_arena_adopted {
    pm_arena_adopted *next;
    void *memory;
};

enum { ARENA_MIN_BLOCK = 64 * 1024 };

void pm_arena_init(pm_arena *a)
{
    a->head = NULL;
    a->adopted = NULL;
    a->total = 0;
}

void pm_arena_free(pm_arena *a)
{
    /* (the list lives in the blocks freed next) */
    for (pm_arena_adopted *m = a->adopted; m; m = m->next)
        free(m->memory);
    a->adopted = NULL;
    pm_arena_block *b = a->head;
    while (b) {
        pm_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}

/* Room for size bytes, not zeroed: for callers that write all of it at
 * once (copies of strings, grown arrays). */
static void *arena_alloc_raw(pm_arena *a, size_t size)
{
    const size_t align = _Alignof(max_align_t);
    size_t need = (size + align - 1) / align * align;
    if (need < size)
        return NULL;
    pm_arena_block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t block = need > ARENA_MIN_BLOCK ? need : ARENA_MIN_BLOCK;
        /* Grow blocks with the arena so big documents need few mallocs. */
        if (a->total / 4 > block)
            block = a->total / 4 / align * align;
        if (block > SIZE_MAX - sizeof *b)
            return NULL;
        b = malloc(sizeof *b + block);
        if (!b)
            return NULL;
        b->size = block;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += need;
    a->total += need;
    return p;
}

void *pm_arena_alloc(pm_arena *a, size_t size)
{
    void *p = arena_alloc_raw(a, size);
    if (p)
        memset(p, 0, size);
    return p;
}

bool pm_arena_adopt(pm_arena *a, void *p, size_t size)
{
    pm_arena_adopted *m = arena_alloc_raw(a, sizeof *m);
    if (!m)
        return false;
    m->memory = p;
    m->next = a->adopted;
    a->adopted = m;
    a->total += size;
    return true;
}

void *pm_arena_alloc_uninit(pm_arena *a, size_t size)
{
    return arena_alloc_raw(a, size);
}

char *pm_arena_strndup(pm_arena *a, const char *s, size_t n)
{
    char *p = arena_alloc_raw(a, n + 1);
    if (p) {
        if (n)
            memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *pm_arena_strdup(pm_arena *a, const char *s)
{
    return s ? pm_arena_strndup(a, s, strlen(s)) : NULL;
}

char *pm_arena_printf(pm_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = arena_alloc_raw(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

static bool grow(pm_arena *a, void **items, size_t *cap, size_t len, size_t elem_size,
                 bool zero)
{
    if (len < *cap)
        return true;
    size_t new_cap = *cap ? *cap * 2 : 8;
    if (new_cap > SIZE_MAX / elem_size)
        return false;
    char *p = arena_alloc_raw(a, new_cap * elem_size);
    if (!p)
        return false;
    /* the copied elements need no zeroing, the room after them does */
    if (len)
        memcpy(p, *items, len * elem_size);
    if (zero)
        memset(p + len * elem_size, 0, (new_cap - len) * elem_size);
    *items = p;
    *cap = new_cap;
    return true;
}

bool pm_grow(pm_arena *a, void **items, size_t *cap, size_t len, size_t elem_size)
{
    return grow(a, items, cap, len, elem_size, true);
}

bool pm_grow_uninit(pm_arena *a, void **items, size_t *cap, size_t len, size_t elem_size)
{
    return grow(a, items, cap, len, elem_size, false);
}

void pm_buf_free(pm_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

void pm_buf_reset(pm_buf *b)
{
    b->len = 0;
    b->failed = false;
}

extern inline bool pm_buf_reserve(pm_buf *b, size_t extra);

bool pm_buf_reserve_slow(pm_buf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (extra > SIZE_MAX - b->len - 1) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + extra + 1; /* room for the NUL of pm_buf_cstr */
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

extern inline void pm_buf_append(pm_buf *b, const void *s, size_t n);
extern inline void pm_buf_putc(pm_buf *b, char c);

void pm_buf_append_slow(pm_buf *b, const void *s, size_t n)
{
    if (!n || !pm_buf_reserve_slow(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

void pm_buf_putc_slow(pm_buf *b, char c)
{
    if (!pm_buf_reserve_slow(b, 1))
        return;
    b->data[b->len++] = c;
}

void pm_buf_puts(pm_buf *b, const char *s)
{
    pm_buf_append(b, s, strlen(s));
}

void pm_buf_printf(pm_buf *b, const char *fmt, ...)
{
    /* Formatted straight into the free room when it fits (numbers, short
     * messages), measured first only when it does not. */
    if (!pm_buf_reserve(b, 64))
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= b->cap - b->len) {
        if (!pm_buf_reserve(b, (size_t)n))
            return;
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

const char *pm_buf_cstr(pm_buf *b)
{
    if (!pm_buf_reserve(b, 0))
        return "";
    b->data[b->len] = '\0';
    return b->data;
}
