/* The comparison on any JSON a user may hand to `planmine compare`: a
 * document that parses is loaded (or refused with an error, never a
 * crash), compared with a well-formed one and the baseline, and rendered
 * in every format; the JSON report must parse. Seeds: tests/golden/. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "compare/compare.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char *patterns_dir(void)
{
    const char *dir = getenv("PLANMINE_PATTERNS");
    return dir ? dir : "patterns";
}

/* Loads a fixed golden document beside the fuzzed one, so every row of
 * the report compares two provinces. */
static json_t *golden_document(void)
{
    static json_t *doc;
    if (!doc) {
        const char *dir = getenv("PLANMINE_GOLDEN");
        char path[1024];
        snprintf(path, sizeof path, "%s/000_5ed95dafb3202056.json", dir ? dir : "tests/golden");
        json_error_t jerr;
        if (!(doc = json_load_file(path, 0, &jerr))) {
            fprintf(stderr, "fuzz: %s: %s\n", path, jerr.text);
            abort();
        }
    }
    return doc;
}

static void render_all(const pm_compare_report *report)
{
    pm_status (*const renderers[])(const pm_compare_report *, pm_buf *) = {
        pm_compare_render_csv, pm_compare_render_md, pm_compare_render_html,
        pm_compare_render_json};
    for (size_t i = 0; i < sizeof renderers / sizeof *renderers; i++) {
        pm_buf out = {0};
        if (renderers[i](report, &out) != PM_OK)
            abort();
        if (renderers[i] == pm_compare_render_json) {
            json_error_t jerr;
            json_t *parsed = json_loadb(out.data, out.len, 0, &jerr);
            if (!parsed) {
                fprintf(stderr, "invalid JSON report: %s at %d\n", jerr.text, jerr.position);
                abort();
            }
            json_decref(parsed);
        }
        pm_buf_free(&out);
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    json_t *root = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (!root)
        return 0;
    char baseline[1024], indicators[1024];
    snprintf(baseline, sizeof baseline, "%s/baseline.tsv", patterns_dir());
    snprintf(indicators, sizeof indicators, "%s/indicators.tsv", patterns_dir());
    pm_compare_set set;
    pm_compare_set_init(&set, patterns_dir());
    pm_error err = {0};
    if (pm_compare_load_baseline(&set, baseline, &err) != PM_OK ||
        pm_compare_load_catalogue(&set, indicators, &err) != PM_OK ||
        pm_compare_add_json(&set, golden_document(), "golden.json", &err) != PM_OK) {
        fprintf(stderr, "fuzz: %s:%zu: %s\n", err.file, err.line, err.message);
        abort();
    }
    pm_compare_report report;
    if (pm_compare_add_json(&set, root, "fuzz.json", &err) == PM_OK &&
        pm_compare_build(&set, &report, &err) == PM_OK)
        render_all(&report);
    json_decref(root);
    pm_compare_set_free(&set);
    return 0;
}
