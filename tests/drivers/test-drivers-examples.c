/*
 * The example packages of manifests/example/drivers normalise, hold what
 * their sources hold (so the committed archives are up to date with src/,
 * see make-packages.sh), and give the expected archive.
 * argv[1]: the manifests/example/drivers folder.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drvtest.h"

#define MTIME UINT64_C(1764201600)

static const char *const want[] = {
    "drivers.idx",
    "acme-nic/",
    "acme-nic/LICENSE",
    "acme-nic/README",
    "acme-nic/acme-nic.ko",
    "acme-nic/firmware/",
    "acme-nic/firmware/acme-fw.bin",
    "cobalt-gpu/",
    "cobalt-gpu/README",
    "cobalt-gpu/cobalt-setup.sh",
    "cobalt-gpu/firmware/",
    "cobalt-gpu/firmware/cobalt-gpu.bin",
    "zenith-storage/",
    "zenith-storage/LICENSE",
    "zenith-storage/README",
    "zenith-storage/firmware/",
    "zenith-storage/firmware/zenith-ctrl.fw",
    "zenith-storage/scripts/",
    "zenith-storage/scripts/zenith-probe.sh",
    "zenith-storage/zenith-stor.ko",
};
#define NWANT (sizeof want / sizeof want[0])

static const char idx[] =
    "acme-nic 2.1.0\ncobalt-gpu 1.0.0\nzenith-storage 0.9.3\n";

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    if (argc != 2)
        return CHECK_DONE();
    char *tgz = t_join(argv[1], "acme-nic-2.1.0.tar.gz");
    char *zip = t_join(argv[1], "zenith-storage-0.9.3.zip");
    char *gpu = t_join(argv[1], "cobalt-gpu");
    char *src_acme = t_join(argv[1], "src/acme-nic");
    char *src_zen = t_join(argv[1], "src/zenith-storage");

    hv_driver_pkg built[3] = {t_pkg("acme-nic", "2.1.0", tgz),
                              t_pkg("cobalt-gpu", "1.0.0", gpu),
                              t_pkg("zenith-storage", "0.9.3", zip)};
    hv_driver_pkg srcs[3] = {t_pkg("acme-nic", "2.1.0", src_acme),
                             t_pkg("cobalt-gpu", "1.0.0", gpu),
                             t_pkg("zenith-storage", "0.9.3", src_zen)};
    trun a, b;
    t_run(&a, built, 3, MTIME);
    t_run(&b, srcs, 3, MTIME);
    CHECK_MSG(a.rc == 0, "%s", a.diag.msg);
    CHECK_MSG(b.rc == 0, "%s", b.diag.msg);
    CHECK_MSG(a.rc == 0 && b.rc == 0 && a.tar_len == b.tar_len &&
                  memcmp(a.tar, b.tar, a.tar_len) == 0,
              "archives differ from src/: run make-packages.sh");

    tar_ent *es = NULL;
    char why[256] = "";
    long n = a.rc == 0 ? t_parse_tar(a.tar, a.tar_len, MTIME, &es, why,
                                     sizeof why)
                       : -1;
    CHECK_MSG(n == (long)NWANT, "%ld entries: %s", n, why);
    for (long i = 0; n == (long)NWANT && i < n; i++) {
        CHECK_MSG(strcmp(es[i].name, want[i]) == 0, "entry %ld: %s", i,
                  es[i].name);
        bool script = strstr(es[i].name, ".sh") != NULL;
        if (es[i].type == '0')
            CHECK_MSG(es[i].mode == (script ? 0755u : 0644u), "%s: %o",
                      es[i].name, es[i].mode);
    }
    if (n == (long)NWANT)
        CHECK(es[0].size == sizeof idx - 1 &&
              memcmp(es[0].data, idx, sizeof idx - 1) == 0);
    free(es);

    t_run_free(&a);
    t_run_free(&b);
    free(tgz);
    free(zip);
    free(gpu);
    free(src_acme);
    free(src_zen);
    return CHECK_DONE();
}
