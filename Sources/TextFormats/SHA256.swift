#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 (FIPS 180-4), for the content hashes that identify submissions and reference data
/// in summaries and keep a file from being taken twice. Small and dependency-free.
///
/// Every submission byte goes through `compress` once, so it is written for speed: the state
/// lives in local variables for a whole `update`, the message schedule is a stack buffer, and
/// each group of eight rounds is written out with the working variables renamed instead of
/// shuffled. Measured in `docs/ingest.md` ("Speed").
public struct SHA256 {
    private var state = State()
    /// The bytes of an incomplete block, between updates (`pendingCount` of them are valid).
    private var pending = [UInt8](repeating: 0, count: 64)
    private var pendingCount = 0
    private var length: UInt64 = 0

    private struct State {
        var a: UInt32 = 0x6a09e667, b: UInt32 = 0xbb67ae85, c: UInt32 = 0x3c6ef372, d: UInt32 = 0xa54ff53a
        var e: UInt32 = 0x510e527f, f: UInt32 = 0x9b05688c, g: UInt32 = 0x1f83d9ab, h: UInt32 = 0x5be0cd19
    }

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        length &+= UInt64(remaining)
        if pendingCount > 0 {
            let take = min(64 - pendingCount, remaining)
            pending.withUnsafeMutableBytes { ($0.baseAddress! + pendingCount).copyMemory(from: next, byteCount: take) }
            pendingCount += take
            next += take
            remaining -= take
            guard pendingCount == 64 else { return }
            pending.withUnsafeBytes { SHA256.compress(blocks: $0.baseAddress!, count: 1, into: &state) }
            pendingCount = 0
        }
        let blocks = remaining / 64
        if blocks > 0 { SHA256.compress(blocks: next, count: blocks, into: &state) }
        next += blocks * 64
        remaining -= blocks * 64
        if remaining > 0 {
            pending.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: next, byteCount: remaining) }
            pendingCount = remaining
        }
    }

    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// The hex digest; the hasher starts over afterwards.
    public mutating func finalize() -> String {
        // Padding: 0x80, zeros up to 56 bytes mod 64, then the length in bits, big-endian.
        let bitLength = length &* 8
        var tail = [UInt8](pending[0..<pendingCount])
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        tail.withUnsafeBytes { SHA256.compress(blocks: $0.baseAddress!, count: $0.count / 64, into: &state) }
        let words = [state.a, state.b, state.c, state.d, state.e, state.f, state.g, state.h]
        self = SHA256()
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for word in words {
            for shift in stride(from: 28, through: 0, by: -4) { out.append(hex[Int(word >> UInt32(shift) & 0xF)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Runs `count` consecutive 64-byte blocks through the compression function.
    private static func compress(blocks: UnsafeRawPointer, count: Int, into state: inout State) {
        k.withUnsafeBufferPointer { kTable in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
                let k = kTable.baseAddress!, w = schedule.baseAddress!
                var s = state
                for block in 0..<count {
                    let bytes = blocks + block * 64
                    for i in 0..<16 {
                        w[i] = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
                    }
                    var a = s.a, b = s.b, c = s.c, d = s.d, e = s.e, f = s.f, g = s.g, h = s.h
                    // Rounds 0-15 take the block's words; rounds 16-63 extend the schedule as they
                    // go, which lets the processor overlap that work with the rounds' long chain.
                    var i = 0
                    while i < 16 {
                        eightRounds(&a, &b, &c, &d, &e, &f, &g, &h, k + i, w[i], w[i + 1], w[i + 2], w[i + 3],
                                    w[i + 4], w[i + 5], w[i + 6], w[i + 7])
                        i += 8
                    }
                    while i < 64 {
                        eightRounds(&a, &b, &c, &d, &e, &f, &g, &h, k + i, extend(w, i), extend(w, i + 1),
                                    extend(w, i + 2), extend(w, i + 3), extend(w, i + 4), extend(w, i + 5),
                                    extend(w, i + 6), extend(w, i + 7))
                        i += 8
                    }
                    s.a &+= a; s.b &+= b; s.c &+= c; s.d &+= d
                    s.e &+= e; s.f &+= f; s.g &+= g; s.h &+= h
                }
                state = s
            }
        }
    }

    /// Schedule word `i` (16...63), from the words before it.
    @inline(__always)
    private static func extend(_ w: UnsafeMutablePointer<UInt32>, _ i: Int) -> UInt32 {
        let x = w[i - 15], y = w[i - 2]
        // σ0 = rotr(x, 7) ^ rotr(x, 18) ^ x >> 3, σ1 = rotr(y, 17) ^ rotr(y, 19) ^ y >> 10.
        let sigma0 = rotr(rotr(x, 11) ^ x, 7) ^ (x &>> 3)
        let sigma1 = rotr(rotr(y, 2) ^ y, 17) ^ (y &>> 10)
        w[i] = w[i - 16] &+ sigma0 &+ w[i - 7] &+ sigma1
        return w[i]
    }

    /// Eight rounds; each renames the working variables one place instead of moving them, so
    /// after eight they are back in place. The arguments are evaluated in order, before the rounds.
    @inline(__always)
    private static func eightRounds(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32,
                                    _ e: inout UInt32, _ f: inout UInt32, _ g: inout UInt32, _ h: inout UInt32,
                                    _ k: UnsafePointer<UInt32>, _ w0: UInt32, _ w1: UInt32, _ w2: UInt32,
                                    _ w3: UInt32, _ w4: UInt32, _ w5: UInt32, _ w6: UInt32, _ w7: UInt32) {
        var bc = b ^ c
        round(a, b, c, &d, e, f, g, &h, k[0] &+ w0, &bc)
        round(h, a, b, &c, d, e, f, &g, k[1] &+ w1, &bc)
        round(g, h, a, &b, c, d, e, &f, k[2] &+ w2, &bc)
        round(f, g, h, &a, b, c, d, &e, k[3] &+ w3, &bc)
        round(e, f, g, &h, a, b, c, &d, k[4] &+ w4, &bc)
        round(d, e, f, &g, h, a, b, &c, k[5] &+ w5, &bc)
        round(c, d, e, &f, g, h, a, &b, k[6] &+ w6, &bc)
        round(b, c, d, &e, f, g, h, &a, k[7] &+ w7, &bc)
    }


    /// One round: `h` becomes the new `a` and `d` the new `e`; the caller renames the rest.
    /// `bc` is `b ^ c`, which is the previous round's `a ^ b`: each round hands its own on.
    @inline(__always)
    private static func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
                              _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32, _ bc: inout UInt32) {
        // Σ1(e) = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25) and Σ0(a) = rotr(a, 2) ^ rotr(a, 13) ^
        // rotr(a, 22), nested so that each needs one working register instead of three.
        let sum1 = rotr(rotr(rotr(e, 14) ^ e, 5) ^ e, 6)
        let sum0 = rotr(rotr(rotr(a, 9) ^ a, 11) ^ a, 2)
        let choose = g ^ (e & (f ^ g))
        // Maj(a, b, c): b where a and b agree, else c.
        let ab = a ^ b
        let majority = (ab & bc) ^ b
        bc = ab
        let t1 = h &+ kw &+ sum1 &+ choose
        d &+= t1
        h = t1 &+ sum0 &+ majority
    }

    @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }

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
