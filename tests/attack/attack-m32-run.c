/*
 * The 32-bit side of the attack suite: built by m32.sh with
 * `gcc -m32 -fsanitize=undefined -fno-sanitize-recover=all` together with
 * the verifier's own sources, it replays every case that attack-verify
 * crafted and signed on the 64-bit side (cases.txt, keys.txt, NAME.hvi),
 * with the same hostile platform and the same checks (atk_common.c), then
 * the zstd golden frames through hv_zstd_unpack.
 *
 *   attack-m32-run CASES_DIR GOLDEN_DIR
 */
#include <stdlib.h>
#include <string.h>

#include "atk_common.h"

int main(int argc, char **argv)
{
    char path[4096], line[1024];
    atk_keys keys;
    int fails = 0, ran = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: attack-m32-run CASES_DIR GOLDEN_DIR\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("verifier built for %zu-bit size_t, %zu-bit pointers\n",
           sizeof(size_t) * 8, sizeof(void *) * 8);
    if (sizeof(size_t) != 4) {
        printf("FAIL this runner is meant to be built with -m32\n");
        return 1;
    }

    snprintf(path, sizeof path, "%s/keys.txt", argv[1]);
    FILE *kf = fopen(path, "r");
    if (!kf || atk_keys_read(kf, &keys) != 0) {
        printf("FAIL cannot read %s\n", path);
        return 1;
    }
    fclose(kf);

    snprintf(path, sizeof path, "%s/cases.txt", argv[1]);
    FILE *cf = fopen(path, "r");
    if (!cf) {
        printf("FAIL cannot read %s\n", path);
        return 1;
    }
    while (fgets(line, sizeof line, cf)) {
        atk_spec s;
        size_t len, len2 = 0;
        if (atk_spec_parse(line, &s) != 0) {
            printf("FAIL malformed line in cases.txt: %s", line);
            fails++;
            continue;
        }
        snprintf(path, sizeof path, "%s/%s.hvi", argv[1], s.name);
        uint8_t *img = atk_read_file(path, &len);
        uint8_t *second = NULL;
        if (s.mode & ATK_M_SECOND) {
            snprintf(path, sizeof path, "%s/%s.second.hvi", argv[1], s.name);
            second = atk_read_file(path, &len2);
        }
        if (!img || ((s.mode & ATK_M_SECOND) && (!second || len2 < len))) {
            printf("FAIL %s: cannot read its image files\n", s.name);
            fails++;
        } else if (!atk_run(&s, img, len, second, &keys)) {
            fails++;
        }
        ran++;
        free(img);
        free(second);
    }
    fclose(cf);

    fails += atk_golden_direct(argv[2]);
    printf("%d attack cases on the 32-bit verifier, %d failed\n", ran, fails);
    return fails != 0 || ran == 0;
}
