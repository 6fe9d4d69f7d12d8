#if canImport(Glibc)
import Glibc
#endif

/// Named instants of a run where the crash test (`scripts/crash-test`) can kill the process
/// with a real SIGKILL: `MEDCLAIMS_CRASH_AT=chunk-committed:3` dies the 3rd time the run passes
/// that point. Unset (always, outside that test), a point costs one comparison.
enum CrashPoint {
    private nonisolated(unsafe) static var target: (name: String, count: Int)? = {
        guard let raw = getenv("MEDCLAIMS_CRASH_AT").map({ String(cString: $0) }) else { return nil }
        let parts = raw.split(separator: ":")
        guard parts.count == 2, let n = Int(parts[1]), n > 0 else { return nil }
        return (String(parts[0]), n)
    }()
    private nonisolated(unsafe) static var hits = 0

    /// Reached from the run's main thread and from the staging thread; each point is reached
    /// from one of them only, so the count of the one point a test names is kept by one thread.
    static func reached(_ name: String) {
        guard let target, target.name == name else { return }
        hits += 1
        if hits == target.count { kill(getpid(), SIGKILL) }
    }
}

/// A test's way to make every checkpoint slow (`MEDCLAIMS_SLOW_COMMIT_MS=30`), so that a read
/// of the state racing a commit still in flight would show in the outputs. Unset (always,
/// outside that test), it costs one comparison per checkpoint.
enum SlowCommit {
    private static let delay: UInt32? = getenv("MEDCLAIMS_SLOW_COMMIT_MS").flatMap { UInt32(String(cString: $0)) }

    static func wait() {
        if let delay { usleep(delay * 1000) }
    }
}

/// A test's way to make the payment file on disk differ from what its writer wrote and the
/// validation read (`MEDCLAIMS_TAMPER_PAIN001=1`): one line break is appended to it before it
/// is judged, which leaves it well-formed and valid, so only the size check can see it. Only
/// in debug builds (the tests' and the crash test's): a release build has no such switch.
enum TamperedPaymentFile {
    #if DEBUG
    private static let active = getenv("MEDCLAIMS_TAMPER_PAIN001").map { String(cString: $0) } == "1"
    #else
    private static let active = false
    #endif

    static func apply(to path: String) {
        guard active else { return }
        let fd = open(path, O_WRONLY | O_APPEND)
        guard fd >= 0 else { return }
        _ = write(fd, "\n", 1)
        close(fd)
    }
}
