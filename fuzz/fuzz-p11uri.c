/*
 * Fuzz target: the PKCS#11 URI parser hv_p11_uri_parse() (signing/), which
 * reads a --key argument that may come from a build script or CI variable.
 *
 * Input: the URI text; "pkcs11:" is prepended unless the input starts with
 * it, so the fuzzer spends its time past the scheme. Inputs with a NUL are
 * cut there, as a command-line argument would be.
 *
 * Oracles (a violation aborts):
 *  - accepted: every text field is NUL-terminated inside its array, the id
 *    fits, a key is named (object or id), pin_source has lost any "file:";
 *    and parsing is a pure function: a second parse gives the same struct;
 *  - refused: a message is set.
 *
 * Verdict (fuzz_verdict): hv_p11_uri_parse()'s; none for an input longer
 * than HV_P11_URI_MAX + 16, which is skipped.
 */
#include "fuzz.h"
#include "pkcs11.h"

static void must_terminate(const char *field, size_t size, const char *what)
{
    if (!memchr(field, '\0', size))
        fuzz_fail("field %s not terminated", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > HV_P11_URI_MAX + 16)
        return 0;
    size_t pre = size >= 7 && memcmp(data, "pkcs11:", 7) == 0 ? 0 : 7;
    char *s = malloc(pre + size + 1);
    hv_p11_uri *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    if (!s || !a || !b)
        fuzz_fail("out of memory");
    memcpy(s, "pkcs11:", pre);
    memcpy(s + pre, data, size);
    s[pre + size] = '\0';

    hv_diag d;
    d.msg[0] = '\0';
    int parsed = hv_p11_uri_parse(s, a, &d) == 0;
    fuzz_verdict(parsed ? FUZZ_ACCEPTED : FUZZ_REFUSED);
    if (parsed) {
        must_terminate(a->token, sizeof a->token, "token");
        must_terminate(a->serial, sizeof a->serial, "serial");
        must_terminate(a->manufacturer, sizeof a->manufacturer,
                       "manufacturer");
        must_terminate(a->model, sizeof a->model, "model");
        must_terminate(a->object, sizeof a->object, "object");
        must_terminate(a->module_path, sizeof a->module_path, "module_path");
        must_terminate(a->pin_source, sizeof a->pin_source, "pin_source");
        if (a->id_len > sizeof a->id || (a->has_id && a->id_len == 0))
            fuzz_fail("id length %zu", a->id_len);
        if (!a->has_object && !a->has_id)
            fuzz_fail("accepted without naming a key");
        if (strncmp(a->pin_source, "file:", 5) == 0 &&
            !strstr(s, "file:file:"))
            fuzz_fail("pin_source kept its file: prefix");
        if (hv_p11_uri_parse(s, b, &d) != 0 || memcmp(a, b, sizeof *a) != 0)
            fuzz_fail("second parse differs");
    } else if (d.msg[0] == '\0') {
        fuzz_fail("refused without a message");
    }
    free(s);
    free(a);
    free(b);
    return 0;
}
