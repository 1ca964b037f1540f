/* planmine: the command line. Parses options, runs the library on each input
 * and writes the results; everything else lives in libplanmine.
 *
 * Exit status: 0 all inputs done, 1 some input failed (the others are still
 * written), 2 usage error (bad option, no input, unusable patterns). */
#ifdef __linux__
#define _GNU_SOURCE /* syncfs */
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h> /* mallopt */
#endif
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "planmine.h"
#include "compare/compare.h"
#include "core/core.h" /* pm_write_all */

enum { EXIT_OK = 0, EXIT_SOME_FAILED = 1, EXIT_USAGE = 2 };

static const char *const program = "planmine";

/* `planmine: FILE:LINE: message` and a newline, LINE and FILE when known. */
static void format_error(pm_buf *out, const pm_error *err, const char *fallback_file)
{
    const char *file = err->file[0] ? err->file : fallback_file;
    if (file && *file && err->line)
        pm_buf_printf(out, "%s: %s:%zu: %s\n", program, file, err->line, err->message);
    else if (file && *file)
        pm_buf_printf(out, "%s: %s: %s\n", program, file, err->message);
    else
        pm_buf_printf(out, "%s: %s\n", program, err->message);
}

static void report_error(const pm_error *err, const char *fallback_file)
{
    pm_buf line = {0};
    format_error(&line, err, fallback_file);
    fputs(line.failed ? "planmine: out of memory\n" : pm_buf_cstr(&line), stderr);
    pm_buf_free(&line);
}

static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reports a usage error of `command` (NULL: of planmine itself). */
static int usage_error(const char *command, const char *fmt, ...) PM_PRINTF(2, 3);
static int usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", program);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s%s%s --help' for more information.\n", program,
            command ? " " : "", command ? command : "");
    return EXIT_USAGE;
}

/* The option getopt just refused: a short one inside a cluster (-qx) is
 * only known by optopt; a long one only by its argument. */
static const char *refused_option(char **argv)
{
    static char short_option[3] = "-?";
    if (optopt > 0 && optopt < 256) {
        short_option[1] = (char)optopt;
        return short_option;
    }
    return argv[optind - 1];
}

/* ---- extract ------------------------------------------------------------- */

static void extract_help(void)
{
    printf("Usage: %s extract -o DIR [OPTION]... FILE...\n"
           "  or:  %s extract --jsonl [OPTION]... FILE...\n"
           "Extract plan-extract/1 JSON from each plan text FILE ('-' reads standard input).\n"
           "\n"
           "  -o, --output DIR     write DIR/NAME.json for input NAME.txt (standard input:\n"
           "                       DIR/stdin.json); DIR is created when missing, files are\n"
           "                       replaced atomically\n"
           "      --jsonl          write one compact JSON object per input to standard\n"
           "                       output, one per line (may be combined with -o)\n"
           "      --patterns DIR   load the patterns from DIR (default: $PLANMINE_PATTERNS,\n"
           "                       the patterns/ beside the executable's build tree or\n"
           "                       installation, ./patterns, then the data directory)\n"
           "      --encoding NAME  decode inputs as NAME (utf-8, utf-16le, windows-1258, ...)\n"
           "                       instead of detecting the encoding\n"
           "      --max-bytes N    refuse inputs larger than N bytes; suffixes K, M, G\n"
           "                       (default 512M)\n"
           "      --max-lines N    refuse inputs of more than N lines (default 16M: each\n"
           "                       line costs ~160 bytes of memory, however short)\n"
           "  -j, --jobs N         extract N inputs at a time (default 1); outputs and\n"
           "                       messages are the same, in the same order, for any N\n"
           "      --stats          at the end, print the documents, megabytes, wall time,\n"
           "                       throughput and the seconds spent in each stage\n"
           "  -q, --quiet          report errors only (and no progress line)\n"
           "  -h, --help           show this help and exit\n"
           "\n"
           "One of -o and --jsonl is required. On a terminal, a progress line (inputs\n"
           "done, MB/s, time left) is kept on standard error. Exit status: 0 when every\n"
           "input was extracted, 1 when some input failed (the others are still\n"
           "written), 2 on a usage error or unusable patterns.\n",
           program, program);
}

/* "N", "NK", "NM", "NG" (powers of 1024); 0 when malformed or zero. */
static size_t parse_byte_count(const char *s)
{
    if (*s < '0' || *s > '9')
        return 0;
    errno = 0;
    char *end;
    unsigned long long n = strtoull(s, &end, 10);
    if (errno)
        return 0;
    unsigned shift = 0;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': shift = 10; break;
    case 'm': case 'M': shift = 20; break;
    case 'g': case 'G': shift = 30; break;
    default: return 0;
    }
    if (*end && end[1])
        return 0;
    if (n > (unsigned long long)(SIZE_MAX >> shift))
        return 0;
    return (size_t)(n << shift);
}

/* mkdir -p. Returns 0 or an errno value. */
static int make_directories(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return ENOMEM;
    int e = 0;
    for (char *p = copy + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
            e = errno;
            break;
        }
        *p = saved;
        if (!saved)
            break;
    }
    free(copy);
    struct stat st;
    if (!e && (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)))
        e = ENOTDIR;
    return e;
}

/* DIR/NAME.json for input .../NAME.ext; "-" gives DIR/stdin.json. */
static char *output_path(const char *dir, const char *input)
{
    const char *base = strcmp(input, "-") == 0 ? "stdin" : input;
    const char *slash = strrchr(base, '/');
    if (slash)
        base = slash + 1;
    size_t n = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base)
        n = (size_t)(dot - base);
    size_t size = strlen(dir) + n + sizeof "/.json";
    char *path = malloc(size);
    if (path)
        snprintf(path, size, "%s/%.*s.json", dir, (int)n, base);
    return path;
}

typedef struct output_slot {
    const char *path;
    size_t input;
} output_slot;

static int compare_slots(const void *a, const void *b)
{
    const output_slot *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->input > y->input) - (x->input < y->input);
}

/* Sets clash[i] to 1 + the index of the first input whose output file input
 * i would overwrite (a/x.txt and b/x.txt both give DIR/x.json), else 0. */
static bool find_output_clashes(char *const *paths, size_t n, size_t *clash)
{
    output_slot *slots = malloc(n * sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < n; i++)
        slots[i] = (output_slot){paths[i], i};
    qsort(slots, n, sizeof *slots, compare_slots);
    size_t first = 0; /* the slot of the earliest input of a run of equal paths */
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(slots[i].path, slots[first].path) != 0)
            first = i;
        clash[slots[i].input] = i == first ? 0 : 1 + slots[first].input;
    }
    free(slots);
    return true;
}

typedef struct extract_config {
    const char *output_dir; /* NULL: no files */
    bool jsonl;
    bool quiet;
    bool stats;
    unsigned jobs;
    const char *patterns_dir;
    pm_options options;
} extract_config;

/* What one input gave, held until its turn: inputs finish in any order but
 * are reported in the order given, so -j N prints what -j 1 prints. */
typedef struct job_result {
    bool done;
    bool ok;          /* extracted, and its file (if any) written */
    pm_buf errors;    /* messages for standard error */
    char *json_line;  /* --jsonl: the compact JSON and its newline (malloc'd) */
    size_t json_line_len;
    size_t targets, tasks, warnings;
    double seconds[PM_STAGE_COUNT];
} job_result;

/* One line on standard error, redrawn at most every REDRAW seconds. */
typedef struct progress {
    bool enabled, shown;
    double start, last_draw;
    size_t done, total;
    unsigned long long bytes_done, bytes_total;
    char line[160]; /* as last drawn, to put back under messages */
} progress;

/* An output written to its temporary file, waiting for the group commit. */
typedef struct pending_output {
    char *tmp;
    const char *path;
} pending_output;

enum { MAX_JOBS = 256, COMMIT_FILES = 512 };
static const double REDRAW = 0.25;
static const unsigned long long COMMIT_BYTES = 64ull << 20;

typedef struct batch {
    const pm_context *ctx;
    const extract_config *cfg;
    char *const *inputs;
    char *const *out_paths;
    const size_t *clash;
    const unsigned long long *sizes; /* input sizes, 0 when unknown (stdin) */
    size_t n;
    /* Workers take inputs in order and fill a ring of `window` results; a
     * worker waits while its input is `window` ahead of the next result to
     * report, so memory stays bounded by a few documents. With -j 1 (or
     * when no thread could start) the main thread extracts each input
     * itself, through the same ring, commits and signal checks. */
    job_result *ring;
    size_t window;
    size_t next_input, next_report;
    pending_output *pending;
    size_t n_pending, cap_pending;
    unsigned long long pending_bytes;
    unsigned writing; /* workers writing a temporary file right now */
    bool stop;        /* a fatal signal came: start no more writes */
    bool stdout_lost; /* --jsonl: standard output failed, said once */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    progress bar;
    size_t documents;
    unsigned long long bytes;
    double seconds[PM_STAGE_COUNT];
} batch;

/* ---- progress ------------------------------------------------------------- */

/* Shown only on a terminal, and not with --quiet. */
static void progress_start(progress *p, bool quiet, size_t total,
                           unsigned long long bytes_total)
{
    *p = (progress){.enabled = !quiet && isatty(STDERR_FILENO), .total = total,
                    .bytes_total = bytes_total};
    p->start = p->last_draw = monotonic_seconds();
}

static void progress_clear(progress *p)
{
    if (p->shown)
        fputs("\r\033[K", stderr);
    p->shown = false;
}

/* The line again, unchanged, below messages that were printed over it. */
static void progress_restore(progress *p)
{
    fputs(p->line, stderr);
    p->shown = true;
}

static void progress_draw(progress *p, double now)
{
    if (!p->enabled || now - p->last_draw < REDRAW)
        return;
    p->last_draw = now;
    double elapsed = now - p->start;
    double mb_per_s = elapsed > 0 ? (double)p->bytes_done / 1e6 / elapsed : 0;
    /* Time left from the bytes still to do, or the inputs when sizes are unknown. */
    double left = -1;
    if (p->bytes_total && p->bytes_done)
        left = elapsed * (double)(p->bytes_total - p->bytes_done) / (double)p->bytes_done;
    else if (p->done)
        left = elapsed * (double)(p->total - p->done) / (double)p->done;
    char eta[32] = "--:--";
    if (left >= 0) {
        unsigned long s = (unsigned long)(left + 0.5);
        if (s >= 3600)
            snprintf(eta, sizeof eta, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
        else
            snprintf(eta, sizeof eta, "%lu:%02lu", s / 60, s % 60);
    }
    snprintf(p->line, sizeof p->line, "\r\033[K%s: %zu/%zu files, %.1f MB/s, ETA %s", program,
             p->done, p->total, mb_per_s, eta);
    fputs(p->line, stderr);
    p->shown = true;
}

/* ---- output files ------------------------------------------------------------ */

/* Output files are replaced atomically and durably. One by one that costs
 * a disk flush (fsync) per file, which bounds a corpus of thousands of
 * plans by the disk, so temporary files are written beside their targets
 * and the main thread commits them in groups: one syncfs() for the group,
 * then a rename each. After a crash every target is either as it was or
 * complete, as with one fsync per file; a fatal signal commits the files
 * already complete. */

/* Writes the rendered JSON to a new temporary file beside path; *tmp gets
 * its name. */
static bool write_temporary(const pm_buf *json, const char *path, char **tmp, pm_error *err)
{
    size_t n = strlen(path);
    char *name = malloc(n + sizeof ".tmp.XXXXXX");
    if (!name) {
        pm_fail(err, PM_ERR_NOMEM, path, 0, "out of memory");
        return false;
    }
    memcpy(name, path, n);
    memcpy(name + n, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(name);
    if (fd < 0) {
        pm_fail(err, PM_ERR_IO, path, 0, "cannot create: %s", strerror(errno));
        free(name);
        return false;
    }
    int e = 0;
    if (!pm_write_all(fd, json->data, json->len))
        e = errno ? errno : EIO;
    if (fchmod(fd, 0644) != 0 && !e)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (e) {
        unlink(name);
        free(name);
        pm_fail(err, PM_ERR_IO, path, 0, "cannot write: %s", strerror(e));
        return false;
    }
    *tmp = name;
    return true;
}

/* The JSON goes to a temporary file, registered for the commit under the
 * lock, so a fatal signal finds every temporary to remove. */
static bool stage_output(batch *b, const pm_buf *json, const char *path, pm_error *err)
{
    pthread_mutex_lock(&b->lock);
    bool go = !b->stop;
    if (go)
        b->writing++;
    pthread_mutex_unlock(&b->lock);
    if (!go) {
        pm_fail(err, PM_ERR_IO, path, 0, "interrupted");
        return false;
    }
    char *tmp = NULL;
    bool ok = write_temporary(json, path, &tmp, err);
    pthread_mutex_lock(&b->lock);
    if (ok && b->n_pending == b->cap_pending) {
        size_t cap = b->cap_pending ? 2 * b->cap_pending : 64;
        pending_output *grown = realloc(b->pending, cap * sizeof *grown);
        if (grown) {
            b->pending = grown;
            b->cap_pending = cap;
        } else {
            unlink(tmp);
            free(tmp);
            pm_fail(err, PM_ERR_NOMEM, path, 0, "out of memory");
            ok = false;
        }
    }
    if (ok) {
        b->pending[b->n_pending++] = (pending_output){tmp, path};
        b->pending_bytes += json->len;
    }
    b->writing--;
    /* Only die_of_signal waits for the writes under way, after setting
     * stop; the main thread looks at the pending files at its next turn. */
    if (b->stop)
        pthread_cond_broadcast(&b->changed);
    pthread_mutex_unlock(&b->lock);
    return ok;
}

/* A worker's JSON buffer is used again for its next document (no fresh
 * pages to fault in), unless one document made it bigger than this. */
static const size_t KEEP_SCRATCH = 64u << 20;

/* Renders doc into scratch and replaces `path` with it at the next commit. */
static bool write_json_file(batch *b, const pm_document *doc, const char *path, pm_buf *scratch,
                            pm_error *err)
{
    scratch->len = 0;
    pm_status s = pm_document_render_json(doc, PM_JSON_PRETTY, &scratch->data, &scratch->len,
                                           &scratch->cap);
    bool ok = s == PM_OK;
    if (!ok)
        pm_fail(err, s, path, 0, "cannot render the JSON: %s", pm_status_name(s));
    else
        ok = stage_output(b, scratch, path, err);
    if (scratch->cap > KEEP_SCRATCH)
        pm_buf_free(scratch);
    return ok;
}

/* Makes the group's temporaries durable: one syncfs() where there is one,
 * else (or when it fails) an fsync each. False for a file that failed. */
static bool make_durable(const char *dir, const pending_output *group, size_t n, bool *failed)
{
#ifdef __linux__
    int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
        int r = syncfs(dir_fd);
        close(dir_fd);
        if (r == 0)
            return true;
    }
#else
    (void)dir;
#endif
    bool all = true;
    for (size_t i = 0; i < n; i++) {
        int fd = open(group[i].tmp, O_RDONLY | O_CLOEXEC);
        failed[i] = fd < 0 || fsync(fd) != 0;
        if (fd >= 0)
            close(fd);
        all = all && !failed[i];
    }
    return all;
}

/* Renames the temporaries written so far over their targets. */
static void commit_outputs(batch *b, int *status)
{
    pthread_mutex_lock(&b->lock);
    pending_output *group = b->pending;
    size_t n = b->n_pending;
    b->pending = NULL;
    b->n_pending = b->cap_pending = 0;
    b->pending_bytes = 0;
    pthread_mutex_unlock(&b->lock);
    if (!n)
        return;
    double start = monotonic_seconds();
    bool *failed = calloc(n, sizeof *failed);
    bool durable = failed && make_durable(b->cfg->output_dir, group, n, failed);
    for (size_t i = 0; i < n; i++) {
        int e = 0;
        if (!durable)
            e = failed ? (failed[i] ? EIO : 0) : ENOMEM;
        if (!e && rename(group[i].tmp, group[i].path) != 0)
            e = errno;
        if (e) {
            unlink(group[i].tmp);
            progress_clear(&b->bar);
            fprintf(stderr, "%s: %s: cannot write: %s\n", program, group[i].path, strerror(e));
            *status = EXIT_SOME_FAILED;
        }
        free(group[i].tmp);
    }
    free(failed);
    free(group);
    b->seconds[PM_STAGE_WRITE] += monotonic_seconds() - start;
}

/* ---- one input ------------------------------------------------------------ */

/* The compact JSON of doc and a newline, for --jsonl. */
static bool render_json_line(const pm_document *doc, job_result *r)
{
    size_t cap = 0;
    return pm_document_render_json(doc, 0, &r->json_line, &r->json_line_len, &cap) == PM_OK;
}

/* Extracts input i and writes its file (its JSON rendered in scratch);
 * what is left to print goes in r. */
static void extract_input(batch *b, size_t i, job_result *r, pm_buf *scratch)
{
    const extract_config *cfg = b->cfg;
    const char *input = b->inputs[i];
    const char *out_path = b->out_paths[i];
    if (b->clash[i]) {
        pm_buf_printf(&r->errors, "%s: %s: output %s would overwrite the output of %s\n",
                      program, input, out_path, b->inputs[b->clash[i] - 1]);
        return;
    }
    pm_error err = {0};
    pm_document *doc;
    if (pm_extract_file(b->ctx, input, &cfg->options, &doc, &err) != PM_OK) {
        format_error(&r->errors, &err, input);
        return;
    }
    for (int s = 0; s < PM_STAGE_WRITE; s++)
        r->seconds[s] = pm_document_stage_seconds(doc, (pm_stage)s);
    double start = monotonic_seconds();
    r->ok = true;
    if (out_path && !write_json_file(b, doc, out_path, scratch, &err)) {
        format_error(&r->errors, &err, out_path);
        r->ok = false;
    }
    if (r->ok && cfg->jsonl && !render_json_line(doc, r)) {
        pm_buf_printf(&r->errors, "%s: %s: out of memory rendering the JSON\n", program, input);
        r->ok = false;
    }
    r->seconds[PM_STAGE_WRITE] = monotonic_seconds() - start;
    r->targets = pm_document_target_count(doc);
    r->tasks = pm_document_task_count(doc);
    r->warnings = pm_document_warning_count(doc);
    pm_document_free(doc);
}

/* Prints what input i left (in input order) and frees it; false when the
 * input failed. */
static bool report_result(batch *b, size_t i, job_result *r)
{
    const extract_config *cfg = b->cfg;
    bool bar_shown = b->bar.shown;
    progress_clear(&b->bar);
    if (r->errors.len)
        fputs(r->errors.failed ? "planmine: out of memory\n" : pm_buf_cstr(&r->errors), stderr);
    bool ok = r->ok;
    if (ok && cfg->jsonl && !b->stdout_lost &&
        (fwrite(r->json_line, 1, r->json_line_len, stdout) != r->json_line_len ||
         fflush(stdout) != 0)) {
        fprintf(stderr, "%s: cannot write to standard output: %s\n", program, strerror(errno));
        /* The reader is gone (| head) or the disk is full: without -o
         * nothing is left to deliver, and there are no files to commit. */
        if (!cfg->output_dir)
            _exit(EXIT_SOME_FAILED);
        b->stdout_lost = true;
        ok = false;
    }
    if (ok && !cfg->quiet)
        fprintf(stderr, "%s: %s%s%s: %zu targets, %zu tasks, %zu warnings\n", program,
                b->inputs[i], b->out_paths[i] ? " -> " : "",
                b->out_paths[i] ? b->out_paths[i] : "", r->targets, r->tasks, r->warnings);
    if (ok) {
        b->documents++;
        b->bytes += b->sizes[i];
        for (int s = 0; s < PM_STAGE_COUNT; s++)
            b->seconds[s] += r->seconds[s];
    }
    b->bar.done++;
    b->bar.bytes_done += b->sizes[i];
    if (bar_shown)
        progress_restore(&b->bar);
    progress_draw(&b->bar, monotonic_seconds());
    pm_buf_free(&r->errors);
    free(r->json_line);
    memset(r, 0, sizeof *r);
    return ok;
}

/* ---- many inputs ------------------------------------------------------------ */

/* Extracts the next input with b->lock released and puts its result in the
 * ring; called and returns with the lock held. */
static void take_next_input(batch *b, pm_buf *scratch)
{
    size_t i = b->next_input++;
    pthread_mutex_unlock(&b->lock);
    job_result r = {0};
    extract_input(b, i, &r, scratch);
    pthread_mutex_lock(&b->lock);
    r.done = true;
    b->ring[i % b->window] = r;
}

static void *extract_worker(void *arg)
{
    batch *b = arg;
    pm_buf scratch = {0};
    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (!b->stop && b->next_input < b->n && b->next_input >= b->next_report + b->window)
            pthread_cond_wait(&b->changed, &b->lock);
        if (b->stop || b->next_input >= b->n)
            break;
        take_next_input(b, &scratch);
        /* Woken after the unlock, the main thread does not find the lock
         * still held and sleep on it a second time. */
        pthread_mutex_unlock(&b->lock);
        pthread_cond_broadcast(&b->changed);
        pthread_mutex_lock(&b->lock);
    }
    pthread_mutex_unlock(&b->lock);
    pm_buf_free(&scratch);
    return NULL;
}

/* The fatal signals this process does not ignore (nohup ignores SIGHUP). */
static void fatal_signals(sigset_t *set)
{
    static const int candidates[] = {SIGINT, SIGTERM, SIGHUP};
    sigemptyset(set);
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) {
        struct sigaction sa;
        if (sigaction(candidates[i], NULL, &sa) == 0 && sa.sa_handler != SIG_IGN)
            sigaddset(set, candidates[i]);
    }
}

/* A fatal signal came: let the writes under way finish, commit the files
 * that are complete, then die of the signal. */
static void die_of_signal(batch *b, int sig, const sigset_t *saved)
{
    pthread_mutex_lock(&b->lock);
    b->stop = true;
    while (b->writing)
        pthread_cond_wait(&b->changed, &b->lock);
    pthread_mutex_unlock(&b->lock);
    int status = EXIT_OK;
    commit_outputs(b, &status);
    progress_clear(&b->bar);
    signal(sig, SIG_DFL);
    pthread_sigmask(SIG_SETMASK, saved, NULL);
    raise(sig);
    _exit(128 + sig);
}

/* Extracts the inputs (on -j N worker threads when N > 1), reports their
 * results in input order and commits the output files, setting *status
 * when some input fails. False, with nothing done, when out of memory. */
static bool run_batch(batch *b, int *status)
{
    unsigned jobs = b->cfg->jobs < b->n ? b->cfg->jobs : (unsigned)b->n;
    /* One thread extracting: the main thread, without the hand-overs (a
     * wake-up and a context switch each way per document). */
    unsigned workers = jobs > 1 ? jobs : 0;
    b->window = 2 * (size_t)jobs;
    b->ring = calloc(b->window, sizeof *b->ring);
    pthread_t *threads = calloc(workers ? workers : 1, sizeof *threads);
    if (!b->ring || !threads) {
        free(b->ring);
        free(threads);
        return false;
    }
    sigset_t fatal, saved;
    fatal_signals(&fatal);
    pthread_sigmask(SIG_BLOCK, &fatal, &saved); /* the workers inherit the mask */
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->changed, NULL);
    unsigned started = 0;
    while (started < workers && pthread_create(&threads[started], NULL, extract_worker, b) == 0)
        started++;
    pm_buf scratch = {0}; /* the main thread's, when it extracts */
    double signals_seen = 0;
    pthread_mutex_lock(&b->lock);
    while (b->next_report < b->n) {
        job_result *slot = &b->ring[b->next_report % b->window];
        if (!slot->done && !started) {
            /* No worker: the next input is the one to report. */
            take_next_input(b, &scratch);
        } else if (!slot->done) {
            /* Wake up to redraw the progress line and to notice signals. */
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += (long)(REDRAW * 1e9);
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&b->changed, &b->lock, &until);
        }
        /* A look at the pending signals is a syscall: one per REDRAW is
         * soon enough, not one per document. */
        double now = monotonic_seconds();
        int sig = 0;
        if (now - signals_seen >= REDRAW) {
            static const struct timespec no_wait = {0, 0};
            signals_seen = now;
            sig = sigtimedwait(&fatal, NULL, &no_wait);
        }
        if (sig > 0) {
            pthread_mutex_unlock(&b->lock);
            die_of_signal(b, sig, &saved);
        }
        bool commit = b->n_pending >= COMMIT_FILES || b->pending_bytes >= COMMIT_BYTES;
        if (!slot->done) {
            pthread_mutex_unlock(&b->lock);
            progress_draw(&b->bar, monotonic_seconds());
        } else {
            job_result r = *slot;
            memset(slot, 0, sizeof *slot);
            size_t i = b->next_report++;
            pthread_cond_broadcast(&b->changed);
            pthread_mutex_unlock(&b->lock);
            if (!report_result(b, i, &r))
                *status = EXIT_SOME_FAILED;
        }
        if (commit)
            commit_outputs(b, status);
        pthread_mutex_lock(&b->lock);
    }
    pthread_mutex_unlock(&b->lock);
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    pm_buf_free(&scratch);
    commit_outputs(b, status);
    int sig = sigtimedwait(&fatal, NULL, &(struct timespec){0, 0});
    if (sig > 0)
        die_of_signal(b, sig, &saved);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    pthread_cond_destroy(&b->changed);
    pthread_mutex_destroy(&b->lock);
    free(threads);
    free(b->ring);
    return true;
}

static void print_stats(const batch *b, double seconds)
{
    double mb = (double)b->bytes / 1e6;
    fprintf(stderr, "%s: stats: %zu documents, %.2f MB in %.3f s: %.2f MB/s, %.1f documents/s, "
                    "%u jobs\n",
            program, b->documents, mb, seconds, seconds > 0 ? mb / seconds : 0,
            seconds > 0 ? (double)b->documents / seconds : 0, b->cfg->jobs);
    fprintf(stderr, "%s: stats: seconds per stage, summed over documents:", program);
    for (int s = 0; s < PM_STAGE_COUNT; s++)
        fprintf(stderr, " %s %.3f", pm_stage_name((pm_stage)s), b->seconds[s]);
    fputc('\n', stderr);
}

static int run_extract(const extract_config *cfg, char **inputs, size_t n_inputs)
{
    double start = monotonic_seconds();
    pm_error err = {0};
    pm_context *ctx;
    if (pm_context_new(cfg->patterns_dir, &ctx, &err) != PM_OK) {
        report_error(&err, cfg->patterns_dir);
        return EXIT_USAGE;
    }
    int status = EXIT_OK;
    char **out_paths = calloc(n_inputs, sizeof *out_paths);
    size_t *clash = calloc(n_inputs, sizeof *clash);
    unsigned long long *sizes = calloc(n_inputs, sizeof *sizes);
    if (!out_paths || !clash || !sizes) {
        fprintf(stderr, "%s: out of memory\n", program);
        status = EXIT_SOME_FAILED;
        goto done;
    }
    if (cfg->output_dir) {
        int e = make_directories(cfg->output_dir);
        if (e) {
            fprintf(stderr, "%s: %s: cannot create the output directory: %s\n", program,
                    cfg->output_dir, strerror(e));
            status = EXIT_SOME_FAILED;
            goto done;
        }
        for (size_t i = 0; i < n_inputs; i++) {
            if (!(out_paths[i] = output_path(cfg->output_dir, inputs[i]))) {
                fprintf(stderr, "%s: out of memory\n", program);
                status = EXIT_SOME_FAILED;
                goto done;
            }
        }
        if (!find_output_clashes(out_paths, n_inputs, clash)) {
            fprintf(stderr, "%s: out of memory\n", program);
            status = EXIT_SOME_FAILED;
            goto done;
        }
    }
    batch b = {.ctx = ctx, .cfg = cfg, .inputs = inputs, .out_paths = out_paths,
               .clash = clash, .sizes = sizes, .n = n_inputs};
    unsigned long long bytes_total = 0;
    for (size_t i = 0; i < n_inputs; i++) {
        struct stat st;
        if (strcmp(inputs[i], "-") != 0 && stat(inputs[i], &st) == 0 && S_ISREG(st.st_mode))
            sizes[i] = (unsigned long long)st.st_size;
        bytes_total += sizes[i];
    }
    progress_start(&b.bar, cfg->quiet, n_inputs, bytes_total);
    if (!run_batch(&b, &status)) {
        fprintf(stderr, "%s: out of memory\n", program);
        status = EXIT_SOME_FAILED;
    }
    progress_clear(&b.bar);
    if (cfg->stats)
        print_stats(&b, monotonic_seconds() - start);
done:
    for (size_t i = 0; out_paths && i < n_inputs; i++)
        free(out_paths[i]);
    free(out_paths);
    free(clash);
    free(sizes);
    pm_context_free(ctx);
    return status;
}

static int cmd_extract(int argc, char **argv)
{
    enum { OPT_JSONL = 256, OPT_PATTERNS, OPT_ENCODING, OPT_MAX_BYTES, OPT_MAX_LINES, OPT_STATS };
    static const struct option long_options[] = {
        {"output", required_argument, NULL, 'o'},
        {"jsonl", no_argument, NULL, OPT_JSONL},
        {"patterns", required_argument, NULL, OPT_PATTERNS},
        {"encoding", required_argument, NULL, OPT_ENCODING},
        {"max-bytes", required_argument, NULL, OPT_MAX_BYTES},
        {"max-lines", required_argument, NULL, OPT_MAX_LINES},
        {"jobs", required_argument, NULL, 'j'},
        {"stats", no_argument, NULL, OPT_STATS},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    extract_config cfg = {.jobs = 1};
    int c;
    while ((c = getopt_long(argc, argv, ":o:j:qh", long_options, NULL)) != -1) {
        switch (c) {
        case 'o': cfg.output_dir = optarg; break;
        case 'j': {
            char *end;
            errno = 0;
            unsigned long jobs = strtoul(optarg, &end, 10);
            if (errno || end == optarg || *end || *optarg == '-' || jobs < 1 || jobs > MAX_JOBS)
                return usage_error("extract", "invalid --jobs '%s' (1 to %d)", optarg, MAX_JOBS);
            cfg.jobs = (unsigned)jobs;
            break;
        }
        case OPT_STATS: cfg.stats = true; break;
        case 'q': cfg.quiet = true; break;
        case 'h': extract_help(); return EXIT_OK;
        case OPT_JSONL: cfg.jsonl = true; break;
        case OPT_PATTERNS: cfg.patterns_dir = optarg; break;
        case OPT_ENCODING: cfg.options.encoding = optarg; break;
        case OPT_MAX_BYTES:
            if (!(cfg.options.max_document_bytes = parse_byte_count(optarg)))
                return usage_error("extract", "invalid --max-bytes '%s'", optarg);
            break;
        case OPT_MAX_LINES:
            if (!(cfg.options.max_document_lines = parse_byte_count(optarg)))
                return usage_error("extract", "invalid --max-lines '%s'", optarg);
            break;
        case ':': return usage_error("extract", "option '%s' needs an argument", argv[optind - 1]);
        default: return usage_error("extract", "unknown option '%s'", refused_option(argv));
        }
    }
    if (optind == argc)
        return usage_error("extract", "no input FILE");
    if (!cfg.output_dir && !cfg.jsonl)
        return usage_error("extract", "say where the output goes: -o DIR or --jsonl");
    if (cfg.output_dir && !*cfg.output_dir)
        return usage_error("extract", "-o needs a directory name");
    return run_extract(&cfg, argv + optind, (size_t)(argc - optind));
}

/* ---- compare ------------------------------------------------------------- */

static void compare_help(void)
{
    printf("Usage: %s compare [OPTION]... INPUT...\n"
           "Compare provinces' targets with each other and with the national baseline.\n"
           "An INPUT is a plan-extract/1 JSON file, a directory of them, a JSONL stream\n"
           "('-' reads standard input), or a raw plan text (extracted on the fly).\n"
           "\n"
           "      --baseline FILE  national targets (default: PATTERNS/baseline.tsv)\n"
           "      --format FMT     csv (default), json, md or html\n"
           "  -o, --output FILE    write the report to FILE (atomically; default stdout)\n"
           "      --db FILE        also load the documents into the SQLite database FILE\n"
           "                       (a document already there, by sha256, is replaced)\n"
           "      --patterns DIR   load the patterns from DIR\n"
           "  -q, --quiet          report errors only (no progress line)\n"
           "  -h, --help           show this help and exit\n"
           "\n"
           "On a terminal, a progress line (inputs loaded, MB/s, time left) is kept on\n"
           "standard error while the inputs load. Exit status: 0 on success, 1 when an\n"
           "input cannot be read or understood (nothing is written), 2 on a usage error.\n",
           program);
}

/* pm_compare_progress_fn: extract's progress line, gone once the last
 * input is in, before the report goes out (maybe to the same terminal). */
static void compare_progress(void *data, size_t done, size_t total,
                             unsigned long long bytes_done, unsigned long long bytes_total)
{
    progress *p = data;
    p->done = done;
    p->total = total;
    p->bytes_done = bytes_done;
    p->bytes_total = bytes_total;
    if (done == total)
        progress_clear(p);
    else
        progress_draw(p, monotonic_seconds());
}

static int cmd_compare(int argc, char **argv)
{
    enum { OPT_BASELINE = 256, OPT_FORMAT, OPT_DB, OPT_PATTERNS };
    static const struct option long_options[] = {
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"output", required_argument, NULL, 'o'},
        {"db", required_argument, NULL, OPT_DB},
        {"patterns", required_argument, NULL, OPT_PATTERNS},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    pm_compare_options opt = {.format = PM_COMPARE_CSV};
    pm_error err = {0};
    bool quiet = false;
    int c;
    while ((c = getopt_long(argc, argv, ":o:qh", long_options, NULL)) != -1) {
        switch (c) {
        case 'o': opt.out_path = optarg; break;
        case 'q': quiet = true; break;
        case 'h': compare_help(); return EXIT_OK;
        case OPT_BASELINE: opt.baseline_path = optarg; break;
        case OPT_DB: opt.db_path = optarg; break;
        case OPT_PATTERNS: opt.patterns_dir = optarg; break;
        case OPT_FORMAT:
            if (pm_compare_format_parse(optarg, &opt.format, &err) != PM_OK)
                return usage_error("compare", "unknown --format '%s' (csv, json, md, html)", optarg);
            break;
        case ':': return usage_error("compare", "option '%s' needs an argument", argv[optind - 1]);
        default: return usage_error("compare", "unknown option '%s'", refused_option(argv));
        }
    }
    if (optind == argc)
        return usage_error("compare", "no INPUT");
    opt.inputs = (const char *const *)argv + optind;
    opt.n_inputs = (size_t)(argc - optind);
    progress bar;
    progress_start(&bar, quiet, opt.n_inputs, 0);
    if (bar.enabled) {
        opt.progress = compare_progress;
        opt.progress_data = &bar;
    }
    pm_status s = pm_compare_run(&opt, &err);
    progress_clear(&bar);
    if (s == PM_OK)
        return EXIT_OK;
    report_error(&err, NULL);
    return s == PM_ERR_USAGE || s == PM_ERR_PATTERN ? EXIT_USAGE : EXIT_SOME_FAILED;
}

/* ---- dispatch -------------------------------------------------------------- */

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
    const char *summary;
} command;

static const command commands[] = {
    {"extract", cmd_extract, "extract targets, tasks and structure from plan texts"},
    {"compare", cmd_compare, "compare provinces with each other and the national baseline"},
};

/* A closed standard stream (`2>&-`, some daemons) would hand its number to
 * the next file opened, and messages meant for it would land inside an
 * output JSON. Each closed one becomes /dev/null opened the other way, so
 * using it still fails as a closed one does (EBADF), and is reported. */
static void hold_standard_streams(void)
{
    for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF)
            open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY); /* takes fd */
}

static void main_help(void)
{
    printf("Usage: %s COMMAND [OPTION]... [FILE]...\n"
           "Turn Vietnamese provincial plan texts into plan-extract/1 JSON.\n\n"
           "Commands:\n",
           program);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        printf("  %-10s %s\n", commands[i].name, commands[i].summary);
    printf("\nOptions:\n"
           "  -h, --help     show this help and exit\n"
           "  -V, --version  show the version and exit\n\n"
           "Run '%s COMMAND --help' for the options of a command.\n",
           program);
}

int main(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* errors are reported in the GNU form by usage_error */
    hold_standard_streams();
    /* A closed pipe or a file size limit fails the write (EPIPE, EFBIG),
     * which is reported, instead of killing the process mid-file. */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);
#ifdef __GLIBC__
    /* Document after document needs the same memory again, but glibc hands
     * the free top of the heap back to the kernel after each one (its trim
     * threshold follows the largest block freed) and faults every page in
     * again: 45 faults a document, 3% of the CPU of a batch. A fixed
     * threshold keeps up to 64 MB; it also fixes the mmap threshold at 128K,
     * so a large document's big blocks still go back when freed. */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
    int c;
    /* '+': stop at the command name; its options belong to the command. */
    while ((c = getopt_long(argc, argv, "+:hV", long_options, NULL)) != -1) {
        switch (c) {
        case 'h': main_help(); return EXIT_OK;
        case 'V': printf("%s %s (%s)\n", program, PLANMINE_VERSION, PLANMINE_SCHEMA); return EXIT_OK;
        default: return usage_error(NULL, "unknown option '%s'", refused_option(argv));
        }
    }
    if (optind == argc)
        return usage_error(NULL, "no COMMAND given");
    const char *name = argv[optind];
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (strcmp(name, commands[i].name) == 0) {
            char **sub_argv = argv + optind;
            int sub_argc = argc - optind;
            optind = 0; /* restart getopt on the command's own arguments */
            return commands[i].run(sub_argc, sub_argv);
        }
    }
    return usage_error(NULL, "unknown command '%s'", name);
}
