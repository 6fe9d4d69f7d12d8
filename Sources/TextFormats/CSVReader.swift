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
/// file does not allocate per field. Plain allocated memory rather than arrays: the parser
/// appends to it once per run of bytes, and works on local copies of the pointers and
/// counts (`FieldWriter`) so that its inner loop touches no class property.
///
/// The properties are read for every field of every record: without the dynamic
/// exclusivity checks of class properties, which cost more than the reads. Only the reader
/// writes them, between records.
final class CSVFieldStorage {
    @exclusivity(unchecked) fileprivate(set) var bytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) fileprivate(set) var byteCapacity: Int
    /// End offset in `bytes` of each field; field `i` starts where field `i - 1` ends.
    @exclusivity(unchecked) fileprivate(set) var ends: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) fileprivate(set) var endCapacity: Int
    @exclusivity(unchecked) fileprivate(set) var count = 0

    init() {
        byteCapacity = 4096
        bytes = .allocate(capacity: byteCapacity)
        endCapacity = 64
        ends = .allocate(capacity: endCapacity)
    }

    deinit {
        bytes.deallocate()
        ends.deallocate()
    }

    func range(_ index: Int) -> Range<Int> {
        precondition(index >= 0 && index < count, "CSV field \(index) out of range 0..<\(count)")
        return (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }

    /// Room for at least `minimum` bytes, keeping the first `used`.
    fileprivate func growBytes(to minimum: Int, used: Int) {
        (bytes, byteCapacity) = Self.grown(bytes, capacity: byteCapacity, to: minimum, used: used)
    }

    /// Room for at least `minimum` field ends, keeping the first `used`.
    fileprivate func growEnds(to minimum: Int, used: Int) {
        (ends, endCapacity) = Self.grown(ends, capacity: endCapacity, to: minimum, used: used)
    }

    /// A larger block (at least double) with the first `used` elements moved over; the old
    /// one is freed.
    private static func grown<T>(_ old: UnsafeMutablePointer<T>, capacity: Int, to minimum: Int,
                                 used: Int) -> (UnsafeMutablePointer<T>, Int) {
        let larger = max(minimum, capacity * 2)
        let block = UnsafeMutablePointer<T>.allocate(capacity: larger)
        block.update(from: old, count: used)
        old.deallocate()
        return (block, larger)
    }
}

/// The parser's local view of `CSVFieldStorage` while it builds one record.
private struct FieldWriter {
    let storage: CSVFieldStorage
    var bytes: UnsafeMutablePointer<UInt8>
    var byteCount = 0
    var byteCapacity: Int
    var ends: UnsafeMutablePointer<Int>
    var fieldCount = 0
    var endCapacity: Int

    init(_ storage: CSVFieldStorage) {
        self.storage = storage
        bytes = storage.bytes
        byteCapacity = storage.byteCapacity
        ends = storage.ends
        endCapacity = storage.endCapacity
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if byteCount == byteCapacity { grow(byteCount + 1) }
        bytes[byteCount] = byte
        byteCount += 1
    }

    @inline(__always)
    mutating func append(_ run: UnsafePointer<UInt8>, count: Int) {
        if byteCount + count > byteCapacity { grow(byteCount + count) }
        (bytes + byteCount).update(from: run, count: count)
        byteCount += count
    }

    @inline(__always)
    mutating func endField() {
        if fieldCount == endCapacity {
            storage.growEnds(to: fieldCount + 1, used: fieldCount)
            ends = storage.ends
            endCapacity = storage.endCapacity
        }
        ends[fieldCount] = byteCount
        fieldCount += 1
    }

    private mutating func grow(_ minimum: Int) {
        storage.growBytes(to: minimum, used: byteCount)
        bytes = storage.bytes
        byteCapacity = storage.byteCapacity
    }

    /// The record is complete: the storage now describes it.
    func finish() { storage.count = fieldCount }
}

/// The fields of one record as bytes, for reading several at once without allocating; valid
/// only inside `CSVRecord.withFields`.
public struct CSVFields {
    let bytes: UnsafePointer<UInt8>
    let ends: UnsafePointer<Int>
    /// The number of fields.
    public let count: Int

    /// Fields laid out as a record's: field `i` ends at `ends[i]` in `bytes`. For a record put
    /// together by the reader's caller (the pieces of a row cut by line breaks).
    public init(bytes: UnsafePointer<UInt8>, ends: UnsafePointer<Int>, count: Int) {
        self.bytes = bytes
        self.ends = ends
        self.count = count
    }

    /// Field `index`'s bytes. Traps when `index` is not below `count`.
    @inline(__always)
    public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(index >= 0 && index < count, "CSV field \(index) out of range 0..<\(count)")
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeBufferPointer(start: bytes + start, count: ends[index] - start)
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
        return try body(UnsafeBufferPointer(start: storage.bytes + range.lowerBound, count: range.count))
    }

    /// Every field's bytes at once, without allocating.
    public func withFields<R>(_ body: (CSVFields) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            try body(CSVFields(bytes: storage.bytes, ends: storage.ends, count: storage.count))
        }
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
    @exclusivity(unchecked) private var position = 0
    @exclusivity(unchecked) private var windowEnd = 0
    /// For UTF-8 input: the bytes of a character cut by the end of the last block.
    private var carry: [UInt8] = []
    /// Scratch for the raw bytes of a GB18030 block and its UTF-8 output.
    private var rawBlock: [UInt8] = []
    private var decoded: [UInt8] = []
    /// An encoding error found at the end of the window: thrown when the parser reaches it.
    private var encodingProblem: String?
    private var endOfInput = false

    /// Position of the next byte: 1-based line, characters already consumed on that line.
    /// (Read and written once per record: without dynamic exclusivity checks, as for
    /// `position`; nothing else touches them.)
    @exclusivity(unchecked) private var line = 1
    @exclusivity(unchecked) private var column = 0
    /// A CR ended the last line: a following LF belongs to it.
    @exclusivity(unchecked) private var afterCR = false
    @exclusivity(unchecked) private var failure: CSVError?
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
        // Local copies of everything the loop below touches: it runs once per byte of the
        // file, and class properties would cost an exclusivity check each time.
        var out = FieldWriter(storage)
        var state = State.fieldStart
        var recordLine = line
        var sawQuote = false
        var quoteLine = 0, quoteColumn = 0
        var line = self.line, column = self.column, afterCR = self.afterCR
        var position = self.position
        var window = UnsafePointer(self.window.baseAddress!)
        var windowEnd = self.windowEnd
        let unquotedStops = ByteScan.unquotedStops, quotedStops = ByteScan.quotedStops
        defer {
            self.line = line
            self.column = column
            self.afterCR = afterCR
            self.position = position
        }

        while true {
            if position == windowEnd {
                self.position = position
                let more = try refill()
                position = self.position
                window = UnsafePointer(self.window.baseAddress!)
                windowEnd = self.windowEnd
                if more { continue }
                if let problem = encodingProblem {
                    throw CSVError(line: line, column: column + 1, message: problem)
                }
                switch state {
                case .quoted:
                    throw CSVError(line: quoteLine, column: quoteColumn,
                                   message: "quoted field is never closed (the file ends inside it)")
                case .fieldStart where out.fieldCount == 0 && !sawQuote:
                    out.finish()
                    return nil
                default:
                    out.endField()
                    out.finish()
                    return CSVRecord(line: recordLine, count: out.fieldCount, storage: storage)
                }
            }
            if afterCR {
                afterCR = false
                if window[position] == lf {
                    // The LF of a CRLF: the line was already counted at the CR.
                    position += 1
                    if state == .quoted { out.append(lf) }
                    continue
                }
            }
            switch state {
            case .fieldStart, .unquoted:
                // A run of ordinary bytes, found eight at a time and copied at once.
                let runStart = position
                let run = ByteScan.run(window, from: position, to: windowEnd, stoppingAt: unquotedStops)
                position = run.end
                column += run.characters
                if position > runStart {
                    out.append(window + runStart, count: position - runStart)
                    state = .unquoted
                }
                if position == windowEnd { continue }  // more may follow in the next block
                let b = window[position]
                position += 1
                column += 1
                switch b {
                case comma:
                    out.endField()
                    state = .fieldStart
                case lf, cr:
                    line += 1
                    column = 0
                    afterCR = b == cr
                    if state == .fieldStart && out.fieldCount == 0 && !sawQuote {
                        recordLine = line  // a blank line
                        continue
                    }
                    out.endField()
                    out.finish()
                    return CSVRecord(line: recordLine, count: out.fieldCount, storage: storage)
                default:  // a quote
                    guard state == .fieldStart else {
                        throw CSVError(line: line, column: column,
                                       message: "a quote inside an unquoted field (quote the whole field and double the quote)")
                    }
                    state = .quoted
                    sawQuote = true
                    quoteLine = line
                    quoteColumn = column
                }
            case .quoted:
                // A run of quoted bytes up to the next quote or line break.
                let runStart = position
                let run = ByteScan.run(window, from: position, to: windowEnd, stoppingAt: quotedStops)
                position = run.end
                column += run.characters
                if position > runStart { out.append(window + runStart, count: position - runStart) }
                if position == windowEnd { continue }
                let b = window[position]
                position += 1
                column += 1
                if b == quote {
                    state = .quoteInQuoted
                } else {
                    // A line break inside quotes is kept as it is in the file.
                    out.append(b)
                    line += 1
                    column = 0
                    afterCR = b == cr
                }
            case .quoteInQuoted:
                let b = window[position]
                position += 1
                if b & 0xC0 != 0x80 { column += 1 }
                switch b {
                case quote:
                    out.append(quote)
                    state = .quoted
                case comma:
                    out.endField()
                    state = .fieldStart
                case lf, cr:
                    line += 1
                    column = 0
                    afterCR = b == cr
                    out.endField()
                    out.finish()
                    return CSVRecord(line: recordLine, count: out.fieldCount, storage: storage)
                default:
                    throw CSVError(line: line, column: column,
                                   message: "unexpected character after a closing quote (expected a comma or the end of the line)")
                }
            }
        }
    }
}

/// Finding the bytes that end a run of field content, eight bytes at a time (one 64-bit
/// word): the CSV reader's inner loop, over every byte of a file.
enum ByteScan {
    /// The bytes a run stops at (four; repeat one for fewer), each repeated in all eight
    /// bytes of a word.
    struct Stops {
        let a, b, c, d: UInt64
        init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
            self.a = UInt64(a) &* ByteScan.ones
            self.b = UInt64(b) &* ByteScan.ones
            self.c = UInt64(c) &* ByteScan.ones
            self.d = UInt64(d) &* ByteScan.ones
        }

        func contains(_ byte: UInt8) -> Bool {
            let word = UInt64(byte) &* ByteScan.ones
            return word == a || word == b || word == c || word == d
        }
    }

    static let unquotedStops = Stops(UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r"))
    static let quotedStops = Stops(UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\r"))

    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The sum of the eight bytes of `word`, each at most 1: a multiplication gathers them in
    /// the top byte (cheaper than a population count without the POPCNT instruction, which
    /// the default target does not assume).
    @inline(__always)
    static func byteSum(_ word: UInt64) -> Int { Int(truncatingIfNeeded: (word &* ones) >> 56) }

    /// Where the first stop byte at or after `start` is (`end` if none), and how many
    /// characters come before it: bytes that are not UTF-8 continuation bytes (10xxxxxx), as
    /// columns count.
    @inline(__always)
    static func run(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, stoppingAt stops: Stops)
        -> (end: Int, characters: Int)
    {
        var i = start
        var characters = 0
        let raw = UnsafeRawPointer(bytes)
        while i + 8 <= end {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // A byte equal to a stop becomes zero in `word ^ stop`; the classic test marks the
            // lowest such byte exactly (marks above it may be false, and are not used).
            let xa = word ^ stops.a, xb = word ^ stops.b, xc = word ^ stops.c, xd = word ^ stops.d
            let found = ((xa &- ones) & ~xa | (xb &- ones) & ~xb | (xc &- ones) & ~xc | (xd &- ones) & ~xd) & highs
            // Continuation bytes: high bit set, next bit clear; as 0 or 1 in each byte.
            let continuation = (word & ~(word << 1) & highs) >> 7
            if found != 0 {
                let before = found.trailingZeroBitCount / 8  // bytes before the stop (little-endian)
                let mask: UInt64 = before == 0 ? 0 : ~0 >> (64 - 8 * UInt64(before))
                return (i + before, characters + before - byteSum(continuation & mask))
            }
            characters += 8 - byteSum(continuation)
            i += 8
        }
        while i < end {
            let b = bytes[i]
            if stops.contains(b) { return (i, characters) }
            if b & 0xC0 != 0x80 { characters += 1 }
            i += 1
        }
        return (i, characters)
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
