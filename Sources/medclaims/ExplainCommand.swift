import ArgumentParser
import Domain
import Batch
import Foundation
import Reporting

/// `medclaims explain`: why a claim got what it got.
///
/// - `explain SETL_ID` finds the claim in the runs' result logs and prints its statement.
/// - `explain FILE.xml|FILE.csv [--claim MDTRT_ID]` adjudicates a submission against the
///   workspace's reference data without recording anything (`explainSubmission`, below).
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain a claim: its lines, reasons, deductible, funds, personal account and payment.",
        discussion: """
        SETL_ID: the settlement id of a claim in out/runs/*/results.jsonl. FILE: a submission \
        (.xml or .csv) to adjudicate against the workspace's reference data, nothing recorded.
        """
    )

    @Argument(help: "A settlement id (setl_id), or a submission file (.xml, .csv).")
    var target: String

    @Option(name: .long, help: "With a submission file: only the claim with this mdtrt_id.")
    var claim: String?

    @Option(name: .long, help: "The runs directory (default: WORKSPACE/out/runs).")
    var runs: String?

    @OptionGroup var workspace: WorkspaceOptions

    @Option(name: .long, help: "text (the statement) or json (the claim's result and its reason texts).")
    var format: String = "text"

    func validate() throws {
        guard format == "text" || format == "json" else { throw usageError("explain", "--format must be text or json") }
    }

    func run() throws {
        if Self.namesSubmissionFile(target) {
            try explainSubmission(file: target, claim: claim, format: format)
            return
        }
        if claim != nil { throw usageError("explain", "--claim goes with a submission file, not a settlement id") }
        let directory = runs ?? workspace.runsDirectory
        let found: ClaimResult?
        do {
            found = try ResultLogs.find(setlId: target, runsDirectory: directory)
        } catch let error as ReportingError {
            StandardError.write("medclaims explain: \(error)\n")
            throw ExitCode(ExitCodes.refused)
        }
        guard let result = found else {
            StandardError.write("medclaims explain: no claim with setl_id \(target) in \(directory)/*/results.jsonl\n")
            throw ExitCode(ExitCodes.failure)
        }
        let out = StandardOutput()
        if format == "json" {
            out.write(try Self.json(result))
        } else {
            out.write(Statement.render(result))
        }
        out.flush()
    }

    /// An argument that names an existing .xml or .csv file is a submission, not a setl_id.
    static func namesSubmissionFile(_ argument: String) -> Bool {
        let lower = argument.lowercased()
        guard lower.hasSuffix(".xml") || lower.hasSuffix(".csv") else { return false }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// The claim's result as the log has it, with the texts of its reason codes.
    static func json(_ result: ClaimResult) throws -> String {
        struct Explained: Encodable {
            var result: ClaimResult
            var reasonTexts: [String: ReasonText]
            enum CodingKeys: String, CodingKey { case result, reasonTexts = "reason_texts" }
        }
        var codes = Set(result.reasons.map(\.code))
        for line in result.lines { codes.formUnion(line.reasons.map(\.code)) }
        let texts = Dictionary(uniqueKeysWithValues: codes.map { ($0.rawValue, ReasonTexts.entry(for: $0)) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(Explained(result: result, reasonTexts: texts)), as: UTF8.self) + "\n"
    }

    // MARK: - Explaining a submission file

    /// Adjudicates the submission's claims (or only `claim`, an mdtrt_id) against the
    /// workspace's reference data with empty accumulators, records nothing, and prints each
    /// claim's statement.
    func explainSubmission(file: String, claim: String?, format: String) throws {
        let results: [ClaimResult]
        do {
            results = try SubmissionExplainer.explain(file: file, mdtrtId: claim, workspace: workspace.workspacePath,
                                                   configPath: workspace.config)
        } catch let error as BatchError {
            throw batchExitCode(for: error)
        }
        guard !results.isEmpty else {
            StandardError.write("medclaims explain: no claim\(claim.map { " with mdtrt_id \($0)" } ?? "") in \(file)\n")
            throw ExitCode(ExitCodes.failure)
        }
        let out = StandardOutput()
        for result in results {
            out.write(format == "json" ? try Self.json(result) : Statement.render(result) + "\n")
        }
        out.flush()
    }
}
