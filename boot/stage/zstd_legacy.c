/*
 * Keep zstd's legacy decoders out of the stage.
 *
 * Debian's libzstd.a is built with legacy support, so zstd_decompress.o
 * references the v0.5-v0.7 frame decoders, and the linker would pull in
 * zstd_v05.o, zstd_v06.o and zstd_v07.o (about 80 KiB of code, a third of
 * the stage, and three more parsers of hostile input). They can never run:
 * hv_zstd_unpack() refuses anything but a v1 frame magic before calling
 * into zstd. Defining the referenced symbols here satisfies the link
 * without those objects; reaching one of them halts.
 *
 * The list is exactly what zstd_decompress.o references from the legacy
 * objects (nm -u); tests/boot/stage-libc-stubs.sh checks that it stays so
 * and that no legacy object is linked.
 */
#include "stage.h"

__attribute__((noreturn)) static void legacy(const char *name)
{
    kprintf("hvstage: zstd legacy decoder %s reached\n", name);
    stage_halt(EXIT_FATAL, "a legacy zstd frame got past the verifier");
}

#define LEGACY(name)                                                          \
    void name(void);                                                          \
    void name(void) { legacy(#name); }

#define LEGACY_VERSION(v)                                                     \
    LEGACY(ZBUFFv##v##_createDCtx)                                            \
    LEGACY(ZBUFFv##v##_decompressContinue)                                    \
    LEGACY(ZBUFFv##v##_decompressInitDictionary)                              \
    LEGACY(ZBUFFv##v##_freeDCtx)                                              \
    LEGACY(ZSTDv##v##_createDCtx)                                             \
    LEGACY(ZSTDv##v##_decompress_usingDict)                                   \
    LEGACY(ZSTDv##v##_findFrameSizeInfoLegacy)                                \
    LEGACY(ZSTDv##v##_freeDCtx)                                               \
    LEGACY(ZSTDv##v##_getFrameParams)

LEGACY_VERSION(05)
LEGACY_VERSION(06)
LEGACY_VERSION(07)
