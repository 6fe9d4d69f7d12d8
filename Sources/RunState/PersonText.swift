import Domain

/// The text columns of a `person` row, written at every checkpoint for each person the chunk
/// moved, and read for every person first met in a batch. Lines in a fixed order, so equal
/// states are equal bytes:
///
///     years:  2025 d outpatient=100000;b outpatient=52000;f 310100=41000;c 0
///             2026 d;b inpatient=831771;f 390100=491761;c 490010
///     stays:  R20260316-0001-000042 20511 20515
///
/// A line per year with its `AccumulatorText`, by year; a line per approved stay (settlement
/// id, begin and end as day ordinals), in `PersonState`'s order. Both are written into one
/// buffer and read in place, without a String per line.
enum PersonText {
    struct Malformed: Error, CustomStringConvertible {
        var text: String
        var description: String { "person state '\(text)' is malformed" }
    }

    static func encodeYears(_ years: [Int: YearAccumulators]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(100 * years.count)
        for year in years.keys.sorted() {
            if !out.isEmpty { out.append(UInt8(ascii: "\n")) }
            AccumulatorText.appendInteger(Int64(year), to: &out)
            out.append(UInt8(ascii: " "))
            AccumulatorText.append(years[year]!, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decodeYears(_ text: String) throws -> [Int: YearAccumulators] {
        var text = text
        return try text.withUTF8 { bytes in
            var years: [Int: YearAccumulators] = [:]
            try forEachLine(bytes) { line in
                guard let space = line.firstIndex(of: UInt8(ascii: " ")),
                      let year = AccumulatorText.integer(line[..<space]), years[Int(year)] == nil else {
                    throw Malformed(text: String(decoding: bytes, as: UTF8.self))
                }
                years[Int(year)] = try AccumulatorText.decode(bytes: line[(space + 1)...])
            }
            return years
        }
    }

    static func encodeStays(_ stays: [ApprovedStay]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(40 * stays.count)
        for stay in stays {
            if !out.isEmpty { out.append(UInt8(ascii: "\n")) }
            out.append(contentsOf: stay.setlId.utf8)
            out.append(UInt8(ascii: " "))
            AccumulatorText.appendInteger(Int64(stay.begndate.ordinal), to: &out)
            out.append(UInt8(ascii: " "))
            AccumulatorText.appendInteger(Int64(stay.enddate.ordinal), to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decodeStays(_ text: String) throws -> [ApprovedStay] {
        var text = text
        return try text.withUTF8 { bytes in
            var stays: [ApprovedStay] = []
            try forEachLine(bytes) { line in
                // Three fields, separated by single spaces.
                guard let first = line.firstIndex(of: UInt8(ascii: " ")), first > line.startIndex,
                      let second = line[(first + 1)...].firstIndex(of: UInt8(ascii: " ")),
                      let begin = day(line[(first + 1)..<second]), let end = day(line[(second + 1)...]) else {
                    throw Malformed(text: String(decoding: bytes, as: UTF8.self))
                }
                stays.append(ApprovedStay(setlId: String(decoding: line[..<first], as: UTF8.self), begndate: begin,
                                          enddate: end))
            }
            return stays
        }
    }

    /// A day ordinal that fits in `Int32`.
    private static func day(_ digits: AccumulatorText.Bytes) -> Day? {
        guard let value = AccumulatorText.integer(digits), let ordinal = Int32(exactly: value) else { return nil }
        return Day(ordinal: ordinal)
    }

    /// Each non-empty line of `bytes`.
    private static func forEachLine(_ bytes: UnsafeBufferPointer<UInt8>,
                                    _ body: (AccumulatorText.Bytes) throws -> Void) rethrows {
        var start = 0
        for i in 0...bytes.count where i == bytes.count || bytes[i] == UInt8(ascii: "\n") {
            if i > start { try body(bytes[start..<i]) }
            start = i + 1
        }
    }
}
