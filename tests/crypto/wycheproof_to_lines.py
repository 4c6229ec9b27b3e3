#!/usr/bin/env python3
"""Convert a Wycheproof signature-verification JSON file into simple lines
for the C harness (test-wycheproof.c), and optionally run the harness.

One line per test:  tcId result pubhex msghex sighex
  result  valid | invalid | acceptable
  pubhex  the key as hvboot's trusted key records encode it:
          ECDSA: the uncompressed point 04 || X || Y;
          RSA:   the modulus, left-padded to the key size, then the public
                 exponent as 4 bytes big-endian.
  msghex, sighex: the raw message and signature; "-" when empty.

Every group must be of the kind --alg names (curve, hash, key size); a file
that does not match is an error, not something to skip.

  wycheproof_to_lines.py --alg p256 FILE              print the lines
  wycheproof_to_lines.py --alg p256 --harness EXE --format der FILE
        pipe the lines into `EXE ALG FORMAT NAME` and exit with its status
"""

import argparse
import json
import os
import subprocess
import sys

# Key record sizes from include/hvimage/format.h, through the constants
# file the build generates ($HV_CONST, tests/format-constants.c).
K = {}
for _line in open(os.environ['HV_CONST'], encoding='ascii'):
    _name, _value = _line.strip().split('=', 1)
    K[_name] = int(_value)

# alg -> (key kind, curve name or key bits, hash name, key record bytes)
ALGS = {
    'p256': ('ecdsa', 'secp256r1', 'SHA-256', K['HV_PUB_SIZE_P256']),
    'p384': ('ecdsa', 'secp384r1', 'SHA-384', K['HV_PUB_SIZE_P384']),
    'rsa3072': ('rsa', 3072, 'SHA-256', K['HV_PUB_SIZE_RSA3072']),
    'rsa4096': ('rsa', 4096, 'SHA-256', K['HV_PUB_SIZE_RSA4096']),
}
GROUP_TYPES = {
    'der': 'EcdsaVerify',
    'p1363': 'EcdsaP1363Verify',
    'pkcs1': 'RsassaPkcs1Verify',
}


class FormatError(Exception):
    pass


def hexfield(h):
    if not isinstance(h, str):
        raise FormatError('hex field is not a string')
    bytes.fromhex(h)  # validate
    return h.lower() if h else '-'


def ec_key(group, curve, size):
    pk = group['publicKey']
    if pk.get('curve') != curve:
        raise FormatError('group curve %r, expected %r'
                          % (pk.get('curve'), curve))
    point = bytes.fromhex(pk['uncompressed'])
    if len(point) != size or point[0] != 4:
        raise FormatError('uncompressed point of %d bytes' % len(point))
    return point.hex()


def rsa_key(group, bits, size):
    if group.get('keySize') != bits:
        raise FormatError('group key size %r, expected %d'
                          % (group.get('keySize'), bits))
    pk = group['publicKey']
    n = bytes.fromhex(pk['modulus'])
    if n[:1] == b'\x00':  # ASN.1 INTEGER sign byte
        n = n[1:]
    nlen = bits // 8
    if len(n) > nlen:
        raise FormatError('modulus longer than %d bytes' % nlen)
    e = int(pk['publicExponent'], 16)
    elen = K['HV_RSA_EXPONENT_SIZE']
    if not 0 < e < 2 ** (8 * elen):
        raise FormatError('public exponent does not fit %d bytes' % elen)
    if nlen + elen != size:
        raise FormatError('key record of %d bytes, format.h says %d'
                          % (nlen + elen, size))
    return (n.rjust(nlen, b'\x00') + e.to_bytes(elen, 'big')).hex()


def convert(path, alg, fmt):
    kind, param, sha, keysize = ALGS[alg]
    want_type = GROUP_TYPES[fmt]
    if (kind == 'rsa') != (fmt == 'pkcs1'):
        raise FormatError('format %s does not fit algorithm %s' % (fmt, alg))
    with open(path, encoding='utf-8') as f:
        doc = json.load(f)
    lines = []
    for group in doc['testGroups']:
        if group.get('type') != want_type:
            raise FormatError('group type %r, expected %r'
                              % (group.get('type'), want_type))
        if group.get('sha') != sha:
            raise FormatError('group hash %r, expected %r'
                              % (group.get('sha'), sha))
        if kind == 'ecdsa':
            pub = ec_key(group, param, keysize)
        else:
            pub = rsa_key(group, param, keysize)
        for t in group['tests']:
            if t['result'] not in ('valid', 'invalid', 'acceptable'):
                raise FormatError('tcId %s: result %r' % (t['tcId'],
                                                         t['result']))
            lines.append('%d %s %s %s %s' % (int(t['tcId']), t['result'], pub,
                                            hexfield(t['msg']),
                                            hexfield(t['sig'])))
    if len(lines) != doc.get('numberOfTests', len(lines)):
        raise FormatError('%d tests, file says %s'
                          % (len(lines), doc.get('numberOfTests')))
    if not lines:
        raise FormatError('no tests in file')
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--alg', required=True, choices=sorted(ALGS))
    ap.add_argument('--format', choices=sorted(GROUP_TYPES))
    ap.add_argument('--harness', help='C harness to pipe the lines into')
    ap.add_argument('json')
    args = ap.parse_args()
    fmt = args.format or ('pkcs1' if args.alg.startswith('rsa') else 'p1363')

    try:
        lines = convert(args.json, args.alg, fmt)
    except (OSError, ValueError, KeyError, TypeError, FormatError) as e:
        print('%s: %s' % (args.json, e), file=sys.stderr)
        return 1

    data = ''.join(line + '\n' for line in lines)
    if not args.harness:
        sys.stdout.write(data)
        return 0
    name = os.path.basename(args.json)
    proc = subprocess.run([args.harness, args.alg, fmt, name],
                          input=data.encode('ascii'), check=False)
    return proc.returncode if proc.returncode >= 0 else 1


if __name__ == '__main__':
    sys.exit(main())
