/*
 * Prints the format's constants as NAME=VALUE lines, one a line, for the
 * test scripts: shell sources the file, Python reads it line by line
 * (tests/boot/flash-layout.py). So a script takes every offset and size from
 * include/hvimage/, never from a number written again by hand. Built and run
 * at build time; tests/meson.build names the output and passes its path in
 * $HV_CONST.
 */
#include <stdio.h>

#include "hvimage/flash.h"
#include "hvimage/format.h"

#define C(name) printf("%s=%llu\n", #name, (unsigned long long)(name))

int main(void)
{
    C(HV_HEADER_SIZE);
    C(HV_HDR_OFF_FORMAT_VERSION);
    C(HV_HDR_OFF_METADATA_SIZE);
    C(HV_HDR_OFF_SIGNATURE_SLOTS);
    C(HV_HDR_OFF_FLAGS);
    C(HV_HDR_OFF_IMAGE_SIZE);
    C(HV_HDR_OFF_RESERVED);
    C(HV_META_FIXED_SIZE);
    C(HV_META_OFF_OEM_ID);
    C(HV_META_OFF_SECURITY_VERSION);
    C(HV_META_OFF_DIGEST_ALG);
    C(HV_META_OFF_SECTION_COUNT);
    C(HV_META_OFF_CHUNK_LOG2);
    C(HV_META_OFF_CORE_KIND);
    C(HV_META_OFF_RESERVED);
    C(HV_CORE_KIND_MONITOR);
    C(HV_CORE_KIND_LINUX);
    C(HV_SECTION_CMDLINE);
    C(HV_SECTION_INITRAMFS);
    C(HV_FORMAT_VERSION_1);
    C(HV_FORMAT_VERSION_2);
    C(HV_MAX_CHUNK_TABLE_SIZE);
    C(HV_SECTION_ENTRY_SIZE);
    C(HV_SEC_OFF_TYPE);
    C(HV_SEC_OFF_COMPRESSION);
    C(HV_SEC_OFF_NAME);
    C(HV_SEC_OFF_OFFSET);
    C(HV_SEC_OFF_STORED_SIZE);
    C(HV_SEC_OFF_UNPACKED_SIZE);
    C(HV_SEC_OFF_LOAD_ADDRESS);
    C(HV_SEC_OFF_ENTRY_POINT);
    C(HV_SEC_OFF_DIGEST);
    C(HV_SECTION_NAME_SIZE);
    C(HV_BOARD_ID_SIZE);
    C(HV_DIGEST_SHA256);
    C(HV_DIGEST_SHA384);
    C(HV_SIG_SLOT_SIZE);
    C(HV_SIG_OFF_KEY_ID);
    C(HV_SIG_OFF_SIG_LEN);
    C(HV_SIG_OFF_RESERVED);
    C(HV_SIG_OFF_SIG);
    C(HV_KEY_ID_SIZE);
    C(HV_SIG_MAX_SIZE);
    C(HV_PUB_SIZE_P256);
    C(HV_PUB_SIZE_P384);
    C(HV_PUB_SIZE_RSA3072);
    C(HV_PUB_SIZE_RSA4096);
    C(HV_RSA_EXPONENT_SIZE);
    C(HV_TRUST_AREA_SIZE);
    C(HV_TRUST_FIXED_SIZE);
    C(HV_TRUST_VERSION);
    C(HV_TRUST_OFF_MAGIC);
    C(HV_TRUST_OFF_VERSION);
    C(HV_TRUST_OFF_BOARD_ID);
    C(HV_TRUST_OFF_OEM_ID);
    C(HV_TRUST_OFF_FLASH_SIZE);
    C(HV_TRUST_OFF_BOOT_STAGE);
    C(HV_TRUST_OFF_COUNTER_KIND);
    C(HV_TRUST_OFF_COUNTER_NV);
    C(HV_TRUST_OFF_RESERVED);
    C(HV_TRUST_OFF_SIZE);
    C(HV_TRUST_OFF_CRC32);
    C(HV_REGION_OFF_SIZE);
    C(HV_KEYREC_SIZE);
    C(HV_KEYREC_OFF_KEY_ID);
    C(HV_BOOT_STATE_RECORD_SIZE);
    C(HV_BOOT_STATE_VERSION);
    C(HV_BST_OFF_MAGIC);
    C(HV_BST_OFF_VERSION);
    C(HV_BST_OFF_SEQUENCE);
    C(HV_BST_OFF_ACTIVE_SLOT);
    C(HV_BST_OFF_RESERVED);
    C(HV_BST_OFF_CRC32);
    C(HV_BOOT_STATE_V2);
    C(HV_BST2_OFF_VERSION);
    C(HV_BST2_OFF_SLOT_STATE);
    C(HV_BST2_OFF_TRIES);
    C(HV_BST2_OFF_RESERVED);
    C(HV_BST2_OFF_CRC32);
    C(HV_BST2_OFF_COMMIT);
    C(HV_BST2_COMMITTED);
    C(HV_SLOT_STATE_UNKNOWN);
    C(HV_STAGE_HDR_OFFSET);
    C(HV_STAGE_OFF_MAGIC);
    C(HV_STAGE_OFF_LOAD_SIZE);
    C(HV_STAGE_OFF_TRUST_OFFSET);
    return ferror(stdout) ? 1 : 0;
}
