#!/usr/bin/env python3
"""ATTACKS.md's expected results against what a run of attack-verify gave.

  index.py ATTACKS.md RUN_OUTPUT [OTHER_OUTPUT]

RUN_OUTPUT holds attack-verify's lines: "PASS name result ..." or
"FAIL name result: why" (atk_run() in atk_common.c), the result being what
hv_verify() returned. Two parts of ATTACKS.md say what a case must give:

- the appendix, one row per case ("| `name` | result |"): every case run
  must have a row with its result, and every row a case;
- the "expected" column of the attack-class table: the names in a row's
  test(s) column form groups, each ended by a parenthesis or a ';'. A
  group's cases must give the result its parenthesis states
  ("`a`, `b` (`region`)"), else one the row's expected column names.
  Rows that name no result ("refused") and names that are not attack-verify
  cases (other tests) are not checked; a snake_case word where a result
  belongs that is no result name is reported.

OTHER_OUTPUT holds the lines of the other attack programs (attack-drivers,
attack-yaml): "PASS name: message" or "FAIL name: ...". A case of theirs
named in the class table must have passed, and where the row's expected
column quotes a message ("duplicate key"), its message must contain it.

Prints each disagreement; exits 1 if there is any, or if nothing was read.
"""
import re
import sys

doc = open(sys.argv[1], encoding="utf-8").read()
ran = {}
for line in open(sys.argv[2], encoding="utf-8", errors="replace"):
    f = line.split()
    # "PASS golden FILE ..." and "PASS ceiling-zstd-workspace: ..." are the
    # direct decoder checks of atk_golden_direct(), not table cases.
    if len(f) >= 3 and f[0] in ("PASS", "FAIL") and f[1] != "golden" \
            and not f[1].endswith(":"):
        ran[f[1]] = f[2].rstrip(":")

other = {}
if len(sys.argv) > 3:
    for line in open(sys.argv[3], encoding="utf-8", errors="replace"):
        m = re.match(r"(PASS|FAIL) (\S+): (.*)$", line)
        if m:
            other[m.group(2)] = (m.group(1), m.group(3))

bad = []

# ---- the appendix ---------------------------------------------------------
appendix = doc[doc.index("## Appendix"):]
want = {}
for name, result in re.findall(r"^\| `([^`]+)` \| ([^|]+?) \|$", appendix,
                               re.M):
    want[name] = result.strip()
for name, got in sorted(ran.items()):
    if name not in want:
        bad.append(f"case {name} (result {got}) has no row in the appendix")
    elif want[name] != got:
        bad.append(f"{name}: the appendix says {want[name]}, the run gave {got}")
for name in sorted(set(want) - set(ran)):
    bad.append(f"appendix row {name}: no such case ran")

# ---- the attack-class table -----------------------------------------------
# Result names are what the run and the appendix use (hv_result_name()); a
# snake_case word that is none of them where a result belongs is reported,
# so a stale name cannot pass as prose.
known = set(ran.values()) | set(want.values())


def claims(text):
    """The result names |text| states; or, when it states none but begins
    with a snake_case word (`crypto_error`), that word as unknown."""
    words = re.findall(r"`([^`]+)`", text)
    out = [t for t in words if t in known]
    if not out and words and \
            re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+", words[0]) and \
            not words[0].startswith("hv_"):
        return [], [words[0]]
    return out, []


classes = doc[doc.index("## Attack classes"):]
classes = classes[:classes.index("\n#", 1)]
class_checks = 0
for line in classes.splitlines():
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) != 3 or cells[0] in ("class", "") or \
            set(cells[0]) <= set("-"):
        continue
    tests, expected = cells[1], cells[2]
    row_results, unknown = claims(expected)
    for u in unknown:
        bad.append(f"class table ({cells[0]}): {u} is no result name")

    quoted = re.findall(r'"([^"]+)"', expected)

    def check(names, results, where):
        global class_checks
        for n in names:
            if n in other:
                class_checks += 1
                status, msg = other[n]
                if status != "PASS":
                    bad.append(f"{n}: failed in its own program: {msg}")
                elif quoted and not any(q in msg for q in quoted):
                    wanted = " or ".join('"%s"' % q for q in quoted)
                    bad.append(f"{n}: the class table ({cells[0]}) expects "
                               f"{wanted}, the run said: {msg}")
            if n in ran and results:
                class_checks += 1
                if ran[n] not in results:
                    bad.append(f"{n}: the class table ({cells[0]}) {where} "
                               f"{' or '.join(results)}, the run gave "
                               f"{ran[n]}")

    # A group of names ends at a parenthesis or a ';'. A parenthesis that
    # states a result is the group's; otherwise the row's expected column.
    pending = []
    for m in re.finditer(r"`([^`]+)`|\(([^()]*)\)|;", tests):
        if m.group(1) is not None:
            pending.append(m.group(1))
            continue
        stated, unknown = claims(m.group(2) or "")
        for u in unknown:
            bad.append(f"class table ({cells[0]}): {u} is no result name")
        if unknown:
            pass
        elif stated:
            check(pending, stated[:1], "says")
        else:
            check(pending, row_results, "expects")
        pending = []
    check(pending, row_results, "expects")

for b in bad:
    print("FAIL:", b)
print(f"{len(want)} appendix rows, {len(ran)} cases run, {class_checks} "
      f"class-table checks, {len(bad)} disagreements")
sys.exit(1 if bad or not want or not ran or not class_checks else 0)
