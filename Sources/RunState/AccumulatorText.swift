import Domain

/// A compact text form of `YearAccumulators` for the state store, written for every approved
/// claim and read for every person first met in a run (JSON cost more than the rest of the
/// commit). Sections in a fixed order, keys sorted, so equal values are equal bytes:
///
///     d inpatient=90000 outpatient=100000;b inpatient=420666;f 310100=357566;c 0
///
/// `d` deductible used by group, `b` cumulative base by group, `f` paid by fund, `c` the
/// critical-illness burden. Group names are percent-escaped (space, `=`, `;`, `%`).
enum AccumulatorText {
    static func encode(_ a: YearAccumulators) -> String {
        func section(_ tag: String, _ values: [String: Fen]) -> String {
            ([tag] + values.keys.sorted().map { escape($0) + "=" + String(values[$0]!) }).joined(separator: " ")
        }
        let funds = Dictionary(uniqueKeysWithValues: a.fundPaid.map { ($0.key.rawValue, $0.value) })
        return [section("d", a.deductibleUsed), section("b", a.cumulativeBase), section("f", funds),
                "c " + String(a.criticalIllnessBurden)].joined(separator: ";")
    }

    struct Malformed: Error, CustomStringConvertible {
        var text: String
        var description: String { "accumulators '\(text)' are malformed" }
    }

    static func decode(_ text: String) throws -> YearAccumulators {
        let sections = text.split(separator: ";", omittingEmptySubsequences: false)
        guard sections.count == 4 else { throw Malformed(text: text) }
        func values(_ section: Substring, _ tag: String) throws -> [String: Fen] {
            let parts = section.split(separator: " ")
            guard parts.first.map(String.init) == tag else { throw Malformed(text: text) }
            var result: [String: Fen] = [:]
            for part in parts.dropFirst() {
                guard let eq = part.lastIndex(of: "="), let value = Fen(part[part.index(after: eq)...]) else {
                    throw Malformed(text: text)
                }
                result[unescape(part[..<eq])] = value
            }
            return result
        }
        var a = YearAccumulators()
        a.deductibleUsed = try values(sections[0], "d")
        a.cumulativeBase = try values(sections[1], "b")
        for (code, value) in try values(sections[2], "f") {
            guard let fund = Fund(rawValue: code) else { throw Malformed(text: text) }
            a.fundPaid[fund] = value
        }
        let ci = sections[3].split(separator: " ")
        guard ci.count == 2, ci[0] == "c", let burden = Fen(ci[1]) else { throw Malformed(text: text) }
        a.criticalIllnessBurden = burden
        return a
    }

    private static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "%", " ", "=", ";": out += "%" + String(c.value, radix: 16, uppercase: true)
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    private static func unescape(_ s: Substring) -> String {
        guard s.contains("%") else { return String(s) }
        var out = String.UnicodeScalarView()
        var it = s.unicodeScalars.makeIterator()
        while let c = it.next() {
            if c == "%", let h = it.next(), let l = it.next(), let v = UInt32(String([Character(h), Character(l)]), radix: 16),
               let scalar = Unicode.Scalar(v) {
                out.append(scalar)
            } else {
                out.append(c)
            }
        }
        return String(out)
    }
}
