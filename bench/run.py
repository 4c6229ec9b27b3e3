#!/usr/bin/env python3
"""hvimage benchmark harness (bench/README.md). Not a test: it asserts
nothing, it measures and prints a table.

Builds hvimage and bench/hvbench, generates inputs from the system's own
binaries, then runs hvimage and its peers alternately (order swapped every
round) and prints medians, min-max and the ratios the performance issue
asks about. Wall time is measured around each process; peak RSS is GNU
time's "Maximum resident set size" (/usr/bin/time -v).
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIB = 1 << 20


def parse_size(s):
    s = s.strip().upper()
    for suf, mul in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if s.endswith(suf):
            return int(s[:-1]) * mul
    return int(s)


def size_name(n):
    if n % (1 << 30) == 0:
        return "%d GiB" % (n >> 30)
    return "%d MiB" % (n >> 20)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---- running things -------------------------------------------------------

class Runner:
    def __init__(self, work, nice=0):
        self.work = work
        self.gnu_time = os.path.exists("/usr/bin/time")
        self.nice = nice

    def run(self, cmd, cwd=None, shell=False):
        """Run once; return (wall seconds, peak RSS KiB, CPU seconds: user
        + system of the process and its children). Fails loudly."""
        tfile = os.path.join(self.work, ".time.txt")
        argv = cmd
        if shell:
            argv = ["sh", "-c", cmd]
        if self.gnu_time:
            argv = ["/usr/bin/time", "-v", "-o", tfile] + argv
        if self.nice:
            argv = ["nice", "-n", str(self.nice)] + argv
        t0 = time.perf_counter()
        p = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            raise RuntimeError("command failed (%d): %s\n%s" % (
                p.returncode, " ".join(cmd) if not shell else cmd,
                p.stderr.decode(errors="replace")[-2000:]))
        rss, cpu = 0, 0.0
        if self.gnu_time:
            with open(tfile) as f:
                for line in f:
                    if "Maximum resident set size" in line:
                        rss = int(line.split(":")[1])
                    elif ("User time (seconds)" in line or
                          "System time (seconds)" in line):
                        cpu += float(line.split(":")[1])
        return wall, rss, cpu

    def attempt(self, cmd, shell=False):
        """Run once, untimed, under the same priority; return (exit code,
        stderr). For probes whose refusal the caller reports."""
        argv = ["sh", "-c", cmd] if shell else cmd
        if self.nice:
            argv = ["nice", "-n", str(self.nice)] + argv
        p = subprocess.run(argv, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        return p.returncode, p.stderr.decode(errors="replace").strip()


def refusal(rc, err, what):
    """The reason of an exit-1 refusal (the image or transition was
    refused, docs/CLI.md), as one Markdown-safe line; any other failure
    stops the bench."""
    if rc != 1:
        raise RuntimeError("%s failed (%d):\n%s" % (what, rc, err[-2000:]))
    line = err.splitlines()[-1] if err else "(no message)"
    return line.replace("|", "\\|")


class Series:
    """Samples of one measured thing."""

    def __init__(self, name):
        self.name = name
        self.wall = []
        self.rss = []
        self.cpu = []

    def add(self, wall, rss, cpu=0.0):
        self.wall.append(wall)
        self.rss.append(rss)
        self.cpu.append(cpu)

    def cpu_med(self):
        return statistics.median(self.cpu) if self.cpu else 0

    def med(self):
        return statistics.median(self.wall)

    def rss_med(self):
        return statistics.median(self.rss) if self.rss else 0

    def cell(self):
        return "%.3f (%.3f-%.3f)" % (self.med(), min(self.wall),
                                     max(self.wall))

    def rss_cell(self):
        if not any(self.rss):
            return "-"
        return "%.1f (%.1f-%.1f)" % (self.rss_med() / 1024,
                                     min(self.rss) / 1024,
                                     max(self.rss) / 1024)


def alternate(runner, runs, entries):
    """entries: [(Series, cmd, cwd, shell, before)]; runs them round-robin,
    reversing the order every other round. |before| (a callable or None)
    runs untimed before each sample, e.g. to remove an old output."""
    for r in range(runs):
        order = entries if r % 2 == 0 else list(reversed(entries))
        for series, cmd, cwd, shell, before in order:
            if before:
                before()
            series.add(*runner.run(cmd, cwd=cwd, shell=shell))


def rm(*paths):
    def f():
        for p in paths:
            if os.path.isdir(p):
                shutil.rmtree(p)
            elif os.path.exists(p):
                os.remove(p)
    return f


# ---- inputs ----------------------------------------------------------------

def system_binaries():
    """ELF files from /usr/bin and the multiarch library folder (*.so*),
    sorted, so every run and machine of the same install gets the same
    bytes."""
    libdir = "/usr/lib/%s-linux-gnu" % platform.machine()
    if not os.path.isdir(libdir):
        libdir = "/usr/lib"
    out = []
    for base, want_so in (("/usr/bin", False), (libdir, True)):
        for root, dirs, files in os.walk(base):
            dirs.sort()
            for f in sorted(files):
                p = os.path.join(root, f)
                if os.path.islink(p) or not os.path.isfile(p):
                    continue
                if want_so and ".so" not in f:
                    continue
                try:
                    with open(p, "rb") as fh:
                        if fh.read(4) != b"\x7fELF":
                            continue
                except OSError:
                    continue
                out.append(p)
    return out


def gen_input(path, size, files):
    """|size| bytes of the system's binaries concatenated (cycling through
    them again if they are fewer bytes than |size|)."""
    if os.path.exists(path) and os.path.getsize(path) == size:
        return
    log("generating %s (%s)" % (path, size_name(size)))
    n = 0
    with open(path + ".part", "wb") as o:
        while n < size:
            for p in files:
                try:
                    with open(p, "rb") as f:
                        b = f.read(size - n)
                except OSError:
                    continue
                o.write(b)
                n += len(b)
                if n >= size:
                    break
    os.replace(path + ".part", path)


def gen_drivers(folder, files, total=4 * MIB):
    """A driver package folder of about |total| bytes of shared objects."""
    if os.path.isdir(folder):
        return
    os.makedirs(folder + ".part", exist_ok=True)
    got = 0
    i = 0
    for p in files:
        if ".so" not in p:
            continue
        s = os.path.getsize(p)
        if 200 * 1024 < s < MIB and got + s <= total:
            shutil.copy(p, os.path.join(folder + ".part", "mod%02d.ko" % i))
            got += s
            i += 1
    os.rename(folder + ".part", folder)


PROFILE = """\
oem_id: bench-oem
boards: [bench-board]
flash:
  size: %(flash)dMiB
  erase_block: 64KiB
  boot_stage: {offset: 0, size: 1MiB}
  boot_state: {offset: 1MiB, size: 128KiB}
  slot_a: {offset: 2MiB, size: %(slot)dMiB}
  slot_b: {offset: %(slot_b)dMiB, size: %(slot)dMiB}
image:
  section_alignment: 4096
  compression_level: %(level)d
  digest: sha256
  signature_slots: 1
keys:
  algorithms: [ecdsa-p256-sha256]
drivers:
  allow_vendors: [bench-drv]
"""

# Where the slots start in every bench profile, and their default size (the
# build profiles; the update bench sizes its flash to its image).
SLOT_A_OFFSET = 2 * MIB
BUILD_SLOT = 4 << 30


def profile_text(level, slot=BUILD_SLOT):
    """The bench OEM profile; |slot| bytes per slot, a multiple of 1 MiB."""
    return PROFILE % {"level": level, "slot": slot >> 20,
                      "slot_b": (SLOT_A_OFFSET + slot) >> 20,
                      "flash": (SLOT_A_OFFSET + 2 * slot) >> 20}


MANIFEST = """\
image:
  name: bench
  version: 1.0.0
  security_version: 1
  build_epoch: 1764201600
core:
  path: %s
  format: raw
  load_address: 0x100000
  entry_point: 0x100000
drivers:
  - vendor: bench-drv
    version: 1.0.0
    path: drivers/bench-drv
boot_config:
  console: ttyS0
"""

ITS = """\
/dts-v1/;
/ {
    description = "hvimage bench payload";
    #address-cells = <1>;
    images {
        core {
            description = "hypervisor core";
            data = /incbin/("core.zst");
            type = "kernel";
            arch = "x86_64";
            os = "linux";
            compression = "zstd";
            load = <0x100000>;
            entry = <0x100000>;
            hash-1 { algo = "sha256"; };
        };
        drivers {
            description = "driver packages";
            data = /incbin/("drivers.tar.zst");
            type = "firmware";
            arch = "x86_64";
            compression = "none";
            hash-1 { algo = "sha256"; };
        };
    };
    configurations {
        default = "conf-1";
        conf-1 {
            description = "bench";
            kernel = "core";
            loadables = "drivers";
            signature-1 {
                algo = "sha256,rsa3072";
                key-name-hint = "dev";
                sign-images = "kernel", "loadables";
            };
        };
    };
};
"""


# ---- verify and update helpers ----------------------------------------------

# The core of the image slot A holds in the update bench: small enough for
# the bundled stage's RAM windows.
SLOT_A_CORE = 1 * MIB
# What the update bench installs: the 1 MiB core, the drivers and one
# extra section of this much machine code. `update install` applies the
# bundled stage's RAM windows (a 15 MiB core window, a 192 MiB payload
# window for every section's stored and unpacked copy), so a 64 MiB core
# cannot be installed on that device at all; 128 MiB of payload (plus its
# ~40 MiB stored copy and the drivers) is about the most it takes.
INSTALL_PAYLOADS = [16 * MIB, 64 * MIB, 128 * MIB]

INSTALL_MANIFEST = MANIFEST + """\
sections:
  - name: payload
    path: %s
"""


def core_frame(hv, img, core, out):
    """A zstd stream of |img|'s core for the verify peer to decompress:
    the image's own core section (its bytes, cut out of the image) when
    `inspect --json` names one that is one valid zstd stream, else |core|
    compressed by `zstd -3`. Returns (path, True if from the image)."""
    try:
        info = json.loads(subprocess.run(
            [hv, "inspect", "--json", img], check=True,
            stdout=subprocess.PIPE).stdout)
        sec = [x for x in info["metadata"]["sections"]
               if x.get("type") == "core"][0]
        if sec.get("compression") == "zstd":
            left = int(sec["stored_size"])
            with open(img, "rb") as f, open(out, "wb") as o:
                # Version 2: the stored bytes follow the chunk table.
                f.seek(int(sec.get("data_offset", sec["offset"])))
                while left:
                    chunk = f.read(min(left, 8 * MIB))
                    if not chunk:
                        break
                    o.write(chunk)
                    left -= len(chunk)
            if left == 0 and subprocess.run(
                    ["zstd", "-t", "-q", out], stderr=subprocess.DEVNULL
            ).returncode == 0:
                return out, True
    except (subprocess.CalledProcessError, ValueError, KeyError,
            IndexError, TypeError):
        pass
    subprocess.run(["zstd", "-3", "-T2", "-q", "-f", core, "-o", out],
                   check=True)
    return out, False


def round_up(n, to):
    return (n + to - 1) // to * to


def bench_install(runner, runs, hv, work, stage, pub, img_a, img, s, keep):
    """`hvimage update install` of |img| into a fresh factory flash, and
    its peer. Returns (size, image bytes, slot bytes, Series or None,
    peer Series, refusal or None)."""
    isz = os.path.getsize(img)
    # Each slot just holds the image, rounded up to 64 MiB: `assemble`
    # writes every byte of the flash (0xFF where nothing is) and
    # `install` checks that the rest of its slot reads erased, so a
    # larger slot would only add writes and reads that have nothing to do
    # with the image.
    slot = round_up(isz, 64 * MIB)
    prof = os.path.join(work, "profile-flash-%d.yaml" % (s >> 20))
    with open(prof, "w") as f:
        f.write(profile_text(3, slot))
    flash = os.path.join(work, "flash-%d.bin" % (s >> 20))
    target = os.path.join(work, "dd-%d.bin" % (s >> 20))
    rm(flash, target)()
    subprocess.run([hv, "assemble", "-q", "-p", prof, "--stage", stage,
                    "--key", pub, "--board", "bench-board", "--slot-a",
                    img_a, "-o", flash], check=True,
                   stdout=subprocess.DEVNULL)
    with open(target, "wb") as f:
        f.truncate(os.path.getsize(flash))
    icmd = [hv, "update", "--flash", flash, "install", img]
    peer = ("dd if='%s' of='%s' bs=1M seek=%d conv=notrunc,fsync "
            "status=none && sha256sum '%s' >/dev/null" % (
                img, target, (SLOT_A_OFFSET + slot) >> 20, img))
    us, ps = Series("hvimage update install"), Series("dd + sha256sum")
    # Warm-up (untimed): reads the image into the page cache, and has dd
    # allocate the blocks it writes, so every timed run of either
    # overwrites blocks that exist. Its exit says whether the device takes
    # the image at all.
    rc, err = runner.attempt(icmd)
    why = None if rc == 0 else refusal(rc, err, "hvimage update install")
    runner.run(peer, shell=True)
    alternate(runner, runs, ([] if why else [
        (us, icmd, None, False, None)]) + [(ps, peer, None, True, None)])
    if not keep:
        rm(flash, target)()
    return s, isz, slot, None if why else us, ps, why


def refused_notes(rows, emit):
    """Below a table: why hvimage refused the rows it did not measure."""
    notes = [(s, why) for s, why in rows if why]
    if notes:
        emit()
        emit("Refused by hvimage (exit 1), so not timed:")
        emit()
        for s, why in notes:
            emit("- %s: `%s`" % (size_name(s), why.replace("`", "'")))
    emit()


# ---- the harness -----------------------------------------------------------

def sh_out(cmd):
    try:
        return subprocess.run(cmd, shell=True, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT).stdout.decode(
                                  errors="replace").strip()
    except OSError:
        return "?"


def environment():
    cpu = "?"
    flags = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and cpu == "?":
                cpu = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not flags:
                flags = line
    thp = sh_out("cat /sys/kernel/mm/transparent_hugepage/enabled")
    return [
        ("CPU", "%s, %d online, SHA extensions: %s" % (
            cpu, os.cpu_count(), "yes" if " sha_ni" in flags else "no")),
        ("kernel", platform.release()),
        ("transparent huge pages", thp),
        ("zstd", sh_out("zstd --version")),
        ("openssl", sh_out("openssl version")),
        ("mkimage", sh_out("mkimage -V") if shutil.which("mkimage")
         else "not installed (apt-get install u-boot-tools)"),
        ("load average at start", open("/proc/loadavg").read().strip()),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="64 MiB only, 3 runs, short micro-benchmarks")
    ap.add_argument("--sizes", help="core sizes, e.g. 64M,512M,2G "
                    "(default: 64M,512M,2G; --quick: 64M)")
    ap.add_argument("--runs", type=int, help="runs per measurement "
                    "(default 5; --quick 3)")
    ap.add_argument("--l19-size", help="input for the level-19 comparison "
                    "(default 64M; --quick 16M)")
    ap.add_argument("--workdir", default="/tmp/hvimage-bench",
                    help="inputs and outputs (default /tmp/hvimage-bench)")
    ap.add_argument("--builddir", default="/tmp/hvimage-bench-build",
                    help="meson build folder (default "
                    "/tmp/hvimage-bench-build)")
    ap.add_argument("--nice", type=int, default=0,
                    help="run every timed command (hvimage and peers "
                    "alike) under nice -n N, e.g. -5 on a shared machine "
                    "(negative values need root)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the generated inputs (GiBs) for the next run")
    a = ap.parse_args()

    sizes = [parse_size(s) for s in (a.sizes or
                                     ("64M" if a.quick else
                                      "64M,512M,2G")).split(",")]
    runs = a.runs or (3 if a.quick else 5)
    l19 = parse_size(a.l19_size or ("16M" if a.quick else "64M"))
    main_size = 512 * MIB if 512 * MIB in sizes else max(sizes)
    work = os.path.abspath(a.workdir)
    os.makedirs(work, exist_ok=True)
    runner = Runner(work, a.nice)
    if not runner.gnu_time:
        log("note: /usr/bin/time missing (apt-get install time): no RSS")
    for tool in ("zstd", "openssl"):
        if not shutil.which(tool):
            sys.exit("bench: %s is needed (apt-get install %s)" % (tool, tool))

    # -- build
    b = a.builddir
    if not os.path.exists(os.path.join(b, "build.ninja")):
        subprocess.run(["meson", "setup", b, SRC], check=True,
                       stdout=subprocess.DEVNULL)
    # The boot stage (x86-64 only) for the flash the update bench installs
    # into.
    stage_target = (["boot/stage/hvstage.bin"]
                    if platform.machine() == "x86_64" else [])
    subprocess.run(["ninja", "-C", b, "mkimage/cli/hvimage", "bench"] +
                   stage_target, check=True, stdout=subprocess.DEVNULL)
    hv = os.path.join(b, "mkimage/cli/hvimage")
    hvbench = os.path.join(b, "bench/hvbench")

    env = environment()
    out = []  # markdown lines

    def emit(line=""):
        out.append(line)
        print(line, flush=True)

    # -- inputs and keys
    files = system_binaries()
    gen_drivers(os.path.join(work, "drivers/bench-drv"), files)
    # The drivers as one tar, so the zstd peer compresses the same bytes
    # as the build: the core and the drivers (untimed, once).
    drv_tar = os.path.join(work, "drivers.tar")
    subprocess.run(["tar", "--sort=name", "--owner=0", "--group=0",
                    "--numeric-owner", "--mtime=@0", "-C",
                    os.path.join(work, "drivers"), "-cf", drv_tar,
                    "bench-drv"], check=True)
    cores = {}
    payloads = [64 * MIB] if a.quick else INSTALL_PAYLOADS
    for s in sorted(set(sizes + [l19, SLOT_A_CORE] + payloads)):
        cores[s] = os.path.join(work, "core-%d.bin" % (s >> 20))
        gen_input(cores[s], s, files)
    keys = {}
    for alg in ("ecdsa-p256-sha256", "ecdsa-p384-sha384",
                "rsa3072-pkcs1-sha256", "rsa4096-pkcs1-sha256"):
        k = os.path.join(work, "key-%s.pem" % alg)
        if not os.path.exists(k):
            subprocess.run([hv, "keygen", "--alg", alg, "-o", k], check=True,
                           stdout=subprocess.DEVNULL)
        keys[alg] = k
    for level in (3, 19):
        with open(os.path.join(work, "profile-l%d.yaml" % level), "w") as f:
            f.write(profile_text(level))
    for s, path in cores.items():
        with open(os.path.join(work, "m-%d.yaml" % (s >> 20)), "w") as f:
            f.write(MANIFEST % os.path.basename(path))
    for s in payloads:
        with open(os.path.join(work, "mi-%d.yaml" % (s >> 20)), "w") as f:
            f.write(INSTALL_MANIFEST % (os.path.basename(cores[SLOT_A_CORE]),
                                        os.path.basename(cores[s])))

    def build_cmd(s, level, outp, threads=2):
        return [hv, "build", "-q", "-m",
                os.path.join(work, "m-%d.yaml" % (s >> 20)),
                "-p", os.path.join(work, "profile-l%d.yaml" % level),
                "--key", keys["ecdsa-p256-sha256"], "--threads",
                str(threads), "-o", outp]

    emit("# hvimage benchmark")
    emit()
    emit("| environment | |")
    emit("|---|---|")
    for k, v in env:
        emit("| %s | %s |" % (k, v))
    emit("| runs per measurement | %d, alternating (order reversed every "
         "other round) |" % runs)
    emit("| command | `%s` |" % " ".join(["sh bench/run.sh"] + sys.argv[1:]))
    if a.nice:
        emit("| priority | every timed command under `nice -n %d` |" %
             a.nice)
    emit()

    # -- hashing
    log("hashing throughput")
    nice = ["nice", "-n", str(a.nice)] if a.nice else []
    h = json.loads(subprocess.run(
        nice + [hvbench, "hash", "--mib", "64" if a.quick else "256", "--reps",
         str(max(runs, 3)), cores[max(sizes)]],
        check=True, stdout=subprocess.PIPE).stdout)
    res = {r["name"]: r for r in h["results"]}
    emit("## Hashing (one %d MiB buffer, in process; GB/s = 1e9 bytes/s)"
         % (h["bytes"] >> 20))
    emit()
    emit("hv_crypto_native's SHA-256 runs: **%s**; all digests agree: %s"
         % (h["native_sha256_impl"], h["digests_agree"]))
    emit()
    emit("| implementation | GB/s median (min-max) | vs OpenSSL |")
    emit("|---|---|---|")
    for name in ("sha256 hvboot native", "sha256 hvboot portable",
                 "sha256 hvboot bearssl", "sha256 openssl",
                 "sha384 hvboot native", "sha384 openssl"):
        r = res[name]
        peer = res["sha256 openssl" if "256" in name else "sha384 openssl"]
        emit("| %s | %.3f (%.3f-%.3f) | %.2fx |" % (
            name, r["gbps_median"], r["gbps_min"], r["gbps_max"],
            r["gbps_median"] / peer["gbps_median"]))
    emit()
    native_ratio = (res["sha256 hvboot native"]["gbps_median"] /
                    res["sha256 openssl"]["gbps_median"])

    # -- signatures
    log("sign and verify per algorithm")
    sg = json.loads(subprocess.run(
        nice + [hvbench, "sig", "--seconds", "0.2" if a.quick else "0.5"] +
        list(keys.values()), check=True, stdout=subprocess.PIPE).stdout)
    emit("## Signing and verifying (per operation, ms: median (min-max), "
         "operations)")
    emit()
    emit("| algorithm | sign (hvimage: OpenSSL) | verify (hvboot: BearSSL) "
         "| verify (OpenSSL) | hvboot / OpenSSL |")
    emit("|---|---|---|---|---|")
    for r in sg["results"]:
        def c(v):
            return "%.3f (%.3f-%.3f), %d" % tuple(v)
        emit("| %s | %s | %s | %s | %.1fx |" % (
            r["alg"], c(r["sign_ms"]), c(r["verify_hvboot_ms"]),
            c(r["verify_openssl_ms"]),
            r["verify_hvboot_ms"][0] / r["verify_openssl_ms"][0]))
    emit()

    # -- fresh memory: what hvimage verify's RAM costs on this machine
    log("first-touch memory cost")
    tm = json.loads(subprocess.run(
        nice + [hvbench, "touch", "--mib", str(main_size >> 20)],
        check=True, stdout=subprocess.PIPE).stdout)
    emit("## Fresh memory (first write to %d MiB; what `hvimage verify`'s "
         "section RAM costs here)" % tm["mib"])
    emit()
    emit("| pages | after 3 s idle, s | right after freeing as much, s |")
    emit("|---|---|---|")
    emit("| 4 KiB | %.3f | %.3f |" % (tm["small_cold_s"], tm["small_warm_s"]))
    emit("| 2 MiB (transparent huge pages) | %.3f | %.3f |" % (
        tm["huge_cold_s"], tm["huge_warm_s"]))
    emit()

    # -- the example image
    log("example build")
    ex_key = keys["ecdsa-p384-sha384"]
    ex_out = os.path.join(work, "example.hvi")
    ex_total, ex_start = Series("example build"), Series("start-up")
    alternate(runner, max(runs, 5), [
        (ex_total, [hv, "build", "-q", "-m",
                    os.path.join(SRC, "manifests/example.yaml"), "-p",
                    os.path.join(SRC, "oem-profiles/acme-servers.yaml"),
                    "--key", ex_key, "-o", ex_out], None, False, rm(ex_out)),
        (ex_start, [hv, "build", "--help"], None, False, None),
    ])
    loads = []
    for _ in range(max(runs, 5)):
        loads.append(json.loads(subprocess.run(
            nice + [hvbench, "load", os.path.join(SRC, "manifests/example.yaml"),
             os.path.join(SRC, "oem-profiles/acme-servers.yaml"), ex_key],
            check=True, stdout=subprocess.PIPE).stdout))
    yaml_ms = statistics.median(x["manifest_ms"] + x["profile_ms"]
                                for x in loads)
    key_ms = statistics.median(x["key_ms"] for x in loads)
    emit("## Example image (manifests/example.yaml, acme-servers: level 19, "
         "SHA-384, ECDSA P-384)")
    emit()
    emit("| part | ms, median |")
    emit("|---|---|")
    emit("| whole build, wall (min-max) | %.1f (%.1f-%.1f) |" % (
        ex_total.med() * 1e3, min(ex_total.wall) * 1e3,
        max(ex_total.wall) * 1e3))
    emit("| process start-up (`hvimage build --help`, wall) | %.1f |" %
         (ex_start.med() * 1e3))
    emit("| YAML: manifest + profile loading (in process, cold) | %.2f |"
         % yaml_ms)
    emit("| key loading: P-384 PEM (in process, cold; OpenSSL init) | %.2f |"
         % key_ms)
    emit("| the rest: drivers, compression, signing, fsync | %.1f |" % (
        (ex_total.med() - ex_start.med()) * 1e3 - yaml_ms - key_ms))
    emit("| peak RSS, MiB | %.1f |" % (ex_total.rss_med() / 1024))
    emit()

    # -- builds per size
    scaling = []
    main_build = main_zstd = main_zsum = None
    for s in sizes:
        log("build %s" % size_name(s))
        img = os.path.join(work, "img-%d.hvi" % (s >> 20))
        zout = os.path.join(work, "zstd-%d.zst" % (s >> 20))
        bs, zs = Series("hvimage build"), Series("zstd -3 -T2")
        hs = Series("zstd -3 -T2 && openssl dgst -sha256 core")
        zcmd = ["zstd", "-3", "-T2", "-q", "-f", cores[s], drv_tar, "-o",
                zout]
        # The SBOM names the core by its SHA-256 (docs/SUPPLY-CHAIN.md),
        # work zstd does not do: this peer does it too.
        # openssl, not coreutils' sha256sum: it uses the SHA extensions
        # as hvimage's OpenSSL does (sha256sum is 4x slower here).
        hcmd = ["sh", "-c", "zstd -3 -T2 -q -f '%s' '%s' -o '%s' && "
                "openssl dgst -sha256 '%s' > /dev/null" % (cores[s], drv_tar,
                                                           zout, cores[s])]
        # warm the page cache (untimed)
        runner.run(zcmd)
        alternate(runner, runs, [
            (bs, build_cmd(s, 3, img), None, False, rm(img)),
            (zs, zcmd, None, False, rm(zout)),
            (hs, hcmd, None, False, rm(zout)),
        ])
        scaling.append((s, bs, zs, os.path.getsize(img),
                        os.path.getsize(zout), hs))
        if s == main_size:
            main_build, main_zstd, main_zsum = bs, zs, hs
    # Same bytes whatever --threads: once, on the smallest input.
    s0 = min(sizes)
    t1 = os.path.join(work, "img-t1.hvi")
    t4 = os.path.join(work, "img-t4.hvi")
    runner.run(build_cmd(s0, 3, t1, threads=1))
    runner.run(build_cmd(s0, 3, t4, threads=4))
    # ECDSA signatures differ run to run: compare the signed metadata
    # (hvimage tbs) and everything from the first section on.
    def body(path):
        info = json.loads(subprocess.run([hv, "inspect", "--json", path],
                                         check=True,
                                         stdout=subprocess.PIPE).stdout)
        tbs = path + ".tbs"
        subprocess.run([hv, "tbs", path, "-o", tbs], check=True,
                       stdout=subprocess.DEVNULL)
        with open(tbs, "rb") as f:
            signed = f.read()
        os.remove(tbs)
        with open(path, "rb") as f:
            f.seek(info["metadata"]["sections"][0]["offset"])
            return signed, f.read()
    same_threads = (body(t1) == body(t4) ==
                    body(os.path.join(work, "img-%d.hvi" % (s0 >> 20))))
    rm(t1, t4)()

    emit("## Build: core + %.1f MiB of drivers, level 3, 2 threads, vs "
         "`zstd -3 -T2` of the same bytes" % (os.path.getsize(drv_tar) / MIB))
    emit()
    emit("Wall seconds, median (min-max); peak RSS MiB, median (min-max). "
         "zstd compresses the core and the drivers as one tar (`zstd -3 -T2 "
         "CORE drivers.tar -o OUT`, two frames, like the image's two "
         "sections); hvimage also reads the drivers from a folder, hashes, "
         "signs and fsyncs.")
    emit()
    emit("| core | hvimage build, s | zstd -3 -T2, s | ratio | zstd -3 -T2 "
         "&& openssl dgst -sha256 core, s | ratio | CPU s hvimage / zstd | hvimage "
         "RSS | zstd RSS | s per GiB | image / zstd bytes |")
    emit("|---|---|---|---|---|---|---|---|---|---|---|")
    for s, bs, zs, isz, zsz, hs in scaling:
        emit("| %s | %s | %s | %.3f | %s | %.3f | %.2f / %.2f | %s | %s | "
             "%.2f | %.4f |"
             % (size_name(s), bs.cell(), zs.cell(), bs.med() / zs.med(),
                hs.cell(), bs.med() / hs.med(),
                bs.cpu_med(), zs.cpu_med(), bs.rss_cell(), zs.rss_cell(),
                bs.med() / (s / (1 << 30)), isz / zsz))
    emit()
    emit("Images identical with --threads 1, 2 and 4 (%s input): %s" %
         (size_name(s0), "yes" if same_threads else "NO"))
    emit()

    # -- level 19
    log("level 19 on %s" % size_name(l19))
    img19 = os.path.join(work, "img-l19.hvi")
    z19 = os.path.join(work, "zstd-l19.zst")
    b19 = Series("hvimage build -19")
    zz19 = Series("zstd -19 -T2 core + drivers")
    zc19 = Series("zstd -19 -T2 core alone")
    alternate(runner, min(runs, 3), [
        (b19, build_cmd(l19, 19, img19), None, False, rm(img19)),
        (zz19, ["zstd", "-19", "-T2", "-q", "-f", cores[l19], drv_tar, "-o",
                z19], None, False, rm(z19)),
        (zc19, ["zstd", "-19", "-T2", "-q", "-f", cores[l19], "-o", z19],
         None, False, rm(z19)),
    ])
    emit("## Build at level 19 (%s core + drivers, 2 threads, %d runs)" % (
        size_name(l19), min(runs, 3)))
    emit()
    emit("At this level hvimage compresses the zstd sections after the core on "
         "one more thread beside it (the build prints \"later sections "
         "compressed beside the core\"). The last row gives zstd less work "
         "than hvimage: the core alone.")
    emit()
    emit("| | wall s, median (min-max) | CPU s | peak RSS MiB | hvimage / "
         "this |")
    emit("|---|---|---|---|---|")
    emit("| hvimage build | %s | %.2f | %s | 1 |" % (
        b19.cell(), b19.cpu_med(), b19.rss_cell()))
    emit("| `zstd -19 -T2 CORE drivers.tar` (same bytes) | %s | %.2f | %s | "
         "%.3f |" % (zz19.cell(), zz19.cpu_med(), zz19.rss_cell(),
                     b19.med() / zz19.med()))
    emit("| `zstd -19 -T2 CORE` (core alone) | %s | %.2f | %s | %.3f |" % (
        zc19.cell(), zc19.cpu_med(), zc19.rss_cell(), b19.med() / zc19.med()))
    emit()
    rm(img19, z19)()

    # -- verify, at every size
    pub = keys["ecdsa-p256-sha256"][:-4] + ".pub.pem"
    verify_rows = []
    frames = {}
    for s in sizes:
        log("verify %s" % size_name(s))
        img = os.path.join(work, "img-%d.hvi" % (s >> 20))
        frames[s] = core_frame(hv, img, cores[s], os.path.join(
            work, "core-%d.zst" % (s >> 20)))
        # --no-ram-check: the bundled stage's device (256 MiB of RAM)
        # cannot hold these cores; verify's own work is what is timed.
        vcmd = [hv, "verify", "--key", pub, "--board", "bench-board",
                "--oem", "bench-oem", "--no-rollback-check", "--no-ram-check",
                img]
        peer = ("openssl dgst -sha256 '%s' >/dev/null && "
                "zstd -d -q -c '%s' >/dev/null" % (img, frames[s][0]))
        vs, ps = Series("hvimage verify"), Series("openssl dgst + zstd -d")
        # The first run is the warm-up, and says whether hvimage accepts
        # the image at all (the stage's device policy may refuse it).
        rc, err = runner.attempt(vcmd)
        why = None if rc == 0 else refusal(rc, err, "hvimage verify")
        runner.run(peer, shell=True)
        alternate(runner, runs, ([] if why else [
            (vs, vcmd, None, False, None)]) + [(ps, peer, None, True, None)])
        verify_rows.append((s, os.path.getsize(img), None if why else vs,
                            ps, why))
    core_zst = frames[main_size][0]
    emit("## Verify: `hvimage verify` vs `openssl dgst -sha256` + `zstd -d`")
    emit()
    emit("Wall seconds, median (min-max); peak RSS MiB, median (min-max). "
         "The peer hashes the whole image file, then decompresses %s to "
         "/dev/null, in one `sh -c` (its RSS is the larger of the two)." %
         ("the image's own core section (its bytes, cut out of the image)"
          if frames[main_size][1] else
          "the core compressed by `zstd -3` (the image's core section is "
          "not one zstd stream)"))
    emit()
    emit("| core | image MiB | hvimage verify, s | peer, s | ratio | CPU s "
         "hvimage / peer | hvimage RSS | peer RSS |")
    emit("|---|---|---|---|---|---|---|---|")
    for s, isz, vs, ps, why in verify_rows:
        if vs:
            emit("| %s | %.1f | %s | %s | %.3f | %.2f / %.2f | %s | %s |" % (
                size_name(s), isz / MIB, vs.cell(), ps.cell(),
                vs.med() / ps.med(), vs.cpu_med(), ps.cpu_med(),
                vs.rss_cell(), ps.rss_cell()))
        else:
            emit("| %s | %.1f | refused (below) | %s | - | - / %.2f | - | "
                 "%s |" % (size_name(s), isz / MIB, ps.cell(), ps.cpu_med(),
                           ps.rss_cell()))
    refused_notes([(s, why) for s, _, _, _, why in verify_rows], emit)
    main_verify = [(vs, ps) for s, _, vs, ps, _ in verify_rows
                   if s == main_size][0]

    # -- update install into a flash file, at every size
    install_rows = []
    stage = os.path.join(b, "boot/stage/hvstage.bin")
    if os.path.exists(stage):
        # Slot A holds a small image the device accepts; every install
        # goes to slot B, the inactive one, and leaves A active, so each
        # run does the same work.
        img_a = os.path.join(work, "img-slot-a.hvi")
        runner.run(build_cmd(SLOT_A_CORE, 3, img_a))
        for s in payloads:
            log("update install, %s payload" % size_name(s))
            img_i = os.path.join(work, "img-install-%d.hvi" % (s >> 20))
            runner.run([hv, "build", "-q", "-m",
                        os.path.join(work, "mi-%d.yaml" % (s >> 20)), "-p",
                        os.path.join(work, "profile-l3.yaml"), "--key",
                        keys["ecdsa-p256-sha256"], "-o", img_i])
            install_rows.append(bench_install(
                runner, runs, hv, work, stage, pub, img_a, img_i, s, a.keep))
            if not a.keep:
                rm(img_i)()
        rm(img_a)()
        emit("## Update: `hvimage update --flash FLASH install IMAGE` vs `dd` "
             "+ `sha256sum`")
        emit()
        emit("Wall seconds, median (min-max); peak RSS MiB, median (min-max). "
             "FLASH is a factory flash from `hvimage assemble` (slot A: a "
             "1 MiB-core image, active); each install writes IMAGE into "
             "slot B, sized to the image rounded up to 64 MiB, and fsyncs. "
             "The peer is `dd if=IMAGE of=TARGET bs=1M seek=SLOT_B "
             "conv=notrunc,fsync && sha256sum IMAGE`, TARGET a sparse file "
             "of the flash's size (`truncate`).")
        emit()
        emit("The images: a 1 MiB core, the drivers and one extra section "
             "(`payload`) of the size in the first column, level 3. The "
             "bundled device (256 MiB of RAM) takes nothing much larger: "
             "a 64 MiB core or more is refused before the flash changes "
             "(its core window is 15 MiB), which is why these are not the "
             "verify table's images; the streaming code is the same.")
        emit()
        emit("| payload | image MiB | slot MiB | hvimage install, s | dd + "
             "sha256sum, s | ratio | CPU s hvimage / peer | hvimage RSS | "
             "peer RSS |")
        emit("|---|---|---|---|---|---|---|---|---|")
        for s, isz, slot, us, ps, why in install_rows:
            if us:
                emit("| %s | %.1f | %d | %s | %s | %.3f | %.2f / %.2f | %s "
                     "| %s |" % (size_name(s), isz / MIB, slot >> 20,
                                 us.cell(), ps.cell(), us.med() / ps.med(),
                                 us.cpu_med(), ps.cpu_med(), us.rss_cell(),
                                 ps.rss_cell()))
            else:
                emit("| %s | %.1f | %d | refused (below) | %s | - | - / %.2f "
                     "| - | %s |" % (size_name(s), isz / MIB, slot >> 20,
                                     ps.cell(), ps.cpu_med(), ps.rss_cell()))
        refused_notes([(r[0], r[5]) for r in install_rows], emit)
    else:
        emit("Update install not run: no boot stage was built (%s; the "
             "bundled stage is x86-64 only), and `update` needs a flash "
             "that holds one." % stage)
        emit()

    # -- U-Boot FIT
    if shutil.which("mkimage") and shutil.which("dtc"):
        log("U-Boot mkimage FIT")
        fd = os.path.join(work, "fit")
        os.makedirs(os.path.join(fd, "keys"), exist_ok=True)
        shutil.copy(core_zst, os.path.join(fd, "core.zst"))
        subprocess.run("tar --sort=name -C '%s' -cf - bench-drv | zstd -3 -q "
                       "-f -o '%s'" % (os.path.join(work, "drivers"),
                                       os.path.join(fd, "drivers.tar.zst")),
                       shell=True, check=True)
        if not os.path.exists(os.path.join(fd, "keys/dev.key")):
            subprocess.run(["openssl", "genrsa", "-out",
                            os.path.join(fd, "keys/dev.key"), "3072"],
                           check=True, stderr=subprocess.DEVNULL)
            subprocess.run(["openssl", "req", "-batch", "-new", "-x509",
                            "-key", os.path.join(fd, "keys/dev.key"),
                            "-subj", "/CN=dev", "-out",
                            os.path.join(fd, "keys/dev.crt")], check=True)
        with open(os.path.join(fd, "fit.its"), "w") as f:
            f.write(ITS)
        itb = os.path.join(fd, "fit.itb")
        fs, pipe, bs2 = (Series("mkimage FIT"), Series("zstd + mkimage"),
                         Series("hvimage build"))
        pipe_cmd = ("zstd -3 -T2 -q -f '%s' -o core.zst && "
                    "mkimage -q -f fit.its -k keys fit.itb" % cores[main_size])
        img2 = os.path.join(work, "img-fit-peer.hvi")
        alternate(runner, runs, [
            (fs, ["mkimage", "-q", "-f", "fit.its", "-k", "keys", "fit.itb"],
             fd, False, rm(itb)),
            (pipe, pipe_cmd, fd, True, rm(itb)),
            (bs2, build_cmd(main_size, 3, img2), None, False, rm(img2)),
        ])
        fit_size = os.path.getsize(itb)
        rm(img2)()
        emit("## U-Boot mkimage: a signed FIT of the same payload (%s core "
             "pre-compressed by zstd -3, drivers tar.zst; RSA-3072 "
             "signature over the configuration)" % size_name(main_size))
        emit()
        emit("| | wall s, median (min-max) | peak RSS MiB | vs hvimage "
             "build |")
        emit("|---|---|---|---|")
        emit("| mkimage -f fit.its -k keys (payload already compressed) | "
             "%s | %s | %.2f |" % (fs.cell(), fs.rss_cell(),
                                   fs.med() / bs2.med()))
        emit("| zstd -3 -T2 core && mkimage (the OEM flow) | %s | %s | "
             "%.2f |" % (pipe.cell(), pipe.rss_cell(),
                         pipe.med() / bs2.med()))
        emit("| hvimage build (same runs) | %s | %s | 1 |" % (
            bs2.cell(), bs2.rss_cell()))
        emit()
        emit("FIT size %.1f MiB. The pipeline's RSS column is the larger of "
             "its two processes." % (fit_size / MIB))
        emit()
        rm(fd)()
    else:
        emit("U-Boot mkimage not run: install u-boot-tools and "
             "device-tree-compiler.")
        emit()

    # -- targets
    rss = {s: bs.rss_med() for s, bs, _, _, _, _ in scaling}
    emit("## Targets")
    emit()
    emit("| target | measured | holds |")
    emit("|---|---|---|")

    def target(name, measured, ok):
        emit("| %s | %s | %s |" % (name, measured, "yes" if ok else "NO"))

    r3 = main_build.med() / main_zstd.med()
    target("build %s, level 3, 2 threads <= 1.10x zstd -3 -T2" %
           size_name(main_size), "%.3fx" % r3, r3 <= 1.10)
    r3h = main_build.med() / main_zsum.med()
    target("build %s, level 3, 2 threads <= 1.10x zstd -3 -T2 && openssl "
           "dgst -sha256 of the core (the SBOM's digest, issue 12)" %
           size_name(main_size),
           "%.3fx" % r3h, r3h <= 1.10)
    r19 = b19.med() / zz19.med()
    target("build level 19 <= 1.10x zstd -19 -T2, same bytes (%s)" %
           size_name(l19), "%.3fx" % r19, r19 <= 1.10)
    r19c = b19.med() / zc19.med()
    target("build level 19 <= 1.10x zstd -19 -T2 of the core alone (%s)" %
           size_name(l19), "%.3fx" % r19c, r19c <= 1.10)
    if any(rss.values()):
        m = rss[main_size] / 1024
        target("build peak RSS <= 64 MiB (%s)" % size_name(main_size),
               "%.1f MiB" % m, m <= 64)
        for s in sizes:
            if s != main_size:
                q = rss[s] / rss[main_size]
                target("RSS %s within 10%% of %s" % (
                    size_name(s), size_name(main_size)), "%.3fx" % q,
                    0.9 <= q <= 1.1)
    def not_measured(name):
        emit("| %s | not measured: hvimage refused the image | NO |" % name)

    vs, ps = main_verify
    rv = vs.med() / ps.med() if vs else None
    for limit, name in ((1.10, "verify <= 1.10x openssl dgst + zstd -d"),
                        (1.0, "verify <= 1.0x openssl dgst + zstd -d "
                         "(issue 10)")):
        name += " (%s)" % size_name(main_size)
        if rv is None:
            not_measured(name)
        else:
            target(name, "%.3fx" % rv, rv <= limit)
    if runner.gnu_time:
        for s, _, vs, _, _ in verify_rows:
            name = "verify peak RSS <= 64 MiB (%s)" % size_name(s)
            if vs:
                target(name, "%.1f MiB" % (vs.rss_med() / 1024),
                       vs.rss_med() <= 64 * 1024)
            else:
                not_measured(name)
    for s, _, _, us, ps, _ in install_rows:
        if s == max(r[0] for r in install_rows):
            name = ("update install <= 1.2x dd + sha256sum (%s payload)" %
                    size_name(s))
            if us:
                ri = us.med() / ps.med()
                target(name, "%.3fx" % ri, ri <= 1.2)
            else:
                not_measured(name)
    if runner.gnu_time:
        for s, _, _, us, _, _ in install_rows:
            name = ("update install peak RSS <= 64 MiB (%s payload)" %
                    size_name(s))
            if us:
                target(name, "%.1f MiB" % (us.rss_med() / 1024),
                       us.rss_med() <= 64 * 1024)
            else:
                not_measured(name)
    target("native SHA-256 >= 0.9x OpenSSL", "%.3fx" % native_ratio,
           native_ratio >= 0.9)
    target("example build < 0.2 s", "%.3f s" % ex_total.med(),
           ex_total.med() < 0.2)
    if len(scaling) > 1:
        per = [(s, bs.med() / s) for s, bs, _, _, _, _ in scaling]
        worst = max(p / per[0][1] for _, p in per)
        target("build time grows no worse than linearly (s per byte, "
               "largest / smallest)", "%.3fx" % (per[-1][1] / per[0][1]),
               worst <= 1.10)
    emit()
    emit("load average at end: %s" % open("/proc/loadavg").read().strip())

    with open(os.path.join(work, "results.md"), "w") as f:
        f.write("\n".join(out) + "\n")
    log("table written to %s" % os.path.join(work, "results.md"))
    if not a.keep:
        for p in list(cores.values()) + [
                f for f, _ in frames.values()] + [drv_tar] + [
                os.path.join(work, "img-%d.hvi" % (s >> 20)) for s in sizes
        ] + [os.path.join(work, "zstd-%d.zst" % (s >> 20)) for s in sizes]:
            if os.path.exists(p):
                os.remove(p)


if __name__ == "__main__":
    main()
