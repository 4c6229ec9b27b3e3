/*
 * The module load order (initramfs/modorder.h): dependencies first, each
 * module once; refused, naming the module and leaving the plan as it was:
 * a missing dependency, a cycle, a name two modules share.
 */
#include <string.h>

#include "check.h"
#include "modorder.h"

/* The names of |order[from..n)|, space-separated. */
static const char *names(const hvi_mod *m, const size_t *order, size_t from,
                         size_t n)
{
    static char out[256];
    out[0] = '\0';
    for (size_t i = from; i < n; i++) {
        if (i > from)
            strcat(out, " ");
        strcat(out, m[order[i]].name);
    }
    return out;
}

#define MOD(n, d) {n, d, "lib/modules/r/" n ".ko"}

int main(void)
{
    hv_diag d = {0};
    size_t order[16], n;
    unsigned char st[16];

    /* A chain: kvm_amd -> kvm -> irqbypass, named with '-' and '_' mixed. */
    const hvi_mod chain[] = {MOD("kvm_amd", "kvm"), MOD("kvm", "irq-bypass"),
                             MOD("irq_bypass", "")};
    memset(st, 0, sizeof st);
    n = 0;
    CHECK(hvi_modorder_plan(chain, 3, 0, st, order, &n, &d) == 0);
    CHECK_MSG(!strcmp(names(chain, order, 0, n), "irq_bypass kvm kvm_amd"),
              "%s", names(chain, order, 0, n));
    /* Planned modules are not planned again. */
    CHECK(hvi_modorder_plan(chain, 3, 1, st, order, &n, &d) == 0);
    CHECK(n == 3);

    /* A diamond: kvm_amd needs kvm and ccp, both need base; base once. */
    const hvi_mod diamond[] = {MOD("kvm-amd", "kvm,ccp"), MOD("kvm", "base"),
                               MOD("ccp", "base"), MOD("base", NULL)};
    memset(st, 0, sizeof st);
    n = 0;
    CHECK(hvi_modorder_plan(diamond, 4, 0, st, order, &n, &d) == 0);
    CHECK_MSG(!strcmp(names(diamond, order, 0, n), "base kvm ccp kvm-amd"),
              "%s", names(diamond, order, 0, n));
    /* Empty entries in a depends list are skipped. */
    const hvi_mod commas[] = {MOD("a", ",b,,"), MOD("b", "")};
    memset(st, 0, sizeof st);
    n = 0;
    CHECK(hvi_modorder_plan(commas, 2, 0, st, order, &n, &d) == 0);
    CHECK(!strcmp(names(commas, order, 0, n), "b a"));

    /* A cycle is refused and shown; a first good plan survives it. */
    const hvi_mod cyc[] = {MOD("ok", ""), MOD("a", "b"), MOD("b", "c"),
                           MOD("c", "b"), MOD("d", "ok,a")};
    memset(st, 0, sizeof st);
    n = 0;
    CHECK(hvi_modorder_plan(cyc, 5, 0, st, order, &n, &d) == 0);
    CHECK(n == 1);
    CHECK(hvi_modorder_plan(cyc, 5, 4, st, order, &n, &d) == -1);
    CHECK(d.cls == HV_FAIL_REJECTED);
    CHECK_MSG(!strcmp(d.msg, "d: dependency cycle: b -> c -> b"), "%s", d.msg);
    CHECK(n == 1 && order[0] == 0);
    for (size_t i = 1; i < 5; i++)
        CHECK(st[i] == HVI_MOD_NEW);
    CHECK(st[0] == HVI_MOD_PLANNED);
    /* A module that depends on itself. */
    const hvi_mod self[] = {MOD("s", "s")};
    memset(st, 0, sizeof st);
    n = 0;
    CHECK(hvi_modorder_plan(self, 1, 0, st, order, &n, &d) == -1);
    CHECK_MSG(!strcmp(d.msg, "s: dependency cycle: s -> s"), "%s", d.msg);

    /* A missing dependency, deep down: refused, naming who needs it. */
    const hvi_mod miss[] = {MOD("kvm_amd", "kvm,ccp"), MOD("kvm", "")};
    memset(st, 0, sizeof st);
    n = 0;
    CHECK(hvi_modorder_plan(miss, 2, 0, st, order, &n, &d) == -1);
    CHECK_MSG(!strcmp(d.msg, "kvm_amd (lib/modules/r/kvm_amd.ko) depends on "
                             "ccp, which no module here is"), "%s", d.msg);
    CHECK(n == 0 && st[0] == HVI_MOD_NEW && st[1] == HVI_MOD_NEW);
    /* kvm alone still plans. */
    CHECK(hvi_modorder_plan(miss, 2, 1, st, order, &n, &d) == 0);
    CHECK(n == 1 && order[0] == 1);

    /* Two modules with one name (kvm-x and kvm_x): refused, as root or as
     * a dependency. */
    const hvi_mod twice[] = {MOD("kvm-x", ""), MOD("kvm_x", ""),
                             MOD("user", "kvm_x")};
    memset(st, 0, sizeof st);
    n = 0;
    CHECK(hvi_modorder_plan(twice, 3, 2, st, order, &n, &d) == -1);
    CHECK_MSG(strstr(d.msg, "which two modules here are") != NULL, "%s", d.msg);
    CHECK(hvi_modorder_plan(twice, 3, 0, st, order, &n, &d) == -1);
    CHECK_MSG(strstr(d.msg, "two modules here have that name") != NULL, "%s",
              d.msg);
    CHECK(n == 0);
    CHECK(hvi_modorder_find(twice, 3, "user", 4) == 2);
    CHECK(hvi_modorder_find(twice, 3, "nobody", 6) == -1);
    CHECK(hvi_modorder_find(twice, 3, "kvm-x", 5) == -2);
    return CHECK_DONE();
}
