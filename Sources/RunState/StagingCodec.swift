import Domain
import TextFormats

/// A compact binary form of `IngestedClaim`, for the staging files: a submission is read
/// whole and staged before any of its claims is adjudicated (a file is taken whole or refused
/// whole), and adjudication then reads the staged claims instead of parsing the file again.
/// Record: 4-byte little-endian length, then the payload written by `StagingCodec.encode`.
enum StagingCodec {
    static func encode(_ ingested: IngestedClaim, into out: ByteWriter) {
        switch ingested {
        case .valid(let c):
            out.byte(0)
            out.string(c.submission); out.int(c.ordinal); out.int(c.sourceLine)
            out.string(c.fixmedinsCode); out.string(c.mdtrtId); out.string(c.psnNo); out.string(c.psnName)
            out.string(c.certno); out.string(c.insutype.rawValue); out.string(c.insuAdmdvs)
            out.string(c.medType.rawValue); out.int(Int(c.begndate.ordinal)); out.int(Int(c.enddate.ordinal))
            out.string(c.diseCodg); out.byte(c.emergency ? 1 : 0); out.string(c.invoiceNo)
            out.int(Int(c.invoiceDate.ordinal)); out.int64(c.invoiceAmount)
            out.int(c.documents.count)
            for d in c.documents.sorted() { out.string(d.rawValue) }
            out.int(Int(c.submitted.ordinal)); out.string(c.mode.rawValue)
            out.int(c.lines.count)
            for l in c.lines {
                out.int(l.sn); out.string(l.code); out.string(l.name)
                out.int(Int(l.time.day.ordinal)); out.int(Int(l.time.secondOfDay))
                out.int64(l.cnt); out.int64(l.pric); out.int64(l.amount); out.int(l.sourceLine)
            }
        case .invalid(let c):
            out.byte(1)
            out.string(c.submission); out.int(c.ordinal); out.int(c.sourceLine)
            out.optionalString(c.fixmedinsCode); out.optionalString(c.mdtrtId); out.optionalString(c.invoiceNo)
            out.optionalString(c.psnNo); out.optionalString(c.certno); out.optionalString(c.insuAdmdvs)
            out.optionalString(c.mode?.rawValue)
            out.byte(c.claimedAmount == nil ? 0 : 1); out.int64(c.claimedAmount ?? 0)
            out.int(c.problems.count)
            for p in c.problems {
                out.string(p.field); out.string(p.value); out.int(p.line); out.int(p.column ?? -1); out.string(p.message)
            }
        }
    }

    struct Corrupt: Error, CustomStringConvertible {
        var description: String { "staged claim record is corrupt" }
    }

    /// `strings`, when given, makes the fee lines' codes and names: the same few thousand
    /// catalogue items recur all through a run, so the claims in flight share their Strings
    /// (peak RSS 186–187 MB against 190–196 MB at 1,000,000 claims). It saves allocations
    /// but not time: the caches' misses cost about as much (docs/ingest.md).
    static func decode(_ r: inout ByteReader, strings: FeeLineStrings? = nil) throws -> IngestedClaim {
        func code<T: RawRepresentable<String>>(_: T.Type) throws -> T {
            guard let value = T(rawValue: try r.string()) else { throw Corrupt() }
            return value
        }
        func day() throws -> Day { Day(ordinal: Int32(try r.int())) }
        switch try r.byte() {
        case 0:
            let submission = try r.string(), ordinal = try r.int(), sourceLine = try r.int()
            let fixmedins = try r.string(), mdtrt = try r.string(), psnNo = try r.string(), psnName = try r.string()
            let certno = try r.string(), insutype = try code(Insutype.self), admdvs = try r.string()
            let medType = try code(MedType.self), begn = try day(), end = try day()
            let dise = try r.string(), emergency = try r.byte() == 1, invoiceNo = try r.string()
            let invoiceDate = try day(), invoiceAmount = try r.int64()
            let documentCount = try r.int()
            var documents = Set<DocumentCode>(minimumCapacity: max(0, documentCount))
            for _ in 0..<documentCount { documents.insert(try code(DocumentCode.self)) }
            let submitted = try day(), mode = try code(SettlementMode.self)
            let lineCount = try r.int()
            var lines: [FeeLine] = []
            lines.reserveCapacity(lineCount)
            for _ in 0..<lineCount {
                let sn = try r.int()
                let code = try strings.map { try r.string(cachedIn: $0.codes) } ?? r.string()
                let name = try strings.map { try r.string(cachedIn: $0.names) } ?? r.string()
                let time = DateTime(day: try day(), secondOfDay: Int32(try r.int()))
                lines.append(FeeLine(sn: sn, code: code, name: name, time: time, cnt: try r.int64(),
                                     pric: try r.int64(), amount: try r.int64(), sourceLine: try r.int()))
            }
            return .valid(Claim(
                submission: submission, ordinal: ordinal, sourceLine: sourceLine, fixmedinsCode: fixmedins,
                mdtrtId: mdtrt, psnNo: psnNo, psnName: psnName, certno: certno, insutype: insutype,
                insuAdmdvs: admdvs, medType: medType, begndate: begn, enddate: end, diseCodg: dise,
                emergency: emergency, invoiceNo: invoiceNo, invoiceDate: invoiceDate, invoiceAmount: invoiceAmount,
                documents: documents, submitted: submitted, mode: mode, lines: lines))
        case 1:
            let submission = try r.string(), ordinal = try r.int(), sourceLine = try r.int()
            let fixmedins = try r.optionalString(), mdtrt = try r.optionalString(), invoiceNo = try r.optionalString()
            let psnNo = try r.optionalString(), certno = try r.optionalString(), admdvs = try r.optionalString()
            let mode = try r.optionalString().flatMap(SettlementMode.init(rawValue:))
            let hasClaimed = try r.byte() == 1, claimed = try r.int64()
            var problems: [FieldProblem] = []
            for _ in 0..<(try r.int()) {
                let field = try r.string(), value = try r.string(), line = try r.int(), column = try r.int()
                problems.append(FieldProblem(field: field, value: value, line: line,
                                             column: column < 0 ? nil : column, message: try r.string()))
            }
            return .invalid(InvalidClaim(
                submission: submission, ordinal: ordinal, sourceLine: sourceLine, fixmedinsCode: fixmedins,
                mdtrtId: mdtrt, invoiceNo: invoiceNo, psnNo: psnNo, certno: certno, insuAdmdvs: admdvs, mode: mode,
                claimedAmount: hasClaimed ? claimed : nil, problems: problems))
        default:
            throw Corrupt()
        }
    }
}

/// Appends little-endian integers (zig-zag varints) and length-prefixed UTF-8 strings, into
/// memory of its own that grows by doubling. A record is a few hundred small writes, and an
/// Array's append checked uniqueness and capacity for every byte: encoding cost about 130
/// instructions a field (issue 7). Here each write makes room once, then stores unchecked.
final class ByteWriter {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 4096) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written so far; valid until the next write or `removeAll`.
    var bytes: UnsafeMutableBufferPointer<UInt8> { UnsafeMutableBufferPointer(start: base, count: count) }

    func removeAll() { count = 0 }

    @inline(__always)
    private func makeRoom(_ n: Int) {
        if n > capacity - count { grow(count + n) }
    }

    private func grow(_ needed: Int) {
        var larger = capacity * 2
        while larger < needed { larger *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }

    func byte(_ b: UInt8) {
        makeRoom(1)
        base[count] = b
        count += 1
    }

    func int64(_ value: Int64) {
        makeRoom(10)  // 64 bits, 7 a byte
        var v = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        var p = base + count
        while v >= 0x80 {
            p.pointee = UInt8(v & 0x7F) | 0x80
            p += 1
            v >>= 7
        }
        p.pointee = UInt8(v)
        count = p + 1 - base
    }

    func int(_ value: Int) { int64(Int64(value)) }

    func string(_ s: String) {
        var s = s
        s.withUTF8 { text in
            int(text.count)
            makeRoom(text.count)
            if let from = text.baseAddress { (base + count).update(from: from, count: text.count) }
            count += text.count
        }
    }

    func optionalString(_ s: String?) {
        if let s {
            byte(1)
            string(s)
        } else {
            byte(0)
        }
    }
}

struct ByteReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw StagingCodec.Corrupt() }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func int64() throws -> Int64 {
        // Most numbers (counts, lines, serial numbers, small amounts) fit one byte.
        if position < bytes.count, bytes[position] < 0x80 {
            let b = Int64(bytes[position])
            position += 1
            return (b >> 1) ^ -(b & 1)
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
            guard shift < 64 else { throw StagingCodec.Corrupt() }
        }
        return Int64(bitPattern: result >> 1) ^ -Int64(bitPattern: result & 1)
    }

    mutating func int() throws -> Int { Int(try int64()) }

    mutating func string() throws -> String {
        let count = try int()
        guard count >= 0, count <= bytes.count - position else { throw StagingCodec.Corrupt() }  // no overflow
        defer { position += count }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<(position + count)]), as: UTF8.self)
    }

    /// `string()`, made by `cache`.
    mutating func string(cachedIn cache: StringCache) throws -> String {
        let count = try int()
        guard count >= 0, count <= bytes.count - position else { throw StagingCodec.Corrupt() }  // no overflow
        defer { position += count }
        return cache.string(UnsafeBufferPointer(rebasing: bytes[position..<(position + count)]))
    }

    mutating func optionalString() throws -> String? { try byte() == 1 ? try string() : nil }
}
