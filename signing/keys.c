#include "signing.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "atomic_file.h"
#include "ossl.h"
#include "pkcs11.h"

/* Key files are a few KiB; anything far larger is not a key file and is not
 * worth reading into memory. */
#define KEY_FILE_MAX (1024u * 1024u)

/* ---- Reading key files ------------------------------------------------- */

static void wipe_free(char *buf, size_t len)
{
    if (buf) {
        OPENSSL_cleanse(buf, len);
        free(buf);
    }
}

/* Read all of |path|. The buffer may hold a private key: release it with
 * wipe_free(). */
static int read_key_file(const char *path, char **out, size_t *out_len,
                         hv_diag *diag)
{
    /* Defined on failure too: the analyzer cannot see hv_diag_set's -1. */
    *out = NULL;
    *out_len = 0;
    /* open/read rather than stdio so that no unwiped stdio buffer ever
     * holds key bytes. */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return hv_diag_set(diag, "%s: cannot open key file: %s", path,
                           strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return hv_diag_set(diag, "%s: cannot read key file: %s", path,
                           strerror(e));
    }
    /* Pipes (a secrets manager's /dev/fd/N) are fine; folders are not. */
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return hv_diag_set(diag, "%s: cannot read key file: is a folder",
                           path);
    }
    char *buf = malloc(KEY_FILE_MAX + 1);
    if (!buf) {
        close(fd);
        return hv_fail(diag, HV_FAIL_INTERNAL, "%s: out of memory", path);
    }
    size_t len = 0;
    for (;;) {
        /* Read one byte past the limit so an oversized file is noticed. */
        ssize_t n = read(fd, buf + len, KEY_FILE_MAX + 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            wipe_free(buf, len);
            return hv_diag_set(diag, "%s: cannot read key file: %s", path,
                               strerror(e));
        }
        if (n == 0 || (len += (size_t)n) > KEY_FILE_MAX)
            break;
    }
    close(fd);
    if (len == 0 || len > KEY_FILE_MAX) {
        wipe_free(buf, len);
        return len == 0
                   ? hv_diag_set(diag, "%s: empty file (expected a PEM key)",
                                 path)
                   : hv_diag_set(diag,
                                 "%s: file is larger than %u bytes; not a "
                                 "key file",
                                 path, KEY_FILE_MAX);
    }
    *out = buf;
    *out_len = len;
    return 0;
}

/*
 * For messages: the labels of the PEM blocks in |buf| ("PUBLIC KEY, EC
 * PRIVATE KEY"), or a note that there are none. Labels are printed only if
 * they look like labels, so a hostile file cannot put control characters
 * into a message. Returns the number of blocks.
 */
static int describe_pem(const char *buf, size_t len, char *out, size_t cap)
{
    static const char begin[] = "-----BEGIN ";
    const size_t blen = sizeof begin - 1;
    size_t used = 0, count = 0;
    out[0] = '\0';
    for (size_t i = 0; i < len;) {
        size_t eol = i;
        while (eol < len && buf[eol] != '\n')
            eol++;
        if (eol - i > blen && memcmp(buf + i, begin, blen) == 0) {
            size_t a = i + blen, b = a;
            while (b < eol && b - a <= 40 &&
                   ((buf[b] >= 'A' && buf[b] <= 'Z') ||
                    (buf[b] >= '0' && buf[b] <= '9') || buf[b] == ' '))
                b++;
            if (b > a && b + 5 <= eol && memcmp(buf + b, "-----", 5) == 0 &&
                used < cap) {
                int n = snprintf(out + used, cap - used, "%s'%.*s'",
                                 count ? ", " : "", (int)(b - a), buf + a);
                if (n > 0)
                    used += (size_t)n;
                count++;
            }
        }
        i = eol + 1;
    }
    if (count == 0)
        snprintf(out, cap, "no PEM block: not a PEM file");
    return (int)count;
}

static int contains(const char *buf, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(buf + i, needle, n) == 0)
            return 1;
    return 0;
}

/* Passphrase callback that refuses: hvimage reads unencrypted keys only, and
 * must never prompt on a terminal in the middle of a build. Records that a
 * passphrase was wanted so the message can say "encrypted". */
static int refuse_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    *(int *)u = 1;
    return -1;
}

enum want { WANT_PRIVATE, WANT_PUBLIC };

/* Parse |buf| (contents of |path|) into an EVP_PKEY: a private key, or for
 * WANT_PUBLIC an SPKI public key or else the public half of a private key. */
static EVP_PKEY *parse_pem(const char *path, const char *buf, size_t len,
                           enum want want, hv_diag *diag)
{
    EVP_PKEY *pkey = NULL;
    int asked = 0;
    char why[256], found[512];

    if (len > INT32_MAX)
        return NULL; /* bounded by KEY_FILE_MAX; keeps the cast honest */
    if (want == WANT_PUBLIC) {
        BIO *bio = BIO_new_mem_buf(buf, (int)len);
        if (bio)
            pkey = PEM_read_bio_PUBKEY_ex(bio, NULL, refuse_passphrase,
                                          &asked, NULL, NULL);
        BIO_free(bio);
        ERR_clear_error();
    }
    if (!pkey) {
        BIO *bio = BIO_new_mem_buf(buf, (int)len);
        if (bio)
            pkey = PEM_read_bio_PrivateKey_ex(bio, NULL, refuse_passphrase,
                                              &asked, NULL, NULL);
        BIO_free(bio);
    }
    if (pkey) {
        ERR_clear_error();
        return pkey;
    }

    hv_ossl_error(why, sizeof why);
    int blocks = describe_pem(buf, len, found, sizeof found);
    const char *what = want == WANT_PUBLIC ? "PEM public or private key"
                                           : "PEM private key";
    if (asked || contains(buf, len, "-----BEGIN ENCRYPTED PRIVATE KEY") ||
        contains(buf, len, "Proc-Type: 4,ENCRYPTED"))
        hv_diag_set(diag,
                    "%s: unsupported key: encrypted private key (found %s); "
                    "hvimage reads unencrypted PEM only",
                    path, found);
    else if (blocks == 0) /* OpenSSL's reason adds nothing here */
        hv_diag_set(diag, "%s: no %s found (found %s)", path, what, found);
    else
        hv_diag_set(diag, "%s: no %s found (found %s; OpenSSL: %s)", path,
                    what, found, why);
    return NULL;
}

/* ---- Key records ---------------------------------------------------------- */

/* see ossl.h for why ids go through the record */
static int compute_key_id(hv_pubkey *rec)
{
    EVP_PKEY *pk = hv_pubkey_to_evp(rec);
    unsigned char *der = NULL;
    int len = pk ? i2d_PUBKEY(pk, &der) : -1;
    int ok = len > 0 && EVP_Digest(der, (size_t)len, rec->key_id, NULL,
                                   EVP_sha256(), NULL) == 1;
    OPENSSL_free(der);
    EVP_PKEY_free(pk);
    ERR_clear_error();
    return ok ? 0 : -1;
}

static int ec_record(EVP_PKEY *pkey, const char *path, hv_pubkey *rec,
                     hv_diag *diag)
{
    char group[80], encoding[32];
    size_t glen = 0, elen = 0;
    /* OpenSSL 3 names the curve behind explicit parameters that match one,
     * so the group name alone would let them through. They are refused:
     * the same key would then have two SPKI encodings, and two key ids to
     * anyone hashing the file's DER (docs/KEYS.md, "one key counts once"),
     * and explicit parameters are the classic way to smuggle in a curve. */
    int explicit_params =
        EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_ENCODING,
                                       encoding, sizeof encoding,
                                       &elen) == 1 &&
        strcmp(encoding, OSSL_PKEY_EC_ENCODING_EXPLICIT) == 0;
    if (explicit_params ||
        EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
                                       group, sizeof group, &glen) != 1) {
        ERR_clear_error();
        return hv_diag_set(diag,
                           "%s: unsupported key: EC with explicit curve "
                           "parameters (expected named curve P-256 or P-384)",
                           path);
    }
    int nid = OBJ_sn2nid(group);
    if (nid == NID_undef)
        nid = EC_curve_nist2nid(group);
    const hv_alg_info *alg = NULL;
    if (nid == NID_X9_62_prime256v1)
        alg = hv_alg_info_get(HV_SIG_ECDSA_P256_SHA256);
    else if (nid == NID_secp384r1)
        alg = hv_alg_info_get(HV_SIG_ECDSA_P384_SHA384);
    if (!alg) {
        const char *nist = nid != NID_undef ? EC_curve_nid2nist(nid) : NULL;
        return hv_diag_set(diag,
                           "%s: unsupported key: EC on curve %s%s%s%s "
                           "(expected P-256 or P-384)",
                           path, group, nist ? " (" : "", nist ? nist : "",
                           nist ? ")" : "");
    }

    /* Coordinates rather than the "pub" octet string: that one comes in
     * whatever form the file used (possibly compressed), and the record is
     * always 0x04 || X || Y. */
    BIGNUM *x = NULL, *y = NULL;
    int ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
             EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1 &&
             (size_t)BN_num_bytes(x) <= alg->scalar_len &&
             (size_t)BN_num_bytes(y) <= alg->scalar_len;
    if (ok) {
        rec->pub[0] = 0x04;
        ok = BN_bn2binpad(x, rec->pub + 1, (int)alg->scalar_len) > 0 &&
             BN_bn2binpad(y, rec->pub + 1 + alg->scalar_len,
                          (int)alg->scalar_len) > 0;
    }
    BN_free(x);
    BN_free(y);
    ERR_clear_error();
    if (!ok)
        return hv_diag_set(diag, "%s: EC key has no usable public point",
                           path);
    rec->sig_alg = alg->sig_alg;
    rec->pub_len = alg->pub_len;
    return 0;
}

static int rsa_record(EVP_PKEY *pkey, const char *path, hv_pubkey *rec,
                      hv_diag *diag)
{
    int bits = EVP_PKEY_get_bits(pkey);
    const hv_alg_info *alg = NULL;
    if (bits == 3072)
        alg = hv_alg_info_get(HV_SIG_RSA3072_PKCS1_SHA256);
    else if (bits == 4096)
        alg = hv_alg_info_get(HV_SIG_RSA4096_PKCS1_SHA256);
    if (!alg)
        return hv_diag_set(diag,
                           "%s: unsupported key: RSA with %d-bit modulus "
                           "(expected 3072 or 4096)",
                           path, bits);

    BIGNUM *n = NULL, *e = NULL;
    int rc = -1;
    if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
        EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
        hv_diag_set(diag, "%s: RSA key without modulus or exponent", path);
        goto out;
    }
    /* The verifier takes e as 4 bytes and relies on it being odd and >= 3
     * (hvboot.h); a key it cannot represent must not be signed with. */
    if (!BN_is_odd(e) || BN_num_bits(e) > 32 || BN_get_word(e) < 3) {
        char *dec = BN_bn2dec(e);
        hv_diag_set(diag,
                    "%s: unsupported key: RSA public exponent %s (expected "
                    "an odd value from 3 to 2^32-1)",
                    path, dec ? dec : "?");
        OPENSSL_free(dec);
        goto out;
    }
    size_t mod_len = alg->sig_len;
    uint32_t ev = (uint32_t)BN_get_word(e);
    if (BN_bn2binpad(n, rec->pub, (int)mod_len) != (int)mod_len) {
        hv_diag_set(diag, "%s: RSA modulus does not fit %zu bytes", path,
                    mod_len);
        goto out;
    }
    rec->pub[mod_len + 0] = (uint8_t)(ev >> 24);
    rec->pub[mod_len + 1] = (uint8_t)(ev >> 16);
    rec->pub[mod_len + 2] = (uint8_t)(ev >> 8);
    rec->pub[mod_len + 3] = (uint8_t)ev;
    rec->sig_alg = alg->sig_alg;
    rec->pub_len = alg->pub_len;
    rc = 0;
out:
    BN_free(n);
    BN_free(e);
    ERR_clear_error();
    return rc;
}

/* Fill |rec| from |pkey|, refusing every key the format cannot carry. */
static int make_record(EVP_PKEY *pkey, const char *path, hv_pubkey *rec,
                       hv_diag *diag)
{
    memset(rec, 0, sizeof *rec);
    int rc;
    if (EVP_PKEY_is_a(pkey, "EC")) {
        rc = ec_record(pkey, path, rec, diag);
    } else if (EVP_PKEY_is_a(pkey, "RSA")) {
        rc = rsa_record(pkey, path, rec, diag);
    } else {
        const char *type = EVP_PKEY_get0_type_name(pkey);
        rc = hv_diag_set(diag,
                         "%s: unsupported key: %s (expected EC P-256, EC "
                         "P-384, RSA 3072 or RSA 4096)",
                         path, type ? type : "unknown key type");
    }
    if (rc == 0 && compute_key_id(rec) != 0)
        rc = hv_diag_set(diag, "%s: cannot encode the public key", path);
    if (rc != 0)
        memset(rec, 0, sizeof *rec);
    return rc;
}

/* ---- Public API ------------------------------------------------------------ */

/* A key in a PKCS#11 token, named by its URI. */
static int signer_load_p11(const char *uri, hv_signer **out, hv_diag *diag)
{
    hv_signer *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(uri))) {
        free(s);
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    }
    /* Messages name the token and key, not the module or PIN file. */
    char *q = strchr(s->path, '?');
    if (q)
        *q = '\0';
    EVP_PKEY *pub = NULL;
    int rc = hv_p11_open(uri, s->path, &s->p11, &pub, diag);
    if (rc == 0)
        rc = make_record(pub, s->path, &s->pub, diag);
    EVP_PKEY_free(pub);
    if (rc != 0) {
        hv_signer_free(s);
        return -1;
    }
    s->alg = hv_alg_info_get(s->pub.sig_alg);
    *out = s;
    return 0;
}

/* see signing.h */
int hv_signer_load(const char *path, hv_signer **out, hv_diag *diag)
{
    *out = NULL;
    if (hv_p11_is_uri(path))
        return signer_load_p11(path, out, diag);
    char *buf;
    size_t len;
    if (read_key_file(path, &buf, &len, diag) != 0)
        return -1;
    EVP_PKEY *pkey = parse_pem(path, buf, len, WANT_PRIVATE, diag);
    wipe_free(buf, len);
    if (!pkey)
        return -1;

    hv_signer *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        EVP_PKEY_free(pkey);
        return hv_fail(diag, HV_FAIL_INTERNAL, "%s: out of memory", path);
    }
    s->pkey = pkey;
    if (make_record(pkey, path, &s->pub, diag) != 0) {
        hv_signer_free(s);
        return -1;
    }
    s->alg = hv_alg_info_get(s->pub.sig_alg);
    *out = s;
    return 0;
}

/* see signing.h */
void hv_signer_free(hv_signer *s)
{
    if (!s)
        return;
    EVP_PKEY_free(s->pkey); /* OpenSSL clears private key material on free */
    hv_p11_close(s->p11);
    free(s->path);
    OPENSSL_cleanse(s, sizeof *s);
    free(s);
}

/* see signing.h */
const hv_pubkey *hv_signer_pubkey(const hv_signer *s)
{
    return &s->pub;
}

/* The public half of a key in a PKCS#11 token, named by its URI. */
static int pubkey_load_p11(const char *uri, hv_pubkey *out, hv_diag *diag)
{
    char *label = strdup(uri);
    if (!label)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    char *q = strchr(label, '?');
    if (q)
        *q = '\0';
    EVP_PKEY *pub = NULL;
    int rc = hv_p11_public(uri, label, &pub, diag);
    if (rc == 0)
        rc = make_record(pub, label, out, diag);
    EVP_PKEY_free(pub);
    free(label);
    return rc;
}

/* see signing.h */
int hv_pubkey_load(const char *path, hv_pubkey *out, hv_diag *diag)
{
    memset(out, 0, sizeof *out);
    if (hv_p11_is_uri(path))
        return pubkey_load_p11(path, out, diag);
    char *buf;
    size_t len;
    if (read_key_file(path, &buf, &len, diag) != 0)
        return -1;
    EVP_PKEY *pkey = parse_pem(path, buf, len, WANT_PUBLIC, diag);
    wipe_free(buf, len);
    if (!pkey)
        return -1;
    int rc = make_record(pkey, path, out, diag);
    EVP_PKEY_free(pkey);
    return rc;
}

/* see signing.h */
void hv_key_id_hex(const uint8_t id[HV_KEY_ID_SIZE], char out[65])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < HV_KEY_ID_SIZE; i++) {
        out[2 * i] = digits[id[i] >> 4];
        out[2 * i + 1] = digits[id[i] & 0x0f];
    }
    out[2 * HV_KEY_ID_SIZE] = '\0';
}

/* ---- Keygen -------------------------------------------------------------- */

/* 0 if nothing is at |path| (not even a dangling symlink), else -1 with a
 * message. */
static int check_absent(const char *path, hv_diag *diag)
{
    struct stat st;
    if (lstat(path, &st) == 0)
        return hv_diag_set(diag,
                           "%s: refusing to overwrite an existing private "
                           "key file",
                           path);
    if (errno != ENOENT)
        return hv_diag_set(diag, "%s: cannot check for an existing file: %s",
                           path, strerror(errno));
    return 0;
}

/* PEM of |pkey| into an atomic file opened on |path|. The memory BIO is a
 * secure-heap one so the PEM text of a private key is cleared on free, and
 * the FILE is unbuffered so stdio keeps no copy either. */
static int write_pem(hv_atomic_file *f, const char *path, mode_t mode,
                     EVP_PKEY *pkey, int private, hv_diag *diag)
{
    BIO *bio = BIO_new(BIO_s_secmem());
    char *data = NULL;
    long n = 0;
    int ok = bio &&
             (private ? PEM_write_bio_PKCS8PrivateKey(bio, pkey, NULL, NULL,
                                                      0, NULL, NULL)
                      : PEM_write_bio_PUBKEY(bio, pkey)) == 1 &&
             (n = BIO_get_mem_data(bio, &data)) > 0;
    if (!ok) {
        char why[256];
        BIO_free(bio);
        return hv_diag_set(diag, "%s: cannot encode the key: %s", path,
                           hv_ossl_error(why, sizeof why));
    }
    if (hv_atomic_open(f, path, mode, diag) != 0) {
        BIO_free(bio);
        return -1;
    }
    if (private)
        setvbuf(f->fp, NULL, _IONBF, 0);
    size_t w = fwrite(data, 1, (size_t)n, f->fp);
    BIO_free(bio);
    if (w != (size_t)n) {
        int e = errno;
        hv_atomic_abort(f);
        return hv_fail_errno(diag, e ? e : EIO, path, "write failed");
    }
    return 0;
}

/* see signing.h */
int hv_keygen(uint32_t sig_alg, const char *priv_path, const char *pub_path,
              hv_pubkey *pub, hv_diag *diag)
{
    const hv_alg_info *alg = hv_alg_info_get(sig_alg);
    if (!alg)
        return hv_diag_set(diag, "keygen: unknown signature algorithm %u",
                           (unsigned)sig_alg);
    if (strcmp(priv_path, pub_path) == 0)
        return hv_diag_set(diag,
                           "%s: private and public key paths are the same",
                           priv_path);
    /* Checked before the (slow) key generation so the common mistake fails
     * at once; checked again just before the rename below. */
    if (check_absent(priv_path, diag) != 0)
        return -1;

    EVP_PKEY *pkey =
        alg->is_ec ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", alg->group)
                   : EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)alg->rsa_bits);
    if (!pkey) {
        char why[256];
        return hv_diag_set(diag, "%s: key generation failed: %s", priv_path,
                           hv_ossl_error(why, sizeof why));
    }

    int rc = -1;
    hv_pubkey rec;
    hv_atomic_file fpriv = {0}, fpub = {0};
    if (make_record(pkey, priv_path, &rec, diag) != 0)
        goto out;
    if (rec.sig_alg != sig_alg) { /* cannot happen; never hand out a surprise */
        hv_diag_set(diag, "%s: generated key is not %s", priv_path, alg->name);
        goto out;
    }
    if (write_pem(&fpriv, priv_path, 0600, pkey, 1, diag) != 0)
        goto out;
    if (write_pem(&fpub, pub_path, 0644, pkey, 0, diag) != 0) {
        hv_atomic_abort(&fpriv);
        goto out;
    }
    /* Narrow the window in which another process could have created the
     * file since the first check (rename() would replace it). */
    if (check_absent(priv_path, diag) != 0) {
        hv_atomic_abort(&fpriv);
        hv_atomic_abort(&fpub);
        goto out;
    }
    if (hv_atomic_commit(&fpriv, diag) != 0) {
        hv_atomic_abort(&fpub);
        goto out;
    }
    /* Two spellings of one path ("k.pem", "./k.pem") would let the public
     * key replace the private one; the private key exists now, so compare
     * the files. */
    struct stat st_priv, st_pub;
    if (stat(priv_path, &st_priv) == 0 && stat(pub_path, &st_pub) == 0 &&
        st_priv.st_dev == st_pub.st_dev && st_priv.st_ino == st_pub.st_ino) {
        hv_diag_set(diag, "%s: private and public key paths are the same file",
                    pub_path);
        hv_atomic_abort(&fpub);
        unlink(priv_path);
        goto out;
    }
    if (hv_atomic_commit(&fpub, diag) != 0) {
        /* We created |priv_path| a moment ago: take it back so that a
         * failure leaves neither file. */
        unlink(priv_path);
        goto out;
    }
    *pub = rec;
    rc = 0;
out:
    EVP_PKEY_free(pkey);
    return rc;
}
