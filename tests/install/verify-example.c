/*
 * verify-example: what firmware or an update agent does with the installed
 * verifier library. Verifies an hvimage file with hv_verify() and prints
 * the verdict; links only libhvboot (pkg-config --static hvboot), none of
 * the host code.
 *
 *   verify-example IMAGE PUBKEY.der BOARD OEM ROLLBACK
 *
 * PUBKEY.der is the signer's public key as DER SubjectPublicKeyInfo, made
 * from the PEM file `hvimage keygen` writes:
 *
 *   openssl pkey -pubin -in KEY.pub.pem -outform DER -out KEY.pub.der
 *
 * The trusted key record hv_verify() takes is (key id, algorithm, public
 * key): the key id is the SHA-256 of that DER, computed here with the
 * library's own hash; the key is the uncompressed EC point at its end.
 * ECDSA P-256 and P-384 keys only (an RSA record is n || e, which would
 * need a DER parser this example does without).
 *
 * Exit 0 verified, 1 rejected, 2 bad usage or input.
 */
#define _POSIX_C_SOURCE 200809L /* pread */
#include <errno.h>
#include <fcntl.h>
#include <hvimage/hvboot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The fixed DER that precedes the point in a named-curve EC
 * SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { id-ecPublicKey, curve },
 * BIT STRING (0 unused bits) }. */
static const uint8_t spki_p256[] = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
    0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01,
    0x07, 0x03, 0x42, 0x00};
static const uint8_t spki_p384[] = {
    0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
    0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00};

/* A section may not ask for more RAM than this (a device has a fixed
 * budget; this program's is generous). */
#define RAM_BUDGET (512u * 1024u * 1024u)

typedef struct device {
    int fd;
    uint64_t rollback;
    char board[HV_BOARD_ID_SIZE];
    void *blocks[2 * HV_MAX_SECTIONS]; /* section RAM, freed at the end */
    size_t block_count;
    uint64_t ram_used;
} device;

static int dev_read(void *user, uint64_t offset, void *dst, size_t len)
{
    device *d = user;
    uint8_t *p = dst;
    while (len > 0) {
        ssize_t n = pread(d->fd, p, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        offset += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

static int dev_rollback(void *user, uint64_t *counter)
{
    *counter = ((device *)user)->rollback;
    return 0;
}

static int dev_board(void *user, char id[HV_BOARD_ID_SIZE])
{
    memcpy(id, ((device *)user)->board, HV_BOARD_ID_SIZE);
    return 0;
}

static uint8_t *dev_alloc(device *d, uint64_t size)
{
    if (size > RAM_BUDGET - d->ram_used ||
        d->block_count == sizeof d->blocks / sizeof d->blocks[0])
        return NULL;
    void *p = malloc(size ? (size_t)size : 1);
    if (p) {
        d->blocks[d->block_count++] = p;
        d->ram_used += size;
    }
    return p;
}

static int dev_memory(void *user, const hv_section *s, uint8_t **stored,
                      uint8_t **unpacked)
{
    device *d = user;
    *stored = dev_alloc(d, s->stored_size);
    if (!*stored)
        return -1;
    if (s->compression == HV_COMPRESSION_ZSTD) {
        *unpacked = dev_alloc(d, s->unpacked_size);
        if (!*unpacked)
            return -1;
    }
    return 0;
}

static void print_hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
}

/* Read the DER SPKI at |path| into a trusted key record (|pub| receives the
 * point). Returns 0, or -1 with a message. */
static int load_key(const char *path, hv_trusted_key *key, uint8_t *pub)
{
    uint8_t der[256];
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "verify-example: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t n = fread(der, 1, sizeof der, f);
    fclose(f);
    size_t prefix_len;
    if (n == sizeof spki_p256 + 65 &&
        memcmp(der, spki_p256, sizeof spki_p256) == 0) {
        key->sig_alg = HV_SIG_ECDSA_P256_SHA256;
        prefix_len = sizeof spki_p256;
    } else if (n == sizeof spki_p384 + 97 &&
               memcmp(der, spki_p384, sizeof spki_p384) == 0) {
        key->sig_alg = HV_SIG_ECDSA_P384_SHA384;
        prefix_len = sizeof spki_p384;
    } else {
        fprintf(stderr, "verify-example: %s: not a DER P-256 or P-384 "
                "public key (openssl pkey -pubin -outform DER)\n", path);
        return -1;
    }
    key->pub_len = n - prefix_len;
    memcpy(pub, der + prefix_len, key->pub_len);
    key->pub = pub;

    hv_hash_ctx h;
    if (hv_crypto_bearssl.hash_init(&h, HV_DIGEST_SHA256) != 0) {
        fprintf(stderr, "verify-example: no SHA-256 in the backend\n");
        return -1;
    }
    hv_crypto_bearssl.hash_update(&h, der, n);
    hv_crypto_bearssl.hash_final(&h, key->key_id);
    return 0;
}

int main(int argc, char **argv)
{
    static hv_workspace ws; /* about 200 KiB: not on the stack */
    static hv_verdict verdict;
    uint8_t pub[97];
    hv_trusted_key key;
    device dev = {.fd = -1};
    struct stat st;
    char *end;

    if (argc != 6) {
        fprintf(stderr, "usage: verify-example IMAGE PUBKEY.der BOARD OEM "
                "ROLLBACK\n");
        return 2;
    }
    if (strlen(argv[3]) > HV_BOARD_ID_SIZE) {
        fprintf(stderr, "verify-example: board id over %u bytes\n",
                HV_BOARD_ID_SIZE);
        return 2;
    }
    memset(dev.board, 0, sizeof dev.board);
    memcpy(dev.board, argv[3], strlen(argv[3]));
    errno = 0;
    dev.rollback = strtoull(argv[5], &end, 10);
    if (errno || *end || end == argv[5] || argv[5][0] == '-') {
        fprintf(stderr, "verify-example: bad rollback counter '%s'\n",
                argv[5]);
        return 2;
    }
    if (load_key(argv[2], &key, pub) != 0)
        return 2;
    dev.fd = open(argv[1], O_RDONLY);
    if (dev.fd < 0 || fstat(dev.fd, &st) != 0) {
        fprintf(stderr, "verify-example: %s: %s\n", argv[1], strerror(errno));
        return 2;
    }

    const hv_policy policy = {
        .keys = &key,
        .key_count = 1,
        .min_signatures = 1,
        .oem_id = argv[4],
        .region_size = (uint64_t)st.st_size,
        .exact_size = 1,
    };
    const hv_ops ops = {
        .user = &dev,
        .read = dev_read,
        .rollback_counter = dev_rollback,
        .board_id = dev_board,
        .section_memory = dev_memory,
    };
    hv_result r = hv_verify(&ops, &hv_crypto_bearssl, &policy, &ws, &verdict);

    printf("key ");
    print_hex(key.key_id, sizeof key.key_id);
    printf("\n");
    if (r == HV_OK) {
        const hv_image_info *in = &verdict.info;
        printf("verified: %s %s for %s, security version %llu, %u sections\n",
               in->name, in->version, in->oem_id,
               (unsigned long long)in->security_version, in->section_count);
        for (uint32_t i = 0; i < in->section_count; i++)
            printf("  %-8s %llu bytes at %p\n", in->sections[i].name,
                   (unsigned long long)in->sections[i].unpacked_size,
                   (const void *)in->sections[i].data);
    } else {
        printf("rejected: %s (%s)", hv_result_name(r), hv_result_str(r));
        if (verdict.fail_offset != UINT64_MAX)
            printf(" at byte offset %llu",
                   (unsigned long long)verdict.fail_offset);
        printf("\n");
    }
    for (size_t i = 0; i < dev.block_count; i++)
        free(dev.blocks[i]);
    close(dev.fd);
    return r == HV_OK ? 0 : 1;
}
