/* text/legacy.h: legacy Vietnamese 8-bit encodings (Windows-1258, VISCII,
 * TCVN3, VNI-Windows). Their tables and the syllable grammar that tells them
 * apart are data: patterns/legacy-encodings.tsv and patterns/vi-syllables.tsv.
 * The caller feeds the rows in once (pm_legacy_add_*), then decodes any
 * number of documents with pm_text_decode_legacy; a pm_legacy is read-only
 * after loading and may be shared by threads. */
#ifndef PM_TEXT_LEGACY_H
#define PM_TEXT_LEGACY_H

#include "text/text.h"

typedef struct pm_legacy pm_legacy;

pm_status pm_legacy_new(pm_legacy **out, pm_error *err);
void pm_legacy_free(pm_legacy *l);

/* A row of legacy-encodings.tsv: ENCODING, BYTES ("61 F9"), CODE POINT
 * ("U+00E1"). file and line name the row in errors (PM_ERR_PATTERN). */
pm_status pm_legacy_add_mapping(pm_legacy *l, const char *encoding, const char *bytes,
                                const char *code_point, const char *file, size_t line,
                                pm_error *err);
/* A row of vi-syllables.tsv: KIND ("onset" or "rhyme"), LETTERS. */
pm_status pm_legacy_add_syllable_part(pm_legacy *l, const char *kind, const char *letters,
                                      const char *file, size_t line, pm_error *err);

/* Share (0..1) of the words of UTF-8 s that have a non-ASCII letter and
 * are Vietnamese syllables; *words counts those words. */
double pm_legacy_syllable_share(const pm_legacy *l, const char *s, size_t n, size_t *words);

/* pm_text_decode that also reads the legacy encodings: opt->encoding may
 * name one, and input that is not UTF-8 (more invalid than valid non-ASCII
 * sequences) is decoded in the legacy encoding whose text has the highest
 * share of Vietnamese syllables, when that share is at least half.
 * t->encoding is then the encoding's name. legacy NULL = pm_text_decode. */
pm_status pm_text_decode_legacy(pm_arena *a, const unsigned char *bytes, size_t len,
                                const pm_text_options *opt, const pm_legacy *legacy,
                                pm_text *t, pm_warnings *w, pm_error *err);

#endif
