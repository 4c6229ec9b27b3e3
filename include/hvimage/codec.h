/*
 * Little-endian byte codecs: the one place the format's integers are turned
 * into bytes and back. Every field of format.h and flash.h is little-endian
 * and fixed width, and is read and written byte by byte through these, never
 * by laying a struct over the bytes, so the code does not depend on host
 * endianness or alignment.
 *
 * Freestanding: needs only <stdint.h>; the boot library and the boot stage
 * include it as the host tool does.
 */
#ifndef HVIMAGE_CODEC_H
#define HVIMAGE_CODEC_H

#include <stdint.h>

static inline uint16_t hv_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static inline uint32_t hv_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static inline uint64_t hv_le64(const uint8_t *p)
{
    return (uint64_t)hv_le32(p) | (uint64_t)hv_le32(p + 4) << 32;
}

static inline void hv_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void hv_put_le32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void hv_put_le64(uint8_t *p, uint64_t v)
{
    hv_put_le32(p, (uint32_t)v);
    hv_put_le32(p + 4, (uint32_t)(v >> 32));
}

#endif /* HVIMAGE_CODEC_H */
