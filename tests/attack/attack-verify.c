/*
 * The verifier attack suite: one case per named attack, in families
 * (attack-verify-*.c, each a table of cases with their crafting functions)
 * around a shared image crafter (atk_craft.c). Each case starts from a
 * valid image built in-process by the real builder (tests/verify/fixture.c),
 * rewrites what the attack needs (header, metadata, signature block, section
 * bytes, what follows the image), and for attacks behind the signature
 * RE-SIGNS the metadata with the fixture's key, as a compromised or confused
 * signer would. The image is then verified from memory on a hostile
 * platform (atk_common.c) that also mounts a double fetch on every case.
 * The zstd golden frames add cases here, generated at run time.
 *
 *   attack-verify GOLDEN_DIR [--family NAME] [--emit DIR] [--only SUBSTRING]
 *                            [--list] [--format-version 1|2]
 *   attack-verify GOLDEN_DIR --mutations N [--seed S]
 *
 * --family runs one family (its name in families[] below, or "golden"):
 * meson registers one test per family. --emit writes every case (NAME.hvi,
 * cases.txt, keys.txt) for the 32-bit UBSan runner and the extract tests;
 * --list prints "class name expected". --format-version 1 crafts every
 * case in image format version 1 (the fixtures built so, the models without
 * chunk tables): the same rows, the same expected results, except the
 * chunks family, which is about version 2 and is left out.
 *
 * --mutations runs N random mutations of a valid version 2 image whose
 * sections span several chunks (stored and zstd), seeded (the seed is
 * printed; --seed S replays a run): bytes flipped anywhere, unsigned;
 * stored bytes changed, cut or extended, then laid out and re-signed (so
 * valid tables over bad frames reach the decoder); metadata words
 * rewritten and re-signed. Each must pass every check of atk_run() but
 * the expected result, above all hv_verify_stream agreeing with hv_verify
 * on result, failed section and fail_offset (bad_compressed_data and
 * unpacked_size_mismatch count as one there: see ATK_M_ZSTD_EITHER).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atk_craft.h"

/* The families, in the order they run and --list prints them. */
static const struct family {
    const char *name;
    const atk_row *rows;
    const size_t *count;
} families[] = {
#define FAMILY(f) {#f, atk_rows_##f, &atk_rows_##f##_count}
    FAMILY(control), FAMILY(bounds), FAMILY(metadata), FAMILY(ceiling),
    FAMILY(unsigned), FAMILY(signature), FAMILY(mix), FAMILY(policy),
    FAMILY(zstd), FAMILY(extract), FAMILY(chunks),
#undef FAMILY
};
#define FAMILY_COUNT (sizeof families / sizeof families[0])

static int failures;

/* ---- the golden frames wrapped in signed images ------------------------- */

static const char *golden_dir;

/* Filled by main() for the rows generated from atk_goldens. */
typedef struct golden_row {
    size_t golden;
    int64_t delta; /* declared = produced + delta */
    hv_result expect;
} golden_row;

static void golden(ctx *c, const golden_row *g)
{
    char path[4096];
    size_t n;
    snprintf(path, sizeof path, "%s/%s", golden_dir, atk_goldens[g->golden].file);
    uint8_t *f = atk_read_file(path, &n);
    if (!f)
        die("cannot read a golden frame (is tests/vectors/zstd-golden there?)");
    frame(c, f, n, (uint64_t)((int64_t)atk_goldens[g->golden].produced + g->delta));
    free(f);
}

/* ---- random mutations of a multi-chunk version 2 image ------------------ */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* splitmix64: small, and the same sequence everywhere for a seed. */
    uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Fixture A with 64 KiB chunks, a stored section and a zstd section of
 * noise, each over three chunks. */
static void mutation_base(ctx *c)
{
    c_std(c);
    c_chunks(c, 16);
    size_t n = 200000;
    uint8_t *b = xmalloc(n);
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(rnd() >> 56);
    img_add(&c->m, HV_SECTION_EXTRA, HV_COMPRESSION_NONE, "blob", b, n, n);
    /* Half noise, half runs: zstd stores it in several chunks, with
     * sequences as well as literals. */
    for (size_t i = n / 2; i < n; i++)
        b[i] = (uint8_t)((i / 64) & 0xff);
    size_t zn;
    uint8_t *z = zc(b, n, (int)(rnd() & 1), 0, &zn);
    img_add(&c->m, HV_SECTION_EXTRA, HV_COMPRESSION_ZSTD, "noise", z, zn, n);
    free(b);
    free(z);
    img_layout(&c->m);
    c_finish(c);
}

static int mutations(unsigned long count, uint64_t seed)
{
    int fails = 0;
    rng_state = seed;
    printf("mutations: %lu, seed %llu (replay: --mutations %lu --seed "
           "%llu)\n", count, (unsigned long long)seed, count,
           (unsigned long long)seed);
    ctx base;
    memset(&base, 0, sizeof base);
    mutation_base(&base);
    for (unsigned long k = 0; k < count; k++) {
        ctx c;
        memset(&c, 0, sizeof c);
        int kind = (int)(rnd() % 3);
        if (kind == 0) {
            /* Unsigned bytes flipped anywhere in the image. */
            c.out = dup_bytes(base.out, base.out_len);
            c.out_len = base.out_len;
            c.spec.region = c.out_len;
            for (int f = 1 + (int)(rnd() % 3); f > 0; f--)
                c.out[rnd() % c.out_len] ^= (uint8_t)(1u << (rnd() % 8));
        } else if (kind == 1) {
            /* Stored bytes of a section changed, re-laid and re-signed. */
            c_load(&c, &base.m);
            uint32_t i = (uint32_t)(rnd() % c.m.info.section_count);
            size_t n = c.m.plen[i];
            uint8_t *p = xmalloc(n + 64);
            memcpy(p, c.m.pay[i], n);
            int how = (int)(rnd() % 4);
            if (how == 0 && n > 0) /* cut */
                n -= 1 + (size_t)(rnd() % (n < 64 ? n : 64));
            else if (how == 1) /* extended */
                for (int e = 1 + (int)(rnd() % 63); e > 0; e--)
                    p[n++] = (uint8_t)rnd();
            else if (n > 0)
                for (int f = 1 + (int)(rnd() % 4); f > 0; f--)
                    p[rnd() % n] ^= (uint8_t)(1u << (rnd() % 8));
            img_set(&c.m, i, p, n);
            free(p);
            if (c.m.info.sections[i].compression == HV_COMPRESSION_NONE)
                c.m.info.sections[i].unpacked_size = n;
            img_layout(&c.m);
            c_finish(&c);
        } else {
            /* A metadata word rewritten, re-signed. */
            c_load(&c, &base.m);
            c_encode(&c);
            size_t at = HV_HEADER_SIZE +
                        (size_t)(rnd() % (c.tbs_len - HV_HEADER_SIZE - 3));
            uint32_t old = get32(c.tbs + at);
            uint32_t v = (rnd() & 1) ? old + (uint32_t)(rnd() % 5) - 2
                                     : (uint32_t)rnd();
            put32(c.tbs + at, v);
            c_resign(&c);
        }
        snprintf(c.spec.name, sizeof c.spec.name, "mutation-%lu-kind-%d", k,
                 kind);
        c.spec.expect = HV_RESULT_COUNT;
        c.spec.want_section = ANYSEC;
        c.spec.want_offset = ANYOFF;
        c.spec.exact = 1;
        c.spec.min_sigs = 1;
        snprintf(c.spec.board, sizeof c.spec.board, "%s", FA.board);
        c.spec.keys = KB(K_A);
        /* A re-signed frame with changed bytes may overflow the declared
         * size or break inside a block first, depending on the decoder's
         * output buffer: libzstd's one-shot call (hv_verify) and its
         * stream (hv_verify_stream) then name different errors, at the
         * same byte (ATTACKS.md, "hv_verify_stream agrees"). */
        c.spec.mode |= ATK_M_ZSTD_EITHER;
        if (!atk_run(&c.spec, c.out, c.out_len, NULL, &KEYS)) {
            printf("  (seed %llu, mutation %lu)\n", (unsigned long long)seed,
                   k);
            fails++;
        }
        img_free(&c.m);
        free(c.out);
    }
    img_free(&base.m);
    free(base.out);
    printf("%lu mutations, %d failed\n", count, fails);
    return fails;
}

/* ---- main --------------------------------------------------------------- */

static int write_file(const char *dir, const char *name, const void *p,
                      size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    size_t w = n ? fwrite(p, 1, n, fp) : 0;
    return (fclose(fp) == 0 && w == n) ? 0 : -1;
}

static int copy_file(const char *from, const char *dir, const char *name)
{
    size_t n;
    uint8_t *p = atk_read_file(from, &n);
    int rc = p ? write_file(dir, name, p, n) : -1;
    free(p);
    return rc;
}

static void run_case(const char *cls, const char *name, hv_result expect,
                     uint32_t sec, uint64_t off, void (*craft)(ctx *),
                     const golden_row *g, FILE *cases, const char *emit)
{
    ctx c;
    memset(&c, 0, sizeof c);
    snprintf(c.spec.name, sizeof c.spec.name, "%s", name);
    c.spec.expect = expect;
    c.spec.want_section = sec;
    c.spec.want_offset = off;
    c.spec.exact = 1;
    c.spec.min_sigs = 1;
    snprintf(c.spec.board, sizeof c.spec.board, "%s", FA.board);
    c.spec.keys = KB(K_A);
    if (g) {
        golden(&c, g);
        const atk_golden *gd = &atk_goldens[g->golden];
        if (gd->valid && gd->at_154 != HV_OK)
            c.spec.mode |= ATK_M_ZSTD_EITHER;
    }
    else
        craft(&c);
    if (!c.out)
        die("a crafting function produced no image");
    if (!atk_run(&c.spec, c.out, c.out_len, c.second, &KEYS))
        failures++;
    (void)cls;
    if (cases) {
        char fname[ATK_NAME_MAX + 16];
        snprintf(fname, sizeof fname, "%s.hvi", name);
        if (write_file(emit, fname, c.out, c.out_len) != 0)
            die("cannot write an emitted image");
        if (c.second) {
            snprintf(fname, sizeof fname, "%s.second.hvi", name);
            if (write_file(emit, fname, c.second, c.second_len) != 0)
                die("cannot write an emitted image");
        }
        atk_spec_write(cases, &c.spec);
    }
    img_free(&c.m);
    free(c.out);
    free(c.second);
}

int main(int argc, char **argv)
{
    const char *emit = NULL, *only = NULL, *family = NULL;
    int list = 0;
    unsigned long mutation_count = 0;
    uint64_t seed = 0;
    int have_seed = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: attack-verify GOLDEN_DIR [--family NAME] "
                        "[--emit DIR] [--only SUBSTRING] [--list]\n");
        return 2;
    }
    golden_dir = argv[1];
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--emit") == 0 && i + 1 < argc)
            emit = argv[++i];
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--family") == 0 && i + 1 < argc)
            family = argv[++i];
        else if (strcmp(argv[i], "--list") == 0)
            list = 1;
        else if (strcmp(argv[i], "--mutations") == 0 && i + 1 < argc)
            mutation_count = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10), have_seed = 1;
        else if (strcmp(argv[i], "--format-version") == 0 && i + 1 < argc)
            atk_format = (uint32_t)strtoul(argv[++i], NULL, 10);
        else
            die("unknown option");
    }
    if (atk_format != HV_FORMAT_VERSION_1 && atk_format != HV_FORMAT_VERSION_2)
        die("--format-version takes 1 or 2");
    int golden_too = !family || strcmp(family, "golden") == 0;
    if (family && !golden_too) {
        size_t f = 0;
        while (f < FAMILY_COUNT && strcmp(families[f].name, family) != 0)
            f++;
        if (f == FAMILY_COUNT)
            die("unknown family");
    }
    if (list) {
        for (size_t f = 0; f < FAMILY_COUNT; f++)
            for (size_t i = 0; i < *families[f].count; i++) {
                const atk_row *r = &families[f].rows[i];
                printf("%-14s %-52s %s\n", r->cls, r->name,
                       hv_result_name(r->expect));
            }
        return 0;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    atk_craft_setup();
    if (mutation_count) {
        if (atk_format != HV_FORMAT_VERSION_2)
            die("--mutations needs format version 2");
        if (!have_seed)
            seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
        int f = mutations(mutation_count, seed);
        atk_craft_teardown();
        return f != 0;
    }

    FILE *cases = NULL;
    if (emit) {
        char path[4096];
        if (mkdir(emit, 0755) != 0 && errno != EEXIST)
            die("cannot create the emit folder");
        snprintf(path, sizeof path, "%s/keys.txt", emit);
        FILE *kf = fopen(path, "w");
        if (!kf || atk_keys_write(kf, &KEYS) != 0 || fclose(kf) != 0)
            die("cannot write keys.txt");
        snprintf(path, sizeof path, "%s/cases.txt", emit);
        cases = fopen(path, "w");
        if (!cases)
            die("cannot write cases.txt");
        if (copy_file(FA.pub_path, emit, "key-a.pub.pem") != 0 ||
            write_file(emit, "core-a.bin", core_plain, core_plain_len) != 0)
            die("cannot write the key or core");
    }

    size_t ran = 0;
    for (size_t f = 0; f < FAMILY_COUNT; f++)
        for (size_t i = 0; i < *families[f].count; i++) {
            if (family && strcmp(families[f].name, family) != 0)
                break;
            /* Chunk tables exist in version 2 only. */
            if (atk_format == HV_FORMAT_VERSION_1 &&
                families[f].rows == atk_rows_chunks)
                break;
            const atk_row *r = &families[f].rows[i];
            if (only && !strstr(r->name, only))
                continue;
            run_case(r->cls, r->name, r->expect, r->section, r->offset,
                     r->craft, NULL, cases, emit);
            ran++;
        }

    /* The golden frames in signed images: at the size libzstd produces
     * (whatever it decides then), and one byte off either way (always
     * refused by the verifier's own size check, or as malformed). */
    static hv_workspace ws;
    for (size_t gi = 0; golden_too && gi < atk_golden_count; gi++) {
        char path[4096];
        size_t n;
        snprintf(path, sizeof path, "%s/%s", golden_dir, atk_goldens[gi].file);
        uint8_t *f = atk_read_file(path, &n);
        if (!f) {
            printf("FAIL golden %s: cannot read %s\n", atk_goldens[gi].file,
                   path);
            failures++;
            continue;
        }
        for (int64_t delta = -1; delta <= 1; delta++) {
            const atk_golden *gd = &atk_goldens[gi];
            if (gd->produced == 0 && delta < 0)
                continue;
            size_t dst = (size_t)((int64_t)gd->produced + delta);
            uint8_t *out = xmalloc(dst + 1);
            hv_result direct =
                hv_zstd_unpack(ws.zstd, sizeof ws.zstd, f, n, out, dst);
            free(out);
            if (delta != 0 && direct == HV_OK) {
                printf("FAIL golden %s accepted at %zu bytes\n", gd->file, dst);
                failures++;
            }
            const char *base = strrchr(gd->file, '/') + 1;
            char name[ATK_NAME_MAX];
            snprintf(name, sizeof name, "golden-%.*s-declared-%s",
                     (int)(strlen(base) - 4), base,
                     delta < 0 ? "minus-1" : delta > 0 ? "plus-1" : "exact");
            if (only && !strstr(name, only))
                continue;
            golden_row g = {gi, delta, direct};
            run_case("golden", name, direct, direct == HV_OK ? NOSEC : ANYSEC,
                     direct == HV_OK ? NOOFF : ANYOFF, NULL, &g, cases, emit);
            ran++;
        }
        free(f);
    }
    if (cases && fclose(cases) != 0)
        die("cannot write cases.txt");

    int gfails = golden_too && (!only || strstr(only, "golden"))
                     ? atk_golden_direct(golden_dir)
                     : 0;
    failures += gfails;
    printf("%zu attack cases, %d failed\n", ran, failures);

    atk_craft_teardown();
    return failures != 0 || ran == 0;
}
