/*
 * Tests of the YAML layer, the manifest and profile loaders and the
 * algorithm names.
 *
 *   test-yaml MODE SRCDIR ROOTDIR BUILDDIR
 *
 * MODE is one of doc, names, manifest, profile, bad. SRCDIR is this folder
 * (fixtures in bad/ and data/), ROOTDIR the project source root (for
 * manifests/ and oem-profiles/), BUILDDIR a folder where the test makes and
 * then removes its own temporary folder.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "host_limits.h"
#include "plan.h"
#include "yaml_doc.h"

#define PATH_SIZE 4096

static const char *src_dir, *root_dir, *build_dir;
static char tmp_dir[PATH_SIZE];

/* ---- helpers ------------------------------------------------------------- */

static const char *pathf(char *buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *pathf(char *buf, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, PATH_SIZE, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= PATH_SIZE) {
        fprintf(stderr, "path too long\n");
        exit(1);
    }
    return buf;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

static void write_text(const char *path, const char *text)
{
    write_bytes(path, text, strlen(text));
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

/* A growing string, for generated inputs. Exits on out of memory. */
typedef struct strbuf {
    char *p;
    size_t len, cap;
} strbuf;

static void sb_add(strbuf *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sb_add(strbuf *s, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        exit(1);
    while (s->len + (size_t)n + 1 > s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->p = realloc(s->p, s->cap);
        if (!s->p)
            exit(1);
    }
    va_start(ap, fmt);
    vsnprintf(s->p + s->len, s->cap - s->len, fmt, ap);
    va_end(ap);
    s->len += (size_t)n;
}

static void sb_repeat(strbuf *s, const char *piece, size_t times)
{
    for (size_t i = 0; i < times; i++)
        sb_add(s, "%s", piece);
}

static void rm_rf(const char *path)
{
    struct stat st;
    char child[PATH_SIZE];

    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            rm_rf(pathf(child, "%s/%s", path, e->d_name));
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void make_tmp_dir(const char *mode)
{
    pathf(tmp_dir, "%s/tmp-yaml-%s-XXXXXX", build_dir, mode);
    if (!mkdtemp(tmp_dir)) {
        fprintf(stderr, "mkdtemp %s: %s\n", tmp_dir, strerror(errno));
        exit(1);
    }
}

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

/* Check a failed load: rc, then "FILE:LINE:COL: error: " exactly, then
 * |fragment| somewhere after it. line 0 means "no position". */
static void check_error(int rc, const hv_diag *d, const char *file,
                        unsigned line, unsigned col, const char *fragment)
{
    char prefix[PATH_SIZE + 64];

    CHECK_MSG(rc == -1, "%s: expected failure, rc %d", file, rc);
    if (line)
        snprintf(prefix, sizeof prefix, "%s:%u:%u: error: ", file, line, col);
    else
        snprintf(prefix, sizeof prefix, "%s: error: ", file);
    CHECK_MSG(strncmp(d->msg, prefix, strlen(prefix)) == 0,
              "expected prefix '%s', got '%s'", prefix, d->msg);
    CHECK_MSG(strstr(d->msg + strlen(prefix), fragment) != NULL,
              "expected '%s' in '%s'", fragment, d->msg);
}

static int load_doc_text(const char *name, const char *text, size_t len,
                         hv_ydoc *doc, hv_diag *d, char *path)
{
    pathf(path, "%s/%s", tmp_dir, name);
    write_bytes(path, text, len);
    return hv_ydoc_load(doc, path, d);
}

/* ---- doc: the YAML layer's ceilings and rules ------------------------------ */

static void test_file_size(void)
{
    const size_t max = HV_MAX_YAML_FILE_SIZE;
    char path[PATH_SIZE];
    hv_ydoc doc;
    hv_diag d;
    strbuf s = {0};

    /* "k: v\n#xxx...\n": exactly at the limit, then one byte past it. */
    sb_add(&s, "k: v\n#");
    sb_repeat(&s, "x", max - s.len - 1);
    sb_add(&s, "\n");
    CHECK(s.len == max);
    CHECK_MSG(load_doc_text("size-max.yaml", s.p, s.len, &doc, &d, path) == 0,
              "%s", d.msg);
    CHECK(doc.root && doc.root->kind == HV_Y_MAP && doc.root->count == 1);
    hv_ydoc_free(&doc);

    s.len--;
    sb_add(&s, "x\n");
    CHECK(s.len == max + 1);
    /* The byte at offset |max| is the final newline, on line 2 after the
     * |max| - 5 characters from '#' on. */
    check_error(load_doc_text("size-over.yaml", s.p, s.len, &doc, &d, path),
                &d, path, 2, (unsigned)(max - 5 + 1), "file larger than the "
                                                      "limit of 1048576 bytes");
    CHECK(doc.root == NULL && doc.file == NULL);
    free(s.p);
}

static void test_depth(void)
{
    char path[PATH_SIZE];
    hv_ydoc doc;
    hv_diag d;
    strbuf s = {0};
    const hv_ynode *n;
    unsigned depth = 0;

    /* The root map plus 15 sequences: exactly HV_MAX_YAML_DEPTH. */
    sb_add(&s, "a: ");
    sb_repeat(&s, "[", HV_MAX_YAML_DEPTH - 1);
    sb_repeat(&s, "]", HV_MAX_YAML_DEPTH - 1);
    sb_add(&s, "\n");
    CHECK_MSG(load_doc_text("depth-max.yaml", s.p, s.len, &doc, &d, path) ==
                  0,
              "%s", d.msg);
    for (n = doc.root; n && n->kind != HV_Y_SCALAR;
         n = n->kind == HV_Y_MAP ? n->items[1]
                                 : (n->count ? n->items[0] : NULL))
        depth++;
    CHECK(depth == HV_MAX_YAML_DEPTH);
    hv_ydoc_free(&doc);
    free(s.p);

    memset(&s, 0, sizeof s);
    sb_add(&s, "a: ");
    sb_repeat(&s, "[", HV_MAX_YAML_DEPTH);
    sb_repeat(&s, "]", HV_MAX_YAML_DEPTH);
    sb_add(&s, "\n");
    /* The 16th '[' opens the 17th level: column 4 + 15. */
    check_error(load_doc_text("depth-over.yaml", s.p, s.len, &doc, &d, path),
                &d, path, 1, 4 + HV_MAX_YAML_DEPTH - 1, "nested more than 16");
    free(s.p);
}

static void test_nodes(void)
{
    char path[PATH_SIZE];
    hv_ydoc doc;
    hv_diag d;
    strbuf s = {0};

    /* One sequence and HV_MAX_YAML_NODES - 1 items. */
    sb_add(&s, "[");
    sb_repeat(&s, "0,", HV_MAX_YAML_NODES - 2);
    sb_add(&s, "0]\n");
    CHECK_MSG(load_doc_text("nodes-max.yaml", s.p, s.len, &doc, &d, path) ==
                  0,
              "%s", d.msg);
    CHECK(doc.nodes == HV_MAX_YAML_NODES);
    CHECK(doc.root && doc.root->kind == HV_Y_SEQ &&
          doc.root->count == HV_MAX_YAML_NODES - 1);
    hv_ydoc_free(&doc);

    s.len -= 3;
    sb_add(&s, "0,0]\n");
    /* Item i sits at column 2 + 2i; the one past the limit is item
     * HV_MAX_YAML_NODES - 1. */
    check_error(load_doc_text("nodes-over.yaml", s.p, s.len, &doc, &d, path),
                &d, path, 1, 2 + 2 * (HV_MAX_YAML_NODES - 1),
                "more than 65536 nodes");
    free(s.p);
}

static void test_scalar(void)
{
    char path[PATH_SIZE];
    hv_ydoc doc;
    hv_diag d;
    strbuf s = {0};

    sb_add(&s, "k: ");
    sb_repeat(&s, "a", HV_MAX_YAML_SCALAR);
    sb_add(&s, "\n");
    CHECK_MSG(load_doc_text("scalar-max.yaml", s.p, s.len, &doc, &d, path) ==
                  0,
              "%s", d.msg);
    CHECK(doc.root && doc.root->items[1]->len == HV_MAX_YAML_SCALAR);
    hv_ydoc_free(&doc);
    free(s.p);

    /* Counted after unescaping: 4097 bytes written as "\x61" escapes. */
    memset(&s, 0, sizeof s);
    sb_add(&s, "k: \"");
    sb_repeat(&s, "\\x61", HV_MAX_YAML_SCALAR + 1);
    sb_add(&s, "\"\n");
    check_error(load_doc_text("scalar-over.yaml", s.p, s.len, &doc, &d, path),
                &d, path, 1, 4, "scalar of 4097 bytes");
    free(s.p);
}

static void test_positions(void)
{
    char path[PATH_SIZE];
    hv_ydoc doc;
    hv_diag d;
    hv_manifest m;
    static const char bom[] = "\xEF\xBB\xBFimage: {foo: 1}\n";
    static const char crlf[] = "image:\r\n  name: a: b\r\n";
    static const char crlf_utf8[] = "a:\r\n  b: \xC3\xA9\xC3\xA9\xFF\r\n";
    static const char tabs[] = "a:\n  b: x\n  c: \"\xC3\xA9\" : d\n";

    /* A UTF-8 BOM does not shift the columns of line 1. */
    pathf(path, "%s/bom.yaml", tmp_dir);
    write_text(path, bom);
    check_error(hv_manifest_load(path, &m, &d), &d, path, 1, 9,
                "unknown key 'foo' in 'image'");
    /* CR LF counts as one line break, in libyaml's marks and ours. */
    check_error(load_doc_text("crlf.yaml", crlf, strlen(crlf), &doc, &d, path),
                &d, path, 2, 10, "mapping values are not allowed");
    /* Columns count characters, not bytes: two 2-byte characters. */
    check_error(load_doc_text("crlf-utf8.yaml", crlf_utf8, strlen(crlf_utf8),
                              &doc, &d, path),
                &d, path, 2, 8, "invalid leading UTF-8 octet (0xFF)");
    check_error(load_doc_text("chars.yaml", tabs, strlen(tabs), &doc, &d,
                              path),
                &d, path, 3, 10, "mapping values are not allowed");

    /* Files that are not there or not files: no position. */
    pathf(path, "%s/none.yaml", tmp_dir);
    check_error(hv_ydoc_load(&doc, path, &d), &d, path, 0, 0,
                "cannot open: No such file or directory");
    check_error(hv_ydoc_load(&doc, tmp_dir, &d), &d, tmp_dir, 0, 0,
                "is a folder");
    CHECK(hv_ydoc_load(&doc, path, NULL) == -1); /* NULL diag is allowed */
}

static void test_many_keys(void)
{
    char path[PATH_SIZE];
    hv_ydoc doc;
    hv_diag d;
    strbuf s = {0};
    const unsigned n = 30000;

    /* Enough keys that a quadratic duplicate check would show. */
    for (unsigned i = 0; i < n; i++)
        sb_add(&s, "k%u: %u\n", i, i);
    CHECK_MSG(load_doc_text("keys.yaml", s.p, s.len, &doc, &d, path) == 0,
              "%s", d.msg);
    CHECK(doc.root && doc.root->count == n);
    CHECK(hv_ymap_get(doc.root, "k29999") &&
          strcmp(hv_ymap_get(doc.root, "k29999")->text, "29999") == 0);
    CHECK(hv_ymap_key(doc.root, "k7") && hv_ymap_key(doc.root, "k7")->line == 8);
    CHECK(hv_ymap_get(doc.root, "k30000") == NULL);
    hv_ydoc_free(&doc);
    sb_add(&s, "k5: again\nk3: again\n");
    check_error(load_doc_text("keys-dup.yaml", s.p, s.len, &doc, &d, path), &d,
                path, n + 1, 1, "duplicate key 'k5' (first at line 6, column 1)");
    free(s.p);
}

static void test_find_dup(void)
{
    static const char *const v[] = {"b", "a", "c", "a", "b", "b"};
    hv_ydup_item items[6];
    size_t dup = 99, first = 99;

    for (size_t i = 0; i < 6; i++) {
        items[i].data = v[i];
        items[i].len = strlen(v[i]);
    }
    CHECK(hv_yfind_dup(items, 3, &dup, &first) == 0);
    CHECK(hv_yfind_dup(items, 6, &dup, &first) == 1);
    CHECK(dup == 3 && first == 1);
    CHECK(hv_yfind_dup(items, 5, &dup, &first) == 1 && dup == 3);
    /* A prefix is not a duplicate; empty strings are compared too. */
    items[0].data = "ab";
    items[0].len = 2;
    items[1].data = "a";
    items[1].len = 1;
    items[2].data = "";
    items[2].len = 0;
    items[3].data = "";
    items[3].len = 0;
    CHECK(hv_yfind_dup(items, 4, &dup, &first) == 1 && dup == 3 && first == 2);
    CHECK(hv_yfind_dup(items, 0, &dup, &first) == 0);
}

static void test_tags_and_scalars(void)
{
    char path[PATH_SIZE];
    hv_ydoc doc;
    hv_diag d;
    static const char text[] =
        "a: !!str 3\n"
        "b: !!int 3\n"
        "c: !!bool true\n"
        "d: '3'\n"
        "e: |\n  3\n"
        "f:\n"
        "g: 0x00FF\n"
        "h: 0\n"
        "i: 18446744073709551615\n"
        "j: 0xFFFFFFFFFFFFFFFF\n"
        "k: 1GiB\n"
        "l: 0KiB\n"
        "m: 16383GiB\n"
        "n: !!map {x: 1}\n"
        "o: !!seq [1]\n"
        "p: \"a\\0b\"\n"
        "q: \"bad\\x01'\\\\\"\n";
    const hv_ynode *r;
    uint64_t u;
    bool b;
    char buf[8], *s;

    CHECK_MSG(load_doc_text("tags.yaml", text, strlen(text), &doc, &d, path) ==
                  0,
              "%s", d.msg);
    r = doc.root;
    CHECK(hv_yget_u64(&doc, hv_ymap_get(r, "b"), "b", &u, &d) == 0 && u == 3);
    CHECK(hv_yget_text(&doc, hv_ymap_get(r, "a"), "a", buf, sizeof buf, &d) ==
              0 &&
          strcmp(buf, "3") == 0);
    check_error(hv_yget_u64(&doc, hv_ymap_get(r, "a"), "a", &u, &d), &d, path,
                1, 4, "'a' must be an unsigned integer, found '3' (quoted");
    check_error(hv_yget_u64(&doc, hv_ymap_get(r, "c"), "c", &u, &d), &d, path,
                3, 4, "(tagged !!bool)");
    CHECK(hv_yget_bool(&doc, hv_ymap_get(r, "c"), "c", &b, &d) == 0 && b);
    check_error(hv_yget_bool(&doc, hv_ymap_get(r, "b"), "b", &b, &d), &d, path,
                2, 4, "'b' must be true or false");
    check_error(hv_yget_u64(&doc, hv_ymap_get(r, "d"), "d", &u, &d), &d, path,
                4, 4, "(quoted, so a string)");
    check_error(hv_yget_u64(&doc, hv_ymap_get(r, "e"), "e", &u, &d), &d, path,
                5, 4, "(quoted, so a string)");
    /* An empty value sits right after its key's colon. */
    check_error(hv_yget_u64(&doc, hv_ymap_get(r, "f"), "f", &u, &d), &d, path,
                7, 3, "found an empty value");
    CHECK(hv_yget_u64(&doc, hv_ymap_get(r, "g"), "g", &u, &d) == 0 &&
          u == 255);
    CHECK(hv_yget_u64(&doc, hv_ymap_get(r, "h"), "h", &u, &d) == 0 && u == 0);
    CHECK(hv_yget_u64(&doc, hv_ymap_get(r, "i"), "i", &u, &d) == 0 &&
          u == UINT64_MAX);
    CHECK(hv_yget_u64(&doc, hv_ymap_get(r, "j"), "j", &u, &d) == 0 &&
          u == UINT64_MAX);
    CHECK(hv_yget_size(&doc, hv_ymap_get(r, "j"), "j", &u, &d) == 0 &&
          u == UINT64_MAX);
    CHECK(hv_yget_size(&doc, hv_ymap_get(r, "k"), "k", &u, &d) == 0 &&
          u == UINT64_C(1) << 30);
    CHECK(hv_yget_size(&doc, hv_ymap_get(r, "l"), "l", &u, &d) == 0 && u == 0);
    CHECK(hv_yget_size(&doc, hv_ymap_get(r, "m"), "m", &u, &d) == 0 &&
          u == UINT64_C(16383) << 30);
    check_error(hv_yget_u64(&doc, hv_ymap_get(r, "k"), "k", &u, &d), &d, path,
                12, 4, "'k' must be an unsigned integer, found '1GiB'");
    CHECK(hv_ymap_get(r, "n")->kind == HV_Y_MAP);
    CHECK(hv_ymap_get(r, "o")->kind == HV_Y_SEQ);
    /* An embedded NUL neither truncates a path nor passes as text. */
    CHECK(hv_ymap_get(r, "p")->len == 3);
    check_error(hv_yget_path(&doc, hv_ymap_get(r, "p"), "p", &s, &d), &d, path,
                17, 4, "found 'a\\x00b'");
    CHECK(s == NULL);
    check_error(hv_yget_text(&doc, hv_ymap_get(r, "p"), "p", buf, sizeof buf,
                             &d),
                &d, path, 17, 4, "found 'a\\x00b'");
    /* Messages escape quotes, backslashes and control characters. */
    check_error(hv_yget_text(&doc, hv_ymap_get(r, "q"), "q", buf, sizeof buf,
                             &d),
                &d, path, 18, 4, "found 'bad\\x01\\'\\\\'");
    CHECK(hv_yget_path(&doc, hv_ymap_get(r, "g"), "g", &s, &d) == 0 &&
          strcmp(s, "0x00FF") == 0);
    free(s);
    check_error(hv_ymap_check(&doc, r, NULL, (const char *const[]){"a", NULL},
                              &d),
                &d, path, 2, 1,
                "unknown key 'b' at the top level (expected one of: a)");
    hv_ydoc_free(&doc);
    hv_ydoc_free(&doc); /* idempotent */
}

static void test_long_value_in_message(void)
{
    char path[PATH_SIZE];
    hv_ydoc doc;
    hv_diag d;
    strbuf s = {0};
    uint64_t u;

    sb_add(&s, "k: ");
    sb_repeat(&s, "\\", 4000);
    sb_add(&s, "\n");
    CHECK_MSG(load_doc_text("long.yaml", s.p, s.len, &doc, &d, path) == 0,
              "%s", d.msg);
    check_error(hv_yget_u64(&doc, doc.root->items[1], "k", &u, &d), &d, path,
                1, 4, "\\\\\\\\...'");
    CHECK(strlen(d.msg) < 400);
    hv_ydoc_free(&doc);
    free(s.p);
}

static void run_doc(void)
{
    test_file_size();
    test_depth();
    test_nodes();
    test_scalar();
    test_positions();
    test_many_keys();
    test_find_dup();
    test_tags_and_scalars();
    test_long_value_in_message();
}

/* ---- names ------------------------------------------------------------------ */

static void run_names(void)
{
    static const struct {
        uint32_t id;
        const char *name;
    } sig[] = {{HV_SIG_ECDSA_P256_SHA256, "ecdsa-p256-sha256"},
               {HV_SIG_ECDSA_P384_SHA384, "ecdsa-p384-sha384"},
               {HV_SIG_RSA3072_PKCS1_SHA256, "rsa3072-pkcs1-sha256"},
               {HV_SIG_RSA4096_PKCS1_SHA256, "rsa4096-pkcs1-sha256"}};

    for (size_t i = 0; i < 4; i++) {
        CHECK(hv_sig_alg_name(sig[i].id) &&
              strcmp(hv_sig_alg_name(sig[i].id), sig[i].name) == 0);
        CHECK(hv_sig_alg_from_name(sig[i].name) == sig[i].id);
    }
    CHECK(hv_sig_alg_name(0) == NULL && hv_sig_alg_name(5) == NULL);
    CHECK(hv_sig_alg_from_name("ECDSA-P256-SHA256") == 0);
    CHECK(hv_sig_alg_from_name("") == 0 && hv_sig_alg_from_name(NULL) == 0);
    CHECK(hv_digest_alg_from_name("sha256") == HV_DIGEST_SHA256);
    CHECK(hv_digest_alg_from_name("sha384") == HV_DIGEST_SHA384);
    CHECK(strcmp(hv_digest_alg_name(HV_DIGEST_SHA256), "sha256") == 0);
    CHECK(strcmp(hv_digest_alg_name(HV_DIGEST_SHA384), "sha384") == 0);
    CHECK(hv_digest_alg_name(0) == NULL && hv_digest_alg_name(3) == NULL);
    CHECK(hv_digest_alg_from_name("sha512") == 0 &&
          hv_digest_alg_from_name(NULL) == 0);
}

/* ---- manifest ------------------------------------------------------------- */

static void check_origin(const hv_origin *o, const char *file, unsigned line,
                         unsigned col)
{
    CHECK(o->file == file);
    CHECK_MSG(o->line == line && o->column == col, "origin %u:%u, expected %u:%u",
              o->line, o->column, line, col);
}

static void make_manifest_tree(const char *dir)
{
    char p[PATH_SIZE];

    make_dir(dir);
    write_text(pathf(p, "%s/core.bin", dir), "core");
    make_dir(pathf(p, "%s/drv", dir));
    write_text(pathf(p, "%s/drv/a.ko", dir), "a");
    write_text(pathf(p, "%s/z.tar.gz", dir), "not really gzip");
    make_dir(pathf(p, "%s/sub", dir));
    write_text(pathf(p, "%s/sub/x.bin", dir), "x");
}

static void test_manifest_full(void)
{
    static const char text[] =
        "# every key, in an order the loader must not keep\n"
        "sections:\n"
        "  - name: zz-extra\n"
        "    path: sub/x.bin\n"
        "  - {name: aa_extra, path: sub/x.bin, compress: false}\n"
        "boot_config:\n"
        "  zeta: 'quoted value: kept'\n"
        "  alpha: 0x10\n"
        "  m.id-2_x: \"caf\\u00e9\"\n"
        "  empty: ''\n"
        "drivers:\n"
        "  - vendor: zeta\n"
        "    version: 9\n"
        "    path: z.tar.gz\n"
        "  - {vendor: Alpha, version: 1.0-rc1, path: drv}\n"
        "  - vendor: alpha\n"
        "    version: 2.0+build.7\n"
        "    path: drv\n"
        "core:\n"
        "  entry_point: 0x100040\n"
        "  load_address: 1048576\n"
        "  format: raw\n"
        "  path: core.bin\n"
        "image:\n"
        "  security_version: 18446744073709551615\n"
        "  build_epoch: 0\n"
        "  version: 1.4.2\n"
        "  name: My_hv-1.0+x\n";
    char dir[PATH_SIZE], path[PATH_SIZE], p[PATH_SIZE];
    hv_manifest m;
    hv_diag d;

    make_manifest_tree(pathf(dir, "%s/full", tmp_dir));
    write_text(pathf(path, "%s/manifest.yaml", dir), text);
    CHECK_MSG(hv_manifest_load(path, &m, &d) == 0, "%s", d.msg);
    CHECK(strcmp(m.file, path) == 0);
    CHECK(strcmp(m.name, "My_hv-1.0+x") == 0);
    CHECK(strcmp(m.version, "1.4.2") == 0);
    CHECK(m.security_version == UINT64_MAX);
    CHECK(m.has_build_epoch && m.build_epoch == 0);
    CHECK(strcmp(m.core_path, pathf(p, "%s/core.bin", dir)) == 0);
    check_origin(&m.core_origin, m.file, 23, 9);
    CHECK(m.core_format == HV_CORE_RAW);
    CHECK(m.has_load_address && m.load_address == 0x100000);
    CHECK(m.has_entry_point && m.entry_point == 0x100040);

    /* Bytewise order: upper case before lower case. */
    CHECK(m.driver_count == 3);
    if (m.driver_count == 3) {
        CHECK(strcmp(m.drivers[0].vendor, "Alpha") == 0);
        CHECK(strcmp(m.drivers[0].version, "1.0-rc1") == 0);
        CHECK(strcmp(m.drivers[0].path, pathf(p, "%s/drv", dir)) == 0);
        check_origin(&m.drivers[0].origin, m.file, 15, 5);
        CHECK(strcmp(m.drivers[1].vendor, "alpha") == 0);
        CHECK(strcmp(m.drivers[1].version, "2.0+build.7") == 0);
        check_origin(&m.drivers[1].origin, m.file, 16, 5);
        CHECK(strcmp(m.drivers[2].vendor, "zeta") == 0);
        CHECK(strcmp(m.drivers[2].version, "9") == 0);
        CHECK(strcmp(m.drivers[2].path, pathf(p, "%s/z.tar.gz", dir)) == 0);
        check_origin(&m.drivers[2].origin, m.file, 12, 5);
    }
    CHECK(m.boot_config_count == 4);
    if (m.boot_config_count == 4) {
        /* Values are the scalars' text: no number is reformatted. */
        CHECK(strcmp(m.boot_config[0].key, "alpha") == 0);
        CHECK(strcmp(m.boot_config[0].value, "0x10") == 0);
        CHECK(strcmp(m.boot_config[1].key, "empty") == 0);
        CHECK(strcmp(m.boot_config[1].value, "") == 0);
        CHECK(strcmp(m.boot_config[2].key, "m.id-2_x") == 0);
        CHECK(strcmp(m.boot_config[2].value, "caf\xC3\xA9") == 0);
        CHECK(strcmp(m.boot_config[3].key, "zeta") == 0);
        CHECK(strcmp(m.boot_config[3].value, "quoted value: kept") == 0);
    }
    CHECK(m.extra_count == 2);
    if (m.extra_count == 2) {
        CHECK(strcmp(m.extras[0].name, "aa_extra") == 0);
        CHECK(!m.extras[0].compress);
        CHECK(strcmp(m.extras[0].path, pathf(p, "%s/sub/x.bin", dir)) == 0);
        check_origin(&m.extras[0].origin, m.file, 5, 5);
        CHECK(strcmp(m.extras[1].name, "zz-extra") == 0);
        CHECK(m.extras[1].compress);
        check_origin(&m.extras[1].origin, m.file, 3, 5);
    }
    hv_manifest_free(&m);
    CHECK(all_zero(&m, sizeof m));
    hv_manifest_free(&m);
}

static void test_manifest_minimal(void)
{
    char dir[PATH_SIZE], path[PATH_SIZE], p[PATH_SIZE], cwd[PATH_SIZE];
    hv_manifest m;
    hv_diag d;

    make_manifest_tree(pathf(dir, "%s/min", tmp_dir));
    /* Format auto, no addresses, no optional parts. */
    write_text(pathf(path, "%s/a.yaml", dir),
               "image: {name: n, version: v, security_version: 0}\n"
               "core: {path: core.bin}\n");
    CHECK_MSG(hv_manifest_load(path, &m, &d) == 0, "%s", d.msg);
    CHECK(m.core_format == HV_CORE_AUTO);
    CHECK(!m.has_load_address && !m.has_entry_point && !m.has_build_epoch);
    CHECK(m.driver_count == 0 && m.drivers == NULL);
    CHECK(m.boot_config_count == 0 && m.extra_count == 0);
    hv_manifest_free(&m);

    /* Format auto with both addresses; elf with none; empty lists. */
    write_text(pathf(path, "%s/b.yaml", dir),
               "image: {name: n, version: v, security_version: 0}\n"
               "core: {path: core.bin, load_address: 0, entry_point: 0x0}\n"
               "drivers: []\nboot_config: {}\nsections: []\n");
    CHECK_MSG(hv_manifest_load(path, &m, &d) == 0, "%s", d.msg);
    CHECK(m.core_format == HV_CORE_AUTO);
    CHECK(m.has_load_address && m.has_entry_point && m.load_address == 0);
    hv_manifest_free(&m);
    write_text(pathf(path, "%s/c.yaml", dir),
               "image: {name: n, version: v, security_version: 0}\n"
               "core: {path: core.bin, format: elf}\n");
    CHECK_MSG(hv_manifest_load(path, &m, &d) == 0, "%s", d.msg);
    CHECK(m.core_format == HV_CORE_ELF && !m.has_load_address);
    hv_manifest_free(&m);

    /* Paths resolve against the manifest's folder, however it is named;
     * an absolute path is kept. */
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(tmp_dir) == 0);
    CHECK_MSG(hv_manifest_load("min/a.yaml", &m, &d) == 0, "%s", d.msg);
    CHECK(m.core_path && strcmp(m.core_path, "min/core.bin") == 0);
    hv_manifest_free(&m);
    CHECK(chdir("min") == 0);
    CHECK_MSG(hv_manifest_load("a.yaml", &m, &d) == 0, "%s", d.msg);
    CHECK(m.core_path && strcmp(m.core_path, "core.bin") == 0);
    hv_manifest_free(&m);
    CHECK(chdir(cwd) == 0);
    write_text(pathf(path, "%s/abs.yaml", dir), "");
    {
        FILE *f = fopen(path, "w");
        CHECK(f != NULL);
        if (f) {
            fprintf(f,
                    "image: {name: n, version: v, security_version: 0}\n"
                    "core: {path: '%s/core.bin'}\n",
                    dir);
            fclose(f);
        }
    }
    CHECK_MSG(hv_manifest_load(path, &m, &d) == 0, "%s", d.msg);
    CHECK(m.core_path && strcmp(m.core_path, pathf(p, "%s/core.bin", dir)) == 0);
    hv_manifest_free(&m);
}

/* Each count and length of the manifest at its ceiling loads. */
static void test_manifest_ceilings(void)
{
    char dir[PATH_SIZE], path[PATH_SIZE];
    hv_manifest m;
    hv_diag d;
    strbuf s = {0};

    make_manifest_tree(pathf(dir, "%s/ceil", tmp_dir));
    sb_add(&s, "image:\n  name: ");
    sb_repeat(&s, "n", HV_IMAGE_NAME_SIZE);
    sb_add(&s, "\n  version: ");
    sb_repeat(&s, "v", HV_VERSION_SIZE);
    sb_add(&s, "\n  security_version: 0\ncore: {path: core.bin}\ndrivers:\n");
    for (unsigned i = 0; i < HV_MAX_DRIVER_PACKAGES; i++)
        sb_add(&s, "  - {vendor: v%02u%s, version: 1, path: drv}\n", i,
               i == 0 ? "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa" : "");
    sb_add(&s, "boot_config:\n");
    for (unsigned i = 0; i < HV_MAX_BOOT_CONFIG_ENTRIES; i++)
        sb_add(&s, "  k%03u: %u\n", i, i);
    sb_add(&s, "  ");
    sb_repeat(&s, "k", 64 - 3);
    sb_add(&s, "max: ");
    sb_repeat(&s, "\xC3\xA9", 128); /* 256 bytes */
    sb_add(&s, "\nsections:\n");
    for (unsigned i = 0; i < HV_MAX_EXTRA_SECTIONS; i++)
        sb_add(&s, "  - {name: s%u, path: sub/x.bin}\n", i);
    pathf(path, "%s/ceil.yaml", dir);
    write_bytes(path, s.p, s.len);
    /* That is one boot_config entry too many: drop the first. */
    check_error(hv_manifest_load(path, &m, &d), &d, path, 72, 3,
                "'boot_config' has 257 entries, more than the limit of 256");
    CHECK(all_zero(&m, sizeof m));
    hv_manifest_free(&m);
    {
        char *k0 = strstr(s.p, "  k000: 0\n");
        CHECK(k0 != NULL);
        if (k0)
            memcpy(k0, "  #000: 0\n", 10);
    }
    write_bytes(path, s.p, s.len);
    CHECK_MSG(hv_manifest_load(path, &m, &d) == 0, "%s", d.msg);
    CHECK(strlen(m.name) == HV_IMAGE_NAME_SIZE);
    CHECK(strlen(m.version) == HV_VERSION_SIZE);
    CHECK(m.driver_count == HV_MAX_DRIVER_PACKAGES);
    CHECK(m.driver_count && strlen(m.drivers[0].vendor) == HV_SECTION_NAME_SIZE);
    CHECK(m.boot_config_count == HV_MAX_BOOT_CONFIG_ENTRIES);
    CHECK(m.boot_config_count &&
          strlen(m.boot_config[m.boot_config_count - 1].value) == 256);
    CHECK(m.boot_config_count &&
          strlen(m.boot_config[m.boot_config_count - 1].key) == 64);
    CHECK(m.extra_count == HV_MAX_EXTRA_SECTIONS);
    hv_manifest_free(&m);
    free(s.p);
}

/* The bundled example, from the source tree: it loads, or (while its
 * inputs are not all in place) fails only for a missing file. */
static void test_example_in_tree(void)
{
    char path[PATH_SIZE];
    hv_manifest m;
    hv_diag d;

    pathf(path, "%s/manifests/example.yaml", root_dir);
    if (hv_manifest_load(path, &m, &d) == 0) {
        CHECK(strcmp(m.name, "example-hv") == 0);
        CHECK(m.driver_count == 3);
        hv_manifest_free(&m);
        return;
    }
    fprintf(stderr, "note: example manifest: %s\n", d.msg);
    CHECK_MSG(strncmp(d.msg, path, strlen(path)) == 0 &&
                  strstr(d.msg, ", which does not exist") != NULL,
              "%s", d.msg);
}

/* The example's text with stand-ins for its inputs: every field. */
static void test_example_copy(void)
{
    char dir[PATH_SIZE], path[PATH_SIZE], p[PATH_SIZE];
    FILE *f;
    char *text;
    long len;
    hv_manifest m;
    hv_diag d;

    pathf(path, "%s/manifests/example.yaml", root_dir);
    f = fopen(path, "rb");
    CHECK_MSG(f != NULL, "%s", path);
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    rewind(f);
    text = malloc((size_t)len + 1);
    CHECK(text && fread(text, 1, (size_t)len, f) == (size_t)len);
    fclose(f);
    if (!text)
        return;
    make_dir(pathf(dir, "%s/ex", tmp_dir));
    write_bytes(pathf(path, "%s/example.yaml", dir), text, (size_t)len);
    free(text);
    make_dir(pathf(p, "%s/example", dir));
    make_dir(pathf(p, "%s/example/drivers", dir));
    make_dir(pathf(p, "%s/example/drivers/cobalt-gpu", dir));
    write_text(pathf(p, "%s/example/monitor.elf", dir), "c");
    write_text(pathf(p, "%s/example/drivers/acme-nic-2.1.0.tar.gz", dir), "t");
    write_text(pathf(p, "%s/example/drivers/zenith-storage-0.9.3.zip", dir),
               "z");

    CHECK_MSG(hv_manifest_load(path, &m, &d) == 0, "%s", d.msg);
    CHECK(strcmp(m.name, "example-hv") == 0);
    CHECK(strcmp(m.version, "1.4.2") == 0);
    CHECK(m.security_version == 3);
    CHECK(m.has_build_epoch && m.build_epoch == 1764201600);
    CHECK(m.core_path &&
          strcmp(m.core_path, pathf(p, "%s/example/monitor.elf", dir)) == 0);
    CHECK(m.core_format == HV_CORE_ELF);
    CHECK(!m.has_load_address && !m.has_entry_point);
    CHECK(m.driver_count == 3);
    if (m.driver_count == 3) {
        CHECK(strcmp(m.drivers[0].vendor, "acme-nic") == 0);
        CHECK(strcmp(m.drivers[0].version, "2.1.0") == 0);
        CHECK(strcmp(m.drivers[0].path,
                     pathf(p, "%s/example/drivers/acme-nic-2.1.0.tar.gz",
                           dir)) == 0);
        CHECK(strcmp(m.drivers[1].vendor, "cobalt-gpu") == 0);
        CHECK(strcmp(m.drivers[1].version, "1.0.0") == 0);
        CHECK(strcmp(m.drivers[1].path,
                     pathf(p, "%s/example/drivers/cobalt-gpu", dir)) == 0);
        CHECK(strcmp(m.drivers[2].vendor, "zenith-storage") == 0);
        CHECK(strcmp(m.drivers[2].version, "0.9.3") == 0);
        CHECK(strcmp(m.drivers[2].path,
                     pathf(p, "%s/example/drivers/zenith-storage-0.9.3.zip",
                           dir)) == 0);
    }
    CHECK(m.boot_config_count == 3);
    if (m.boot_config_count == 3) {
        CHECK(strcmp(m.boot_config[0].key, "console") == 0);
        CHECK(strcmp(m.boot_config[0].value, "ttyS0,115200") == 0);
        CHECK(strcmp(m.boot_config[1].key, "log_level") == 0);
        CHECK(strcmp(m.boot_config[1].value, "info") == 0);
        CHECK(strcmp(m.boot_config[2].key, "max_vms") == 0);
        CHECK(strcmp(m.boot_config[2].value, "8") == 0);
    }
    CHECK(m.extra_count == 0 && m.extras == NULL);
    hv_manifest_free(&m);
}

static void run_manifest(void)
{
    hv_manifest zero;

    memset(&zero, 0, sizeof zero);
    hv_manifest_free(&zero); /* a zeroed struct is fine */
    hv_manifest_free(NULL);
    test_manifest_full();
    test_manifest_minimal();
    test_manifest_ceilings();
    test_example_in_tree();
    test_example_copy();
}

/* ---- profile ---------------------------------------------------------------- */

#define MIB (UINT64_C(1) << 20)
#define KIB (UINT64_C(1) << 10)

static void check_region(const hv_flash_region *r, uint64_t off, uint64_t size)
{
    CHECK_MSG(r->offset == off && r->size == size,
              "region 0x%llx+0x%llx, expected 0x%llx+0x%llx",
              (unsigned long long)r->offset, (unsigned long long)r->size,
              (unsigned long long)off, (unsigned long long)size);
}

static void test_bundled_profiles(void)
{
    char path[PATH_SIZE];
    hv_profile p;
    hv_diag d;

    pathf(path, "%s/oem-profiles/acme-servers.yaml", root_dir);
    CHECK_MSG(hv_profile_load(path, &p, &d) == 0, "%s", d.msg);
    CHECK(strcmp(p.file, path) == 0);
    CHECK(strcmp(p.oem_id, "acme-servers") == 0);
    CHECK(p.board_count == 2);
    if (p.board_count == 2) {
        CHECK(strcmp(p.boards[0], "acme-r750-mb2") == 0);
        CHECK(strcmp(p.boards[1], "acme-r760-mb1") == 0);
    }
    CHECK(p.flash_size == 64 * MIB);
    CHECK(p.erase_block == 64 * KIB);
    check_region(&p.boot_stage, 0, 1 * MIB);
    check_region(&p.boot_state, 1 * MIB, 192 * KIB);
    check_region(&p.slot_a, 2 * MIB, 31 * MIB);
    check_region(&p.slot_b, 33 * MIB, 31 * MIB);
    CHECK(p.section_align == 4096);
    CHECK(p.compression_level == 19);
    CHECK(p.digest_alg == HV_DIGEST_SHA384);
    CHECK(p.signature_slots == 2);
    CHECK(p.accept_alg_count == 1 &&
          p.accept_algs[0] == HV_SIG_ECDSA_P384_SHA384);
    CHECK(p.accept_key_id_count == 0 && p.accept_key_ids == NULL);
    CHECK(p.allow_vendor_count == 3);
    if (p.allow_vendor_count == 3) {
        CHECK(strcmp(p.allow_vendors[0], "acme-nic") == 0);
        CHECK(strcmp(p.allow_vendors[1], "cobalt-gpu") == 0);
        CHECK(strcmp(p.allow_vendors[2], "zenith-storage") == 0);
    }
    hv_profile_free(&p);

    pathf(path, "%s/oem-profiles/zenith-cloud.yaml", root_dir);
    CHECK_MSG(hv_profile_load(path, &p, &d) == 0, "%s", d.msg);
    CHECK(strcmp(p.oem_id, "zenith-cloud") == 0);
    CHECK(p.board_count == 1 && strcmp(p.boards[0], "zenith-c1") == 0);
    CHECK(p.flash_size == 32 * MIB);
    CHECK(p.erase_block == 4 * KIB);
    check_region(&p.boot_stage, 0, 512 * KIB);
    check_region(&p.boot_state, 512 * KIB, 16 * KIB);
    check_region(&p.slot_a, 1 * MIB, 15 * MIB);
    check_region(&p.slot_b, 16 * MIB, 15 * MIB);
    CHECK(p.section_align == 64 * KIB);
    CHECK(p.compression_level == 3);
    CHECK(p.digest_alg == HV_DIGEST_SHA256);
    CHECK(p.signature_slots == 1);
    CHECK(p.accept_alg_count == 1 &&
          p.accept_algs[0] == HV_SIG_ECDSA_P256_SHA256);
    CHECK(p.accept_key_id_count == 0);
    /* acme-nic is not admitted: the example manifest does not build here. */
    CHECK(p.allow_vendor_count == 2);
    if (p.allow_vendor_count == 2) {
        CHECK(strcmp(p.allow_vendors[0], "cobalt-gpu") == 0);
        CHECK(strcmp(p.allow_vendors[1], "zenith-storage") == 0);
    }
    hv_profile_free(&p);

    pathf(path, "%s/oem-profiles/orbital-edge.yaml", root_dir);
    CHECK_MSG(hv_profile_load(path, &p, &d) == 0, "%s", d.msg);
    CHECK(strcmp(p.oem_id, "orbital-edge") == 0);
    CHECK(p.board_count == 2);
    if (p.board_count == 2) {
        CHECK(strcmp(p.boards[0], "orbital-gw2") == 0);
        CHECK(strcmp(p.boards[1], "orbital-gw3") == 0);
    }
    CHECK(p.flash_size == 32 * MIB);
    CHECK(p.erase_block == 64 * KIB);
    check_region(&p.boot_stage, 0, 768 * KIB);
    check_region(&p.boot_state, 768 * KIB, 256 * KIB);
    check_region(&p.slot_a, 1 * MIB, 15 * MIB);
    check_region(&p.slot_b, 16 * MIB, 15 * MIB);
    CHECK(p.section_align == 4096);
    CHECK(p.compression_level == 19);
    CHECK(p.digest_alg == HV_DIGEST_SHA256);
    CHECK(p.signature_slots == 3);
    CHECK(p.accept_alg_count == 2);
    if (p.accept_alg_count == 2) {
        CHECK(p.accept_algs[0] == HV_SIG_RSA3072_PKCS1_SHA256);
        CHECK(p.accept_algs[1] == HV_SIG_RSA4096_PKCS1_SHA256);
    }
    CHECK(p.accept_key_id_count == 0);
    CHECK(p.allow_vendor_count == 3);
    hv_profile_free(&p);
    CHECK(all_zero(&p, sizeof p));
}

static void test_profile_ceilings(void)
{
    char path[PATH_SIZE];
    hv_profile p;
    hv_diag d;
    strbuf s = {0};

    sb_add(&s, "oem_id: ");
    sb_repeat(&s, "o", HV_OEM_ID_SIZE);
    sb_add(&s, "\nboards:\n");
    for (unsigned i = HV_MAX_BOARDS; i > 0; i--)
        sb_add(&s, "  - board%02u\n", i);
    sb_add(&s, "  - ");
    sb_repeat(&s, "b", HV_BOARD_ID_SIZE);
    sb_add(&s,
           "\n"
           "flash:\n"
           "  size: 0x100000000\n"
           "  erase_block: 4KiB\n"
           "  boot_stage: {offset: 0, size: 4KiB}\n"
           "  boot_state: {offset: 4096, size: 8KiB}\n"
           "  slot_b: {offset: 2GiB, size: 2097140KiB}\n"
           "  slot_a: {offset: 0x3000, size: 2097140KiB}\n"
           "image:\n"
           "  section_alignment: 1MiB\n"
           "  compression_level: 1\n"
           "  digest: sha256\n"
           "  signature_slots: 8\n"
           "keys:\n"
           "  algorithms: [rsa4096-pkcs1-sha256, ecdsa-p256-sha256,\n"
           "               rsa3072-pkcs1-sha256, ecdsa-p384-sha384]\n"
           "  key_ids:\n"
           "    - FFEEDDCCBBAA99887766554433221100ffeeddccbbaa99887766554433221100\n"
           "    - 000102030405060708090a0b0c0d0e0f101112131415161718191A1B1C1D1E1F\n"
           "drivers:\n"
           "  allow_vendors: []\n");
    pathf(path, "%s/ceil.yaml", tmp_dir);
    write_bytes(path, s.p, s.len);
    /* One board too many... */
    check_error(hv_profile_load(path, &p, &d), &d, path, 3, 3,
                "'boards' must list 1 to 32 boards, found 33");
    CHECK(all_zero(&p, sizeof p));
    /* ...so make the first one a comment. */
    {
        char *b = strstr(s.p, "  - board32\n");
        CHECK(b != NULL);
        if (b)
            b[2] = '#';
    }
    write_bytes(path, s.p, s.len);
    CHECK_MSG(hv_profile_load(path, &p, &d) == 0, "%s", d.msg);
    CHECK(strlen(p.oem_id) == HV_OEM_ID_SIZE);
    CHECK(p.board_count == HV_MAX_BOARDS);
    if (p.board_count == HV_MAX_BOARDS) {
        /* Bytewise: "bb..." < "board01" < ... < "board31". */
        CHECK(strlen(p.boards[0]) == HV_BOARD_ID_SIZE);
        CHECK(strcmp(p.boards[1], "board01") == 0);
        CHECK(strcmp(p.boards[HV_MAX_BOARDS - 1], "board31") == 0);
    }
    CHECK(p.flash_size == UINT64_C(1) << 32);
    CHECK(p.erase_block == 4096);
    check_region(&p.boot_state, 4096, 8192);
    check_region(&p.slot_a, 0x3000, 2097140 * KIB);
    check_region(&p.slot_b, UINT64_C(1) << 31, 2097140 * KIB);
    CHECK(p.section_align == HV_MAX_SECTION_ALIGN);
    CHECK(p.compression_level == 1);
    CHECK(p.signature_slots == HV_MAX_SIGNATURE_SLOTS);
    CHECK(p.accept_alg_count == 4);
    for (size_t i = 0; i < p.accept_alg_count; i++)
        CHECK(p.accept_algs[i] == (uint32_t)(i + 1)); /* sorted */
    CHECK(p.accept_key_id_count == 2);
    if (p.accept_key_id_count == 2) {
        for (unsigned i = 0; i < 32; i++)
            CHECK(p.accept_key_ids[0][i] == i);
        CHECK(p.accept_key_ids[1][0] == 0xFF && p.accept_key_ids[1][31] == 0);
    }
    CHECK(p.allow_vendor_count == 0 && p.allow_vendors == NULL);
    hv_profile_free(&p);
    free(s.p);

    /* The smallest section alignment and no key_ids at all. */
    pathf(path, "%s/small.yaml", tmp_dir);
    write_text(path,
               "oem_id: o\nboards: [b]\n"
               "flash:\n  size: 16KiB\n  erase_block: 4096\n"
               "  boot_stage: {offset: 0, size: 4KiB}\n"
               "  boot_state: {offset: 4KiB, size: 8KiB}\n"
               "  slot_a: {offset: 12KiB, size: 4KiB}\n"
               "  slot_b: {offset: 12KiB, size: 4KiB}\n"
               "image: {section_alignment: 16, compression_level: 19, "
               "digest: sha384, signature_slots: 1}\n"
               "keys: {algorithms: [ecdsa-p256-sha256]}\n"
               "drivers: {allow_vendors: [b, a]}\n");
    /* slot_b on top of slot_a: overlap is reported at the later region. */
    check_error(hv_profile_load(path, &p, &d), &d, path, 9, 20,
                "'slot_b' (0x3000..0x4000) overlaps 'slot_a' (0x3000..0x4000)");
    write_text(path,
               "oem_id: o\nboards: [b]\n"
               "flash:\n  size: 20KiB\n  erase_block: 4096\n"
               "  boot_stage: {offset: 0, size: 4KiB}\n"
               "  boot_state: {offset: 4KiB, size: 8KiB}\n"
               "  slot_a: {offset: 12KiB, size: 4KiB}\n"
               "  slot_b: {offset: 16KiB, size: 4KiB}\n"
               "image: {section_alignment: 16, compression_level: 19, "
               "digest: sha384, signature_slots: 1}\n"
               "keys: {algorithms: [ecdsa-p256-sha256]}\n"
               "drivers: {allow_vendors: [b, a]}\n");
    CHECK_MSG(hv_profile_load(path, &p, &d) == 0, "%s", d.msg);
    CHECK(p.section_align == HV_MIN_SECTION_ALIGN);
    CHECK(p.accept_key_id_count == 0 && p.accept_key_ids == NULL);
    CHECK(p.allow_vendor_count == 2 && strcmp(p.allow_vendors[0], "a") == 0);
    hv_profile_free(&p);
}

static void run_profile(void)
{
    hv_profile zero;

    memset(&zero, 0, sizeof zero);
    hv_profile_free(&zero);
    hv_profile_free(NULL);
    test_bundled_profiles();
    test_profile_ceilings();
}

/* ---- bad: one fixture per refusal ------------------------------------------ */

/*
 * Files in bad/: "m-*" are manifests, "p-*" profiles. Each fails with exactly
 * "bad/FILE:LINE:COL: error: " and the fragment; "@DIR@" in a fragment stands
 * for the bad/ folder (resolved paths in messages).
 */
typedef struct bad_case {
    const char *file;
    unsigned line, column;
    const char *fragment;
} bad_case;

static const bad_case bad_cases[] = {
    {"m-syntax.yaml", 2, 10,
     "mapping values are not allowed"},
    {"m-syntax-unclosed.yaml", 2, 5,
     "did not find expected ',' or ']'"},
    {"m-non-utf8.yaml", 2, 11,
     "invalid leading UTF-8 octet"},
    {"m-bad-utf8-trail.yaml", 2, 10,
     "invalid trailing UTF-8 octet"},
    {"m-utf16.yaml", 1, 1,
     "invalid leading UTF-8 octet"},
    {"m-control-char.yaml", 2, 10,
     "control characters are not allowed"},
    {"m-two-docs.yaml", 10, 1,
     "a second YAML document"},
    {"m-empty.yaml", 1, 1,
     "no YAML document"},
    {"m-alias-bomb.yaml", 1, 4,
     "anchors and aliases are not supported"},
    {"m-alias.yaml", 5, 7,
     "anchors and aliases are not supported"},
    {"m-anchor-scalar.yaml", 2, 9,
     "anchors and aliases are not supported"},
    {"m-too-deep.yaml", 1, 23,
     "nested more than 16 deep"},
    {"m-scalar-too-long.yaml", 2, 9,
     "longer than the limit of 4096"},
    {"m-tag.yaml", 4, 21,
     "tag '!custom' is not supported"},
    {"m-tag-float.yaml", 4, 21,
     "tag '!!float' is not supported"},
    {"m-tag-kind.yaml", 1, 8,
     "tag '!!seq' is not supported"},
    {"m-dup-key.yaml", 4, 3,
     "duplicate key 'name' (first at line 2, column 3)"},
    {"m-dup-key-quoted.yaml", 3, 3,
     "duplicate key 'name'"},
    {"m-dup-top.yaml", 10, 1,
     "duplicate key 'image'"},
    {"m-nonscalar-key.yaml", 1, 3,
     "map keys must be scalars"},
    {"m-top-not-map.yaml", 1, 1,
     "the top level must be a map, found a sequence"},
    {"m-top-scalar.yaml", 1, 1,
     "the top level must be a map, found 'just text'"},
    {"m-unknown-key.yaml", 7, 3,
     "unknown key 'foo' in 'core' (expected one of: path, format, load_address, entry_point, kind, cmdline, initramfs)"},
    {"m-unknown-top.yaml", 10, 1,
     "unknown key 'extras' at the top level (expected one of: image, core, drivers, boot_config, sections, release)"},
    {"m-unknown-driver-key.yaml", 14, 5,
     "unknown key 'sha' in 'drivers[0]' (expected one of: vendor, version, path, signature)"},
    {"m-wrong-type.yaml", 4, 21,
     "'security_version' must be an unsigned integer, found 'abc'"},
    {"m-quoted-int.yaml", 4, 21,
     "'security_version' must be an unsigned integer, found '3' (quoted, so a string)"},
    {"m-negative.yaml", 4, 21,
     "'security_version' must be an unsigned integer, found '-1'"},
    {"m-hex-empty.yaml", 8, 17,
     "'load_address' must be an unsigned integer, found '0x'"},
    {"m-overflow.yaml", 4, 21,
     "'security_version' is too large, found '18446744073709551616'"},
    {"m-overflow-hex.yaml", 9, 16,
     "'entry_point' is too large"},
    {"m-leading-zero.yaml", 4, 21,
     "'security_version' must be an unsigned integer, found '010' (leading zeros are not allowed)"},
    {"m-missing-version.yaml", 2, 3,
     "missing required key 'version' in 'image'"},
    {"m-missing-core.yaml", 1, 1,
     "missing required key 'core' at the top level"},
    {"m-image-not-map.yaml", 1, 8,
     "'image' must be a map, found a sequence"},
    {"m-bad-text.yaml", 2, 9,
     "'name' must be 1 to 64 characters from A-Z a-z 0-9 . _ + -, found 'bad name'"},
    {"m-name-too-long.yaml", 2, 9,
     "'name' must be 1 to 64 characters"},
    {"m-version-empty.yaml", 3, 12,
     "'version' must be 1 to 32 characters"},
    {"m-format.yaml", 7, 11,
     "'format' must be one of auto, elf, raw, found 'exe'"},
    {"m-elf-address.yaml", 8, 17,
     "'load_address' must not be given when 'format' is elf"},
    {"m-raw-no-entry.yaml", 6, 3,
     "missing required key 'entry_point' in 'core' (required when 'format' is raw)"},
    {"m-auto-lonely.yaml", 6, 3,
     "missing required key 'load_address' in 'core' (load_address and entry_point come together)"},
    {"m-build-epoch.yaml", 5, 16,
     "'build_epoch' must be an unsigned integer, found '1.5'"},
    {"m-drivers-not-seq.yaml", 10, 10,
     "'drivers' must be a sequence, found a map"},
    {"m-driver-missing-path.yaml", 11, 5,
     "missing required key 'path' in 'drivers[0]'"},
    {"m-dup-vendor.yaml", 13, 14,
     "duplicate driver vendor 'v' (first at line 11, column 5)"},
    {"m-too-many-drivers.yaml", 11, 3,
     "'drivers' lists 65 packages, more than the limit of 64"},
    {"m-bool.yaml", 13, 15,
     "'sections[0].compress' must be true or false, found 'yes'"},
    {"m-reserved-section.yaml", 11, 11,
     "section name 'bootcfg' is reserved"},
    {"m-reserved-sbom.yaml", 11, 11,
     "section name 'sbom' is reserved (core, bootcfg, drivers, sbom, cmdline and initramfs"},
    {"m-dup-section.yaml", 12, 12,
     "duplicate section name 'a' (first at line 11, column 5)"},
    {"m-too-many-sections.yaml", 11, 3,
     "'sections' lists 9 sections, more than the limit of 8"},
    {"m-bootcfg-key.yaml", 12, 3,
     "boot_config key 'LogLevel' must be 1 to 64 characters from a-z 0-9 _ . -"},
    {"m-bootcfg-control.yaml", 11, 12,
     "boot_config value of 'console' must not contain control characters"},
    {"m-bootcfg-c1.yaml", 11, 12,
     "boot_config value of 'console' must not contain control characters"},
    {"m-bootcfg-long.yaml", 11, 12,
     "boot_config value of 'cmdline' is 257 bytes, longer than 256"},
    {"m-bootcfg-nonscalar.yaml", 11, 12,
     "boot_config value of 'console' must be a scalar, found a sequence"},
    {"m-path-control.yaml", 6, 9,
     "'path' must not contain control characters"},
    {"m-nonexistent-path.yaml", 6, 9,
     "'path' refers to '@DIR@/../data/missing.bin', which does not exist"},
    {"m-core-folder.yaml", 6, 9,
     "'path' refers to '@DIR@/../data/drv', which is not a regular file"},
    {"m-driver-missing.yaml", 12, 35,
     "'drivers[1].path' refers to '@DIR@/nope.tar', which does not exist"},
    {"m-section-folder.yaml", 11, 21,
     "'sections[0].path' refers to '@DIR@/../data/drv', which is not a regular file"},
    {"p-overlap.yaml", 9, 20,
     "'slot_b' (0x2000000..0x3f00000) overlaps 'slot_a' (0x200000..0x2100000)"},
    {"p-overlap-stage.yaml", 7, 24,
     "'boot_state' (0x80000..0xa0000) overlaps 'boot_stage' (0x0..0x100000)"},
    {"p-misaligned.yaml", 8, 20,
     "'slot_a.offset' (0x201000) is not a multiple of 'erase_block' (0x10000)"},
    {"p-misaligned-size.yaml", 6, 33,
     "'boot_stage.size' (0xfa000) is not a multiple of 'erase_block' (0x10000)"},
    {"p-region-zero.yaml", 6, 33,
     "'boot_stage.size' must not be 0"},
    {"p-region-outside.yaml", 9, 33,
     "'slot_b' (offset 0x2100000, size 0x2000000) does not fit in the flash (size 0x4000000)"},
    {"p-region-wrap.yaml", 9, 33,
     "does not fit in the flash"},
    {"p-state-small.yaml", 7, 36,
     "'boot_state.size' (0x10000) must be at least two erase blocks (0x20000)"},
    {"p-slot-sizes.yaml", 9, 33,
     "'slot_b.size' (0x1e00000) differs from 'slot_a.size' (0x1f00000)"},
    {"p-erase-pow2.yaml", 5, 16,
     "'erase_block' must be a power of two of at least 4096, found 0x18000"},
    {"p-erase-small.yaml", 5, 16,
     "'erase_block' must be a power of two of at least 4096"},
    {"p-flash-multiple.yaml", 4, 9,
     "'size' (0x4008000) must be a non-zero multiple of 'erase_block' (0x10000)"},
    {"p-size-suffix.yaml", 4, 9,
     "'size' must be a size (an unsigned integer, or a decimal one followed by KiB, MiB or GiB), found '64MB'"},
    {"p-size-hex-suffix.yaml", 4, 9,
     "'size' must be a size"},
    {"p-size-space.yaml", 4, 9,
     "found '64 MiB'"},
    {"p-size-overflow.yaml", 4, 9,
     "'size' is too large, found '17179869184GiB'"},
    {"p-size-leading-zero.yaml", 4, 9,
     "(leading zeros are not allowed)"},
    {"p-region-unknown-key.yaml", 8, 39,
     "unknown key 'end' in 'slot_a' (expected one of: offset, size)"},
    {"p-region-missing.yaml", 4, 3,
     "missing required key 'slot_b' in 'flash'"},
    {"p-region-no-size.yaml", 9, 11,
     "missing required key 'size' in 'slot_b'"},
    {"p-bad-key-id.yaml", 17, 13,
     "'key_ids[0]' must be 64 hexadecimal digits"},
    {"p-short-key-id.yaml", 17, 13,
     "'key_ids[0]' must be 64 hexadecimal digits"},
    {"p-dup-key-id.yaml", 20, 7,
     "duplicate key id (first at line 18, column 7)"},
    {"p-unknown-alg.yaml", 16, 35,
     "unknown algorithm 'ed25519' in 'algorithms' (expected one of: ecdsa-p256-sha256, ecdsa-p384-sha384, rsa3072-pkcs1-sha256, rsa4096-pkcs1-sha256)"},
    {"p-dup-alg.yaml", 16, 35,
     "duplicate algorithm 'ecdsa-p384-sha384' (first at line 16, column 16)"},
    {"p-no-alg.yaml", 16, 15,
     "'algorithms' must list at least one algorithm"},
    {"p-digest.yaml", 13, 11,
     "'digest' must be one of sha256, sha384, found 'md5'"},
    {"p-align-small.yaml", 11, 22,
     "'section_alignment' must be a power of two from 16 to 1048576, found '8'"},
    {"p-align-pow2.yaml", 11, 22,
     "'section_alignment' must be a power of two from 16 to 1048576, found '3000'"},
    {"p-align-big.yaml", 11, 22,
     "'section_alignment' must be a power of two from 16 to 1048576, found '2MiB'"},
    {"p-compression.yaml", 12, 22,
     "'compression_level' must be from 1 to 19, found '20'"},
    {"p-compression-zero.yaml", 12, 22,
     "'compression_level' must be from 1 to 19, found '0'"},
    {"p-slots-zero.yaml", 14, 20,
     "'signature_slots' must be from 1 to 8, found '0'"},
    {"p-slots-many.yaml", 14, 20,
     "'signature_slots' must be from 1 to 8, found '9'"},
    {"p-boards-empty.yaml", 2, 9,
     "'boards' must list 1 to 32 boards, found 0"},
    {"p-boards-many.yaml", 2, 9,
     "'boards' must list 1 to 32 boards, found 33"},
    {"p-dup-board.yaml", 2, 18,
     "duplicate board 'b1' (first at line 2, column 10)"},
    {"p-board-text.yaml", 2, 14,
     "'boards[1]' must be 1 to 32 characters"},
    {"p-oem-id.yaml", 1, 9,
     "'oem_id' must be 1 to 32 characters"},
    {"p-missing-allow.yaml", 19, 3,
     "missing required key 'allow_vendors' in 'drivers'"},
    {"p-dup-vendor.yaml", 19, 37,
     "duplicate vendor 'acme-nic' (first at line 19, column 19)"},
    {"p-unknown-top.yaml", 2, 1,
     "unknown key 'board' at the top level (expected one of: oem_id, boards, flash, image, keys, drivers, counter, trust_block, roots)"},
    /* counter: (docs/TPM.md) */
    {"p-counter-kind.yaml", 21, 9, "'kind' must be one of lab, tpm, found"},
    {"p-counter-range.yaml", 22, 13,
     "'nv_index' must be an NV index in the owner range 0x01800000 to 0x01bfffff"},
    {"p-counter-lab-index.yaml", 22, 13, "'nv_index' is for 'kind: tpm' only"},
    {"p-counter-no-index.yaml", 21, 3,
     "missing required key 'nv_index' in 'counter'"},
    {"p-counter-unknown.yaml", 23, 3, "unknown key 'size' in 'counter'"},
    {"p-image-missing.yaml", 11, 3,
     "missing required key 'signature_slots' in 'image'"},
};

#define BAD_COUNT (sizeof bad_cases / sizeof bad_cases[0])

static void run_bad_case(const char *dir, const bad_case *c)
{
    char path[PATH_SIZE], frag[PATH_SIZE + 512];
    const char *at = strstr(c->fragment, "@DIR@");
    hv_diag d;
    int rc;

    pathf(path, "%s/%s", dir, c->file);
    if (at)
        snprintf(frag, sizeof frag, "%.*s%s%s", (int)(at - c->fragment),
                 c->fragment, dir, at + 5);
    else
        snprintf(frag, sizeof frag, "%s", c->fragment);
    memset(&d, 0, sizeof d);
    if (c->file[0] == 'm') {
        hv_manifest m;
        rc = hv_manifest_load(path, &m, &d);
        CHECK_MSG(all_zero(&m, sizeof m), "%s: manifest not cleared", c->file);
        hv_manifest_free(&m);
    } else {
        hv_profile p;
        rc = hv_profile_load(path, &p, &d);
        CHECK_MSG(all_zero(&p, sizeof p), "%s: profile not cleared", c->file);
        hv_profile_free(&p);
    }
    check_error(rc, &d, path, c->line, c->column, frag);
}

/* Too large to keep as a fixture: a manifest and a profile one byte over
 * HV_MAX_YAML_FILE_SIZE, refused before any parsing. */
static void run_bad_too_large(void)
{
    const size_t max = HV_MAX_YAML_FILE_SIZE;
    char path[PATH_SIZE];
    strbuf s = {0};
    hv_manifest m;
    hv_profile p;
    hv_diag d;
    size_t lines;

    /* Lines of 63 characters and a newline, then one more byte. */
    for (lines = 0; s.len + 64 <= max; lines++)
        sb_add(&s, "# %061zu\n", lines);
    CHECK(s.len == max);
    sb_add(&s, "x");
    pathf(path, "%s/m-too-large.yaml", tmp_dir);
    write_bytes(path, s.p, s.len);
    check_error(hv_manifest_load(path, &m, &d), &d, path, (unsigned)lines + 1,
                1, "file larger than the limit of 1048576 bytes");
    CHECK(all_zero(&m, sizeof m));
    pathf(path, "%s/p-too-large.yaml", tmp_dir);
    write_bytes(path, s.p, s.len);
    check_error(hv_profile_load(path, &p, &d), &d, path, (unsigned)lines + 1,
                1, "file larger than the limit of 1048576 bytes");
    CHECK(all_zero(&p, sizeof p));
    free(s.p);
}

static void run_bad(void)
{
    char dir[PATH_SIZE];
    DIR *dh;
    struct dirent *e;
    size_t seen = 0;

    pathf(dir, "%s/bad", src_dir);
    for (size_t i = 0; i < BAD_COUNT; i++)
        run_bad_case(dir, &bad_cases[i]);
    run_bad_too_large();

    /* Every fixture is in the table, so none is silently skipped. */
    dh = opendir(dir);
    CHECK_MSG(dh != NULL, "%s", dir);
    while (dh && (e = readdir(dh)) != NULL) {
        bool listed = false;
        if (e->d_name[0] == '.')
            continue;
        for (size_t i = 0; i < BAD_COUNT && !listed; i++)
            listed = strcmp(bad_cases[i].file, e->d_name) == 0;
        CHECK_MSG(listed, "bad/%s is not in the table", e->d_name);
        seen++;
    }
    if (dh)
        closedir(dh);
    CHECK_MSG(seen == BAD_COUNT, "%zu files in bad/, %zu in the table", seen,
              (size_t)BAD_COUNT);
}

/* ---- main ----------------------------------------------------------------- */

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        void (*run)(void);
    } modes[] = {{"doc", run_doc},           {"names", run_names},
                 {"manifest", run_manifest}, {"profile", run_profile},
                 {"bad", run_bad}};
    const char *mode;
    bool found = false;

    if (argc != 5) {
        fprintf(stderr, "usage: %s MODE SRCDIR ROOTDIR BUILDDIR\n", argv[0]);
        return 1;
    }
    mode = argv[1];
    src_dir = argv[2];
    root_dir = argv[3];
    build_dir = argv[4];
    make_tmp_dir(mode);
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        if (strcmp(modes[i].name, mode) == 0) {
            modes[i].run();
            found = true;
        }
    }
    rm_rf(tmp_dir);
    if (!found) {
        fprintf(stderr, "unknown mode '%s'\n", mode);
        return 1;
    }
    return CHECK_DONE();
}
