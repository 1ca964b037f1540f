/* The whole extract path through the public API; the JSON written for any
 * input must parse (quotes, control characters and bad bytes escaped), and
 * every record's evidence must point inside the input. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "planmine.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void check_source(const pm_source *src, size_t size)
{
    if (src->byte_start > src->byte_end || src->byte_end > size || !src->line || !src->text)
        abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static pm_context *ctx;
    pm_error err = {0};
    if (!ctx && pm_context_new(getenv("PLANMINE_PATTERNS") ? NULL : "patterns", &ctx, &err) != PM_OK) {
        fprintf(stderr, "fuzz: %s:%zu: %s\n", err.file, err.line, err.message);
        abort();
    }
    pm_document *doc;
    if (pm_extract_bytes(ctx, "fuzz.txt", data, size, NULL, &doc, &err) != PM_OK)
        return 0;
    for (size_t i = 0; i < pm_document_target_count(doc); i++)
        check_source(&pm_document_target(doc, i)->source, size);
    for (size_t i = 0; i < pm_document_task_count(doc); i++)
        check_source(&pm_document_task(doc, i)->source, size);
    char *json = NULL;
    size_t json_len = 0;
    FILE *mem = open_memstream(&json, &json_len);
    if (!mem || pm_document_write_json(doc, mem, 0) != PM_OK)
        abort();
    fclose(mem);
    json_error_t jerr;
    json_t *parsed = json_loadb(json, json_len, 0, &jerr);
    if (!parsed) {
        fprintf(stderr, "invalid JSON: %s at %d\n", jerr.text, jerr.position);
        abort();
    }
    json_decref(parsed);
    free(json);
    pm_document_free(doc);
    return 0;
}
