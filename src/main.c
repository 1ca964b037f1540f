/* planmine: the command line. Parses options, runs the library on each input
 * and writes the results; everything else lives in libplanmine.
 *
 * Exit status: 0 all inputs done, 1 some input failed (the others are still
 * written), 2 usage error (bad option, no input, unusable patterns). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "planmine.h"
#include "compare/compare.h"
#include "core/core.h" /* pm_write_file_atomic */

enum { EXIT_OK = 0, EXIT_SOME_FAILED = 1, EXIT_USAGE = 2 };

static const char *const program = "planmine";

static void report_error(const pm_error *err, const char *fallback_file)
{
    const char *file = err->file[0] ? err->file : fallback_file;
    if (file && *file && err->line)
        fprintf(stderr, "%s: %s:%zu: %s\n", program, file, err->line, err->message);
    else if (file && *file)
        fprintf(stderr, "%s: %s: %s\n", program, file, err->message);
    else
        fprintf(stderr, "%s: %s\n", program, err->message);
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
           "  -q, --quiet          report errors only\n"
           "  -h, --help           show this help and exit\n"
           "\n"
           "One of -o and --jsonl is required. Exit status: 0 when every input was\n"
           "extracted, 1 when some input failed (the others are still written), 2 on a\n"
           "usage error or unusable patterns.\n",
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

/* Renders doc and replaces `path` with it; signals that would kill the
 * process are held back during the write so no temporary file is left. */
static bool write_json_file(const pm_document *doc, const char *path, pm_error *err)
{
    char *json = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&json, &len);
    if (!mem) {
        pm_fail(err, PM_ERR_NOMEM, path, 0, "out of memory");
        return false;
    }
    pm_status s = pm_document_write_json(doc, mem, PM_JSON_PRETTY);
    if (fclose(mem) != 0 && s == PM_OK)
        s = PM_ERR_NOMEM;
    if (s != PM_OK) {
        free(json);
        pm_fail(err, s, path, 0, "cannot render the JSON: %s", pm_status_name(s));
        return false;
    }
    sigset_t fatal, saved;
    sigemptyset(&fatal);
    sigaddset(&fatal, SIGINT);
    sigaddset(&fatal, SIGTERM);
    sigaddset(&fatal, SIGHUP);
    sigprocmask(SIG_BLOCK, &fatal, &saved);
    s = pm_write_file_atomic(path, json, len, err);
    sigprocmask(SIG_SETMASK, &saved, NULL);
    free(json);
    return s == PM_OK;
}

typedef struct extract_config {
    const char *output_dir; /* NULL: no files */
    bool jsonl;
    bool quiet;
    const char *patterns_dir;
    pm_options options;
} extract_config;

/* Extracts one input and writes its outputs; false when it failed. */
static bool extract_one(const pm_context *ctx, const extract_config *cfg, const char *input,
                        const char *out_path)
{
    pm_error err = {0};
    pm_document *doc;
    if (pm_extract_file(ctx, input, &cfg->options, &doc, &err) != PM_OK) {
        report_error(&err, input);
        return false;
    }
    bool ok = true;
    if (out_path && !write_json_file(doc, out_path, &err)) {
        report_error(&err, out_path);
        ok = false;
    }
    if (ok && cfg->jsonl && pm_document_write_json(doc, stdout, 0) != PM_OK) {
        fprintf(stderr, "%s: cannot write to standard output: %s\n", program, strerror(errno));
        ok = false;
    }
    if (ok && !cfg->quiet)
        fprintf(stderr, "%s: %s%s%s: %zu targets, %zu tasks, %zu warnings\n", program, input,
                out_path ? " -> " : "", out_path ? out_path : "",
                pm_document_target_count(doc), pm_document_task_count(doc),
                pm_document_warning_count(doc));
    pm_document_free(doc);
    return ok;
}

static int run_extract(const extract_config *cfg, char **inputs, size_t n_inputs)
{
    pm_error err = {0};
    pm_context *ctx;
    if (pm_context_new(cfg->patterns_dir, &ctx, &err) != PM_OK) {
        report_error(&err, cfg->patterns_dir);
        return EXIT_USAGE;
    }
    int status = EXIT_OK;
    char **out_paths = calloc(n_inputs, sizeof *out_paths);
    size_t *clash = calloc(n_inputs, sizeof *clash);
    if (!out_paths || !clash) {
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
    for (size_t i = 0; i < n_inputs; i++) {
        if (clash[i]) {
            fprintf(stderr, "%s: %s: output %s would overwrite the output of %s\n", program,
                    inputs[i], out_paths[i], inputs[clash[i] - 1]);
            status = EXIT_SOME_FAILED;
            continue;
        }
        if (!extract_one(ctx, cfg, inputs[i], out_paths[i]))
            status = EXIT_SOME_FAILED;
    }
done:
    for (size_t i = 0; out_paths && i < n_inputs; i++)
        free(out_paths[i]);
    free(out_paths);
    free(clash);
    pm_context_free(ctx);
    return status;
}

static int cmd_extract(int argc, char **argv)
{
    enum { OPT_JSONL = 256, OPT_PATTERNS, OPT_ENCODING, OPT_MAX_BYTES };
    static const struct option long_options[] = {
        {"output", required_argument, NULL, 'o'},
        {"jsonl", no_argument, NULL, OPT_JSONL},
        {"patterns", required_argument, NULL, OPT_PATTERNS},
        {"encoding", required_argument, NULL, OPT_ENCODING},
        {"max-bytes", required_argument, NULL, OPT_MAX_BYTES},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    extract_config cfg = {0};
    int c;
    while ((c = getopt_long(argc, argv, ":o:qh", long_options, NULL)) != -1) {
        switch (c) {
        case 'o': cfg.output_dir = optarg; break;
        case 'q': cfg.quiet = true; break;
        case 'h': extract_help(); return EXIT_OK;
        case OPT_JSONL: cfg.jsonl = true; break;
        case OPT_PATTERNS: cfg.patterns_dir = optarg; break;
        case OPT_ENCODING: cfg.options.encoding = optarg; break;
        case OPT_MAX_BYTES:
            if (!(cfg.options.max_document_bytes = parse_byte_count(optarg)))
                return usage_error("extract", "invalid --max-bytes '%s'", optarg);
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
           "  -h, --help           show this help and exit\n"
           "\n"
           "Exit status: 0 on success, 1 when an input cannot be read or understood\n"
           "(nothing is written), 2 on a usage error.\n",
           program);
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
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    pm_compare_options opt = {.format = PM_COMPARE_CSV};
    pm_error err = {0};
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", long_options, NULL)) != -1) {
        switch (c) {
        case 'o': opt.out_path = optarg; break;
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
    pm_status s = pm_compare_run(&opt, &err);
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
