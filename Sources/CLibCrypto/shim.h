// OpenSSL's libcrypto, for SHA-256 only (TextFormats/SHA256.swift): its implementation uses
// the CPU's SHA extensions where they exist, several times faster than portable code.
#include <openssl/evp.h>
