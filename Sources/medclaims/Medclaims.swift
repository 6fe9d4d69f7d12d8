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
