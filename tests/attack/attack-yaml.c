/*
 * Manifest and profile attacks that tests/yaml does not already cover (its
 * bad/ fixtures are listed in ATTACKS.md): nesting far past the depth
 * limit (a megabyte of '['), billion-laughs variants in both files,
 * enormous scalars and keys, duplicate keys spelled differently, wrong
 * types in the profile, and every class of malformed UTF-8. Each is loaded
 * through hv_manifest_load() / hv_profile_load() and must be refused with
 * the file named and the expected problem, leaving the struct empty.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "host_limits.h"
#include "plan.h"

static char dir[64];

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void b_add(buf *b, const void *p, size_t n)
{
    if (b->cap - b->len <= n) { /* b->len + n + 1 > b->cap, without overflow */
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void b_str(buf *b, const char *s)
{
    b_add(b, s, strlen(s));
}

static void b_rep(buf *b, const char *s, size_t times)
{
    for (size_t i = 0; i < times; i++)
        b_str(b, s);
}

static const char manifest_head[] =
    "image:\n  name: atk\n  version: 1.0\n  security_version: 1\n"
    "core:\n  path: core.bin\n  format: raw\n"
    "  load_address: 0x1000\n  entry_point: 0x1000\n";

static const char profile_text[] =
    "oem_id: atk-oem\nboards: [b1, b2]\n"
    "flash:\n  size: 16MiB\n  erase_block: 4KiB\n"
    "  boot_stage: {offset: 0, size: 1MiB}\n"
    "  boot_state: {offset: 1MiB, size: 8KiB}\n"
    "  slot_a: {offset: 2MiB, size: 7MiB}\n"
    "  slot_b: {offset: 9MiB, size: 7MiB}\n"
    "image:\n  section_alignment: 16\n  compression_level: 3\n"
    "  digest: sha256\n  signature_slots: 2\n"
    "keys:\n  algorithms: [ecdsa-p256-sha256]\n"
    "drivers:\n  allow_vendors: []\n";

static int all_zero(const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i])
            return 0;
    return 1;
}

/* Load |text| as a manifest ('m') or profile ('p'); |fragment| NULL means
 * it must load. */
static void run(const char *attack, char kind, const char *text, size_t len,
                const char *fragment)
{
    char path[128];
    hv_diag d;
    int rc;
    snprintf(path, sizeof path, "%s/%s.yaml", dir, attack);
    FILE *fp = fopen(path, "wb");
    CHECK(fp && fwrite(text, 1, len, fp) == len);
    if (fp)
        fclose(fp);
    memset(&d, 0, sizeof d);
    int cleared;
    if (kind == 'm') {
        hv_manifest m;
        rc = hv_manifest_load(path, &m, &d);
        cleared = rc == 0 || all_zero(&m, sizeof m);
        hv_manifest_free(&m);
    } else {
        hv_profile p;
        rc = hv_profile_load(path, &p, &d);
        cleared = rc == 0 || all_zero(&p, sizeof p);
        hv_profile_free(&p);
    }
    int ok;
    if (!fragment)
        ok = rc == 0;
    else
        ok = rc == -1 && cleared && strncmp(d.msg, path, strlen(path)) == 0 &&
             strstr(d.msg, fragment) != NULL;
    /* Messages of megabyte inputs stay one line of bounded length. */
    ok = ok && strlen(d.msg) < HV_DIAG_MAX;
    printf("%s %s: %s\n", ok ? "PASS" : "FAIL", attack,
           rc == 0 ? "loaded" : d.msg + strlen(path));
    CHECK_MSG(ok, "%s: wanted %s '%s'", attack,
              fragment ? "a refusal with" : "a load", fragment ? fragment : "");
    unlink(path);
}

static void run_b(const char *attack, char kind, buf *b, const char *fragment)
{
    run(attack, kind, b->p, b->len, fragment);
    free(b->p);
    memset(b, 0, sizeof *b);
}

static void manifest_with(buf *b, const char *extra)
{
    b_str(b, manifest_head);
    b_str(b, extra);
}

static void test_controls(void)
{
    buf b = {0};
    manifest_with(&b, "");
    run_b("control-manifest", 'm', &b, NULL);
    run("control-profile", 'p', profile_text, strlen(profile_text), NULL);
    b_str(&b, "\xEF\xBB\xBF");
    manifest_with(&b, "");
    run_b("control-manifest-utf8-bom", 'm', &b, NULL);
}

static void test_nesting(void)
{
    buf b = {0};
    /* A megabyte of '[': refused at the 17th level, no deep recursion. */
    const size_t n = HV_MAX_YAML_FILE_SIZE - 64;
    manifest_with(&b, "boot_config:\n  deep: ");
    b_rep(&b, "[", n - b.len);
    b_str(&b, "\n");
    run_b("yaml-nesting-1MiB-of-brackets", 'm', &b, "nested more than 16");

    b_str(&b, "boards: ");
    b_rep(&b, "{a: ", 100000);
    run_b("yaml-nesting-100000-flow-maps-profile", 'p', &b,
          "nested more than 16");

    /* Block style: each level one more indent. */
    for (unsigned i = 0; i < 600; i++) {
        for (unsigned j = 0; j < i; j++)
            b_str(&b, " ");
        b_str(&b, "k:\n");
    }
    run_b("yaml-nesting-600-block-maps", 'm', &b, "nested more than 16");

    /* Exactly the limit inside a value that takes any map: boot_config
     * values must be scalars, so the refusal is about the type, not depth. */
    manifest_with(&b, "boot_config:\n  deep: ");
    b_rep(&b, "[", HV_MAX_YAML_DEPTH - 2);
    b_rep(&b, "]", HV_MAX_YAML_DEPTH - 2);
    b_str(&b, "\n");
    run_b("yaml-nesting-at-limit-wrong-type", 'm', &b, "must be a scalar");
}

static void test_laughs(void)
{
    buf b = {0};
    static const char *const lol =
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
    b_str(&b, lol);
    b_str(&b, profile_text);
    run_b("yaml-billion-laughs-profile", 'p', &b,
          "anchors and aliases are not supported");

    /* The bomb placed after valid content, inside boot_config. */
    manifest_with(&b, "boot_config:\n  x: &x lol\n  y: *x\n");
    run_b("yaml-alias-in-boot-config", 'm', &b,
          "anchors and aliases are not supported");

    /* Merge keys expanding an anchored map. */
    b_str(&b, "base: &base {size: 1MiB}\n");
    b_str(&b, profile_text);
    b_str(&b, "extra:\n  <<: *base\n");
    run_b("yaml-merge-key-alias", 'p', &b,
          "anchors and aliases are not supported");

    /* An alias with no anchor at all. */
    manifest_with(&b, "boot_config:\n  y: *nothing\n");
    run_b("yaml-alias-undefined", 'm', &b, "");

    /* 60 000 aliases of one anchor: refused at the first, never counted. */
    b_str(&b, "a: &a x\nb: [");
    b_rep(&b, "*a,", 60000);
    b_str(&b, "*a]\n");
    run_b("yaml-60000-aliases", 'm', &b, "anchors and aliases are not supported");
}

static void test_scalars(void)
{
    buf b = {0};
    /* One scalar as large as the file limit allows. */
    manifest_with(&b, "boot_config:\n  big: ");
    b_rep(&b, "a", HV_MAX_YAML_FILE_SIZE - b.len - 1);
    b_str(&b, "\n");
    run_b("yaml-scalar-1MiB", 'm', &b, "longer than the limit of 4096");

    manifest_with(&b, "boot_config:\n  ");
    b_rep(&b, "k", 5000);
    b_str(&b, ": v\n");
    run_b("yaml-key-5000-bytes", 'm', &b, "longer than the limit of 4096");

    manifest_with(&b, "boot_config:\n  text: |\n");
    b_rep(&b, "    0123456789abcdef\n", 300);
    run_b("yaml-block-scalar-6000-bytes", 'm', &b, "longer than the limit of 4096");

    /* Folded lines that unfold past the limit. */
    manifest_with(&b, "boot_config:\n  text: >\n");
    b_rep(&b, "    word\n", 1000);
    run_b("yaml-folded-scalar-5000-bytes", 'm', &b, "longer than the limit of 4096");

    /* A scalar at exactly the limit where only 256 bytes may go. */
    manifest_with(&b, "boot_config:\n  cmdline: ");
    b_rep(&b, "a", HV_MAX_YAML_SCALAR);
    b_str(&b, "\n");
    run_b("yaml-scalar-4096-in-256-field", 'm', &b, "longer than 256");

    /* A number with a thousand digits. */
    b_str(&b, "image:\n  name: atk\n  version: 1.0\n  security_version: ");
    b_rep(&b, "9", 1000);
    b_str(&b, "\ncore:\n  path: core.bin\n");
    run_b("yaml-integer-1000-digits", 'm', &b, "too large");
}

static void test_dup_keys(void)
{
    buf b = {0};
    b_str(&b, profile_text);
    b_str(&b, "oem_id: second-oem\n");
    run_b("yaml-duplicate-top-key-profile", 'p', &b, "duplicate key 'oem_id'");

    const char *p = strstr(profile_text, "  slot_b:");
    b_add(&b, profile_text, (size_t)(p - profile_text));
    b_str(&b, "  slot_b: {offset: 9MiB, size: 7MiB, offset: 0}\n");
    b_str(&b, p + strlen("  slot_b: {offset: 9MiB, size: 7MiB}\n"));
    run_b("yaml-duplicate-key-flow-map", 'p', &b, "duplicate key 'offset'");

    b_str(&b, "image:\n  name: atk\n  \"na\\x6de\": evil\n  version: 1.0\n"
              "  security_version: 1\ncore:\n  path: core.bin\n");
    run_b("yaml-duplicate-key-escaped", 'm', &b, "duplicate key 'name'");

    b_str(&b, "image:\n  name: atk\n  ? name\n  : evil\n  version: 1.0\n"
              "  security_version: 1\ncore:\n  path: core.bin\n");
    run_b("yaml-duplicate-key-explicit", 'm', &b, "duplicate key 'name'");

    manifest_with(&b, "boot_config:\n  console: ttyS0\n  'console': ttyS1\n");
    run_b("yaml-duplicate-boot-config-key", 'm', &b, "duplicate key 'console'");
}

static void profile_replace(buf *b, const char *what, const char *with)
{
    const char *p = strstr(profile_text, what);
    b_add(b, profile_text, (size_t)(p - profile_text));
    b_str(b, with);
    b_str(b, p + strlen(what));
}

static void test_types(void)
{
    buf b = {0};
    profile_replace(&b, "boards: [b1, b2]", "boards: {b1: b2}");
    run_b("yaml-type-boards-map", 'p', &b, "'boards' must be a sequence");
    profile_replace(&b, "signature_slots: 2", "signature_slots: [2]");
    run_b("yaml-type-slots-sequence", 'p', &b, "signature_slots");
    profile_replace(&b, "oem_id: atk-oem", "oem_id: [atk-oem]");
    run_b("yaml-type-oem-sequence", 'p', &b, "oem_id");
    profile_replace(&b, "signature_slots: 2", "signature_slots: true");
    run_b("yaml-type-slots-bool", 'p', &b, "signature_slots");
    profile_replace(&b, "signature_slots: 2", "signature_slots: ~");
    run_b("yaml-type-slots-null", 'p', &b, "signature_slots");
    profile_replace(&b, "signature_slots: 2", "signature_slots: 2.0");
    run_b("yaml-type-slots-float", 'p', &b, "signature_slots");
    profile_replace(&b, "signature_slots: 2", "signature_slots: 0x2");
    run_b("yaml-type-slots-hex-accepted", 'p', &b, NULL);
    profile_replace(&b, "signature_slots: 2", "signature_slots: 4294967298");
    run_b("yaml-type-slots-2^32-plus-2", 'p', &b, "signature_slots");
    profile_replace(&b, "  size: 16MiB\n", "  size: 16MiB\n  size2: 1\n");
    run_b("yaml-unknown-key-flash", 'p', &b, "unknown key 'size2'");

    b_str(&b, "image:\n  name:\n  version: 1.0\n  security_version: 1\n"
              "core:\n  path: core.bin\n");
    run_b("yaml-type-name-empty", 'm', &b, "name");
    b_str(&b, "image:\n  name: atk\n  version: 1.0\n  security_version: true\n"
              "core:\n  path: core.bin\n");
    run_b("yaml-type-security-version-bool", 'm', &b, "security_version");
    b_str(&b, "image: atk\ncore:\n  path: core.bin\n");
    run_b("yaml-type-image-scalar", 'm', &b, "'image' must be a map");
}

static void test_utf8(void)
{
    static const struct {
        const char *name;
        const char *bytes;
    } bad[] = {
        {"yaml-utf8-overlong-slash", "\xC0\xAF"},
        {"yaml-utf8-overlong-3-byte", "\xE0\x80\xAF"},
        {"yaml-utf8-surrogate", "\xED\xA0\x80"},
        {"yaml-utf8-above-10ffff", "\xF4\x90\x80\x80"},
        {"yaml-utf8-lone-continuation", "\x80"},
        {"yaml-utf8-fe", "\xFE"},
        {"yaml-utf8-ff", "\xFF"},
        {"yaml-utf8-latin1", "caf\xE9"},
        {"yaml-utf8-truncated-sequence", "\xE2\x82 x"},
        {"yaml-nul-byte", "a\0b"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        buf b = {0};
        size_t n = strcmp(bad[i].name, "yaml-nul-byte") == 0 ? 3
                                                              : strlen(bad[i].bytes);
        /* in a value */
        manifest_with(&b, "boot_config:\n  console: ");
        b_add(&b, bad[i].bytes, n);
        b_str(&b, "\n");
        run_b(bad[i].name, 'm', &b, "");
        /* in a key of the profile */
        char name[96];
        snprintf(name, sizeof name, "%s-profile-key", bad[i].name);
        b_str(&b, profile_text);
        b_add(&b, bad[i].bytes, n);
        b_str(&b, ": 1\n");
        run_b(name, 'p', &b, "");
        /* in a comment */
        snprintf(name, sizeof name, "%s-comment", bad[i].name);
        manifest_with(&b, "# ");
        b_add(&b, bad[i].bytes, n);
        b_str(&b, "\n");
        run_b(name, 'm', &b, "");
    }
    /* Truncated at the very end of the file. */
    buf b = {0};
    manifest_with(&b, "boot_config:\n  console: x\xE2\x82");
    run_b("yaml-utf8-truncated-at-eof", 'm', &b, "");
    /* UTF-16 with a byte order mark, and UTF-32. */
    run("yaml-utf16le-bom", 'm', "\xFF\xFEi\0m\0", 6, "");
    run("yaml-utf32-bom", 'm', "\0\0\xFE\xFFi\0\0\0", 8, "");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    snprintf(dir, sizeof dir, "/tmp/hvatk-yaml-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    if (chdir(dir) != 0)
        return 1;
    FILE *fp = fopen("core.bin", "wb");
    if (!fp)
        return 1;
    fputs("core", fp);
    fclose(fp);
    test_controls();
    test_nesting();
    test_laughs();
    test_scalars();
    test_dup_keys();
    test_types();
    test_utf8();
    unlink("core.bin");
    if (chdir("/") != 0 || rmdir(dir) != 0)
        CHECK_MSG(0, "cannot remove %s", dir);
    return CHECK_DONE();
}
