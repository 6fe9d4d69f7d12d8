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
        var source = pending
        source.append(contentsOf: input)
        pending.removeAll(keepingCapacity: true)
        if source.isEmpty { return }
        var chunk = [UInt8](repeating: 0, count: max(source.count * 2, 64))
        try source.withUnsafeMutableBytes { sourceRaw in
            var inPointer: UnsafeMutablePointer<CChar>? = sourceRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
            var inLeft = sourceRaw.count
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
                    let at = consumed + Int64(sourceRaw.count - inLeft)
                    switch err {
                    case E2BIG:
                        continue
                    case EINVAL where !final:
                        // An incomplete sequence at the end: keep it for the next chunk.
                        let start = sourceRaw.count - inLeft
                        pending = Array(UnsafeRawBufferPointer(rebasing: sourceRaw[start...]))
                        consumed += Int64(start)
                        return
                    case EINVAL:
                        throw TranscodingError(byteOffset: at, message: "truncated \(from.rawValue) sequence")
                    default:
                        throw TranscodingError(byteOffset: at, message: "invalid \(from.rawValue) sequence")
                    }
                }
            }
            consumed += Int64(sourceRaw.count)
        }
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
