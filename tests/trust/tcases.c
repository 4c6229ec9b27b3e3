/* The trust tests' common keys, documents and device (tcases.h). */
#include "tcases.h"

#include <stdio.h>
#include <string.h>

tkey R1[3], R2[3], R3[3], I1, I2;
troots DEV;
const char *case_name = "";
int case_count;

void tcases_setup(void)
{
    for (int i = 0; i < 3; i++) {
        tkey_gen(&R1[i], HV_SIG_ECDSA_P256_SHA256);
        tkey_gen(&R2[i], HV_SIG_ECDSA_P256_SHA256);
        tkey_gen(&R3[i], HV_SIG_ECDSA_P256_SHA256);
    }
    tkey_gen(&I1, HV_SIG_ECDSA_P256_SHA256);
    tkey_gen(&I2, HV_SIG_ECDSA_P256_SHA256);
    const tkey *r1[3] = {&R1[0], &R1[1], &R1[2]};
    troots_set(&DEV, r1, 3, 2, 1);
    tcraft_setup();
}

void tcases_teardown(void)
{
    for (int i = 0; i < 3; i++) {
        tkey_free(&R1[i]);
        tkey_free(&R2[i]);
        tkey_free(&R3[i]);
    }
    tkey_free(&I1);
    tkey_free(&I2);
    tcraft_teardown();
}

void root_doc(tdoc *d, uint64_t v, const tkey *keys, uint32_t t,
              const tkey *const *signers, uint32_t n)
{
    const tkey *k[3] = {&keys[0], &keys[1], &keys[2]};
    tdoc_root(d, v, t, k, 3, 3);
    tdoc_sign(d, signers, n);
}

tent ent(const tkey *k, uint64_t epoch)
{
    tent e = {.k = k, .epoch = epoch, .oems = {"test-oem"}};
    return e;
}

void ring_doc(tdoc *d, uint64_t v, uint64_t rv, uint64_t min_epoch,
              const tkey *const *signers, uint32_t n)
{
    tent e[2] = {ent(&I1, 1), ent(&I2, 1)};
    tdoc_keyring(d, v, rv, min_epoch, e, 2, 2);
    tdoc_sign(d, signers, n);
}

void good_block(tbuf *b)
{
    static tdoc d;
    const tkey *s[2] = {&R1[0], &R1[1]};
    root_doc(&d, 1, R1, 2, s, 2);
    tbuf_doc(b, &d);
    ring_doc(&d, 1, 1, 0, s, 2);
    tbuf_doc(b, &d);
}

hv_policy dev_policy(void)
{
    return tpolicy(&DEV, 0, 1);
}

hv_result img_with(const tbuf *blk, const hv_policy *pol, hv_verdict *v)
{
    timg m;
    const tkey *s[1] = {&I1};
    timg_make(&m, blk->p, blk->len, 1, s, 1, 2, NULL);
    hv_result r = tverify(&m, pol, v);
    timg_free(&m);
    return r;
}

void tcases_done(void)
{
    fprintf(stderr, "%d cases\n", case_count);
    tcases_teardown();
}
