import Domain
import Foundation
@testable import Reporting

/// The fixture runs (Tests/ReportingTests/Fixtures/runs), hand-written:
///
/// run 20260301-0200, results.jsonl
///   1 approved  H31010400017 130100 manual  the worked example of rules.md (7 lines: CLASS_B_SELF_PAY x2,
///               OVER_PRICE_CAP x2, SELF_PAY_ITEM, NOT_IN_CATALOGUE); reduced 700.00 + 480.00 + 266.67 = 1446.67
///   2 rejected  H13010500021 130100 direct  LATE_SUBMISSION, claimed 1234.50, enddate 2025-08-01
///   3 approved  H31010400017 130200 direct  no reasons
///   4 (malformed line)
///   5 rejected  H44030600003 130100 manual  INVALID_DATA x2, claimed 560.00, no dates
///   6 approved  H44030600003 130200 direct  UNFILED_REDUCTION (claim), OVER_PRICE_CAP 200.00 (line 1)
/// run 20260301-0200, rejected.jsonl: claims 2 and 5.
/// run 20260302-0200, results.jsonl
///   1 rejected  H31010400017 130100 manual  DUPLICATE_INVOICE, claimed 6553.33, enddate 2026-02-10, psn 13010000000000123456
///   2 rejected  H13010500021 130200 direct  NOT_DESIGNATED, claimed 2400.00, enddate 2026-02-20
///   3 approved  H13010500021 130100 direct  CLASS_B_SELF_PAY 100.00 (line 1), enddate 2026-02-25
///   4 (truncated line, no newline at the end)
/// run 20260302-0200, rejected.jsonl: claims 1 and 2, then the truncated line.
/// run 20260303-0200: no result logs (a run in progress). README: a file, not a run.
enum Fixture {
    static let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/runs").path

    /// A copy of the fixture runs in a fresh temporary folder (`…/out/runs`), so tests can
    /// also change it.
    static func runs() throws -> String {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("reporting-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("out"), withIntermediateDirectories: true)
        let runs = root.appendingPathComponent("out/runs")
        try FileManager.default.copyItem(atPath: source, toPath: runs.path)
        return runs.path
    }

    static func result(_ setlId: String) throws -> ClaimResult {
        guard let r = try ResultLogs.find(setlId: setlId, runsDirectory: source) else {
            throw FixtureError.missing(setlId)
        }
        return r
    }

    static func summary() throws -> RunSummary {
        let data = try Data(contentsOf: URL(fileURLWithPath: source + "/20260301-0200/summary.json"))
        return try JSONDecoder().decode(RunSummary.self, from: data)
    }

    enum FixtureError: Error { case missing(String) }
}

/// Runs an audit and returns what it wrote and the problems it returned.
func audit(_ runs: String, _ filter: AuditFilter = AuditFilter(), summary: AuditGrouping? = nil,
           output: AuditOutput = .json, width: Int = 120) throws -> (text: String, problems: [LogProblem]) {
    var text = ""
    let problems = try Audit.run(runsDirectory: runs, filter: filter, summary: summary, output: output, width: width) {
        text += $0
    }
    return (text, problems)
}

/// The rows of JSON-lines output.
func jsonRows<T: Decodable>(_ text: String, as: T.Type) throws -> [T] {
    try text.split(separator: "\n").map { try JSONDecoder().decode(T.self, from: Data($0.utf8)) }
}

/// A small RFC 4180 reader, independent of the writer: quoted fields, doubled quotes, CRLF.
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var inQuotes = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
        if inQuotes {
            if c == "\"" {
                if chars.first == "\"" { field.unicodeScalars.append("\""); chars = chars.dropFirst() } else { inQuotes = false }
            } else {
                field.unicodeScalars.append(c)
            }
        } else if c == "\"" {
            inQuotes = true
        } else if c == "," {
            record.append(field); field = ""
        } else if c == "\r" && chars.first == "\n" {
            chars = chars.dropFirst()
            record.append(field); field = ""
            records.append(record); record = []
        } else {
            field.unicodeScalars.append(c)
        }
    }
    if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
    return records
}
