#!/usr/bin/env python3
"""Check an SBOM that `hvimage sbom` printed, independently of hvimage's C code.

    sbom-check.py SCHEMA_DIR SBOM.json MANIFEST.yaml

1. It validates against the CycloneDX 1.5 JSON schema vendored in SCHEMA_DIR
   (tests/vectors/cyclonedx, offline: every $ref resolves to a local file).
2. Every digest in it is recomputed from the inputs the manifest names: the
   core file, each driver package file, and each file inside each package
   (read with Python's tarfile/zipfile or from the folder), so a digest of
   the wrong bytes, a missing or invented entry, or a wrong version fails.
Prints one line per failed check and ends "N checks, N failed"; exit 1 if any
failed.
"""
import hashlib
import io
import json
import os
import sys
import tarfile
import zipfile

import jsonschema
import yaml

checks = 0
failed = 0


def check(ok, what):
    global checks, failed
    checks += 1
    if not ok:
        failed += 1
        print("FAIL:", what)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def props(c):
    out = {}
    for p in c.get("properties", []):
        out.setdefault(p["name"], []).append(p["value"])
    return out


def package_files(path):
    """{relative path: sha256} of the regular files in a package."""
    files = {}
    if os.path.isdir(path):
        for root, _, names in os.walk(path):
            for n in names:
                full = os.path.join(root, n)
                if os.path.isfile(full) and not os.path.islink(full):
                    with open(full, "rb") as f:
                        files[os.path.relpath(full, path)] = sha256(f.read())
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            for i in z.infolist():
                if not i.is_dir():
                    files[i.filename.lstrip("./")] = sha256(z.read(i))
    else:
        with tarfile.open(path) as t:
            for m in t.getmembers():
                if m.isfile():
                    name = os.path.normpath(m.name).lstrip("/")
                    files[name] = sha256(t.extractfile(m).read())
    return files


def main():
    schema_dir, sbom_path, manifest_path = sys.argv[1:4]
    schemas = {}
    for name in os.listdir(schema_dir):
        if name.endswith(".schema.json"):
            with open(os.path.join(schema_dir, name)) as f:
                s = json.load(f)
            schemas[s["$id"]] = s
            # The bom schema names its siblings by their file names.
            schemas["http://cyclonedx.org/schema/" + name] = s
    bom_schema = schemas["http://cyclonedx.org/schema/bom-1.5.schema.json"]
    resolver = jsonschema.RefResolver.from_schema(bom_schema, store=schemas)
    with open(sbom_path, "rb") as f:
        raw = f.read()
    bom = json.loads(raw)
    errors = list(jsonschema.Draft7Validator(
        bom_schema, resolver=resolver,
        format_checker=jsonschema.FormatChecker()).iter_errors(bom))
    for e in errors[:10]:
        print("schema:", "/".join(str(p) for p in e.absolute_path), e.message)
    check(not errors, "valid against the CycloneDX 1.5 schema (%d errors)"
          % len(errors))

    with open(manifest_path) as f:
        man = yaml.safe_load(f)
    base = os.path.dirname(os.path.abspath(manifest_path))
    comps = {c.get("bom-ref"): c for c in bom.get("components", [])}
    meta = bom["metadata"]["component"]
    check(meta["name"] == man["image"]["name"], "image name")
    check(meta["version"] == str(man["image"]["version"]), "image version")
    check(props(meta).get("hvimage:security_version") ==
          [str(man["image"]["security_version"])], "security version")

    core = comps.get("core")
    check(core is not None, "a core component")
    if core:
        with open(os.path.join(base, man["core"]["path"]), "rb") as f:
            check(core["hashes"] == [{"alg": "SHA-256",
                                      "content": sha256(f.read())}],
                  "core digest equals the core file's")

    drivers = man.get("drivers", [])
    listed = [c for c in bom["components"] if c["type"] == "device-driver"]
    check(sorted(d["vendor"] for d in drivers) ==
          [c["name"] for c in listed], "one device-driver per package, "
          "in vendor order")
    for d in drivers:
        c = comps.get("driver:" + d["vendor"])
        if not c:
            check(False, "component for " + d["vendor"])
            continue
        path = os.path.join(base, d["path"])
        check(c["version"] == str(d["version"]), d["vendor"] + " version")
        check(c["supplier"]["name"] == d["vendor"], d["vendor"] + " supplier")
        if os.path.isfile(path):
            with open(path, "rb") as f:
                check(c["hashes"][0]["content"] == sha256(f.read()),
                      d["vendor"] + ": package digest equals the file's")
        want = {d["vendor"] + "/" + k: v
                for k, v in package_files(path).items()}
        got = {f["name"]: f["hashes"][0]["content"]
               for f in c.get("components", []) if "hashes" in f}
        check(got == want, d["vendor"] + ": every file with its digest "
              "(missing %s, extra %s)" % (sorted(set(want) - set(got)),
                                          sorted(set(got) - set(want))))
        p = props(c)
        check(p.get("hvimage:acceptance", [None])[0] in
              ("certified", "accepted", "partner", "community"),
              d["vendor"] + ": acceptance level")
    for x in man.get("sections", []):
        c = comps.get("extra:" + x["name"])
        if not c:
            check(False, "component for extra section " + x["name"])
            continue
        with open(os.path.join(base, x["path"]), "rb") as f:
            check(c["hashes"] == [{"alg": "SHA-256",
                                   "content": sha256(f.read())}],
                  "extra %s: digest equals the file's" % x["name"])
    tool = bom["metadata"]["tools"]["components"][0]
    check(tool["name"] == "hvimage", "tool name")
    print("%d checks, %d failed" % (checks, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
