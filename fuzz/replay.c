/*
 * Replay driver: the main() that a fuzz target is linked with when libFuzzer
 * is not used (the default build). Every file named on the command line, or
 * every regular file of a folder named there (sorted by name; README* and
 * dot files skipped), is read into a buffer of exactly its size and passed
 * to LLVMFuzzerTestOneInput() once, so ASan sees any read past the input.
 *
 * Each file's name is printed before it runs, so a crash under the meson
 * test names its reproducer. A finding aborts (the sanitizers and the
 * targets' fuzz_fail() do), which fails the test. Replaying no file at all
 * is an error: an empty or misnamed corpus must not look like a pass.
 *
 * Expected verdicts: the oracles alone cannot tell a parser that refuses
 * every input from a good one. So every file of a corpus folder is named
 * after the verdict the code under test must reach, "ok-*" (accepted) or
 * "bad-*" (refused); the target reports its verdict through fuzz_verdict()
 * (fuzz.h), and a file refused against an ok- name, accepted against a bad-
 * name, or with no verdict at all fails the replay. A folder must hold at
 * least one seed of each kind, and a file without either prefix fails it
 * (name what it should do before committing it). A file named on the command
 * line, such as a fresh libFuzzer reproducer, may go without a prefix: its
 * verdict is then printed, not checked.
 */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include "fuzz.h"

typedef enum expectation { EXPECT_NONE, EXPECT_OK, EXPECT_BAD } expectation;

/* Verdicts the target reported for the input now running. */
static unsigned verdicts_reported;
static fuzz_outcome verdict_last;

void fuzz_verdict(fuzz_outcome outcome)
{
    verdicts_reported++;
    verdict_last = outcome;
}

static expectation expected_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (strncmp(base, "ok-", 3) == 0)
        return EXPECT_OK;
    if (strncmp(base, "bad-", 4) == 0)
        return EXPECT_BAD;
    return EXPECT_NONE;
}

static int read_file(const char *path, uint8_t **out, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    size_t cap = 4096, n = 0;
    uint8_t *buf = fuzz_xmalloc(cap);
    for (;;) {
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (!nb)
                fuzz_fail("out of memory reading %s", path);
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n, fp);
        if (r == 0)
            break;
        n += r;
    }
    int err = ferror(fp);
    fclose(fp);
    if (err) {
        free(buf);
        return -1;
    }
    /* Exactly |n| bytes, so an overread is a heap overflow for ASan. */
    *out = fuzz_dup(buf, n);
    *len = n;
    free(buf);
    return 0;
}

/* Runs one file. Returns 0 when its verdict is the one its name promises
 * (or it promises none and |need_name| is 0), 1 when not, -1 when it cannot
 * be read. */
static int run_file(const char *path, int need_name)
{
    uint8_t *data;
    size_t len;
    if (read_file(path, &data, &len) != 0) {
        fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    printf("replay: %s (%zu bytes)\n", path, len);
    fflush(stdout);
    verdicts_reported = 0;
    LLVMFuzzerTestOneInput(data, len);
    free(data);

    expectation want = expected_of(path);
    const char *got = verdicts_reported != 1 ? NULL
                      : verdict_last == FUZZ_ACCEPTED ? "accepted"
                                                       : "refused";
    if (verdicts_reported != 1) {
        fprintf(stderr,
                "replay: FAIL %s: the target reported %u verdicts, not one "
                "(an input it skips cannot be a seed)\n",
                path, verdicts_reported);
        return 1;
    }
    if (want == EXPECT_NONE) {
        printf("replay:   %s\n", got);
        if (!need_name)
            return 0;
        fprintf(stderr,
                "replay: FAIL %s: %s, but its name promises no verdict "
                "(rename it ok-* or bad-*)\n",
                path, got);
        return 1;
    }
    fuzz_outcome promised = want == EXPECT_OK ? FUZZ_ACCEPTED : FUZZ_REFUSED;
    if (verdict_last != promised) {
        fprintf(stderr, "replay: FAIL %s: %s, its name promises %s\n", path,
                got, want == EXPECT_OK ? "accepted" : "refused");
        return 1;
    }
    printf("replay:   %s, as its name promises\n", got);
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int skipped(const char *name)
{
    return name[0] == '.' || strncmp(name, "README", 6) == 0;
}

typedef struct tally {
    long run;      /* files run */
    long wrong;    /* verdicts other than promised, or none */
    long ok, bad;  /* seeds promising acceptance, refusal */
} tally;

/* Runs every file of |dir| into |t|. Returns 0, or -1 if the folder or a
 * file cannot be read. */
static int run_folder(const char *dir, tally *t)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: cannot open %s: %s\n", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (skipped(de->d_name))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn)
                fuzz_fail("out of memory listing %s", dir);
            names = nn;
        }
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        names[n] = fuzz_xmalloc(len);
        snprintf(names[n], len, "%s/%s", dir, de->d_name);
        n++;
    }
    closedir(d);
    /* An empty folder leaves |names| NULL, which qsort must not get. */
    if (n > 0)
        qsort(names, n, sizeof *names, cmp_names);
    int rc = 0;
    tally here = {0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            int r = run_file(names[i], 1);
            if (r < 0)
                rc = -1;
            here.run++;
            here.wrong += r > 0;
            here.ok += expected_of(names[i]) == EXPECT_OK;
            here.bad += expected_of(names[i]) == EXPECT_BAD;
        }
        free(names[i]);
    }
    free(names);
    /* Without both kinds, a parser that answers the same for every input
     * would pass. */
    if (here.run > 0 && (here.ok == 0 || here.bad == 0)) {
        fprintf(stderr,
                "replay: FAIL %s: needs at least one ok-* and one bad-* "
                "seed (has %ld and %ld)\n",
                dir, here.ok, here.bad);
        here.wrong++;
    }
    t->run += here.run;
    t->wrong += here.wrong;
    t->ok += here.ok;
    t->bad += here.bad;
    return rc;
}

int main(int argc, char **argv)
{
    tally t = {0, 0, 0, 0};
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|FOLDER...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        if (S_ISDIR(st.st_mode)) {
            if (run_folder(argv[i], &t) != 0)
                return 1;
        } else {
            int r = run_file(argv[i], 0);
            if (r < 0)
                return 1;
            t.run++;
            t.wrong += r;
        }
    }
    if (t.run == 0) {
        fprintf(stderr, "replay: no input files\n");
        return 1;
    }
    if (t.wrong) {
        fprintf(stderr, "replay: %ld inputs, %ld without the verdict promised\n",
                t.run, t.wrong);
        return 1;
    }
    printf("replay: %ld inputs (%ld ok-, %ld bad-), no finding, every verdict "
           "as promised\n",
           t.run, t.ok, t.bad);
    return 0;
}
