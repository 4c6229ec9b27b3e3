#!/bin/sh
# Regenerates the key fixtures used by tests/signing (test keys only: never
# use them for anything else). Run from this folder with the openssl CLI.
# The keys that hvimage accepts are generated at test time instead; these
# files are the ones it must refuse, plus PEM forms keygen never writes.
set -eu
q() { "$@" 2>/dev/null; }

# Refused key types: private (PKCS#8) and public (SPKI) halves.
q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out p521.pem
q openssl genpkey -algorithm ED25519 -out ed25519.pem
q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2048.pem
# OpenSSL rounds a two-prime 3073-bit request down to a 3072-bit modulus;
# three primes give the odd size.
until q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3073 \
        -pkeyopt rsa_keygen_primes:3 -out rsa3073.pem &&
      openssl pkey -in rsa3073.pem -noout -text | grep -q '(3073 bit'; do :; done
q openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:3072 -out rsa-pss.pem
q openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out dsa-params.tmp
q openssl genpkey -paramfile dsa-params.tmp -out dsa.pem
rm -f dsa-params.tmp
for k in p521 ed25519 rsa2048 rsa3073 rsa-pss dsa; do
    openssl pkey -in "$k.pem" -pubout -out "$k.pub.pem"
done

# Encrypted private keys (passphrase "test"): PKCS#8 and traditional.
q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out plain.tmp
openssl pkcs8 -topk8 -v2 aes-256-cbc -in plain.tmp -passout pass:test \
    -out encrypted-pkcs8.pem
openssl ec -in plain.tmp -aes256 -passout pass:test -out encrypted-traditional.pem 2>/dev/null
rm -f plain.tmp

# Not keys at all.
printf 'this is not a key\n\001\002\377\n' > garbage.pem
: > empty.pem

# Accepted, in forms hvimage keygen never writes: traditional EC with an
# "EC PARAMETERS" block first (openssl ecparam -genkey), traditional RSA.
q openssl ecparam -name prime256v1 -genkey -out ec-params-first.pem
q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out rsa.tmp
openssl pkey -in rsa.tmp -traditional -out rsa3072-traditional.pem
rm -f rsa.tmp
# P-256 with explicit curve parameters instead of the curve's name.
q openssl ecparam -name prime256v1 -param_enc explicit -genkey -noout \
    -out ec-explicit.pem
openssl pkey -in ec-explicit.pem -pubout -out ec-explicit.pub.pem
