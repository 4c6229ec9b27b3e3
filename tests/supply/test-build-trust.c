/*
 * The build keeps each driver package's admission in its report
 * (hv_build_report.trust, which the SBOM reads): the bundled example under
 * acme-servers has acme-nic certified, cobalt-gpu and zenith-storage
 * accepted, each with the digest of the package as given (SHA-256 of the
 * archive file, recomputed here with OpenSSL), its vendor's key id as
 * signer, and the declared licence; a refused build reports no image.
 *
 *   test-build-trust SRC TMPDIR
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builder.h"
#include "check.h"

static char src[4096], tmp[4096];

static void path(char *out, size_t size, const char *base, const char *rel)
{
    snprintf(out, size, "%s/%s", base, rel);
}

static void file_sha256(const char *rel, uint8_t out[32])
{
    char p[8192];
    unsigned char buf[65536];
    size_t n;
    unsigned len = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    path(p, sizeof p, src, rel);
    FILE *f = fopen(p, "rb");
    CHECK(f && md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1);
    while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
        EVP_DigestUpdate(md, buf, n);
    EVP_DigestFinal_ex(md, out, &len);
    CHECK(len == 32);
    if (f)
        fclose(f);
    EVP_MD_CTX_free(md);
}

static void key_id(const char *rel, uint8_t out[HV_KEY_ID_SIZE])
{
    char p[8192];
    hv_pubkey k;
    hv_diag d;
    path(p, sizeof p, src, rel);
    CHECK_MSG(hv_pubkey_load(p, &k, &d) == 0, "%s", d.msg);
    memcpy(out, k.key_id, HV_KEY_ID_SIZE);
}

int main(int argc, char **argv)
{
    char manifest[8192], profile[8192], out[8192];
    uint8_t want[32], id[HV_KEY_ID_SIZE], oem[HV_KEY_ID_SIZE];
    hv_build_report *rep = calloc(1, sizeof *rep);
    hv_build_opts o;
    hv_diag d;

    if (argc != 3 || !rep) {
        free(rep);
        return 2;
    }
    snprintf(src, sizeof src, "%s", argv[1]);
    snprintf(tmp, sizeof tmp, "%s", argv[2]);
    path(manifest, sizeof manifest, src, "manifests/example.yaml");
    path(profile, sizeof profile, src, "oem-profiles/acme-servers.yaml");
    path(out, sizeof out, tmp, "trust.hvi");
    unlink(out);
    memset(&o, 0, sizeof o);
    o.manifest_path = manifest;
    o.profile_path = profile;
    o.output_path = out;
    o.allow_unsigned = true;
    o.threads = 1;
    CHECK_MSG(hv_build(&o, rep, &d) == 0, "%s", d.msg);
    CHECK(rep->trust_count == 3 && rep->driver_packages == 3);

    const hv_package_trust *t = rep->trust;
    CHECK(strcmp(t[0].vendor, "acme-nic") == 0 &&
          strcmp(t[0].version, "2.1.0") == 0);
    CHECK(t[0].level == HV_ACCEPT_CERTIFIED);
    file_sha256("manifests/example/drivers/acme-nic-2.1.0.tar.gz", want);
    CHECK(memcmp(t[0].sha256, want, 32) == 0);
    key_id("oem-profiles/keys/acme-nic.pub.pem", id);
    key_id("oem-profiles/keys/acme-servers-oem.pub.pem", oem);
    CHECK(t[0].has_signer && memcmp(t[0].signer_key_id, id, 32) == 0);
    CHECK(t[0].has_countersigner &&
          memcmp(t[0].countersigner_key_id, oem, 32) == 0);
    CHECK(strcmp(t[0].license, "GPL-2.0-only") == 0);
    CHECK(strstr(t[0].signature_path, "acme-nic-2.1.0.tar.gz.sig") != NULL);

    CHECK(strcmp(t[1].vendor, "cobalt-gpu") == 0);
    CHECK(t[1].level == HV_ACCEPT_ACCEPTED && !t[1].has_countersigner);
    key_id("oem-profiles/keys/cobalt-gpu.pub.pem", id);
    CHECK(t[1].has_signer && memcmp(t[1].signer_key_id, id, 32) == 0);
    CHECK(strstr(t[1].signature_path, "cobalt-gpu.sig") != NULL);

    CHECK(strcmp(t[2].vendor, "zenith-storage") == 0);
    CHECK(t[2].level == HV_ACCEPT_ACCEPTED);
    file_sha256("manifests/example/drivers/zenith-storage-0.9.3.zip", want);
    CHECK(memcmp(t[2].sha256, want, 32) == 0);
    CHECK(strcmp(t[2].license, "MIT") == 0);
    CHECK(strcmp(hv_acceptance_name(t[0].level), "certified") == 0);
    unlink(out);
    free(rep);
    return CHECK_DONE();
}
