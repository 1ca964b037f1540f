/* core: the small toolkit every stage uses — an arena that owns a
 * document's memory, growable byte buffers and arrays, warnings, errors,
 * SHA-256. Nothing here knows about plans. */
#ifndef PM_CORE_H
#define PM_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "planmine.h"

#define PM_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ---- arena: one per document, freed at once ---------------------------- */
typedef struct pm_arena_block pm_arena_block;
typedef struct pm_arena_adopted pm_arena_adopted;
typedef struct pm_arena {
    pm_arena_block *head;
    pm_arena_adopted *adopted; /* heap memory freed with the arena */
    size_t total; /* bytes handed out, for limits and benchmarks */
} pm_arena;

void pm_arena_init(pm_arena *a);
void pm_arena_free(pm_arena *a);
/* Zeroed, aligned memory; NULL only when malloc fails. */
void *pm_arena_alloc(pm_arena *a, size_t size);
/* The same memory not zeroed, for callers that write all of it at once. */
void *pm_arena_alloc_uninit(pm_arena *a, size_t size);
char *pm_arena_strndup(pm_arena *a, const char *s, size_t n);
char *pm_arena_strdup(pm_arena *a, const char *s);
char *pm_arena_printf(pm_arena *a, const char *fmt, ...) PM_PRINTF(2, 3);
/* Takes over malloc'd memory of `size` bytes (a buffer built on the heap,
 * such as a pm_buf's data, kept instead of copied): it is freed with the
 * arena. False (and p still the caller's) only when malloc fails. */
bool pm_arena_adopt(pm_arena *a, void *p, size_t size);

/* ---- growable arrays in an arena -------------------------------------- */
/* Ensures room for one more element; the old block stays in the arena
 * (growth doubles, so the waste is bounded by the final size). */
bool pm_grow(pm_arena *a, void **items, size_t *cap, size_t len, size_t elem_size);
/* pm_grow without zeroing the new room: for arrays whose items are each
 * written whole as they are added (big tables built item by item). */
bool pm_grow_uninit(pm_arena *a, void **items, size_t *cap, size_t len, size_t elem_size);
#define PM_PUSH(arena, vec_items, vec_len, vec_cap)                                       \
    (pm_grow((arena), (void **)&(vec_items), &(vec_cap), (vec_len), sizeof *(vec_items)) \
         ? &(vec_items)[(vec_len)++]                                                     \
         : NULL)

/* ---- heap byte buffer (for output and scratch) ------------------------- */
typedef struct pm_buf {
    char *data;
    size_t len, cap;
    bool failed; /* an allocation failed; later appends are no-ops */
} pm_buf;

void pm_buf_free(pm_buf *b);
void pm_buf_reset(pm_buf *b);
void pm_buf_puts(pm_buf *b, const char *s);
/* The out-of-line halves of the three below: they grow the buffer. */
bool pm_buf_reserve_slow(pm_buf *b, size_t extra);
void pm_buf_append_slow(pm_buf *b, const void *s, size_t n);
void pm_buf_putc_slow(pm_buf *b, char c);

/* Inline (C11 `inline`; memory.c has the external definitions): the room
 * is nearly always there, and these run for every byte of output. While
 * data is allocated len < cap, so `n < cap - len` is len + n + 1 <= cap,
 * the room pm_buf_reserve asks for (n bytes and pm_buf_cstr's NUL). */
inline bool pm_buf_reserve(pm_buf *b, size_t extra)
{
    if (!b->failed && extra < b->cap - b->len)
        return true;
    return pm_buf_reserve_slow(b, extra);
}

inline void pm_buf_append(pm_buf *b, const void *s, size_t n)
{
    if (n && !b->failed && n < b->cap - b->len) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
    } else {
        pm_buf_append_slow(b, s, n);
    }
}

inline void pm_buf_putc(pm_buf *b, char c)
{
    if (!b->failed && b->cap - b->len > 1)
        b->data[b->len++] = c;
    else
        pm_buf_putc_slow(b, c);
}
void pm_buf_printf(pm_buf *b, const char *fmt, ...) PM_PRINTF(2, 3);
/* NUL-terminates without counting the NUL in len. */
const char *pm_buf_cstr(pm_buf *b);

/* ---- warnings ----------------------------------------------------------- */
typedef struct pm_warnings {
    pm_arena *arena;
    pm_warning *items;
    size_t len, cap;
} pm_warnings;

void pm_warn(pm_warnings *w, const char *code, size_t line, const char *fmt, ...)
    PM_PRINTF(4, 5);

/* ---- errors -------------------------------------------------------------- */
pm_status pm_fail(pm_error *err, pm_status status, const char *file, size_t line,
                  const char *fmt, ...) PM_PRINTF(5, 6);

/* ---- files --------------------------------------------------------------- */
/* Reads a whole file ("-" = stdin) into malloc'd memory (caller frees);
 * refuses more than max_bytes, directories and unreadable files. */
pm_status pm_read_file(const char *path, size_t max_bytes, unsigned char **data, size_t *len,
                       pm_error *err);
/* Writes data to path atomically: a temporary file in the same directory,
 * fsync, rename. On failure nothing is left behind. */
pm_status pm_write_file_atomic(const char *path, const void *data, size_t len, pm_error *err);
/* Writes all n bytes to fd (retrying short writes and EINTR); false with
 * errno set when it cannot. */
bool pm_write_all(int fd, const void *data, size_t n);

/* ---- hashing ------------------------------------------------------------- */
void pm_sha256_hex(const void *data, size_t len, char out[65]);

#endif
