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
}

@Test func sha256OfAFileMatchesSha256sum() throws {
    let path = NSTemporaryDirectory() + "sha-" + UUID().uuidString
    var bytes = [UInt8]()
    for i in 0..<(3 << 20) + 17 { bytes.append(UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 7)) }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let ours = try SHA256.hexDigest(ofFileAt: path)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(ours.sha256 == String(output.prefix(64)))
    #expect(ours.bytes == Int64(bytes.count))
}
