import ArgumentParser

/// The command line: thin and declarative. Each subcommand parses its options and calls the
/// stage modules; no business logic lives here.
@main
struct Medclaims: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "medclaims",
        abstract: "Reimburse cross-region medical care: check, adjudicate, pay and report hospital invoice exports.",
        subcommands: [Check.self, Explain.self, Run.self, Reprocess.self, Status.self, AuditCommand.self]
    )
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
