#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A CSV file that cannot be read: where (1-based line, character column where known) and why.
public struct CSVError: Error, CustomStringConvertible, Sendable, Equatable {
    public var line: Int
    public var column: Int?
    public var message: String

    public init(line: Int, column: Int? = nil, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        column.map { "line \(line), column \($0): \(message)" } ?? "line \(line): \(message)"
    }
}

/// The unescaped fields of the current record, reused from record to record so reading a
/// file does not allocate per field.
final class CSVFieldStorage {
    var bytes: [UInt8] = []
    /// End offset in `bytes` of each field; field `i` starts where field `i - 1` ends.
    var ends: [Int] = []

    init() {
        bytes.reserveCapacity(4096)
        ends.reserveCapacity(64)
    }

    func range(_ index: Int) -> Range<Int> {
        precondition(index >= 0 && index < ends.count, "CSV field \(index) out of range 0..<\(ends.count)")
        return (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }
}

/// One record; fields are views into the reader's reused buffer, valid until the next call
/// to `next()`.
public struct CSVRecord {
    /// The 1-based line where the record starts.
    public var line: Int
    /// The number of fields.
    public var count: Int
    let storage: CSVFieldStorage

    /// The field as a String (UTF-8). Traps when `index` is not below `count`.
    public func string(_ index: Int) -> String {
        withField(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// The field's UTF-8 bytes, without allocating. Traps when `index` is not below `count`.
    public func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let range = storage.range(index)
        return try storage.bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// True when the field is empty.
    public func isEmpty(_ index: Int) -> Bool { storage.range(index).isEmpty }
}

/// A streaming RFC 4180 reader working on bytes.
///
/// - The file is read in large blocks (1 MiB), never whole; memory stays flat.
/// - Fields may be quoted; quoted fields hold commas, doubled quotes and line breaks (kept
///   as they are in the file). Records end with CRLF, LF or a lone CR.
/// - Lines with nothing on them are skipped.
/// - A quote inside an unquoted field, anything but a separator after a closing quote, and a
///   quote never closed are errors with line and column.
/// - Encoding: the caller may name it; otherwise it is detected from the start of the file:
///   a UTF-8 byte order mark means UTF-8, a GB18030 one (`84 31 95 33`) GB18030; without a
///   mark the first 64 KiB are sniffed: valid UTF-8 means UTF-8, anything else GB18030. A
///   byte order mark is skipped either way. GB18030 is transcoded to UTF-8 on the fly (iconv),
///   so fields are always UTF-8. A sequence invalid in the chosen encoding further on is a
///   `CSVError` "unreadable encoding" at its line, raised when the reader gets there (the
///   records before it are delivered).
public final class CSVReader {
    /// Bytes sniffed to guess the encoding when none is given.
    static let sniffLength = 64 << 10
    static let defaultBlockSize = 1 << 20

    private enum Source {
        case file(Int32)
        case memory([UInt8], Int)
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    public let encoding: TextEncoding
    private var source: Source
    private let blockSize: Int
    /// Raw bytes read ahead while sniffing, handed out before the source is read again.
    private var readAhead: [UInt8] = []
    private var readAheadStart = 0
    private let transcoder: Transcoder?

    /// The UTF-8 bytes being parsed, `window[position..<windowEnd]` not yet consumed.
    private var window: UnsafeMutableBufferPointer<UInt8>
    private var position = 0
    private var windowEnd = 0
    /// For UTF-8 input: the bytes of a character cut by the end of the last block.
    private var carry: [UInt8] = []
    /// Scratch for the raw bytes of a GB18030 block and its UTF-8 output.
    private var rawBlock: [UInt8] = []
    private var decoded: [UInt8] = []
    /// An encoding error found at the end of the window: thrown when the parser reaches it.
    private var encodingProblem: String?
    private var endOfInput = false

    /// Position of the next byte: 1-based line, characters already consumed on that line.
    private var line = 1
    private var column = 0
    /// A CR ended the last line: a following LF belongs to it.
    private var afterCR = false
    private var failure: CSVError?
    private let storage = CSVFieldStorage()

    public convenience init(path: String, encoding: TextEncoding? = nil) throws {
        try self.init(path: path, encoding: encoding, blockSize: CSVReader.defaultBlockSize)
    }

    public convenience init(bytes: [UInt8], encoding: TextEncoding? = nil) throws {
        try self.init(bytes: bytes, encoding: encoding, blockSize: CSVReader.defaultBlockSize)
    }

    /// `blockSize` is internal so tests can make blocks end inside quotes, CRLFs and characters.
    convenience init(path: String, encoding: TextEncoding? = nil, blockSize: Int) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, operation: "open", errno: errno) }
        do {
            try self.init(source: .file(fd), encoding: encoding, blockSize: blockSize)
        } catch {
            close(fd)
            throw error
        }
    }

    convenience init(bytes: [UInt8], encoding: TextEncoding? = nil, blockSize: Int) throws {
        try self.init(source: .memory(bytes, 0), encoding: encoding, blockSize: blockSize)
    }

    private init(source: Source, encoding: TextEncoding?, blockSize: Int) throws {
        precondition(blockSize > 0)
        var source = source
        self.blockSize = blockSize
        window = .allocate(capacity: blockSize * 2 + 8)

        // Read the start of the file to find a byte order mark and, if needed, guess.
        var head = [UInt8](repeating: 0, count: CSVReader.sniffLength)
        var filled = 0
        var sourceEnded = false
        while filled < head.count {
            let n = try head.withUnsafeMutableBytes { raw in
                try CSVReader.read(&source, into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
            }
            if n == 0 {
                sourceEnded = true
                break
            }
            filled += n
        }
        head.removeSubrange(filled...)
        let utf8Mark: [UInt8] = [0xEF, 0xBB, 0xBF]
        let gbMark: [UInt8] = [0x84, 0x31, 0x95, 0x33]
        let chosen: TextEncoding
        if let encoding {
            chosen = encoding
        } else if head.starts(with: utf8Mark) {
            chosen = .utf8
        } else if head.starts(with: gbMark) {
            chosen = .gb18030
        } else {
            let check = head.withUnsafeBufferPointer { UTF8Check.scan($0) }
            let cutCharacterAtEnd = check.incompleteTail && !sourceEnded
            chosen = check.validPrefix == head.count || cutCharacterAtEnd ? .utf8 : .gb18030
        }
        if chosen == .utf8, head.starts(with: utf8Mark) { readAheadStart = 3 }
        if chosen == .gb18030, head.starts(with: gbMark) { readAheadStart = 4 }
        self.encoding = chosen
        self.source = source
        readAhead = head
        transcoder = chosen == .gb18030 ? try Transcoder(from: .gb18030, to: .utf8) : nil
    }

    deinit {
        window.deallocate()
        if case .file(let fd) = source { close(fd) }
    }

    private static func read(_ source: inout Source, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        switch source {
        case .file(let fd):
            while true {
                let n = Glibc.read(fd, buffer.baseAddress!, buffer.count)
                if n >= 0 { return n }
                if errno == EINTR { continue }
                throw FileError(path: "(csv)", operation: "read", errno: errno)
            }
        case .memory(let bytes, let offset):
            let n = min(buffer.count, bytes.count - offset)
            if n > 0 {
                bytes.withUnsafeBytes { raw in
                    buffer.baseAddress!.copyMemory(from: raw.baseAddress! + offset, byteCount: n)
                }
            }
            source = .memory(bytes, offset + n)
            return n
        }
    }

    /// Reads at most one block of raw bytes: first what sniffing read ahead, then the source.
    private func readRaw(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let wanted = min(buffer.count, blockSize)
        if readAheadStart < readAhead.count {
            let n = min(wanted, readAhead.count - readAheadStart)
            readAhead.withUnsafeBytes { raw in
                buffer.baseAddress!.copyMemory(from: raw.baseAddress! + readAheadStart, byteCount: n)
            }
            readAheadStart += n
            if readAheadStart == readAhead.count { readAhead = [] }
            return n
        }
        return try CSVReader.read(&source, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]))
    }

    /// Fills the window with the next decoded block. False at the end of the input (or at an
    /// encoding error, recorded in `encodingProblem`).
    private func refill() throws -> Bool {
        position = 0
        windowEnd = 0
        if endOfInput || encodingProblem != nil { return false }
        while windowEnd == 0 {
            if let transcoder {
                if rawBlock.count != blockSize { rawBlock = [UInt8](repeating: 0, count: blockSize) }
                let n = try rawBlock.withUnsafeMutableBytes { try readRaw(into: $0) }
                decoded.removeAll(keepingCapacity: true)
                do {
                    try rawBlock.withUnsafeBufferPointer {
                        try transcoder.convert(UnsafeBufferPointer(rebasing: $0[0..<n]), into: &decoded, final: n == 0)
                    }
                } catch let error as TranscodingError {
                    encodingProblem = "unreadable encoding: \(error.message)"
                }
                if n == 0 { endOfInput = true }
                if decoded.count > window.count {
                    window.deallocate()
                    window = .allocate(capacity: decoded.count)
                }
                _ = decoded.withUnsafeBufferPointer { window.initialize(from: $0) }
                windowEnd = decoded.count
            } else {
                // UTF-8: the cut character of the last block, then a new block, validated.
                let base = UnsafeMutableRawBufferPointer(window)
                for (i, b) in carry.enumerated() { window[i] = b }
                let n = try readRaw(into: UnsafeMutableRawBufferPointer(rebasing: base[carry.count..<(carry.count + blockSize)]))
                let total = carry.count + n
                carry.removeAll(keepingCapacity: true)
                let check = UTF8Check.scan(UnsafeBufferPointer(rebasing: window[0..<total]))
                windowEnd = check.validPrefix
                if n == 0 { endOfInput = true }
                if check.validPrefix < total {
                    if check.incompleteTail && n > 0 {
                        carry.append(contentsOf: window[check.validPrefix..<total])
                    } else {
                        encodingProblem = check.incompleteTail
                            ? "unreadable encoding: the file ends inside a UTF-8 character"
                            : "unreadable encoding: invalid UTF-8 byte 0x\(String(window[check.validPrefix], radix: 16, uppercase: true))"
                    }
                }
            }
            if endOfInput || encodingProblem != nil { return windowEnd > 0 }
        }
        return true
    }

    /// The next record, or nil at the end. Blank lines are skipped. After an error every
    /// further call throws the same error.
    public func next() throws -> CSVRecord? {
        if let failure { throw failure }
        do {
            return try parseRecord()
        } catch let error as CSVError {
            failure = error
            throw error
        }
    }

    private func parseRecord() throws -> CSVRecord? {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        storage.ends.removeAll(keepingCapacity: true)
        // Work on a local array (swapped out, so appends do not copy) and local counters: the
        // loop below runs once per byte of the file.
        var bytes: [UInt8] = []
        swap(&bytes, &storage.bytes)
        bytes.removeAll(keepingCapacity: true)
        defer { swap(&bytes, &storage.bytes) }

        var state = State.fieldStart
        var recordLine = line
        var sawQuote = false
        var quoteLine = 0, quoteColumn = 0
        var line = self.line, column = self.column, afterCR = self.afterCR
        var position = self.position
        defer {
            self.line = line
            self.column = column
            self.afterCR = afterCR
            self.position = position
        }

        func endOfLine() {
            line += 1
            column = 0
        }

        while true {
            if position == windowEnd {
                self.position = position
                let more = try refill()
                position = self.position
                if more { continue }
                if let problem = encodingProblem {
                    throw CSVError(line: line, column: column + 1, message: problem)
                }
                switch state {
                case .quoted:
                    throw CSVError(line: quoteLine, column: quoteColumn,
                                   message: "quoted field is never closed (the file ends inside it)")
                case .fieldStart where storage.ends.isEmpty && !sawQuote:
                    return nil
                default:
                    storage.ends.append(bytes.count)
                    return CSVRecord(line: recordLine, count: storage.ends.count, storage: storage)
                }
            }
            let b = window[position]
            position += 1
            if afterCR {
                afterCR = false
                if b == lf {
                    if state == .quoted { bytes.append(b) }
                    continue
                }
            }
            if b & 0xC0 != 0x80 { column += 1 }
            switch state {
            case .fieldStart, .unquoted:
                switch b {
                case comma:
                    storage.ends.append(bytes.count)
                    state = .fieldStart
                case lf, cr:
                    endOfLine()
                    afterCR = b == cr
                    if state == .fieldStart && storage.ends.isEmpty && !sawQuote {
                        recordLine = line  // a blank line
                        continue
                    }
                    storage.ends.append(bytes.count)
                    return CSVRecord(line: recordLine, count: storage.ends.count, storage: storage)
                case quote where state == .fieldStart:
                    state = .quoted
                    sawQuote = true
                    quoteLine = line
                    quoteColumn = column
                case quote:
                    throw CSVError(line: line, column: column,
                                   message: "a quote inside an unquoted field (quote the whole field and double the quote)")
                default:
                    bytes.append(b)
                    state = .unquoted
                }
            case .quoted:
                if b == quote {
                    state = .quoteInQuoted
                } else {
                    bytes.append(b)
                    if b == lf || b == cr {
                        endOfLine()
                        afterCR = b == cr
                    }
                }
            case .quoteInQuoted:
                switch b {
                case quote:
                    bytes.append(quote)
                    state = .quoted
                case comma:
                    storage.ends.append(bytes.count)
                    state = .fieldStart
                case lf, cr:
                    endOfLine()
                    afterCR = b == cr
                    storage.ends.append(bytes.count)
                    return CSVRecord(line: recordLine, count: storage.ends.count, storage: storage)
                default:
                    throw CSVError(line: line, column: column,
                                   message: "unexpected character after a closing quote (expected a comma or the end of the line)")
                }
            }
        }
    }
}

/// UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
enum UTF8Check {
    /// `validPrefix`: how many bytes from the start are whole valid characters.
    /// `incompleteTail`: the bytes after that are the valid start of a character cut by the
    /// end of the buffer (more input may complete it).
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> (validPrefix: Int, incompleteTail: Bool) {
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF  // allowed range of the second byte
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return (i, false)
            }
            for k in 1..<length {
                if i + k >= n { return (i, true) }
                let b = bytes[i + k]
                let ok = k == 1 ? (b >= low && b <= high) : (b >= 0x80 && b <= 0xBF)
                if !ok { return (i, false) }
            }
            i += length
        }
        return (n, false)
    }
}
