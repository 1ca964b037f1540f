/* core: arena, arrays, buffers, warnings, files, SHA-256. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"

static void arena_allocations_are_zeroed_aligned_and_survive_growth(void **state)
{
    (void)state;
    pm_arena a;
    pm_arena_init(&a);
    char *first = pm_arena_strdup(&a, "Sở Xây dựng");
    for (int i = 0; i < 10000; i++) {
        unsigned char *p = pm_arena_alloc(&a, (size_t)(i % 97) + 1);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        for (int j = 0; j < i % 97 + 1; j++)
            assert_int_equal(p[j], 0);
        memset(p, 0xAB, (size_t)(i % 97) + 1);
    }
    void *big = pm_arena_alloc(&a, 1 << 20);
    assert_non_null(big);
    assert_string_equal(first, "Sở Xây dựng");
    assert_string_equal(pm_arena_printf(&a, "%s-%d", "t", 2), "t-2");
    pm_arena_free(&a);
}

static void push_grows_and_keeps_contents(void **state)
{
    (void)state;
    pm_arena a;
    pm_arena_init(&a);
    int *items = NULL;
    size_t len = 0, cap = 0;
    for (int i = 0; i < 1000; i++) {
        int *slot = PM_PUSH(&a, items, len, cap);
        assert_non_null(slot);
        *slot = i;
    }
    assert_int_equal(len, 1000);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(items[i], i);
    pm_arena_free(&a);
}

/* The arena's memory that is not zeroed, arrays grown without zeroing,
 * and heap memory it takes over (freed with it: ASan's leak check and
 * double-free detection watch pm_arena_free). */
static void arena_uninit_grow_and_adopt(void **state)
{
    (void)state;
    pm_arena a;
    pm_arena_init(&a);
    for (int i = 0; i < 1000; i++) {
        unsigned char *p = pm_arena_alloc_uninit(&a, (size_t)(i % 97) + 1);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        memset(p, 0xCD, (size_t)(i % 97) + 1);
    }
    size_t *items = NULL, len = 0, cap = 0;
    for (size_t i = 0; i < 5000; i++) {
        if (len == cap)
            assert_true(pm_grow_uninit(&a, (void **)&items, &cap, len, sizeof *items));
        items[len++] = i * 3;
    }
    for (size_t i = 0; i < len; i++)
        assert_int_equal(items[i], i * 3);
    size_t before = a.total;
    for (int i = 0; i < 3; i++) {
        char *heap = malloc(100);
        assert_non_null(heap);
        memcpy(heap, "adopted", 8);
        assert_true(pm_arena_adopt(&a, heap, 100));
        assert_string_equal(heap, "adopted");
    }
    assert_true(a.total >= before + 300);
    pm_arena_free(&a);
    assert_null(a.adopted);
    pm_arena_free(&a); /* a freed arena is empty: freeing it again is harmless */
}

static void buffers_append_and_format(void **state)
{
    (void)state;
    pm_buf b = {0};
    pm_buf_puts(&b, "năm ");
    pm_buf_printf(&b, "%d", 2025);
    pm_buf_putc(&b, '!');
    assert_string_equal(pm_buf_cstr(&b), "năm 2025!");
    assert_int_equal(b.len, strlen("năm 2025!"));
    pm_buf_reset(&b);
    assert_string_equal(pm_buf_cstr(&b), "");
    for (int i = 0; i < 100000; i++)
        pm_buf_putc(&b, 'x');
    assert_int_equal(b.len, 100000);
    pm_buf_free(&b);
}

/* The inline fast paths take the room only when pm_buf_reserve would
 * find it (n bytes and the NUL) and leave everything else to it: at every
 * length around the capacity the contents, len and the NUL's room agree. */
static void buffer_fast_paths_at_the_capacity(void **state)
{
    (void)state;
    char expect[1200];
    for (size_t chunk = 1; chunk <= 9; chunk++) {
        pm_buf b = {0};
        pm_buf_append(&b, "", 0); /* nothing to add: nothing allocated */
        assert_null(b.data);
        size_t n = 0;
        while (n + chunk + 1 < sizeof expect) {
            if (chunk == 1) {
                pm_buf_putc(&b, (char)('a' + n % 26));
                expect[n] = (char)('a' + n % 26);
            } else {
                memcpy(expect + n, "0123456789", chunk);
                pm_buf_append(&b, "0123456789", chunk);
            }
            n += chunk;
            assert_int_equal(b.len, n);
            assert_true(b.len < b.cap); /* room for the NUL is always kept */
            assert_true(pm_buf_reserve(&b, b.cap - b.len - 1));
            assert_memory_equal(b.data, expect, n);
        }
        assert_int_equal(strlen(pm_buf_cstr(&b)), n);
        pm_buf_free(&b);
    }
    /* A failed buffer takes nothing, fast path or not. */
    pm_buf b = {0};
    pm_buf_puts(&b, "abc");
    b.failed = true;
    pm_buf_putc(&b, 'd');
    pm_buf_append(&b, "ef", 2);
    assert_false(pm_buf_reserve(&b, 1));
    assert_int_equal(b.len, 3);
    pm_buf_reset(&b);
    pm_buf_putc(&b, 'x');
    assert_string_equal(pm_buf_cstr(&b), "x");
    pm_buf_free(&b);
}

static void warnings_keep_code_line_and_message(void **state)
{
    (void)state;
    pm_arena a;
    pm_arena_init(&a);
    pm_warnings w = {.arena = &a};
    pm_warn(&w, "number_mismatch", 299, "appendix cites %s", "121/KH-UBND");
    assert_int_equal(w.len, 1);
    assert_string_equal(w.items[0].code, "number_mismatch");
    assert_int_equal(w.items[0].line, 299);
    assert_string_equal(w.items[0].message, "appendix cites 121/KH-UBND");
    pm_arena_free(&a);
}

static void sha256_matches_known_vectors(void **state)
{
    (void)state;
    char hex[65];
    pm_sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    pm_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    pm_sha256_hex(two_blocks, strlen(two_blocks), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char million[1000];
    memset(million, 'a', sizeof million);
    pm_sha256_hex(million, sizeof million, hex);
    assert_string_equal(hex, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

static void files_round_trip_atomically_and_refuse_bad_paths(void **state)
{
    (void)state;
    char dir[] = "/tmp/pm-core-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/out.json", dir);
    pm_error err = {0};
    assert_int_equal(pm_write_file_atomic(path, "{}\n", 3, &err), PM_OK);
    unsigned char *data;
    size_t len;
    assert_int_equal(pm_read_file(path, 100, &data, &len, &err), PM_OK);
    assert_int_equal(len, 3);
    assert_memory_equal(data, "{}\n", 3);
    free(data);

    assert_int_equal(pm_read_file(path, 2, &data, &len, &err), PM_ERR_LIMIT);
    assert_int_equal(pm_read_file(dir, 100, &data, &len, &err), PM_ERR_IO);
    assert_non_null(strstr(err.message, "directory"));
    snprintf(path, sizeof path, "%s/missing.txt", dir);
    assert_int_equal(pm_read_file(path, 100, &data, &len, &err), PM_ERR_IO);
    assert_string_equal(err.file, path);

    /* A directory that cannot hold the file: no temporary file is left. */
    snprintf(path, sizeof path, "%s/out.json/x.json", dir);
    assert_int_equal(pm_write_file_atomic(path, "{}", 2, &err), PM_ERR_IO);
    snprintf(path, sizeof path, "rm -r %s", dir);
    assert_int_equal(system(path), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_allocations_are_zeroed_aligned_and_survive_growth),
        cmocka_unit_test(push_grows_and_keeps_contents),
        cmocka_unit_test(arena_uninit_grow_and_adopt),
        cmocka_unit_test(buffers_append_and_format),
        cmocka_unit_test(buffer_fast_paths_at_the_capacity),
        cmocka_unit_test(warnings_keep_code_line_and_message),
        cmocka_unit_test(sha256_matches_known_vectors),
        cmocka_unit_test(files_round_trip_atomically_and_refuse_bad_paths),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
