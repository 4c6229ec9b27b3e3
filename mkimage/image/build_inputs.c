/* The files a build reads, see build_inputs.h. */
#include "build_inputs.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "output_check.h"
#include "package_sig.h"

/* Whether |path| would be created inside |folder| (or under it): its
 * folder, resolved, is |folder| resolved or below it. */
static bool inside_folder(const char *path, const char *folder)
{
    char dir[PATH_MAX], real_dir[PATH_MAX], real_folder[PATH_MAX];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path + 1) : 1,
             slash ? path : ".");
    if (!realpath(dir, real_dir) || !realpath(folder, real_folder))
        return false;
    size_t n = strlen(real_folder);
    return strncmp(real_dir, real_folder, n) == 0 &&
           (real_dir[n] == '\0' || real_dir[n] == '/');
}

static bool found(char clash[PATH_MAX], const char *path)
{
    snprintf(clash, PATH_MAX, "%s", path);
    return true;
}

bool hv_build_input_clash(const hv_manifest *m, const char *out,
                          char clash[PATH_MAX])
{
    if (hv_same_file(out, m->core_path))
        return found(clash, m->core_path);
    for (size_t i = 0; i < m->driver_count; i++) {
        const hv_driver_pkg *d = &m->drivers[i];
        struct stat st;
        if (hv_same_file(out, d->path) ||
            (stat(d->path, &st) == 0 && S_ISDIR(st.st_mode) &&
             inside_folder(out, d->path)))
            return found(clash, d->path);
        char *sig = d->signature ? NULL
                                 : hv_package_default_sig_path(d->path);
        const char *use = d->signature ? d->signature : sig;
        bool hit = use && hv_same_file(out, use);
        if (hit)
            found(clash, use);
        free(sig);
        if (hit)
            return true;
    }
    for (size_t i = 0; i < m->extra_count; i++)
        if (hv_same_file(out, m->extras[i].path))
            return found(clash, m->extras[i].path);
    if (m->initramfs_path) {
        struct stat st;
        if (hv_same_file(out, m->initramfs_path) ||
            (stat(m->initramfs_path, &st) == 0 && S_ISDIR(st.st_mode) &&
             inside_folder(out, m->initramfs_path)))
            return found(clash, m->initramfs_path);
    }
    return false;
}
