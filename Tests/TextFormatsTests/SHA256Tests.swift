import Foundation
import Testing
import TextFormats

/// FIPS 180-4 test vectors, and a file hashed across block boundaries against `sha256sum`.
@Test func sha256MatchesTheStandardVectors() {
    func hex(_ text: String) -> String {
        var h = SHA256()
        h.update(Array(text.utf8))
        return h.finalize()
    }
    #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    // NIST's 896-bit message: two blocks of data, and the padding needs a third.
    #expect(hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
            == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    // One million 'a', fed in uneven pieces so that blocks straddle updates.
    var h = SHA256()
    let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 999)
    var fed = 0
    while fed < 1_000_000 {
        let n = min(piece.count, 1_000_000 - fed)
        h.update(Array(piece[0..<n]))
        fed += n
    }
    #expect(h.finalize() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    // The same million in one update: 15,625 blocks through one call of the compression loop.
    #expect(hex(String(repeating: "a", count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
}

/// The hasher is reusable after `finalize`, and feeding a message one byte at a time (every
/// block assembled from pending bytes) gives the same digest as feeding it whole.
@Test func sha256ByteByByteAndReuse() {
    let message = Array("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8)
    var h = SHA256()
    for byte in message { h.update([byte]) }
    #expect(h.finalize() == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    h.update(Array("abc".utf8))
    #expect(h.finalize() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
}

/// Lengths around the padding's edges (55 bytes fit one block with the length, 56 do not),
/// checked against `sha256sum`.
@Test(arguments: [55, 56, 63, 64, 65, 119, 120, 128])
func sha256AtPaddingEdgesMatchesSha256sum(length: Int) throws {
    let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
    let path = NSTemporaryDirectory() + "sha-" + UUID().uuidString
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    var h = SHA256()
    h.update(bytes)
    #expect(h.finalize() == (try sha256sum(path)))
}

private func sha256sum(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return String(output.prefix(64))
}

@Test func sha256OfAFileMatchesSha256sum() throws {
    let path = NSTemporaryDirectory() + "sha-" + UUID().uuidString
    var bytes = [UInt8]()
    for i in 0..<(3 << 20) + 17 { bytes.append(UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 7)) }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let ours = try SHA256.hexDigest(ofFileAt: path)
    #expect(ours.sha256 == (try sha256sum(path)))
    #expect(ours.bytes == Int64(bytes.count))
}
