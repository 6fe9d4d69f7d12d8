#if canImport(Glibc)
import Glibc
#endif
import Domain

/// The run's notion of "now": local time as `YYYY-MM-DDTHH:MM:SS`. Only the run record takes
/// it; everything a run writes reads the record, so a resumed run writes what a clean one would.
/// `MEDCLAIMS_NOW` fixes it (for reproducible runs and the crash test).
public enum RunClock {
    public static func now() -> String {
        if let fixed = getenv("MEDCLAIMS_NOW").map({ String(cString: $0) }), DateTime(fixed) != nil {
            return fixed
        }
        var seconds = time(nil)
        var parts = tm()
        localtime_r(&seconds, &parts)
        guard let day = Day(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday)) else {
            return "1970-01-01T00:00:00"
        }
        return DateTime(day: day, secondOfDay: Int32(parts.tm_hour * 3600 + parts.tm_min * 60 + parts.tm_sec)).description
    }

    /// A wall-clock timestamp for log lines only (never for outputs that must be reproducible).
    public static func logTimestamp() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        let day = Day(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
            ?? Day(ordinal: 0)
        let time = DateTime(day: day, secondOfDay: Int32(parts.tm_hour * 3600 + parts.tm_min * 60 + parts.tm_sec))
        let millis = String(spec.tv_nsec / 1_000_000)
        return time.description + "." + String(repeating: "0", count: 3 - millis.count) + millis
    }
}
