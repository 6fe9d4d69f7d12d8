#if canImport(Glibc)
import Glibc
#endif

/// The insured roster (`insured.csv`), kept compact. A national roster holds millions of
/// people, and a `Person` value with its own Strings in a dictionary costs about a kilobyte
/// with what loading it leaves behind: at 200,000 people that was most of a run's memory
/// (issue 7). Here each person is one record of fields in a single byte array, found through
/// an open-addressing table of offsets; a lookup rebuilds the `Person` (a few small Strings).
///
/// `psn_no` is compared byte for byte (roster numbers are ASCII digits), not by the canonical
/// equivalence of Swift Strings.
public struct Roster: Sendable {
    /// The records, one after another: every field in `Person` order.
    private var bytes: [UInt8] = []
    /// Offset + 1 of a record, 0 for an empty slot. The count is a power of two, at most half full.
    private var slots: [Int] = []
    public private(set) var count = 0

    public init() {}

    public init(_ persons: some Sequence<Person>) {
        for person in persons { insert(person) }
    }

    /// Adds a person; false (and nothing changes) when the `psn_no` is already on the roster.
    @discardableResult
    public mutating func insert(_ person: Person) -> Bool {
        if slots.isEmpty || (count + 1) * 2 > slots.count { grow() }
        let slot = find(person.psnNo)
        guard slots[slot] == 0 else { return false }
        slots[slot] = bytes.count + 1
        append(person)
        count += 1
        return true
    }

    public subscript(psnNo: String) -> Person? {
        guard !slots.isEmpty else { return nil }
        let offset = slots[find(psnNo)]
        return offset == 0 ? nil : decode(at: offset - 1)
    }

    public func contains(_ psnNo: String) -> Bool {
        !slots.isEmpty && slots[find(psnNo)] != 0
    }

    /// Every person, in the order they were added.
    public var values: [Person] {
        var all: [Person] = []
        var offset = 0
        while offset < bytes.count {
            all.append(decode(at: offset))
            offset = end(of: offset)
        }
        return all
    }

    // MARK: The table

    /// The slot holding `psnNo`, or the empty slot where it would go.
    private func find(_ psnNo: String) -> Int {
        var key = psnNo
        return key.withUTF8 { key in
            var hasher = Hasher()
            hasher.combine(bytes: UnsafeRawBufferPointer(key))
            let mask = slots.count - 1
            var slot = hasher.finalize() & mask
            while slots[slot] != 0 && !keyMatches(key, at: slots[slot] - 1) {
                slot = (slot + 1) & mask
            }
            return slot
        }
    }

    private func keyMatches(_ key: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        let length = fieldLength(at: offset)
        guard length == key.count else { return false }
        // memcmp: the generic elementsEqual went byte by byte (issue 7).
        return length == 0 || bytes.withUnsafeBufferPointer { all in
            memcmp(key.baseAddress!, all.baseAddress! + offset + 4, length) == 0
        }
    }

    /// Each text field is its length in 4 bytes (little-endian), then its UTF-8 bytes.
    private func fieldLength(at offset: Int) -> Int {
        Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
    }

    private mutating func grow() {
        var larger = [Int](repeating: 0, count: max(16, slots.count * 2))
        let mask = larger.count - 1
        var offset = 0
        while offset < bytes.count {
            var hasher = Hasher()
            let length = fieldLength(at: offset)
            bytes.withUnsafeBytes { hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: $0[(offset + 4)..<(offset + 4 + length)])) }
            var slot = hasher.finalize() & mask
            while larger[slot] != 0 { slot = (slot + 1) & mask }
            larger[slot] = offset + 1
            offset = end(of: offset)
        }
        slots = larger
    }

    // MARK: Records

    private static let textFields = 9

    /// Field by field, each copied whole (no array of the fields, no byte-at-a-time copy:
    /// loading 178,000 people is most of a run's start, issue 7).
    private mutating func append(_ p: Person) {
        appendText(p.psnNo)
        appendText(p.psnName)
        appendText(p.certno)
        appendText(p.insutype.rawValue)
        appendText(p.insuAdmdvs)
        appendText(p.psnType.code)
        appendText(p.status.rawValue)
        appendText(p.bankAccount)
        appendText(p.bankName)
        appendText(p.bankCode)
        appendInteger(Int64(p.coverage.begin.ordinal))
        appendInteger(p.coverage.end.map { Int64($0.ordinal) } ?? Int64.min)
        appendInteger(p.accountBalance)
    }

    private mutating func appendText(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            precondition(utf8.count <= Int(UInt32.max), "a roster field of \(utf8.count) bytes")
            withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: utf8)
        }
    }

    private mutating func appendInteger(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Where the record at `offset` ends.
    private func end(of offset: Int) -> Int {
        var position = offset
        for _ in 0...Self.textFields { position += 4 + fieldLength(at: position) }
        return position + 3 * 8
    }

    private func decode(at offset: Int) -> Person {
        var position = offset
        func text() -> String {
            let length = fieldLength(at: position)
            defer { position += 4 + length }
            return String(decoding: bytes[(position + 4)..<(position + 4 + length)], as: UTF8.self)
        }
        func integer() -> Int64 {
            var value: UInt64 = 0
            for i in 0..<8 { value |= UInt64(bytes[position + i]) << UInt64(8 * i) }
            position += 8
            return Int64(bitPattern: value)
        }
        let psnNo = text(), psnName = text(), certno = text(), insutype = text(), insuAdmdvs = text()
        let psnType = text(), status = text(), bankAccount = text(), bankName = text(), bankCode = text()
        let begin = integer(), end = integer(), balance = integer()
        // The fields were valid codes when the person was added.
        return Person(
            psnNo: psnNo, psnName: psnName, certno: certno, insutype: Insutype(rawValue: insutype)!,
            insuAdmdvs: insuAdmdvs, psnType: PersonType(psnType)!,
            coverage: Period(begin: Day(ordinal: Int32(begin)), end: end == Int64.min ? nil : Day(ordinal: Int32(end))),
            status: CoverageStatus(rawValue: status)!, accountBalance: balance,
            bankAccount: bankAccount, bankName: bankName, bankCode: bankCode)
    }
}
