#!/usr/bin/env python3
"""Every source path and hv_/cli_ symbol that a comment or a document names
exists in the tree.

Scanned: the comments of every .c and .h file, and every .md file. Named:
  - paths that start at a top-level folder of the repository
    (`boot/verify.c`, `mkimage/image/builder.c`, `docs/FORMAT.md`, `fuzz/`),
    or, in a Markdown link, relative to its document
    (`](../tests/attack/ATTACKS.md)`); a path counts when it ends with a
    file extension or a `/`;
  - symbols hv_* and cli_* (lower case: functions, types, variables).
A path must exist (a placeholder component such as NAME or FAMILY matches
any name); a symbol must occur in the code of a source file (C with its
comments removed, shell, Python, meson.build), so a name that only
comments mention does not count. Patterns (`hv_p11_*`, `fuzz/fuzz-<name>.c`,
`tests/*/README.md`) are not names and are skipped.

Cheap to keep while files move: everything is resolved against the tree as
it is, nothing is listed by hand but EXCLUDED below.

  doc-refs.py SOURCE_ROOT
"""
import os
import re
import sys

# Names that are deliberately not in the tree. Keep this short; say why.
# An entry that comes to exist is noted in the output: remove it then.
EXCLUDED = {
    # docs/UPDATE.md "Try it": the manifest the reader makes with sed.
    "manifests/example-v2.yaml",
    # docs/BOOT.md: a ninja target, made in the build folder.
    "monitor/monitor.elf",
    # docs/MANIFEST.md: the missing file of an example error message.
    "manifests/example/nope.tar.gz",
    # bench/README.md, docs/PERFORMANCE.md: what bench/run.sh writes.
    "results.md",
    # README.md, docs/INSTALL.md: the installed header's path under the
    # prefix. (INSTALL.md's example program, agent.c, shares its name with
    # initramfs/agent.c, so it is found.)
    "include/hvimage/hvboot.h",
}

# Headers of the C library, POSIX and the libraries the code uses: named
# bare, they are not files of this tree.
SYSTEM_HEADERS = set("""
    assert.h complex.h ctype.h errno.h fenv.h float.h inttypes.h iso646.h
    limits.h locale.h math.h setjmp.h signal.h stdalign.h stdarg.h
    stdatomic.h stdbool.h stddef.h stdint.h stdio.h stdlib.h stdnoreturn.h
    string.h tgmath.h threads.h time.h uchar.h wchar.h wctype.h
    dirent.h fcntl.h poll.h pthread.h spawn.h strings.h termios.h unistd.h
    archive.h archive_entry.h bearssl.h json.h yaml.h zstd.h
""".split())

# Upper-case path components that stand for any name in prose.
PLACEHOLDERS = {"NAME", "FAMILY", "TARGET", "VENDOR", "DIR", "BUILD", "CMD",
                "IMAGE", "FOLDER"}

root = os.path.abspath(sys.argv[1])


def skip_dir(name):
    # out/: what scripts/run-example.sh leaves (gitignored); the docs name
    # files there that only a run makes.
    return name.startswith(".") or name.startswith("build") or name in (
        "subprojects", "__pycache__", "out")


def tree_files():
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not skip_dir(d))
        if os.path.exists(os.path.join(dirpath, "meson-private")):
            dirnames[:] = []  # a build folder inside the tree
            continue
        for f in sorted(filenames):
            yield os.path.join(dirpath, f)


_split_cache = {}


def split_c_file(path, text):
    if path not in _split_cache:
        _split_cache[path] = split_c(text)
    return _split_cache[path]


def split_c(text):
    """(code, comments) of C source: comments blanked out of the code, and
    the comments alone with everything else blanked (offsets kept)."""
    code, com = list(text), [" " if c != "\n" else c for c in text]
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
        elif text.startswith("/*", i) or text.startswith("//", i):
            end = text.find("*/", i + 2) + 2 if text[i + 1] == "*" else \
                text.find("\n", i)
            if end < 2 or end == -1:
                end = n
            for k in range(i, end):
                com[k] = text[k]
                if text[k] != "\n":
                    code[k] = " "
            i = end
        else:
            i += 1
    return "".join(code), "".join(com)


def self_test():
    """The extractors find what they must and skip patterns."""
    sample = ("see boot/verify.c, `docs/FORMAT.md`, fuzz/, tests/*/x.md, "
              "fuzz/fuzz-<name>.c, hv_p11_* and hv_verify() or cli_main.")
    paths = [m.group(2) for m in PATH_RE.finditer(sample)
             if not (m.group(3) in "*<{$[" and m.group(3))]
    syms = [m.group(1) for m in SYM_RE.finditer(sample) if m.group(2) != "*"]
    want_p = ["boot/verify.c", "docs/FORMAT.md", "fuzz/"]
    want_s = ["hv_verify", "cli_main"]
    if paths != want_p or syms != want_s:
        sys.exit(f"doc-refs self-test: paths {paths} (want {want_p}), "
                 f"symbols {syms} (want {want_s})")


files = list(tree_files())
top = {d for d in os.listdir(root)
       if os.path.isdir(os.path.join(root, d)) and not skip_dir(d)}

# Every identifier in code.
code_names = set()
for path in files:
    ext = os.path.splitext(path)[1]
    base = os.path.basename(path)
    if ext in (".c", ".h", ".S", ".sh", ".py", ".ld") or base == "meson.build":
        try:
            text = open(path, encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        if ext in (".c", ".h", ".S"):
            text = split_c_file(path, text)[0]
        elif path == os.path.abspath(__file__):
            continue
        code_names.update(re.findall(r"\b(?:hv|cli)_\w+", text))

PATH_RE = re.compile(
    r"(?<![\w./-])((?:\.\./|\./)*)([A-Za-z0-9_][\w.+-]*/(?:[\w.+-]+/)*"
    r"(?:[\w+-][\w.+-]*\.[A-Za-z]\w*)?)(?![\w/])(.?)")
# A file named without its folder (fixture.c, ATTACKS.md): must exist
# somewhere in the tree.
BARE_RE = re.compile(r"(?<![\w./<>*-])([\w+-]+\.(?:c|h|sh|py|S|ld|md))(?![\w/*-])")
SYM_RE = re.compile(r"(?<![\w$])((?:hv|cli)_[a-z0-9_]*[a-z0-9])\b(.?)")

failures = []
checked_paths = checked_syms = checked_files = 0
basenames = {os.path.basename(f) for f in files}
self_test()


def path_exists(rel):
    parts = rel.rstrip("/").split("/")
    cands = [root]
    for p in parts:
        nxt = []
        for c in cands:
            if p in PLACEHOLDERS or re.search(r"[A-Z]{2,}", p) and \
                    re.sub(r"\.\w+$", "", p) in PLACEHOLDERS:
                stem_ext = os.path.splitext(p)[1]
                if os.path.isdir(c):
                    nxt += [os.path.join(c, e) for e in os.listdir(c)
                            if not stem_ext or e.endswith(stem_ext)]
            elif re.search(r"-(?:%s)\b" % "|".join(PLACEHOLDERS), p):
                pre = p[:re.search(r"-(?:%s)\b" % "|".join(PLACEHOLDERS),
                                   p).start() + 1]
                suf = os.path.splitext(p)[1]
                if os.path.isdir(c):
                    nxt += [os.path.join(c, e) for e in os.listdir(c)
                            if e.startswith(pre) and e.endswith(suf)]
            else:
                q = os.path.join(c, p)
                if os.path.exists(q):
                    nxt.append(q)
        cands = nxt
    return bool(cands)


for path in files:
    ext = os.path.splitext(path)[1]
    if ext not in (".c", ".h", ".md"):
        continue
    rel_file = os.path.relpath(path, root)
    text = open(path, encoding="utf-8", errors="replace").read()
    scan = split_c_file(path, text)[1] if ext in (".c", ".h") else text
    for m in PATH_RE.finditer(scan):
        up, p, after = m.group(1), m.group(2), m.group(3)
        if after in "*<{$[" and after or "*" in p:
            continue  # a pattern, not a name
        if not (p.endswith("/") or re.search(r"\.[A-Za-z]\w*$", p)):
            continue
        if up:
            # A Markdown link is relative to its document; prose such as
            # "../elsewhere/x" means a place beside the repository.
            if ext != ".md" or scan[max(0, m.start() - 2):m.start()] != "](":
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(rel_file),
                                                   up + p))
            if target.startswith(".."):
                continue  # outside the tree: not this test's business
        else:
            target = p
        if target.split("/")[0] not in top or target in EXCLUDED:
            continue
        checked_paths += 1
        if not path_exists(target):
            line = scan.count("\n", 0, m.start()) + 1
            failures.append(f"{rel_file}:{line}: no such path: {up}{p}")
    for m in BARE_RE.finditer(scan):
        name = m.group(1)
        if name in EXCLUDED or name in SYSTEM_HEADERS:
            continue
        checked_files += 1
        hole = re.search(r"(?<=-)(?:%s)(?=\.)" % "|".join(PLACEHOLDERS), name)
        if hole and any(b.startswith(name[:hole.start()]) and
                        b.endswith(name[hole.end():]) for b in basenames):
            continue  # attack-verify-FAMILY.c
        if name not in basenames:
            line = scan.count("\n", 0, m.start()) + 1
            failures.append(f"{rel_file}:{line}: no file of that name in the "
                            f"tree: {name}")
    for m in SYM_RE.finditer(scan):
        name, after = m.group(1), m.group(2)
        if after == "*" or name in EXCLUDED:
            continue
        if re.match(r"\.[A-Za-z]", scan[m.end(1):m.end(1) + 2]):
            continue  # a file name (hv_x.c): a path if it has a folder
        checked_syms += 1
        # A family name ("the hv_cleanup entry") stands for hv_cleanup_*.
        if name not in code_names and not any(
                c.startswith(name + "_") for c in code_names):
            line = scan.count("\n", 0, m.start()) + 1
            failures.append(f"{rel_file}:{line}: no such symbol in the "
                            f"sources: {name}")

# Not a failure: names land in parallel work, and a merge must not turn
# red for it. The note says what to tidy.
for name in sorted(EXCLUDED):
    if name in code_names or name in basenames or \
            ("/" in name and path_exists(name)):
        print(f"NOTE {name} exists now: remove it from EXCLUDED in "
              f"{os.path.relpath(__file__, root)}")

for f in failures:
    print("FAIL", f)
print(f"{checked_paths} paths, {checked_files} file names and "
      f"{checked_syms} symbols named in comments and documents, "
      f"{len(failures)} missing")
sys.exit(1 if failures or checked_paths < 50 or checked_syms < 50 else 0)
