/* The throughput floor of the benchmark: one NFC normalisation pass over
 * the same files, with each of the project's Unicode libraries (ICU:
 * UTF-8 -> UTF-16 -> unorm2_normalize -> UTF-8; utf8proc_map). No extractor
 * can beat the faster one, so `make bench` reports extract's throughput as a
 * ratio to it.
 *
 * usage: nfc-floor [--runs N] FILE...   prints "icu MB/s" and "utf8proc MB/s" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <utf8proc.h>

#include "core/core.h"

typedef struct input {
    unsigned char *data;
    size_t len;
} input;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Returns bytes written so the work cannot be optimised away. */
static size_t icu_pass(const input *in, size_t n)
{
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&status);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t cap = (int32_t)in[i].len + 1;
        UChar *u16 = malloc(sizeof *u16 * (size_t)cap);
        UChar *norm = malloc(sizeof *norm * (size_t)cap * 2);
        char *u8 = malloc((size_t)cap * 6);
        int32_t len16 = 0, len_norm, len8 = 0;
        status = U_ZERO_ERROR;
        u_strFromUTF8WithSub(u16, cap, &len16, (const char *)in[i].data, (int32_t)in[i].len,
                             0xFFFD, NULL, &status);
        len_norm = unorm2_normalize(nfc, u16, len16, norm, cap * 2, &status);
        u_strToUTF8(u8, cap * 6, &len8, norm, len_norm, &status);
        total += (size_t)len8;
        free(u16);
        free(norm);
        free(u8);
    }
    return total;
}

static size_t utf8proc_pass(const input *in, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        utf8proc_uint8_t *out = NULL;
        utf8proc_ssize_t r = utf8proc_map(in[i].data, (utf8proc_ssize_t)in[i].len, &out,
                                          UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (r > 0)
            total += (size_t)r;
        free(out);
    }
    return total;
}

static double median(double *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

int main(int argc, char **argv)
{
    int runs = 3, first = 1;
    if (argc > 2 && strcmp(argv[1], "--runs") == 0) {
        runs = atoi(argv[2]);
        first = 3;
    }
    if (first >= argc || runs < 1) {
        fprintf(stderr, "usage: nfc-floor [--runs N] FILE...\n");
        return 2;
    }
    size_t n = (size_t)(argc - first), bytes = 0;
    input *in = calloc(n, sizeof *in);
    if (!in)
        return 1;
    for (size_t i = 0; i < n; i++) {
        pm_error err;
        if (pm_read_file(argv[first + (int)i], (size_t)1 << 32, &in[i].data, &in[i].len, &err) != PM_OK) {
            fprintf(stderr, "nfc-floor: %s: %s\n", err.file, err.message);
            return 1;
        }
        bytes += in[i].len;
    }
    double icu[64], u8p[64];
    if (runs > 64)
        runs = 64;
    size_t sink = 0;
    for (int r = 0; r < runs; r++) {
        double t0 = now();
        sink += icu_pass(in, n);
        double t1 = now();
        sink += utf8proc_pass(in, n);
        double t2 = now();
        icu[r] = t1 - t0;
        u8p[r] = t2 - t1;
    }
    double mb = (double)bytes / 1e6;
    printf("icu %.1f\nutf8proc %.1f\n", mb / median(icu, runs), mb / median(u8p, runs));
    for (size_t i = 0; i < n; i++)
        free(in[i].data);
    free(in);
    return sink ? 0 : 1;
}
