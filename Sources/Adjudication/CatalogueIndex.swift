import Domain

/// The catalogues and facility standards rearranged for the line rules, once per run.
///
/// `Catalogues.lookup` costs a fee line three String-keyed hash probes (the province, then the
/// code in the province's catalogue and in the national one), each hashing the code with
/// SipHash and comparing it with a key stored in its own heap object, and it hands the row out
/// as a struct of Strings to copy. Here one probe on the code's bytes finds everything the line
/// rules ask about it, in flat arrays: its national rows, its rows in each province, its
/// facility caps. A lookup answers a position in `entries`, so nothing is copied.
///
/// The answers are those of `Catalogues.lookup` and `FacilityStandards.cap` (rules.md,
/// "Catalogue lookup"): the hospital's province first, then the national catalogue, never
/// another province's.
final class CatalogueIndex: Sendable {
    /// Every catalogue row, national and provincial; a code's rows of one catalogue are
    /// consecutive, in the catalogue's order.
    let entries: [CatalogueEntry]

    /// Where a code's rows are. Counts of -1 mark a catalogue without the code (0 rows is a
    /// code present with no rows).
    private struct Code {
        var keyStart: Int32
        var keyCount: Int32
        /// The first 32 bytes of the key, zero-padded: a key that short (every real code) is
        /// compared here, in the memory the probe reads anyway, not in `keyBytes`.
        var keyPrefix: KeyWords
        var nationalStart: Int32 = 0
        var nationalCount: Int32 = -1
        /// A range of `provincial`.
        var provincialStart: Int32 = 0
        var provincialCount: Int32 = 0
        /// The caps by level at `caps[capsStart + level.rawValue]`; -1: no facility standard.
        var capsStart: Int32 = -1
    }

    /// 32 bytes of a key as four words.
    private struct KeyWords: Equatable {
        var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            withUnsafeMutableBytes(of: &self) { words in
                for i in 0..<min(bytes.count, words.count) { words[i] = bytes[i] }
            }
        }
    }

    /// A code's rows in one province's catalogue.
    private struct ProvinceRows {
        var slot: Int32
        var start: Int32
        var count: Int32
    }

    private let codes: [Code]
    private let provincial: [ProvinceRows]
    private let caps: [MicroYuan?]
    private static let capsPerCode = (InstitutionLevel.allCases.map(\.rawValue).max() ?? 0) + 1
    /// All codes' UTF-8 bytes, one after the other.
    private let keyBytes: [UInt8]
    /// Open addressing, linear probing: a code's position in `codes` and its hash, or -1.
    private let table: [(hash: UInt64, code: Int32)]
    /// Province code (2 digits) → slot.
    private let slots: [String: Int32]
    /// Code → position in `codes`, for what the byte table cannot answer alone: Strings are
    /// equal when canonically equivalent (the Kelvin sign is a "K"), bytes only when the same.
    /// Only ASCII is both, so a code outside ASCII on either side is looked up here.
    private let position: [String: Int]
    private let allCodesASCII: Bool

    /// A catalogue row found for a fee line (a position in `entries`).
    enum Lookup {
        case found(Int)
        /// The code has rows, but none valid on that date.
        case notEffective
        case unknown
    }

    init(catalogues: Catalogues, facilityStandards: FacilityStandards) {
        var slots: [String: Int32] = [:]
        for (slot, province) in catalogues.provinces.keys.sorted().enumerated() { slots[province] = Int32(slot) }

        var entries: [CatalogueEntry] = []
        var position: [String: Int] = [:]  // code → index in `codes`
        var codes: [Code] = []
        var keyBytes: [UInt8] = []
        func code(_ text: String) -> Int {
            if let i = position[text] { return i }
            let start = keyBytes.count
            keyBytes.append(contentsOf: text.utf8)
            let prefix = keyBytes.withUnsafeBufferPointer { KeyWords(UnsafeBufferPointer(rebasing: $0[start...])) }
            codes.append(Code(keyStart: Int32(start), keyCount: Int32(keyBytes.count - start), keyPrefix: prefix))
            position[text] = codes.count - 1
            return codes.count - 1
        }
        for (text, rows) in catalogues.national.rowsByCode {
            let i = code(text)
            codes[i].nationalStart = Int32(entries.count)
            codes[i].nationalCount = Int32(rows.count)
            entries.append(contentsOf: rows)
        }
        var byCode: [Int: [ProvinceRows]] = [:]
        for (province, catalogue) in catalogues.provinces {
            for (text, rows) in catalogue.rowsByCode {
                byCode[code(text), default: []].append(
                    ProvinceRows(slot: slots[province]!, start: Int32(entries.count), count: Int32(rows.count)))
                entries.append(contentsOf: rows)
            }
        }
        var provincial: [ProvinceRows] = []
        for (i, rows) in byCode {
            codes[i].provincialStart = Int32(provincial.count)
            codes[i].provincialCount = Int32(rows.count)
            provincial.append(contentsOf: rows)
        }
        var caps: [MicroYuan?] = []
        for (text, byLevel) in facilityStandards.caps {
            let i = code(text)
            codes[i].capsStart = Int32(caps.count)
            var row = [MicroYuan?](repeating: nil, count: Self.capsPerCode)
            for (level, cap) in byLevel { row[level.rawValue] = cap }
            caps.append(contentsOf: row)
        }

        // At most half full, so that a code not in the table meets an empty slot soon.
        var size = 16
        while size < 2 * codes.count { size *= 2 }
        var table = [(hash: UInt64, code: Int32)](repeating: (0, -1), count: size)
        keyBytes.withUnsafeBufferPointer { all in
            for (i, c) in codes.enumerated() {
                let hash = Self.hash(UnsafeBufferPointer(rebasing: all[Int(c.keyStart)..<Int(c.keyStart + c.keyCount)]))
                var slot = Int(truncatingIfNeeded: hash) & (size - 1)
                while table[slot].code >= 0 { slot = (slot + 1) & (size - 1) }
                table[slot] = (hash, Int32(i))
            }
        }

        self.entries = entries
        self.codes = codes
        self.provincial = provincial
        self.caps = caps
        self.keyBytes = keyBytes
        self.table = table
        self.slots = slots
        self.position = position
        self.allCodesASCII = keyBytes.allSatisfy { $0 < 0x80 }
    }

    /// The slot of a hospital's province catalogue; nil when that province has none. Once per
    /// claim.
    func provinceSlot(hospitalAdmdvs: String) -> Int32? {
        slots[DivisionCode.province(of: hospitalAdmdvs)]
    }

    /// A code's place in the index (nil: in no catalogue and no facility standard).
    func code(_ text: String) -> Int? {
        guard allCodesASCII else { return position[text] }
        if let found = text.utf8.withContiguousStorageIfAvailable({ code(ascii: $0) }) {
            return found ?? (isASCII(text) ? nil : position[text])
        }
        var copy = text
        return copy.withUTF8 { code(ascii: $0) } ?? (isASCII(text) ? nil : position[text])
    }

    private func isASCII(_ text: String) -> Bool { text.utf8.allSatisfy { $0 < 0x80 } }

    /// The code whose bytes are `bytes`, when all the codes are ASCII.
    private func code(ascii bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let hash = Self.hash(bytes)
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = table[slot]
            if entry.code < 0 { return nil }
            if entry.hash == hash {
                let c = codes[Int(entry.code)]
                if Int(c.keyCount) == bytes.count, c.keyPrefix == KeyWords(bytes),
                   bytes.count <= MemoryLayout<KeyWords>.size || keyBytes.withUnsafeBufferPointer({ all in
                       Self.equal(bytes, UnsafeBufferPointer(rebasing: all[Int(c.keyStart)..<Int(c.keyStart + c.keyCount)]))
                   }) {
                    return Int(entry.code)
                }
            }
            slot = (slot + 1) & mask
        }
    }

    /// As `Catalogues.lookup`: the row of the province valid on `day`, else the national one.
    func lookup(_ code: Int?, on day: Day, provinceSlot: Int32?) -> Lookup {
        guard let code else { return .unknown }
        let c = codes[code]
        let inProvince = rows(inProvince: provinceSlot, of: code)
        if let inProvince, let row = valid(inProvince, on: day) { return .found(row) }
        let national = c.nationalCount >= 0 ? Int(c.nationalStart)..<Int(c.nationalStart + c.nationalCount) : nil
        if let national, let row = valid(national, on: day) { return .found(row) }
        return inProvince != nil || national != nil ? .notEffective : .unknown
    }

    /// The positions of a code's rows in the two catalogues that count, province first.
    func rowsThatCount(_ code: Int, provinceSlot: Int32?) -> [Int] {
        let c = codes[code]
        var rows = Array(rows(inProvince: provinceSlot, of: code) ?? 0..<0)
        if c.nationalCount > 0 { rows += Int(c.nationalStart)..<Int(c.nationalStart + c.nationalCount) }
        return rows
    }

    func facilityCap(_ code: Int, level: InstitutionLevel) -> MicroYuan? {
        let start = codes[code].capsStart
        return start < 0 ? nil : caps[Int(start) + level.rawValue]
    }

    private func rows(inProvince slot: Int32?, of code: Int) -> Range<Int>? {
        guard let slot else { return nil }
        let c = codes[code]
        for p in provincial[Int(c.provincialStart)..<Int(c.provincialStart + c.provincialCount)] where p.slot == slot {
            return Int(p.start)..<Int(p.start + p.count)
        }
        return nil
    }

    private func valid(_ rows: Range<Int>, on day: Day) -> Int? {
        for i in rows where entries[i].validity.contains(day) { return i }
        return nil
    }

    /// A multiply-and-fold hash over 8 bytes at a time. The table holds only reference codes,
    /// so no input can make its probe chains long.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h = UInt64(bytes.count) &* k
        var i = 0
        let raw = UnsafeRawPointer(bytes.baseAddress)
        while i + 8 <= bytes.count {
            h = (h ^ raw!.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        while i < bytes.count {
            tail = tail << 8 | UInt64(bytes[i])
            i += 1
        }
        h = (h ^ tail) &* k
        return h ^ (h >> 32)
    }

    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where a[i] != b[i] { return false }
        return true
    }
}
