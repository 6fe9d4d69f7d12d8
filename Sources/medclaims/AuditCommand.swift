import ArgumentParser
import Domain
import Batch
import Foundation
import Reporting

/// `medclaims audit`: rejections and reductions, from the result logs alone (a copy of
/// `out/` is enough; the state database is not read).
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List or summarise rejected and reduced claims from the runs' result logs.",
        discussion: """
        Reads out/runs/*/rejected.jsonl (or results.jsonl with --reductions or --status approved), \
        in run-id order then line order. Lines that cannot be read are reported on stderr as \
        FILE:LINE: MESSAGE and skipped. --from/--to compare the claim's enddate. --region matches \
        insu_admdvs by prefix (13 = the whole province). --format json writes JSON lines (one object \
        per line; `jq -s` makes an array); csv is RFC 4180, UTF-8 with a byte order mark.
        """
    )

    @Option(name: .long, help: "The runs directory (default: WORKSPACE/out/runs).")
    var runs: String?

    @OptionGroup var workspace: WorkspaceOptions

    @Option(name: .customLong("run"), help: "Only this run (repeatable).")
    var runIds: [String] = []

    @Option(name: .long, help: "Claims whose enddate is on or after this day (YYYY-MM-DD).")
    var from: String?

    @Option(name: .long, help: "Claims whose enddate is on or before this day (YYYY-MM-DD).")
    var to: String?

    @Option(name: .customLong("reason"), help: "Claims carrying this reason code (repeatable: any of them).")
    var reasons: [String] = []

    @Option(name: .long, help: "Only this institution (fixmedins_code).")
    var institution: String?

    @Option(name: .long, help: "Only this insured region (insu_admdvs, or a prefix of it).")
    var region: String?

    @Option(name: .long, help: "Only this person (psn_no).")
    var person: String?

    @Option(name: .long, help: "manual or direct.")
    var mode: String?

    @Option(name: .long, help: "approved or rejected (approved implies --reductions).")
    var status: String?

    @Flag(name: .long, help: "Add approved claims with reductions (from results.jsonl).")
    var reductions = false

    @Option(name: .long, help: "Count and total by reason, institution or region instead of listing.")
    var summary: String?

    @Option(name: .long, help: "table, json or csv.")
    var format: String = "table"

    @Option(name: .long, help: "The table's width in columns (default: $COLUMNS, else 120).")
    var width: Int?

    func validate() throws {
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, Day(value) == nil { throw usageError("audit", "\(name) '\(value)' is not a date YYYY-MM-DD") }
        }
        for code in reasons where ReasonCode(rawValue: code) == nil {
            throw usageError("audit", "--reason '\(code)' is not a reason code (\(ReasonCode.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if let mode, SettlementMode(rawValue: mode) == nil { throw usageError("audit", "--mode must be manual or direct") }
        if let status, ClaimStatus(rawValue: status) == nil { throw usageError("audit", "--status must be approved or rejected") }
        if let summary, AuditGrouping(rawValue: summary) == nil {
            throw usageError("audit", "--summary must be reason, institution or region")
        }
        if AuditOutput(rawValue: format) == nil { throw usageError("audit", "--format must be table, json or csv") }
    }

    func run() throws {
        var filter = AuditFilter()
        filter.runIds = Set(runIds)
        filter.from = from.flatMap { Day($0) }
        filter.to = to.flatMap { Day($0) }
        filter.reasons = Set(reasons.compactMap(ReasonCode.init(rawValue:)))
        filter.fixmedinsCode = institution
        filter.insuAdmdvs = region
        filter.psnNo = person
        filter.mode = mode.flatMap(SettlementMode.init(rawValue:))
        filter.status = status.flatMap(ClaimStatus.init(rawValue:))
        filter.includeReductions = reductions

        let directory = runs ?? workspace.runsDirectory
        let columns = width ?? ProcessInfo.processInfo.environment["COLUMNS"].flatMap { Int($0) } ?? 120
        let out = StandardOutput()
        do {
            let problems = try Audit.run(runsDirectory: directory, filter: filter,
                                         summary: summary.flatMap(AuditGrouping.init(rawValue:)),
                                         output: AuditOutput(rawValue: format) ?? .table, width: columns) { out.write($0) }
            out.flush()
            for problem in problems { StandardError.write("\(problem)\n") }
        } catch let error as ReportingError {
            out.flush()
            StandardError.write("medclaims audit: \(error)\n")
            throw ExitCode(ExitCodes.refused)
        }
    }
}

/// stdout through a buffer: an audit of a million claims writes in blocks, not per row.
final class StandardOutput {
    private var buffer: [UInt8] = []

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A usage error: said on stderr, exit code 2 (`ExitCodes.refused`: nothing was read), not
/// ArgumentParser's 64, so every command answers a bad invocation the same way.
func usageError(_ command: String, _ message: String) -> ExitCode {
    StandardError.write("medclaims \(command): \(message)\nSee 'medclaims \(command) --help'.\n")
    return ExitCode(ExitCodes.refused)
}

enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
