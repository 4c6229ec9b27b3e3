/*
 * The manifest's `release:` block (docs/MANIFEST.md "release"), read by
 * manifest.c into hv_manifest.release. Private to mkimage/plan: it takes
 * YAML nodes.
 */
#ifndef HV_PLAN_RELEASE_H
#define HV_PLAN_RELEASE_H

#include "plan.h"
#include "yaml_doc.h"

/* Read and validate root["release"] when present; |m->release.present|
 * says whether it was. Returns 0, or -1 with |diag| at the faulty value. */
int hv_release_load(const hv_ydoc *doc, const hv_ynode *root, hv_manifest *m,
                    hv_diag *diag);
void hv_release_free(hv_release *r);

#endif
