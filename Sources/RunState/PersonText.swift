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
/// id, begin and end as day ordinals), in `PersonState`'s order.
enum PersonText {
    struct Malformed: Error, CustomStringConvertible {
        var text: String
        var description: String { "person state '\(text)' is malformed" }
    }

    static func encodeYears(_ years: [Int: YearAccumulators]) -> String {
        years.keys.sorted().map { String($0) + " " + AccumulatorText.encode(years[$0]!) }.joined(separator: "\n")
    }

    static func decodeYears(_ text: String) throws -> [Int: YearAccumulators] {
        var years: [Int: YearAccumulators] = [:]
        for line in text.utf8.split(separator: UInt8(ascii: "\n")) {
            guard let space = line.firstIndex(of: UInt8(ascii: " ")),
                  let year = Int(String(decoding: line[..<space], as: UTF8.self)), years[year] == nil else {
                throw Malformed(text: text)
            }
            years[year] = try AccumulatorText.decode(String(decoding: line[line.index(after: space)...], as: UTF8.self))
        }
        return years
    }

    static func encodeStays(_ stays: [ApprovedStay]) -> String {
        stays.map { "\($0.setlId) \($0.begndate.ordinal) \($0.enddate.ordinal)" }.joined(separator: "\n")
    }

    static func decodeStays(_ text: String) throws -> [ApprovedStay] {
        try text.utf8.split(separator: UInt8(ascii: "\n")).map { line in
            let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
            guard fields.count == 3, !fields[0].isEmpty,
                  let begin = Int32(String(decoding: fields[1], as: UTF8.self)),
                  let end = Int32(String(decoding: fields[2], as: UTF8.self)) else { throw Malformed(text: text) }
            return ApprovedStay(setlId: String(decoding: fields[0], as: UTF8.self), begndate: Day(ordinal: begin),
                                enddate: Day(ordinal: end))
        }
    }
}
