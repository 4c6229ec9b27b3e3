#!/usr/bin/env python3
"""docs/FORMAT.md, include/hvimage/format.h and hvboot.h must agree.

Every HV_* constant in the doc's tables must exist in the header with the
same value, the doc's field tables must match the header's offsets, and the
doc's table of verification results must list every hv_result of hvboot.h
with its explicit value, and no other.
Exits non-zero on any mismatch, and if it found too few constants to mean
anything.
"""
import re
import sys

header_path, doc_path, hvboot_path = sys.argv[1], sys.argv[2], sys.argv[3]
defines = {}
text = open(header_path, encoding="utf-8").read().replace("\\\n", " ")
for line in text.splitlines():
    m = re.match(r"#define\s+(HV_\w+)\s+(.+?)\s*(/\*.*)?$", line)
    if m:
        defines[m.group(1)] = m.group(2)

def value(name, depth=0):
    expr = defines[name]
    expr = re.sub(r"UINT64_C\((\w+)\)", r"\1", expr)
    expr = re.sub(r"\b(0x[0-9A-Fa-f]+|\d+)u\b", r"\1", expr)
    expr = re.sub(r"\bHV_\w+\b", lambda m: str(value(m.group(0), depth + 1)), expr)
    return int(eval(expr, {"__builtins__": {}}))

doc = open(doc_path, encoding="utf-8").read()
failures = 0
checked = 0
for name, val in re.findall(r"^\| (HV_\w+) \| (\d+) \|", doc, re.M):
    checked += 1
    if name not in defines:
        print(f"FORMAT.md names {name}, which format.h does not define")
        failures += 1
    elif value(name) != int(val):
        print(f"{name}: FORMAT.md says {val}, format.h says {value(name)}")
        failures += 1

# Field tables: "| offset | size | field |" rows, checked against the
# header's *_OFF_* constants by field name.
tables = {
    "Fixed header": ("HV_HDR_OFF_", {"magic": "MAGIC", "format_version": "FORMAT_VERSION",
        "metadata_size": "METADATA_SIZE", "signature_slots": "SIGNATURE_SLOTS",
        "flags": "FLAGS", "image_size": "IMAGE_SIZE", "trust_size": "TRUST_SIZE",
        "reserved": "RESERVED"}),
    "Metadata (offset 64": ("HV_META_OFF_", {"image_name": "IMAGE_NAME",
        "image_version": "IMAGE_VERSION", "oem_id": "OEM_ID",
        "security_version": "SECURITY_VERSION", "build_epoch": "BUILD_EPOCH",
        "digest_alg": "DIGEST_ALG", "section_count": "SECTION_COUNT",
        "board_count": "BOARD_COUNT", "section_align": "SECTION_ALIGN",
        "chunk_log2": "CHUNK_LOG2", "core_kind": "CORE_KIND",
        "trust_digest": "TRUST_DIGEST", "reserved": "RESERVED",
        "min_security_version": "MIN_SECURITY_VERSION"}),
    "Section entry": ("HV_SEC_OFF_", {"type": "TYPE", "compression": "COMPRESSION",
        "name": "NAME", "offset": "OFFSET", "stored_size": "STORED_SIZE",
        "unpacked_size": "UNPACKED_SIZE", "load_address": "LOAD_ADDRESS",
        "entry_point": "ENTRY_POINT", "digest": "DIGEST"}),
    "Signature block": ("HV_SIG_OFF_", {"key_id": "KEY_ID", "sig_len": "SIG_LEN",
        "reserved": "RESERVED", "signature": "SIG"}),
}
for heading, (prefix, fields) in tables.items():
    start = doc.find("## " + heading) if ("## " + heading) in doc else doc.find("### " + heading)
    if start < 0:
        print(f"FORMAT.md has no section '{heading}'")
        failures += 1
        continue
    body = doc[start:]
    seen = set()
    for off, _size, field in re.findall(r"^\| (\d+) \| (\d+) \| (\w+) \|", body, re.M):
        if field not in fields or field in seen:
            break  # past this table
        seen.add(field)
        checked += 1
        want = value(prefix + fields[field])
        if int(off) != want:
            print(f"{heading}: {field} at {off} in FORMAT.md, {want} in format.h")
            failures += 1
    if seen != set(fields):
        print(f"{heading}: FORMAT.md misses fields {sorted(set(fields) - seen)}")
        failures += 1

# hv_result: every enumerator has an explicit "= N" (values are published),
# and FORMAT.md's results table lists exactly those.
hvboot = open(hvboot_path, encoding="utf-8").read()
enum = hvboot[hvboot.index("typedef enum hv_result {"):hvboot.index("} hv_result;")]
results = {}
for line in enum.splitlines()[1:]:
    m = re.match(r"\s+(HV_\w+)(\s*=\s*(\d+))?", line)
    if not m:
        continue
    if m.group(3) is None:
        print(f"hvboot.h: {m.group(1)} has no explicit value")
        failures += 1
        continue
    results[m.group(1)] = int(m.group(3))
results.pop("HV_RESULT_COUNT", None)
if sorted(results.values()) != list(range(len(results))):
    print("hvboot.h: hv_result values are not 0..N-1 without gaps or repeats")
    failures += 1
doc_results = {n: int(v) for v, n in re.findall(r"^\| (\d+) \| (HV_(?:OK|ERR_\w+)) \|", doc, re.M)}
if doc_results != results:
    print(f"FORMAT.md results table differs from hvboot.h: "
          f"{sorted(set(doc_results.items()) ^ set(results.items()))}")
    failures += 1
checked += len(results)

print(f"{checked} values compared, {failures} mismatches")
sys.exit(1 if failures or checked < 30 else 0)
