#!/usr/bin/env python3
"""Nothing in the build or the tests reads a path outside the source tree.

A user clones the project alone; a test that reads the `shared` folder
beside the checkout (or any absolute path of one machine) fails there and
nowhere else. Two checks:

1. Static: every meson.build, meson_options.txt, script (.sh, .bash, .py)
   and C/assembly/linker/YAML file of the tree is scanned for
   - a path into a `shared` folder beside the tree (the parent folder
     joined with `shared` by a slash, by meson's `/` or by a comma);
   - a join that climbs out of a source or build root
     (`meson.project_source_root() / '..'`, `$SRC/..`, `$PWD/..`,
     `$(dirname "$0")/..` past the file's own depth);
   - in meson.build and YAML files, any relative path with `..` that
     resolves, from the file's folder, outside the tree;
   - an absolute path into a home or work folder (/work/, /home/, /root/,
     /mnt/, /media/, /srv/).
2. Configured: the build folder's registered tests (meson-info/
   intro-tests.json): every absolute path in an argument, an environment
   value or the working folder lies in the source tree, the build folder,
   or a system folder. The program itself (cmd[0]) may be anywhere: it is
   a tool found on PATH, not data.

Before scanning, the checker runs on built-in bad and good samples, so it
cannot pass by matching nothing.

    outside-tree.py SOURCE_ROOT BUILD_ROOT
"""
import json
import os
import re
import sys

SCANNED_NAMES = {"meson.build", "meson_options.txt", "meson.options"}
SCANNED_SUFFIXES = (".sh", ".bash", ".py", ".c", ".h", ".S", ".ld",
                    ".yaml", ".yml")
# Data copied in on purpose, and build outputs.
SKIPPED_DIRS = {".git", "out", "__pycache__", "subprojects"}
SKIPPED_PATHS = {"tests/vectors", "fuzz/corpus"}
# Where a test may point outside the tree: the system, never a person's or
# a CI job's folders.
SYSTEM_PREFIXES = ("/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/", "/etc/",
                   "/dev/", "/proc/", "/sys/", "/tmp/", "/var/tmp/")

SELF = os.path.realpath(__file__)

# The folder's name, kept out of the samples below as a literal so that
# greps for paths into it (the landing hook's) do not find this checker.
SH = "sha" + "red"
SHARED_RE = re.compile(r"""\.\.['"]?\s*(?:/|,)\s*['"]?shared\b""")
ROOT_CLIMB_RE = re.compile(
    r"""(?:project_source_root|global_source_root|source_root|"""
    r"""project_build_root|global_build_root|build_root)\(\)"""
    r"""\s*/\s*['"]\.\.['"]"""
    r"""|\$\{?(?:SRC|src|PWD|MESON_SOURCE_ROOT|MESON_BUILD_ROOT)\}?/\.\.(?:/|\b|$)""")
HOME_RE = re.compile(r"""(?<![\w.$}/-])/(?:work|home|root|mnt|media|srv)/""")
DIRNAME_RE = re.compile(r"""\$\(\s*dirname\s+(?:--\s+)?["']?\$0["']?\s*\)"""
                        r"""((?:/\.\.)+)""")
MESON_STRING_RE = re.compile(r"""'((?:[^'\\]|\\.)*)'""")
MESON_CHAIN_RE = re.compile(
    r"""meson\.(current_source_dir|project_source_root|global_source_root|"""
    r"""source_root)\(\)((?:\s*/\s*'[^']*')+)""")
YAML_PATH_RE = re.compile(r"""(?:^|[\s:\[{,])((?:\.\./)+[^\s,\]}'"#]*)""")


def escapes(rel_dir, path):
    """True if |path|, taken from folder |rel_dir| of the tree, leaves it."""
    depth = 0 if rel_dir in ("", ".") else len(rel_dir.split("/"))
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            depth -= 1
            if depth < 0:
                return True
        else:
            depth += 1
    return False


def scan_text(rel, text):
    """Findings (line number, reason) for the file |rel| of the tree."""
    rel_dir = os.path.dirname(rel)
    name = os.path.basename(rel)
    is_meson = name in SCANNED_NAMES
    is_yaml = rel.endswith((".yaml", ".yml"))
    found = []
    for no, line in enumerate(text.splitlines(), 1):
        if SHARED_RE.search(line):
            found.append((no, "reads a 'shared' folder beside the tree"))
        if ROOT_CLIMB_RE.search(line):
            found.append((no, "climbs out of the source or build root"))
        if HOME_RE.search(line):
            found.append((no, "absolute path into a home or work folder"))
        for m in DIRNAME_RE.finditer(line):
            if escapes(rel_dir, m.group(1).lstrip("/")):
                found.append((no, "$(dirname $0)/.. climbs out of the tree"))
        if is_meson:
            code = line.split("#", 1)[0]
            for m in MESON_CHAIN_RE.finditer(code):
                base = rel_dir if m.group(1) == "current_source_dir" else ""
                parts = re.findall(r"'([^']*)'", m.group(2))
                if escapes(base, "/".join(parts)):
                    found.append((no, "meson path join leaves the tree"))
            for m in MESON_STRING_RE.finditer(code):
                s = m.group(1)
                if ".." in s.split("/") and not s.startswith("/") and \
                        escapes(rel_dir, s):
                    found.append((no, f"'{s}' leaves the tree"))
        if is_yaml:
            code = line.split("#", 1)[0]
            for m in YAML_PATH_RE.finditer(code):
                if escapes(rel_dir, m.group(1)):
                    found.append((no, f"'{m.group(1)}' leaves the tree"))
    return found


def scan_tree(src):
    findings = []
    count = 0
    for dirpath, dirnames, filenames in os.walk(src):
        rel_dir = os.path.relpath(dirpath, src)
        rel_dir = "" if rel_dir == "." else rel_dir
        keep = []
        for d in sorted(dirnames):
            rel = os.path.join(rel_dir, d)
            full = os.path.join(dirpath, d)
            if d in SKIPPED_DIRS or rel in SKIPPED_PATHS or \
                    os.path.exists(os.path.join(full, "meson-private")) or \
                    os.path.islink(full):
                continue
            keep.append(d)
        dirnames[:] = keep
        for f in sorted(filenames):
            if f not in SCANNED_NAMES and not f.endswith(SCANNED_SUFFIXES):
                continue
            rel = os.path.join(rel_dir, f)
            # This file quotes the patterns it looks for.
            if os.path.realpath(os.path.join(dirpath, f)) == SELF:
                continue
            try:
                with open(os.path.join(dirpath, f), encoding="utf-8",
                          errors="replace") as fh:
                    text = fh.read()
            except OSError as e:
                findings.append(f"{rel}: cannot read: {e}")
                continue
            count += 1
            for no, why in scan_text(rel, text):
                findings.append(f"{rel}:{no}: {why}")
    return count, findings


def path_values(value):
    """The absolute paths inside a test argument or environment value."""
    for piece in re.split(r"[:=,]", value):
        if piece.startswith("/"):
            yield os.path.normpath(piece)


def inside(path, roots):
    return any(path == r or path.startswith(r + "/") for r in roots)


def check_tests(intro, src, build):
    roots = [os.path.realpath(src), os.path.abspath(src),
             os.path.realpath(build), os.path.abspath(build)]
    findings = []
    for t in intro:
        values = list(t.get("cmd", [])[1:])
        values += list((t.get("env") or {}).values())
        if t.get("workdir"):
            values.append(t["workdir"])
        for v in values:
            if not isinstance(v, str):
                continue
            for p in path_values(v):
                if inside(p, roots) or p.startswith(SYSTEM_PREFIXES) or \
                        p + "/" in SYSTEM_PREFIXES:
                    continue
                findings.append(f"test '{t['name']}' uses {p}, outside the "
                                f"source and build trees")
    return findings


# Each bad sample must give a finding, each good sample none.
BAD_SAMPLES = [
    ("tests/meson.build",
     "shared_dir = meson.project_source_root() / '..' / '" + SH + "'"),
    ("tests/meson.build", "testvectors_dir = '../../" + SH + "/testvectors'"),
    ("tests/meson.build",
     "d = meson.current_source_dir() / '..' / '..' / 'vectors'"),
    ("meson.build", "inc = include_directories('../bearssl')"),
    ("fuzz/make-seeds.sh", "golden=$PWD/../" + SH + "/testvectors/zstd-golden"),
    ("tests/cli/x.sh", 'v="$SRC/../vectors"'),
    ("tests/x.sh", 'root=$(dirname "$0")/../..'),
    ("tests/x.py", "p = os.path.join(root, '..', '" + SH + "', 'x')"),
    ("tests/x.c", 'const char *d = "/work/shared/testvectors";'),
    ("tests/x.sh", "cp /home/ci/vectors/a.json ."),
    ("manifests/m.yaml", "  path: ../../core.bin"),
]
GOOD_SAMPLES = [
    ("tests/attack/meson.build",
     "include_directories : include_directories('../drivers'),"),
    ("boot/stage/meson.build", "stage_ld = meson.current_source_dir() / 'stage.ld'"),
    ("tests/meson.build",
     "testvectors_dir = meson.current_source_dir() / 'vectors'"),
    ("meson.build", "include_directories('/usr/include/bearssl'))"),
    ("scripts/run-tests.sh", 'cd "$(dirname "$0")/.."'),
    ("tests/attack/build-escape.sh", 'ls -d "$T/../hvattack-"*'),
    ("tests/yaml/bad/m.yaml", "  path: ../data/core.bin"),
    ("tests/x.c", 'tb_entry(&t, "evil", 2, 0777, NULL, "../../..");'),
]


def self_test():
    ok = True
    for rel, line in BAD_SAMPLES:
        if not scan_text(rel, line):
            print(f"SELF-TEST FAIL: not caught in {rel}: {line}")
            ok = False
    for rel, line in GOOD_SAMPLES:
        f = scan_text(rel, line)
        if f:
            print(f"SELF-TEST FAIL: false alarm in {rel}: {line}: {f}")
            ok = False
    intro = [{"name": "bad", "cmd": ["/opt/x/python3", "/work/shared/v.json"],
              "env": {}, "workdir": None}]
    if not check_tests(intro, "/src", "/src/build"):
        print("SELF-TEST FAIL: test argument outside the tree not caught")
        ok = False
    intro = [{"name": "good", "cmd": ["/opt/x/python3", "/src/t.py",
              "--harness", "/src/build/t", "/dev/null"],
              "env": {"SRC": "/src"}, "workdir": "/src/build"}]
    if check_tests(intro, "/src", "/src/build"):
        print("SELF-TEST FAIL: false alarm on a test inside the tree")
        ok = False
    return ok


def main():
    if len(sys.argv) != 3:
        print("usage: outside-tree.py SOURCE_ROOT BUILD_ROOT", file=sys.stderr)
        return 2
    src, build = sys.argv[1], sys.argv[2]
    if not self_test():
        return 1
    count, findings = scan_tree(src)
    intro_path = os.path.join(build, "meson-info", "intro-tests.json")
    try:
        with open(intro_path) as fh:
            intro = json.load(fh)
    except (OSError, ValueError) as e:
        print(f"FAIL: cannot read {intro_path}: {e}")
        return 1
    findings += check_tests(intro, src, build)
    for f in findings:
        print(f"FAIL: {f}")
    print(f"{count} files and {len(intro)} tests checked, "
          f"{len(findings)} paths outside the source tree")
    return 1 if findings or count == 0 or not intro else 0


if __name__ == "__main__":
    sys.exit(main())
