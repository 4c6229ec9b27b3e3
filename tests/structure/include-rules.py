#!/usr/bin/env python3
"""Check every C file's #include lines against the include rules table of
docs/ARCHITECTURE.md ("## Include rules"): which project folders and which
libraries each folder may include. Fails on any include the table does not
allow, on a source folder the table does not name, and on a table that names
a folder that does not exist.

usage: include-rules.py SOURCE_ROOT
"""
import os
import re
import sys

FREESTANDING = {"stddef.h", "stdint.h", "stdarg.h", "stdbool.h", "limits.h",
                "string.h"}
# Library name -> a test on the header path inside <...>.
LIBRARIES = {
    "bearssl": lambda h: h.startswith("bearssl"),
    "zstd": lambda h: h.startswith("zstd"),
    "openssl": lambda h: h.startswith("openssl/"),
    "p11-kit": lambda h: h.startswith("p11-kit/"),
    "libyaml": lambda h: h == "yaml.h",
    "libarchive": lambda h: h.startswith("archive"),
    "json-c": lambda h: h.startswith("json-c/") or h.startswith("json"),
    "glib": lambda h: h.startswith(("glib", "gio/", "gobject/")),
    "libgcab": lambda h: h == "libgcab.h" or h.startswith("libgcab/"),
    "libjcat": lambda h: h == "jcat.h" or h.startswith("libjcat/"),
    "tss2": lambda h: h.startswith("tss2/"),
}
# Folders whose files are not product code: they may include anything.
EXEMPT = ("tests", "fuzz", "bench", "build", ".git")

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def parse_table(doc_path):
    text = open(doc_path, encoding="utf-8").read()
    m = re.search(r"^## Include rules\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not m:
        sys.exit(f"{doc_path}: no '## Include rules' section")
    rules = {}
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        folder = cells[0].strip("`")
        project = {c.strip().strip("`") for c in cells[1].split(",") if c.strip()}
        libs = {c.strip() for c in cells[2].split(",") if c.strip()}
        rules[folder] = (project, libs)
    if not rules:
        sys.exit(f"{doc_path}: the include rules table is empty")
    return rules


def header_index(root):
    """basename -> folders (relative) holding a header of that name."""
    index = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        dirnames[:] = [d for d in dirnames
                       if not (rel == "." and d.startswith(EXEMPT))]
        for f in filenames:
            if f.endswith(".h"):
                index.setdefault(f, set()).add("" if rel == "." else rel)
    return index


def resolve(name, own, index):
    """The folder of the project header a quoted include names."""
    if "/" in name:  # "hvimage/format.h" lives in include/hvimage
        folder, base = name.rsplit("/", 1)
        for cand in index.get(base, ()):
            if cand.endswith(folder):
                return cand
        return None
    cands = index.get(name, set())
    if own in cands:
        return own
    # A name held by several folders: report against the first, so a clash
    # is never silently allowed.
    return sorted(cands)[0] if cands else None


def lib_of(header):
    for lib, test in LIBRARIES.items():
        if test(header):
            return lib
    return None


def check(root):
    rules = parse_table(os.path.join(root, "docs", "ARCHITECTURE.md"))
    index = header_index(root)
    problems = []
    for folder in rules:
        if not os.path.isdir(os.path.join(root, folder)):
            problems.append(f"docs/ARCHITECTURE.md names folder '{folder}', "
                            "which does not exist")
    files = 0
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if rel == ".":
            dirnames[:] = [d for d in dirnames if not d.startswith(EXEMPT)]
            continue
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        sources = [f for f in filenames if f.endswith((".c", ".h", ".S"))]
        if not sources:
            continue
        if rel not in rules:
            problems.append(f"{rel}/: C sources in a folder the include "
                            "rules of docs/ARCHITECTURE.md do not name")
            continue
        allowed_dirs, libs = rules[rel]
        for f in sorted(sources):
            path = os.path.join(dirpath, f)
            text = open(path, encoding="utf-8", errors="replace").read()
            files += 1
            for m in INCLUDE.finditer(text):
                kind, name = m.group(1), m.group(2)
                line = text.count("\n", 0, m.start()) + 1
                where = f"{rel}/{f}:{line}"
                if kind == '"':
                    target = resolve(name, rel, index)
                    if target is None:
                        problems.append(f"{where}: \"{name}\" is no header "
                                        "of the project")
                    elif target != rel and target not in allowed_dirs:
                        problems.append(f"{where}: \"{name}\" is in {target}/,"
                                        f" which {rel}/ may not include")
                    continue
                lib = lib_of(name)
                if lib is not None:
                    if lib not in libs:
                        problems.append(f"{where}: <{name}> is {lib}, which "
                                        f"{rel}/ may not use")
                elif "libc" not in libs and not (
                        "freestanding" in libs and name in FREESTANDING):
                    problems.append(f"{where}: <{name}> is a hosted header; "
                                    f"{rel}/ is freestanding")
    return files, problems


def self_test():
    """The checker must refuse what it exists to refuse."""
    import tempfile
    with tempfile.TemporaryDirectory() as t:
        os.makedirs(os.path.join(t, "docs"))
        os.makedirs(os.path.join(t, "boot"))
        os.makedirs(os.path.join(t, "mkimage/plan"))
        open(os.path.join(t, "docs/ARCHITECTURE.md"), "w").write(
            "## Include rules\n\n| folder | project | libraries |\n|---|---|---|\n"
            "| `boot` | | freestanding |\n| `mkimage/plan` | | libc, libyaml |\n")
        open(os.path.join(t, "boot/a.h"), "w").write("#include <stdint.h>\n")
        open(os.path.join(t, "boot/a.c"), "w").write(
            '#include "a.h"\n#include <stdio.h>\n#include <yaml.h>\n'
            '#include "plan.h"\n')
        open(os.path.join(t, "mkimage/plan/plan.h"), "w").write("")
        _, problems = check(t)
        text = "\n".join(problems)
        for want in ("<stdio.h> is a hosted header", "<yaml.h> is libyaml",
                     '"plan.h" is in mkimage/plan/'):
            if want not in text:
                sys.exit(f"self-test: the checker missed '{want}':\n{text}")
        if len(problems) != 3:
            sys.exit(f"self-test: expected 3 findings:\n{text}")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    self_test()
    files, problems = check(sys.argv[1])
    for p in problems:
        print(p)
    print(f"{files} files checked, {len(problems)} broken include rule(s)")
    sys.exit(1 if problems or files == 0 else 0)


if __name__ == "__main__":
    main()
