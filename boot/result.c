#include "hvboot.h"

/* Indexed by hv_result; the static assert keeps the tables complete. */
static const char *const result_names[] = {
    [HV_OK] = "ok",
    [HV_ERR_ARGUMENT] = "bad_argument",
    [HV_ERR_IO] = "io_error",
    [HV_ERR_REGION] = "region",
    [HV_ERR_MAGIC] = "bad_magic",
    [HV_ERR_VERSION] = "unsupported_version",
    [HV_ERR_HEADER] = "bad_header",
    [HV_ERR_NO_TRUSTED_KEYS] = "no_trusted_keys",
    [HV_ERR_SIG_BLOCK] = "bad_signature_block",
    [HV_ERR_NO_SIGNATURE] = "unsigned",
    [HV_ERR_UNTRUSTED_KEY] = "untrusted_key",
    [HV_ERR_SIGNATURE] = "bad_signature",
    [HV_ERR_TOO_FEW_SIGNATURES] = "too_few_signatures",
    [HV_ERR_METADATA] = "bad_metadata",
    [HV_ERR_OEM] = "wrong_oem",
    [HV_ERR_BOARD] = "wrong_board",
    [HV_ERR_ROLLBACK] = "rollback",
    [HV_ERR_LAYOUT] = "bad_layout",
    [HV_ERR_PADDING] = "bad_padding",
    [HV_ERR_MEMORY] = "no_memory",
    [HV_ERR_DIGEST] = "digest_mismatch",
    [HV_ERR_DECOMPRESS] = "bad_compressed_data",
    [HV_ERR_UNPACKED_SIZE] = "unpacked_size_mismatch",
    [HV_ERR_CRYPTO] = "crypto_backend",
    [HV_ERR_PLATFORM] = "platform",
    [HV_ERR_NOT_STREAMABLE] = "not_streamable",
    [HV_ERR_TRUST_BLOCK] = "bad_trust_block",
    [HV_ERR_ROOT_SIGNATURE] = "root_signatures",
    [HV_ERR_TRUST_ROLLBACK] = "trust_rollback",
    [HV_ERR_REVOKED_KEY] = "revoked_key",
    [HV_ERR_KEY_SCOPE] = "key_scope",
    [HV_ERR_NO_TRUST_BLOCK] = "no_trust_block",
};

static const char *const result_strs[] = {
    [HV_OK] = "image verified",
    [HV_ERR_ARGUMENT] = "verifier called with a missing or unusable argument",
    [HV_ERR_IO] = "reading the image failed",
    [HV_ERR_REGION] = "image size does not match the region it is stored in",
    [HV_ERR_MAGIC] = "not an hvimage (bad magic)",
    [HV_ERR_VERSION] = "unsupported image format version",
    [HV_ERR_HEADER] = "header field out of range or reserved bytes not zero",
    [HV_ERR_NO_TRUSTED_KEYS] = "no trusted keys configured",
    [HV_ERR_SIG_BLOCK] = "malformed signature block",
    [HV_ERR_NO_SIGNATURE] = "image is not signed",
    [HV_ERR_UNTRUSTED_KEY] = "signed by a key that is not trusted",
    [HV_ERR_SIGNATURE] = "signature does not verify",
    [HV_ERR_TOO_FEW_SIGNATURES] = "fewer valid signatures than required",
    [HV_ERR_METADATA] = "signed metadata is malformed",
    [HV_ERR_OEM] = "image is for another OEM",
    [HV_ERR_BOARD] = "image does not list this board",
    [HV_ERR_ROLLBACK] = "security version is below the rollback counter",
    [HV_ERR_LAYOUT] = "section offsets or sizes are inconsistent",
    [HV_ERR_PADDING] = "non-zero padding between sections",
    [HV_ERR_MEMORY] = "no memory for a section",
    [HV_ERR_DIGEST] = "section digest mismatch",
    [HV_ERR_DECOMPRESS] = "compressed section is malformed",
    [HV_ERR_UNPACKED_SIZE] = "section does not unpack to its declared size",
    [HV_ERR_CRYPTO] = "crypto backend failure",
    [HV_ERR_PLATFORM] = "board id or rollback counter unavailable",
    [HV_ERR_NOT_STREAMABLE] =
        "format version 1 image: no chunk digests to stream by",
    [HV_ERR_TRUST_BLOCK] =
        "trust block malformed or not from this device's roots",
    [HV_ERR_ROOT_SIGNATURE] =
        "root or keyring document lacks a threshold of root signatures",
    [HV_ERR_TRUST_ROLLBACK] =
        "root or keyring version is below the device's",
    [HV_ERR_REVOKED_KEY] =
        "signed by a key of a revoked epoch",
    [HV_ERR_KEY_SCOPE] =
        "signing key may not sign for this OEM or board",
    [HV_ERR_NO_TRUST_BLOCK] =
        "device trusts roots and the image has no trust block",
};

_Static_assert(sizeof result_names / sizeof result_names[0] == HV_RESULT_COUNT,
               "every hv_result has a name");
_Static_assert(sizeof result_strs / sizeof result_strs[0] == HV_RESULT_COUNT,
               "every hv_result has a description");

/* see hvboot.h */
const char *hv_result_name(hv_result r)
{
    if ((unsigned)r >= HV_RESULT_COUNT)
        return "unknown";
    return result_names[r];
}

/* see hvboot.h */
const char *hv_result_str(hv_result r)
{
    if ((unsigned)r >= HV_RESULT_COUNT)
        return "unknown result";
    return result_strs[r];
}
