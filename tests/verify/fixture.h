/*
 * Test fixture: a small image built in-process by the real builder from a
 * generated manifest, profile and key, held in memory; and a memory platform
 * for hv_verify() that records how often each byte was read.
 */
#ifndef HV_TEST_FIXTURE_H
#define HV_TEST_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "hvboot.h"
#include "signing.h"

typedef struct fixture {
    char dir[256];       /* temporary folder, removed by fixture_free */
    char key_path[300];  /* private key */
    char pub_path[300];
    char image_path[300];
    hv_pubkey pub;
    hv_trusted_key trusted;
    uint8_t *image;
    size_t image_len;
    const char *board; /* a board the image lists */
    uint64_t security_version;
} fixture;

/* Build an image signed with a new key of |alg| (HV_SIG_*), sections
 * aligned to |align|, with |core_size| bytes of core. Returns 0. */
int fixture_build(fixture *f, uint32_t alg, uint32_t align, size_t core_size);
/* The same in image format |format_version| (HV_FORMAT_VERSION_1 or _2;
 * fixture_build writes the builder's default, 2). */
int fixture_build_format(fixture *f, uint32_t alg, uint32_t align,
                         size_t core_size, uint32_t format_version);
void fixture_free(fixture *f);

/* Memory platform. */
typedef struct mem_platform {
    const uint8_t *image;
    size_t len;
    uint8_t *reads; /* per-byte read count, len entries */
    char board[HV_BOARD_ID_SIZE];
    uint64_t rollback;
    uint8_t *bufs[2 * HV_MAX_SECTIONS];
    size_t nbufs;
} mem_platform;

void mem_platform_init(mem_platform *p, const uint8_t *image, size_t len,
                       const char *board, uint64_t rollback);
void mem_platform_free(mem_platform *p);
hv_ops mem_platform_ops(mem_platform *p);

/* Verify |image| with one trusted key; convenience for table tests. */
hv_result verify_mem(const uint8_t *image, size_t len, size_t region,
                     const hv_trusted_key *keys, size_t nkeys,
                     const char *board, uint64_t rollback, hv_verdict *v);

#endif
