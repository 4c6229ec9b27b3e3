/*
 * Build then verify for one signature algorithm (argv[1]), at two section
 * alignments; check the verified sections against the inputs.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixture.h"
#include "plan.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s ALGORITHM\n", argv[0]);
        return 2;
    }
    uint32_t alg = hv_sig_alg_from_name(argv[1]);
    CHECK_MSG(alg != 0, "unknown algorithm %s", argv[1]);
    if (!alg)
        return CHECK_DONE();
    static const uint32_t aligns[] = {16, 4096};
    for (size_t a = 0; a < 2; a++) {
        fixture f;
        if (fixture_build(&f, alg, aligns[a], 100000) != 0) {
            CHECK_MSG(0, "fixture build failed for %s", argv[1]);
            continue;
        }
        hv_verdict v;
        hv_result r = verify_mem(f.image, f.image_len, f.image_len,
                                 &f.trusted, 1, f.board, 0, &v);
        CHECK_MSG(r == HV_OK, "%s align %u: %s", argv[1], aligns[a],
                  hv_result_name(r));
        CHECK(v.signers == 1);
        CHECK(memcmp(v.signer_ids[0], f.pub.key_id, HV_KEY_ID_SIZE) == 0);
        CHECK(v.info.section_count == 3); /* core, bootcfg, sbom */
        CHECK(strcmp(v.info.name, "tamper-test") == 0);
        CHECK(v.info.security_version == 7);
        CHECK(v.info.build_epoch == 1700000000);
        CHECK(v.info.sections[0].load_address == 0x200000);
        CHECK(v.info.sections[0].entry_point == 0x200010);
        CHECK(v.info.sections[0].unpacked_size == 100000);
        CHECK(v.info.sections[0].offset % aligns[a] == 0);
        CHECK(v.info.sections[1].type == HV_SECTION_BOOTCFG);
        CHECK(v.info.sections[1].unpacked_size ==
              strlen("console=ttyS0\nmode=test\n"));
        CHECK(v.info.sections[2].type == HV_SECTION_SBOM);
        CHECK(v.info.digest_alg == (alg == HV_SIG_ECDSA_P384_SHA384
                                        ? HV_DIGEST_SHA384 : HV_DIGEST_SHA256));
        fixture_free(&f);
    }
    return CHECK_DONE();
}
