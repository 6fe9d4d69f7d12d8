#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "UTF-8"
    case gb18030 = "GB18030"
}

public struct TranscodingError: Error, CustomStringConvertible, Sendable {
    /// Offset in the input where the bad sequence starts.
    public var byteOffset: Int64
    public var message: String

    public var description: String { "\(message) at byte \(byteOffset)" }
}

/// Streaming conversion between encodings through the system's iconv. Input may be cut
/// anywhere: an incomplete multi-byte sequence at the end of one chunk is kept for the next.
public final class Transcoder {
    private let handle: iconv_t
    private var pending: [UInt8] = []
    private var scratch: [UInt8] = []
    private var consumed: Int64 = 0
    public let from: TextEncoding
    public let to: TextEncoding

    public init(from: TextEncoding, to: TextEncoding) throws {
        self.from = from
        self.to = to
        let h = iconv_open(to.rawValue, from.rawValue)
        guard let h, h != iconv_t(bitPattern: -1) else {
            throw TranscodingError(byteOffset: 0, message: "iconv cannot convert \(from.rawValue) to \(to.rawValue)")
        }
        handle = h
    }

    deinit { iconv_close(handle) }

    /// Converts `input` (appended to what was left over) and appends the result to `output`.
    /// With `final`, a leftover incomplete sequence is an error.
    public func convert(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], final: Bool) throws {
        if from == .gb18030 && to == .utf8 {
            try decodeGB18030(input, into: &output, final: final)
        } else {
            try convertWithIconv(input, into: &output, final: final)
        }
    }

    /// The general way: everything through iconv.
    private func convertWithIconv(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], final: Bool) throws {
        var source = pending
        source.append(contentsOf: input)
        pending.removeAll(keepingCapacity: true)
        if source.isEmpty { return }
        try source.withUnsafeBufferPointer { sourceBuffer in
            let start = try iconvRun(sourceBuffer, from: 0, to: sourceBuffer.count, into: &output, final: final)
            if let start {
                // An incomplete sequence at the end: keep it for the next chunk.
                pending = Array(sourceBuffer[start...])
                consumed += Int64(start)
            } else {
                consumed += Int64(sourceBuffer.count)
            }
        }
    }

    /// Converts `source[start..<end]` through iconv and appends the result to `output`. At an
    /// incomplete sequence that `end` cuts (with `end` the end of `source`, and not `final`),
    /// returns where it starts, for the next chunk; nil when all was converted. `consumed` is
    /// the offset of `source` in the whole input, for messages.
    private func iconvRun(_ source: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, into output: inout [UInt8],
                          final: Bool) throws -> Int? {
        var chunk = [UInt8](repeating: 0, count: max((end - start) * 2, 64))
        var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: source.baseAddress! + start)
            .assumingMemoryBound(to: CChar.self)
        var inLeft = end - start
        while inLeft > 0 {
            let produced: Int
            let result: Int
            var err: Int32 = 0
            (result, produced) = chunk.withUnsafeMutableBytes { outRaw -> (Int, Int) in
                var outPointer: UnsafeMutablePointer<CChar>? = outRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outLeft = outRaw.count
                let r = iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
                err = errno
                return (r, outRaw.count - outLeft)
            }
            output.append(contentsOf: chunk[0..<produced])
            if result == -1 {
                let position = end - inLeft
                let at = consumed + Int64(position)
                switch err {
                case E2BIG:
                    continue
                case EINVAL where end == source.count && !final:
                    return position
                case EINVAL where end == source.count:
                    throw TranscodingError(byteOffset: at, message: "truncated \(from.rawValue) sequence")
                default:
                    // EILSEQ; or EINVAL before the end of the input, where the next bytes
                    // cannot complete the sequence either.
                    throw TranscodingError(byteOffset: at, message: "invalid \(from.rawValue) sequence")
                }
            }
        }
        return nil
    }

    /// GB18030 to UTF-8 without iconv for nearly every byte: ASCII is the same in both, and
    /// two-byte sequences (all of GBK: nearly every Chinese character in a file) are looked up
    /// in a table made by iconv itself (`GB18030Table`), so the result is iconv's. Four-byte
    /// sequences, invalid bytes and a sequence cut by the end of the chunk go to iconv, which
    /// gives the same output and the same errors as if it had seen the whole chunk: the
    /// encoding carries no state from one character to the next.
    ///
    /// (iconv alone converts some 150 MB/s here, a good part of the time to read a CSV file.)
    private func decodeGB18030(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], final: Bool) throws {
        if pending.isEmpty {
            try decodeGB18030(source: input, into: &output, final: final)
        } else {
            // The sequence cut at the end of the last chunk goes first (a few bytes, once a chunk).
            var source = pending
            source.append(contentsOf: input)
            pending.removeAll(keepingCapacity: true)
            try source.withUnsafeBufferPointer { try decodeGB18030(source: $0, into: &output, final: final) }
        }
    }

    private func decodeGB18030(source: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], final: Bool) throws {
        let n = source.count
        if n == 0 { return }
        // Decoded into a scratch buffer (at most 3 bytes of UTF-8 for 2 of GB18030), appended
        // to `output` at once and before anything goes to iconv.
        if scratch.count < n * 2 + 8 { scratch = [UInt8](repeating: 0, count: n * 2 + 8) }
        var i = 0
        while i < n {
            var o = 0
            scratch.withUnsafeMutableBufferPointer { out in
                GB18030Table.codePoints.withUnsafeBufferPointer { table in
                    let raw = UnsafeRawPointer(source.baseAddress!)
                    let outRaw = UnsafeMutableRawPointer(out.baseAddress!)
                    while i < n {
                        // Eight ASCII bytes at once, when they are.
                        if i + 8 <= n {
                            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                            if word & 0x8080_8080_8080_8080 == 0 {
                                outRaw.storeBytes(of: word, toByteOffset: o, as: UInt64.self)
                                o += 8
                                i += 8
                                continue
                            }
                        }
                        let b = source[i]
                        if b < 0x80 {
                            out[o] = b
                            o += 1
                            i += 1
                            continue
                        }
                        guard i + 1 < n, b >= 0x81, b <= 0xFE else { return }
                        let t = source[i + 1]
                        guard t >= 0x40, t <= 0xFE else { return }
                        let c = table[(Int(b) - 0x81) * 191 + Int(t) - 0x40]
                        if c == 0 { return }
                        if c < 0x800 {
                            out[o] = UInt8(0xC0 | (c >> 6))
                            out[o + 1] = UInt8(0x80 | (c & 0x3F))
                            o += 2
                        } else {
                            out[o] = UInt8(0xE0 | (c >> 12))
                            out[o + 1] = UInt8(0x80 | ((c >> 6) & 0x3F))
                            out[o + 2] = UInt8(0x80 | (c & 0x3F))
                            o += 3
                        }
                        i += 2
                    }
                }
            }
            output.append(contentsOf: scratch[0..<o])
            if i == n { break }
            // What the table does not hold: iconv, over the characters up to the next ASCII
            // one (a trail byte may look like ASCII: lengths are followed from each lead byte).
            var end = i
            while end < n, source[end] >= 0x80 {
                end += end + 1 < n && source[end + 1] >= 0x30 && source[end + 1] <= 0x39 ? 4 : 2
            }
            end = min(end, n)
            if let cut = try iconvRun(source, from: i, to: end, into: &output, final: final) {
                pending = Array(source[cut...])
                consumed += Int64(cut)
                return
            }
            i = end
        }
        consumed += Int64(n)
    }

    /// Converts a whole buffer at once.
    public static func convert(_ bytes: [UInt8], from: TextEncoding, to: TextEncoding) throws -> [UInt8] {
        let transcoder = try Transcoder(from: from, to: to)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 3 / 2)
        try bytes.withUnsafeBufferPointer { try transcoder.convert($0, into: &output, final: true) }
        return output
    }
}

/// The two-byte sequences of GB18030 (lead 0x81-0xFE, trail 0x40-0xFE: GBK) and the code
/// points iconv gives for them, 0 where it gives none or more than one. Made once, from
/// iconv itself, so that a lookup gives exactly what iconv would.
enum GB18030Table {
    static let codePoints: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 126 * 191)
        let h = iconv_open("UTF-32LE", "GB18030")
        guard let h, h != iconv_t(bitPattern: -1) else { return table }
        defer { iconv_close(h) }
        for lead in 0x81...0xFE {
            for trail in 0x40...0xFE {
                var input: [CChar] = [CChar(bitPattern: UInt8(lead)), CChar(bitPattern: UInt8(trail))]
                var output = [UInt8](repeating: 0, count: 16)
                let (result, inLeft, outLeft) = input.withUnsafeMutableBufferPointer { inBuffer in
                    output.withUnsafeMutableBytes { outRaw in
                        var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress
                        var inLeft = 2
                        var outPointer: UnsafeMutablePointer<CChar>? = outRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
                        var outLeft = outRaw.count
                        let result = iconv(h, &inPointer, &inLeft, &outPointer, &outLeft)
                        return (result, inLeft, outLeft)
                    }
                }
                iconv(h, nil, nil, nil, nil)  // back to the initial state after an error
                // Exactly one code point from both bytes; and only one that UTF-8 writes in
                // two or three bytes (which any two-byte sequence of GB18030 decodes to).
                guard result != -1, inLeft == 0, 16 - outLeft == 4 else { continue }
                let c = UInt32(output[0]) | UInt32(output[1]) << 8 | UInt32(output[2]) << 16 | UInt32(output[3]) << 24
                if c >= 0x80, c < 0x10000, !(0xD800...0xDFFF).contains(c) {
                    table[(lead - 0x81) * 191 + trail - 0x40] = c
                }
            }
        }
        return table
    }()
}
