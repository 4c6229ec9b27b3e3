/*
 * Fuzz target: hv_package_statement_decode() (mkimage/drivers/package_sig.c),
 * the in-toto statement a vendor's signature envelope carries. Decoded
 * before its signature is checked (the statement names the digest the
 * signature must cover), so its bytes are the signer's choice.
 *
 * Input: the payload bytes.
 *
 * Oracles (a violation aborts):
 *  - accepted: the payload is exactly the canonical encoding of the fields
 *    decoded (one spelling per statement); vendor and version are text of
 *    the format's charset, the licence empty or an SPDX expression, every
 *    field NUL-terminated in its array;
 *  - refused: a message is set.
 *
 * Verdict (fuzz_verdict): hv_package_statement_decode()'s; none for an
 * input over 64 KiB (HV_MAX_PACKAGE_SIG_SIZE bounds the envelope).
 */
#include "fuzz.h"
#include "package_sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hv_package_statement st;
    hv_diag d;
    char *enc = NULL;
    size_t enc_len = 0;

    if (size > 64u * 1024u)
        return 0;
    d.msg[0] = '\0';
    int ok = hv_package_statement_decode("fuzz", data, size, &st, &d) == 0;
    fuzz_verdict(ok ? FUZZ_ACCEPTED : FUZZ_REFUSED);
    if (!ok) {
        if (d.msg[0] == '\0')
            fuzz_fail("refused without a message");
        return 0;
    }
    if (!memchr(st.name, '\0', sizeof st.name) ||
        !memchr(st.license, '\0', sizeof st.license))
        fuzz_fail("a field is not terminated");
    if (!hv_text_string(st.vendor, HV_SECTION_NAME_SIZE) ||
        !hv_text_string(st.version, HV_VERSION_SIZE))
        fuzz_fail("vendor or version outside the text charset");
    if (st.license[0] && !hv_license_ok(st.license))
        fuzz_fail("licence '%s' accepted", st.license);
    if (hv_package_statement_encode(&st, &enc, &enc_len, &d) != 0)
        fuzz_fail("accepted statement does not encode: %s", d.msg);
    if (enc_len != size || memcmp(enc, data, size) != 0)
        fuzz_fail("accepted statement is not its canonical encoding");
    free(enc);
    return 0;
}
