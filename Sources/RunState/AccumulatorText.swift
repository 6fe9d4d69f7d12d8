import Domain

/// A compact text form of `YearAccumulators` for the state store (a line of `PersonText`),
/// written for every person a checkpoint moves and read for every person first met in a
/// batch (JSON cost more than the rest of the commit). Sections in a fixed order, keys sorted, so equal values are equal bytes:
///
///     d inpatient=90000 outpatient=100000;b inpatient=420666;f 310100=357566;c 0
///
/// `d` deductible used by group, `b` cumulative base by group, `f` paid by fund, `c` the
/// critical-illness burden. Group names are percent-escaped (space, `=`, `;`, `%`, line break).
enum AccumulatorText {
    // Both directions work on UTF-8 bytes in place: this runs for every person a checkpoint
    // writes and every person a batch reads, and splitting into arrays of slices and Strings
    // cost more than the SQLite statements they feed (issue 7).

    static func encode(_ a: YearAccumulators) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(96)
        append(a, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `encode(a)`'s bytes, appended to `out` (a person's years are written into one buffer).
    static func append(_ a: YearAccumulators, to out: inout [UInt8]) {
        func entry(_ key: some StringProtocol, _ value: Fen) {
            out.append(UInt8(ascii: " "))
            appendEscaped(key, to: &out)
            out.append(UInt8(ascii: "="))
            appendInteger(value, to: &out)
        }
        func section(_ tag: UInt8, _ values: [String: Fen]) {
            out.append(tag)
            for key in values.keys.sorted() { entry(key, values[key]!) }
        }
        section(UInt8(ascii: "d"), a.deductibleUsed)
        out.append(UInt8(ascii: ";"))
        section(UInt8(ascii: "b"), a.cumulativeBase)
        out.append(UInt8(ascii: ";"))
        out.append(UInt8(ascii: "f"))
        // By code: `Fund` orders as its code's text does.
        for fund in a.fundPaid.keys.sorted() { entry(fund.rawValue, a.fundPaid[fund]!) }
        out.append(contentsOf: ";c ".utf8)
        appendInteger(a.criticalIllnessBurden, to: &out)
    }

    /// `value` in decimal, as `String(value)` writes it.
    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        DecimalText.withDigits(value, scale: 0, keepingDecimals: 0) { out.append(contentsOf: $0) }
    }

    struct Malformed: Error, CustomStringConvertible {
        var text: String
        var description: String { "accumulators '\(text)' are malformed" }
    }

    static func decode(_ text: String) throws -> YearAccumulators {
        var text = text
        return try text.withUTF8 { try decode(bytes: $0[...]) }
    }

    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    /// `decode` of the text whose UTF-8 is `bytes`.
    static func decode(bytes: Bytes) throws -> YearAccumulators {
        var malformed: Malformed { Malformed(text: String(decoding: bytes, as: UTF8.self)) }
        // Four sections, separated by `;`.
        var sections: [Bytes] = []
        sections.reserveCapacity(4)
        var start = bytes.startIndex
        for i in bytes.indices where bytes[i] == UInt8(ascii: ";") {
            guard sections.count < 3 else { throw malformed }
            sections.append(bytes[start..<i])
            start = i + 1
        }
        guard sections.count == 3 else { throw malformed }
        sections.append(bytes[start...])

        // A section: its tag, then `key=value` words, separated by one or more spaces.
        func values(_ section: Bytes, _ tag: UInt8, _ add: (Bytes, Fen) throws -> Void) throws {
            var words = Words(section)
            guard let first = words.next(), first.count == 1, first.first == tag else { throw malformed }
            while let word = words.next() {
                guard let eq = word.lastIndex(of: UInt8(ascii: "=")),
                      let value = integer(word[(eq + 1)...]) else { throw malformed }
                try add(word[..<eq], value)
            }
        }
        var a = YearAccumulators()
        try values(sections[0], UInt8(ascii: "d")) { key, value in a.deductibleUsed[unescape(key)] = value }
        try values(sections[1], UInt8(ascii: "b")) { key, value in a.cumulativeBase[unescape(key)] = value }
        try values(sections[2], UInt8(ascii: "f")) { key, value in
            guard let fund = Fund(rawValue: unescape(key)) else { throw malformed }
            a.fundPaid[fund] = value
        }
        var words = Words(sections[3])
        guard let c = words.next(), c.count == 1, c.first == UInt8(ascii: "c"),
              let digits = words.next(), let burden = integer(digits), words.next() == nil else {
            throw malformed
        }
        a.criticalIllnessBurden = burden
        return a
    }

    /// The non-empty runs of bytes between spaces.
    struct Words {
        var rest: Bytes
        init(_ bytes: Bytes) { rest = bytes }

        mutating func next() -> Bytes? {
            while rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
            guard !rest.isEmpty else { return nil }
            let end = rest.firstIndex(of: UInt8(ascii: " ")) ?? rest.endIndex
            defer { rest = rest[end...] }
            return rest[..<end]
        }
    }

    /// An optional minus sign and decimal digits, as `String(Int64)` writes them.
    static func integer(_ digits: Bytes) -> Fen? {
        var rest = digits
        let negative = rest.first == UInt8(ascii: "-")
        if negative { rest = rest.dropFirst() }
        guard !rest.isEmpty, rest.count <= 19 else { return nil }
        // A negative value is built downwards, so that Int64.min (whose magnitude is no Int64) reads too.
        var value: Fen = 0
        for byte in rest {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Fen(byte - UInt8(ascii: "0"))
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            guard !o1, !o2 else { return nil }
            value = next
        }
        return value
    }

    /// Group names are percent-escaped where they would break the form: `%`, space, `=`, `;`,
    /// and the line break that separates a person's years (`PersonText`).
    private static func appendEscaped(_ s: some StringProtocol, to out: inout [UInt8]) {
        let hex: StaticString = "0123456789ABCDEF"
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: " "), UInt8(ascii: "="), UInt8(ascii: ";"), UInt8(ascii: "\n"):
                out.append(UInt8(ascii: "%"))
                out.append(hex.utf8Start[Int(byte >> 4)])
                out.append(hex.utf8Start[Int(byte & 0xF)])
            default:
                out.append(byte)
            }
        }
    }

    private static func unescape(_ s: Bytes) -> String {
        guard s.contains(UInt8(ascii: "%")) else { return String(decoding: s, as: UTF8.self) }
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == UInt8(ascii: "%"), i + 2 < s.endIndex,
               let high = hexValue(s[i + 1]), let low = hexValue(s[i + 2]) {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
