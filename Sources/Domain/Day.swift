/// A calendar date (`YYYY-MM-DD`, local, no zone), stored as days since 1970-01-01 so that
/// differences in days are plain subtraction.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let ordinal: Int32

    public init(ordinal: Int32) { self.ordinal = ordinal }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Day.daysIn(month: month, year: year)).contains(day) else { return nil }
        ordinal = Int32(Day.daysFromCivil(year: year, month: month, day: day))
    }

    /// Parses exactly `YYYY-MM-DD` with a real calendar date.
    public init?(_ text: some StringProtocol) {
        var copy = String(text)
        guard let day = copy.withUTF8({ Day(bytes: $0) }) else { return nil }
        self = day
    }

    public init?(bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let y = Day.digits(bytes, 0, 4), let m = Day.digits(bytes, 5, 2),
              let d = Day.digits(bytes, 8, 2), let day = Day(year: y, month: m, day: d)
        else { return nil }
        self = day
    }

    public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }

    /// Whole days from `other` to `self`.
    public func days(since other: Day) -> Int { Int(ordinal) - Int(other.ordinal) }

    public func adding(days: Int) -> Day { Day(ordinal: ordinal + Int32(days)) }

    public var components: (year: Int, month: Int, day: Int) { Day.civil(fromDays: Int(ordinal)) }
    public var year: Int { components.year }

    public var description: String {
        let c = components
        guard (0...9999).contains(c.year) else {
            return Day.pad(c.year, 4) + "-" + Day.pad(c.month, 2) + "-" + Day.pad(c.day, 2)
        }
        // Every real date: 10 ASCII bytes, written in place (two per claim in the result logs).
        return String(unsafeUninitializedCapacity: 10) { out in
            func put(_ value: Int, width: Int, at end: Int) {
                var value = value
                for i in stride(from: end - 1, through: end - width, by: -1) {
                    out[i] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(c.year, width: 4, at: 4)
            out[4] = UInt8(ascii: "-")
            put(c.month, width: 2, at: 7)
            out[7] = UInt8(ascii: "-")
            put(c.day, width: 2, at: 10)
            return 10
        }
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    @inline(__always)  // six times per fee line time: called, it costs more than its work
    static func digits(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for i in start..<(start + count) {
            let b = bytes[i]
            guard b >= 0x30, b <= 0x39 else { return nil }
            value = value * 10 + Int(b - 0x30)
        }
        return value
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days-from-civil and civil-from-days algorithms.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(fromDays z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// A local date and time `YYYY-MM-DDTHH:MM:SS` (no zone).
public struct DateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let day: Day
    public let secondOfDay: Int32

    public init(day: Day, secondOfDay: Int32) {
        self.day = day
        self.secondOfDay = secondOfDay
    }

    public init?(_ text: some StringProtocol) {
        var copy = String(text)
        guard let value = copy.withUTF8({ DateTime(bytes: $0) }) else { return nil }
        self = value
    }

    public init?(bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 19, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
              bytes[16] == UInt8(ascii: ":"),
              let day = Day(bytes: UnsafeBufferPointer(rebasing: bytes[0..<10])),
              let h = Day.digits(bytes, 11, 2), let m = Day.digits(bytes, 14, 2),
              let s = Day.digits(bytes, 17, 2), h < 24, m < 60, s < 60
        else { return nil }
        self.day = day
        self.secondOfDay = Int32(h * 3600 + m * 60 + s)
    }

    public static func < (a: DateTime, b: DateTime) -> Bool {
        (a.day, a.secondOfDay) < (b.day, b.secondOfDay)
    }

    public var description: String {
        let s = Int(secondOfDay)
        return day.description + "T" + Day.pad(s / 3600, 2) + ":" + Day.pad(s / 60 % 60, 2) + ":"
            + Day.pad(s % 60, 2)
    }
}

/// A period that includes both ends; an absent end is open (rules.md, "Periods").
public struct Period: Hashable, Sendable, CustomStringConvertible {
    public let begin: Day
    public let end: Day?

    public init(begin: Day, end: Day?) {
        self.begin = begin
        self.end = end
    }

    public func contains(_ day: Day) -> Bool { day >= begin && (end.map { day <= $0 } ?? true) }

    public func overlaps(_ other: Period) -> Bool {
        let endsAfterOtherBegins = end.map { $0 >= other.begin } ?? true
        let otherEndsAfterThisBegins = other.end.map { $0 >= begin } ?? true
        return endsAfterOtherBegins && otherEndsAfterThisBegins
    }

    public var description: String { "\(begin)..\(end.map { $0.description } ?? "")" }
}
