/* see guid.h */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "guid.h"

void hv_instance_id(const char *oem, const char *board, char *out,
                    size_t size)
{
    snprintf(out, size, "HVIMAGE\\OEM_%s&BOARD_%s", oem, board);
}

void hv_guid_from_instance_id(const char *instance_id,
                              char out[HV_GUID_TEXT_SIZE + 1])
{
    /* RFC 4122 appendix C: the DNS namespace, in network byte order. */
    static const guint8 dns_namespace[16] = {
        0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
        0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
    guint8 hash[20];
    gsize hash_len = sizeof hash;
    GChecksum *sha1 = g_checksum_new(G_CHECKSUM_SHA1);
    g_checksum_update(sha1, dns_namespace, sizeof dns_namespace);
    g_checksum_update(sha1, (const guchar *)instance_id,
                      (gssize)strlen(instance_id));
    g_checksum_get_digest(sha1, hash, &hash_len);
    g_checksum_free(sha1);
    hash[6] = (guint8)((hash[6] & 0x0f) | 0x50); /* version 5 */
    hash[8] = (guint8)((hash[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    size_t at = 0;
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[at++] = '-';
        snprintf(out + at, 3, "%02x", hash[i]);
        at += 2;
    }
    out[at] = '\0';
}
