/*
 * Fuzz target: the DSSE envelope reader hv_dsse_parse() (signing/dsse.c),
 * which reads provenance files and vendor package signatures handed to the
 * pipeline.
 *
 * Input: the envelope's JSON text, parsed with the 64 KiB limit.
 *
 * Oracles (a violation aborts):
 *  - accepted: the envelope keeps the promises of dsse.h (payload type in
 *    its charset and length, at most 8 signatures, each 1..512 bytes) and
 *    its canonical text parses back to the same envelope, whose canonical
 *    text is the same bytes (one spelling per envelope);
 *  - refused: a message is set and the struct is left zeroed.
 *
 * Verdict (fuzz_verdict): hv_dsse_parse()'s; none for an input larger
 * than the limit plus 16 bytes, which is skipped.
 */
#include "dsse.h"
#include "fuzz.h"

static void same_envelope(const hv_dsse_envelope *a, const hv_dsse_envelope *b)
{
    if (strcmp(a->payload_type, b->payload_type) != 0 ||
        a->payload_len != b->payload_len ||
        (a->payload_len &&
         memcmp(a->payload, b->payload, a->payload_len) != 0) ||
        a->nsigs != b->nsigs)
        fuzz_fail("canonical text parses to another envelope");
    for (size_t i = 0; i < a->nsigs; i++)
        if (memcmp(a->sigs[i].key_id, b->sigs[i].key_id, HV_KEY_ID_SIZE) ||
            a->sigs[i].sig_len != b->sigs[i].sig_len ||
            memcmp(a->sigs[i].sig, b->sigs[i].sig, a->sigs[i].sig_len))
            fuzz_fail("signature %zu changed in the round trip", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > HV_DSSE_LIMIT_SMALL + 16)
        return 0;
    hv_dsse_envelope env, back;
    hv_diag d;
    d.msg[0] = '\0';
    int parsed = hv_dsse_parse("fuzz", (const char *)data, size,
                               HV_DSSE_LIMIT_SMALL, &env, &d) == 0;
    fuzz_verdict(parsed ? FUZZ_ACCEPTED : FUZZ_REFUSED);
    if (!parsed) {
        static const hv_dsse_envelope zero;
        if (d.msg[0] == '\0')
            fuzz_fail("refused without a message");
        if (memcmp(&env, &zero, sizeof env) != 0)
            fuzz_fail("refused but the envelope is not zeroed");
        return 0;
    }
    size_t tlen = strlen(env.payload_type);
    if (tlen == 0 || tlen > HV_DSSE_TYPE_MAX)
        fuzz_fail("payload type of %zu bytes", tlen);
    for (size_t i = 0; i < tlen; i++) {
        unsigned char c = (unsigned char)env.payload_type[i];
        if (c < 0x21 || c > 0x7e || c == '"' || c == '\\')
            fuzz_fail("payload type byte 0x%02x", c);
    }
    if (env.nsigs > HV_DSSE_MAX_SIGS)
        fuzz_fail("%zu signatures", env.nsigs);
    for (size_t i = 0; i < env.nsigs; i++)
        if (env.sigs[i].sig_len == 0 || env.sigs[i].sig_len > HV_DSSE_SIG_MAX)
            fuzz_fail("signature %zu of %zu bytes", i, env.sigs[i].sig_len);

    char *text = NULL, *again = NULL;
    size_t len = 0, len2 = 0;
    if (hv_dsse_serialize(&env, &text, &len, &d) != 0)
        fuzz_fail("an accepted envelope does not serialize: %s", d.msg);
    /* The canonical text may exceed the input's limit (an input with
     * shorter base64 cannot; spaces aside, it is the same length or
     * shorter), so parse it with room to spare. */
    if (hv_dsse_parse("canonical", text, len, 2 * HV_DSSE_LIMIT_SMALL, &back,
                      &d) != 0)
        fuzz_fail("the canonical text is refused: %s", d.msg);
    same_envelope(&env, &back);
    if (hv_dsse_serialize(&back, &again, &len2, &d) != 0 || len2 != len ||
        memcmp(text, again, len) != 0)
        fuzz_fail("the canonical text is not stable");
    free(text);
    free(again);
    hv_dsse_free(&back);
    hv_dsse_free(&env);
    return 0;
}
