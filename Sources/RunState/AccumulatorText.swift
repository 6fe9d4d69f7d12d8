import Domain

/// A compact text form of `YearAccumulators` for the state store, written for every approved
/// claim and read for every person first met in a run (JSON cost more than the rest of the
/// commit). Sections in a fixed order, keys sorted, so equal values are equal bytes:
///
///     d inpatient=90000 outpatient=100000;b inpatient=420666;f 310100=357566;c 0
///
/// `d` deductible used by group, `b` cumulative base by group, `f` paid by fund, `c` the
/// critical-illness burden. Group names are percent-escaped (space, `=`, `;`, `%`, line break).
enum AccumulatorText {
    // Both directions work on UTF-8 bytes: this runs for every approved claim, and the
    // String-splitting version cost more than the SQLite insert it feeds (issue 7).

    static func encode(_ a: YearAccumulators) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(96)
        func section(_ tag: UInt8, _ values: [String: Fen]) {
            out.append(tag)
            for key in values.keys.sorted() {
                out.append(UInt8(ascii: " "))
                appendEscaped(key, to: &out)
                out.append(UInt8(ascii: "="))
                out.append(contentsOf: String(values[key]!).utf8)
            }
        }
        section(UInt8(ascii: "d"), a.deductibleUsed)
        out.append(UInt8(ascii: ";"))
        section(UInt8(ascii: "b"), a.cumulativeBase)
        out.append(UInt8(ascii: ";"))
        var funds: [String: Fen] = [:]
        for (fund, value) in a.fundPaid { funds[fund.rawValue] = value }
        section(UInt8(ascii: "f"), funds)
        out.append(contentsOf: ";c ".utf8)
        out.append(contentsOf: String(a.criticalIllnessBurden).utf8)
        return String(decoding: out, as: UTF8.self)
    }

    struct Malformed: Error, CustomStringConvertible {
        var text: String
        var description: String { "accumulators '\(text)' are malformed" }
    }

    static func decode(_ text: String) throws -> YearAccumulators {
        let bytes = Array(text.utf8)
        let sections = bytes.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
        guard sections.count == 4 else { throw Malformed(text: text) }
        func values(_ section: ArraySlice<UInt8>, _ tag: UInt8) throws -> [String: Fen] {
            let parts = section.split(separator: UInt8(ascii: " "))
            guard let first = parts.first, first.count == 1, first.first == tag else { throw Malformed(text: text) }
            var result: [String: Fen] = [:]
            for part in parts.dropFirst() {
                guard let eq = part.lastIndex(of: UInt8(ascii: "=")),
                      let value = integer(part[(eq + 1)...]) else { throw Malformed(text: text) }
                result[unescape(part[..<eq])] = value
            }
            return result
        }
        var a = YearAccumulators()
        a.deductibleUsed = try values(sections[0], UInt8(ascii: "d"))
        a.cumulativeBase = try values(sections[1], UInt8(ascii: "b"))
        for (code, value) in try values(sections[2], UInt8(ascii: "f")) {
            guard let fund = Fund(rawValue: code) else { throw Malformed(text: text) }
            a.fundPaid[fund] = value
        }
        let ci = sections[3].split(separator: UInt8(ascii: " "))
        guard ci.count == 2, ci[0].elementsEqual([UInt8(ascii: "c")]), let burden = integer(ci[1]) else {
            throw Malformed(text: text)
        }
        a.criticalIllnessBurden = burden
        return a
    }

    /// An optional minus sign and decimal digits, as `String(Int64)` writes them.
    private static func integer(_ digits: ArraySlice<UInt8>) -> Fen? {
        var rest = digits[...]
        let negative = rest.first == UInt8(ascii: "-")
        if negative { rest = rest.dropFirst() }
        guard !rest.isEmpty, rest.count <= 19 else { return nil }
        var value: Fen = 0
        for byte in rest {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Fen(byte - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return negative ? -value : value
    }

    /// Group names are percent-escaped where they would break the form: `%`, space, `=`, `;`,
    /// and the line break that separates a person's years (`PersonText`).
    private static func appendEscaped(_ s: String, to out: inout [UInt8]) {
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: " "), UInt8(ascii: "="), UInt8(ascii: ";"), UInt8(ascii: "\n"):
                out.append(UInt8(ascii: "%"))
                if byte < 0x10 { out.append(UInt8(ascii: "0")) }
                out.append(contentsOf: String(byte, radix: 16, uppercase: true).utf8)
            default:
                out.append(byte)
            }
        }
    }

    private static func unescape(_ s: ArraySlice<UInt8>) -> String {
        guard s.contains(UInt8(ascii: "%")) else { return String(decoding: s, as: UTF8.self) }
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == UInt8(ascii: "%"), i + 2 < s.endIndex,
               let v = UInt8(String(decoding: s[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(v)
                i += 3
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
