#if canImport(Glibc)
import Glibc
#endif
import Domain
import TextFormats

/// Writes the claims of one submission to its staging file. The file is made durable
/// (`finish`) before the state store records the submission as staged.
public final class StagingWriter {
    private let writer: BufferedFileWriter
    private let record = ByteWriter()
    public private(set) var count = 0

    public init(path: String) throws {
        // Written behind: the kernel copies a block while the stager reads the next claims.
        writer = try BufferedFileWriter(path: path, capacity: 1 << 20, writeBehind: true)
    }

    public func append(_ claim: IngestedClaim) throws {
        // The record is built behind a 4-byte gap for its length, then written as one block.
        record.removeAll()
        for _ in 0..<4 { record.byte(0) }
        StagingCodec.encode(claim, into: record)
        let bytes = record.bytes
        let length = UInt32(bytes.count - 4)
        for i in 0..<4 { bytes[i] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(i))) }
        try writer.write(UnsafeRawBufferPointer(bytes))
        count += 1
    }

    public func finish() throws { try writer.sync() }
}

/// Reads staged claims back in order, from a byte offset that a checkpoint recorded.
public final class StagingReader {
    private let descriptor: Int32
    public let path: String
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    private var bufferEnd = 0
    private var atEnd = false
    /// The offset of the next record in the file.
    public private(set) var offset: Int64

    public init(path: String, offset: Int64) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: path, operation: "open", errno: errno) }
        guard lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw FileError(path: path, operation: "seek", errno: errno)
        }
        self.offset = offset
        buffer = [UInt8](repeating: 0, count: 1 << 20)
    }

    deinit { close(descriptor) }

    /// Ensures `count` bytes are buffered from `bufferStart`; false at the end of the file.
    private func fill(_ count: Int) throws -> Bool {
        while bufferEnd - bufferStart < count {
            if atEnd { return false }
            if bufferStart > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    let base = raw.baseAddress!
                    memmove(base, base + bufferStart, bufferEnd - bufferStart)
                }
                bufferEnd -= bufferStart
                bufferStart = 0
            }
            if count > buffer.count { buffer += [UInt8](repeating: 0, count: count - buffer.count) }
            let n = buffer.withUnsafeMutableBytes { raw in
                read(descriptor, raw.baseAddress! + bufferEnd, raw.count - bufferEnd)
            }
            if n < 0 { throw FileError(path: path, operation: "read", errno: errno) }
            if n == 0 { atEnd = true }
            bufferEnd += n
        }
        return true
    }

    /// The next record's bytes, not yet decoded (`decode(record:)`): a run decodes a batch of
    /// them on both cores.
    public func nextRecord() throws -> [UInt8]? {
        guard try fill(4) else {
            if bufferEnd > bufferStart { throw StagingCodec.Corrupt() }
            return nil
        }
        let length = buffer.withUnsafeBufferPointer { b in
            Int(b[bufferStart]) | Int(b[bufferStart + 1]) << 8 | Int(b[bufferStart + 2]) << 16
                | Int(b[bufferStart + 3]) << 24
        }
        guard try fill(4 + length) else { throw StagingCodec.Corrupt() }
        let record = Array(buffer[(bufferStart + 4)..<(bufferStart + 4 + length)])
        bufferStart += 4 + length
        offset += Int64(4 + length)
        return record
    }

    /// A claim from the bytes `nextRecord()` returned; its fee codes and names made by
    /// `strings` when given (whose thread alone may use them while this runs).
    public static func decode(record: [UInt8], strings: FeeLineStrings? = nil) throws -> IngestedClaim {
        try record.withUnsafeBufferPointer { bytes in
            var reader = ByteReader(bytes)
            return try StagingCodec.decode(&reader, strings: strings)
        }
    }

    public func next() throws -> IngestedClaim? {
        try nextRecord().map { try Self.decode(record: $0) }
    }
}

/// The String caches of one decoding thread: fee codes and names (`StagingReader.decode`).
public final class FeeLineStrings {
    let codes = StringCache()
    let names = StringCache()

    public init() {}
}
