import ArgumentParser
import Foundation
import Ingest

/// `medclaims check FILE...`: reads submissions as a run would, touching no state, and says
/// what a run would make of them (docs/ingest.md).
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate submission files without touching any state.",
        discussion: """
            Prints, per file, the claims and fee lines read and every error: a refusal of the \
            whole file (line, column, expected, found) and every problem of every invalid claim. \
            An invoice whose fee lines do not add up to it is a warning (a later gate).
            Exit codes: 0 all files clean (warnings allowed), 1 some file has errors, \
            2 usage error (no submission file, a file that does not exist, a folder); other names are skipped.
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(name: .customLong("max-file-mb"), help: "Refuse files larger than this many MiB (config limits.max_file_mb).")
    var maxFileMB: Int64 = 2048

    @Argument(help: "Submission files (*.xml, *.csv).")
    var files: [String] = []

    func run() throws {
        // Usage errors are found before anything is read, so a typo never looks like a bad file.
        // Other names (a README beside the files, as a shell glob brings in) are skipped with a
        // note, like `run` ignores them in the inbox; only when nothing is left is that a usage error.
        var usage: [String] = []
        var submissions: [String] = []
        for file in files {
            var isFolder: ObjCBool = false
            if !FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) {
                usage.append("\(file): no such file")
            } else if isFolder.boolValue {
                usage.append("\(file): is a folder")
            } else if SubmissionFormat(path: file) == nil {
                FileHandle.standardError.write(Data("medclaims check: \(file): skipped, not a submission (.xml or .csv)\n".utf8))
            } else {
                submissions.append(file)
            }
        }
        if submissions.isEmpty && usage.isEmpty { usage.append("no submission file given (*.xml, *.csv)") }
        if !usage.isEmpty {
            for line in usage { FileHandle.standardError.write(Data("medclaims check: \(line)\n".utf8)) }
            throw ExitCode(ExitCodes.refused)
        }

        let report = CheckReport.check(paths: submissions, limits: IngestLimits(maxFileBytes: maxFileMB << 20))
        switch format {
        case .text:
            print(report.text(), terminator: "")
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
        if report.hasErrors { throw ExitCode(ExitCodes.failure) }
    }
}
