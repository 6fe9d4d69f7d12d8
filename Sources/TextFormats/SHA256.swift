#if canImport(Glibc)
import Glibc
#endif

import CLibCrypto

/// SHA-256 (FIPS 180-4), for the content hashes that identify submissions and reference data
/// in summaries and keep a file from being taken twice.
///
/// The digest is OpenSSL's (libcrypto's EVP interface): every submission byte is hashed on the
/// staging thread, and OpenSSL uses the CPU's SHA instructions where it has them, about four
/// times faster than the best portable Swift we wrote (docs/ingest.md, "The stager around the
/// reader").
public struct SHA256 {
    /// The OpenSSL context, copied before a shared one is changed, so a copied hasher is an
    /// independent value as a struct should be.
    private final class Context {
        let pointer: OpaquePointer

        init() {
            guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
                fatalError("OpenSSL cannot make a SHA-256 context")
            }
            pointer = context
        }

        init(copying other: Context) {
            guard let context = EVP_MD_CTX_new(), EVP_MD_CTX_copy_ex(context, other.pointer) == 1 else {
                fatalError("OpenSSL cannot copy a SHA-256 context")
            }
            pointer = context
        }

        deinit { EVP_MD_CTX_free(pointer) }
    }

    private var context = Context()

    public init() {}

    private mutating func uniqueContext() -> OpaquePointer {
        if !isKnownUniquelyReferenced(&context) { context = Context(copying: context) }
        return context.pointer
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        guard EVP_DigestUpdate(uniqueContext(), base, bytes.count) == 1 else {
            fatalError("OpenSSL failed to hash \(bytes.count) bytes")
        }
    }

    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// The hex digest; the hasher starts over afterwards.
    public mutating func finalize() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(uniqueContext(), &digest, &length) == 1, length == 32 else {
            fatalError("OpenSSL failed to finish a SHA-256 digest")
        }
        context = Context()
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hex digest of a file, read in 1 MiB blocks.
    public static func hexDigest(ofFileAt path: String) throws -> (sha256: String, bytes: Int64) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total: Int64 = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "read", errno: errno)
            }
            if n == 0 { break }
            total += Int64(n)
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return (hasher.finalize(), total)
    }
}
