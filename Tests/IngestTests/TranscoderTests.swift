import Testing
@testable import TextFormats

#if canImport(Glibc)
import Glibc
#endif

/// The GB18030 decoder's table and shortcuts against iconv itself, over every two-byte
/// sequence and over random input cut into random chunks: same bytes out, same error at
/// the same offset.
@Suite struct TranscoderTests {
    /// What plain iconv makes of the whole input at once: the UTF-8 up to the first problem,
    /// and the problem (offset, message) if any.
    static func reference(_ input: [UInt8]) -> (output: [UInt8], error: (Int64, String)?) {
        let h = iconv_open("UTF-8", "GB18030")!
        defer { iconv_close(h) }
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        var source = input.map { CChar(bitPattern: $0) }
        return source.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBytes { outRaw in
                var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = outRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outLeft = outRaw.count
                let result = iconv(h, &inPointer, &inLeft, &outPointer, &outLeft)
                let err = errno
                let produced = Array(outRaw[0..<(outRaw.count - outLeft)])
                guard result == -1 else { return (produced, nil) }
                let at = Int64(inBuffer.count - inLeft)
                return (produced, (at, err == EINVAL ? "truncated GB18030 sequence" : "invalid GB18030 sequence"))
            }
        }
    }

    /// The Transcoder over `input` cut into the given chunk sizes.
    static func chunked(_ input: [UInt8], sizes: [Int]) -> (output: [UInt8], error: (Int64, String)?) {
        let transcoder = try! Transcoder(from: .gb18030, to: .utf8)
        var output: [UInt8] = []
        var offset = 0, k = 0
        do {
            while offset < input.count {
                let size = min(sizes[k % sizes.count], input.count - offset)
                k += 1
                try input.withUnsafeBufferPointer {
                    try transcoder.convert(UnsafeBufferPointer(rebasing: $0[offset..<(offset + size)]), into: &output, final: false)
                }
                offset += size
            }
            try transcoder.convert(UnsafeBufferPointer(start: nil, count: 0), into: &output, final: true)
            return (output, nil)
        } catch let error as TranscodingError {
            return (output, (error.byteOffset, error.message))
        } catch {
            return (output, (-1, "\(error)"))
        }
    }

    @Test func everyTwoByteSequenceDecodesAsIconvDecodesIt() {
        var mismatches = 0
        for lead in 0x81...0xFE {
            for trail in 0x40...0xFE {
                let input: [UInt8] = [0x41, UInt8(lead), UInt8(trail), 0x42]
                let expected = Self.reference(input)
                let got = Self.chunked(input, sizes: [input.count])
                if got.output != expected.output || got.error?.0 != expected.error?.0 || got.error?.1 != expected.error?.1 {
                    mismatches += 1
                }
            }
        }
        #expect(mismatches == 0)
        // The table holds the common characters: 张 is D5 C5.
        #expect(GB18030Table.codePoints[(0xD5 - 0x81) * 191 + 0xC5 - 0x40] == 0x5F20)
    }

    @Test func randomInputInRandomChunksDecodesAsIconvDecodesIt() {
        var generator = SystemRandomNumberGenerator()
        let text = Array("张伟,阿莫西林胶囊(0.25g*24粒),2026-02-01T09:30:00,5,12.34\r\n€𠀀ABC".utf8)
        let gb = try! Transcoder.convert(text, from: .utf8, to: .gb18030)
        var withErrors = 0
        for round in 0..<3000 {
            // Mostly good text, with random bytes dropped in now and then, cut anywhere.
            var input: [UInt8] = []
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                input += gb[Int.random(in: 0..<gb.count, using: &generator)...]
                if Int.random(in: 0..<4, using: &generator) == 0 {
                    input.append(UInt8.random(in: 0...255, using: &generator))
                }
            }
            let sizes = (0..<4).map { _ in Int.random(in: 1...(round % 2 == 0 ? 5 : 200), using: &generator) }
            let expected = Self.reference(input)
            let got = Self.chunked(input, sizes: sizes)
            if expected.error != nil { withErrors += 1 }
            #expect(got.output == expected.output, "round \(round): \(input)")
            #expect(got.error?.0 == expected.error?.0 && got.error?.1 == expected.error?.1,
                    "round \(round): \(String(describing: got.error)) vs \(String(describing: expected.error)) for \(input) in \(sizes)")
            if got.output != expected.output { break }
        }
        // Both kinds of input were seen: clean ones and ones iconv refuses.
        #expect(withErrors > 100 && withErrors < 2900, "\(withErrors) inputs with errors")
    }
}
