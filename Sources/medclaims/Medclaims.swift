import ArgumentParser
import Foundation

/// The command line: thin and declarative. Each subcommand parses its options and calls the
/// stage modules; no business logic lives here.
@main
struct Medclaims: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "medclaims",
        abstract: "Reimburse cross-region medical care: check, adjudicate, pay and report hospital invoice exports.",
        subcommands: [Check.self, Explain.self, Run.self, Reprocess.self, Status.self, AuditCommand.self]
    )

    /// ArgumentParser exits 64 on a usage error; medclaims promises 2 (README.md, "Exit codes").
    static func main() {
        #if canImport(Glibc)
        // Blocks of 256 KiB and more (result buffers, read-ahead batches) are mapped and given
        // back on free. glibc's default raises that threshold as big blocks come and go, and
        // then keeps them in its arenas, where they fragment: measured on 100,000 claims, peak
        // RSS 169 → 150 MB, and less time in malloc's consolidation (issue 7).
        _ = glibcMallopt(glibcMmapThreshold, 256 << 10)
        #endif
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitCodes.refused)
            }
            exit(withError: error)
        }
    }
}

/// Exit codes shared by every command (README.md, "Exit codes").
enum ExitCodes {
    /// Input had errors (check), or a run could not finish (a payment file failed validation).
    static let failure: Int32 = 1
    /// Usage error, or config / reference data that does not load: nothing was read.
    static let refused: Int32 = 2
    /// Another run holds the workspace lock (EX_TEMPFAIL): cron retries later.
    static let locked: Int32 = 75
}

#if canImport(Glibc)
// glibc's `mallopt` and `M_MMAP_THRESHOLD` (malloc.h, which the Glibc module does not export).
@_silgen_name("mallopt") private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let glibcMmapThreshold: Int32 = -3
#endif
