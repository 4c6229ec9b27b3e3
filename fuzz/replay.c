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
 */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include "fuzz.h"

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

static int run_file(const char *path)
{
    uint8_t *data;
    size_t len;
    if (read_file(path, &data, &len) != 0) {
        fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    printf("replay: %s (%zu bytes)\n", path, len);
    fflush(stdout);
    LLVMFuzzerTestOneInput(data, len);
    free(data);
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

/* Returns the number of files run, or -1. */
static long run_folder(const char *dir)
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
    long done = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            if (run_file(names[i]) != 0)
                done = -1;
            else if (done >= 0)
                done++;
        }
        free(names[i]);
    }
    free(names);
    return done;
}

int main(int argc, char **argv)
{
    long total = 0;
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
        long n = S_ISDIR(st.st_mode) ? run_folder(argv[i])
                                     : (run_file(argv[i]) == 0 ? 1 : -1);
        if (n < 0)
            return 1;
        total += n;
    }
    if (total == 0) {
        fprintf(stderr, "replay: no input files\n");
        return 1;
    }
    printf("replay: %ld inputs, no finding\n", total);
    return 0;
}
