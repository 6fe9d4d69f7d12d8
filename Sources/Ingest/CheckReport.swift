import Domain

/// One thing `medclaims check` reports about a file.
public struct CheckFinding: Hashable, Sendable, Codable {
    public enum Severity: String, Hashable, Sendable, Codable {
        /// The file or a claim would be refused or rejected `INVALID_DATA`.
        case error
        /// Passes ingest but a later gate will stop it (the invoice total).
        case warning
    }

    public enum Kind: String, Hashable, Sendable, Codable {
        case fileRefused = "FILE_REFUSED"
        case invalidData = "INVALID_DATA"
        case invoiceTotalMismatch = "INVOICE_TOTAL_MISMATCH"
    }

    public var severity: Severity
    public var kind: Kind
    public var line: Int?
    public var column: Int?
    /// The claim's position in the file (from 0) and its visit id, for claim findings.
    public var claim: Int?
    public var mdtrtId: String?
    public var field: String?
    /// The value as found; a `certno` is masked.
    public var value: String?
    public var message: String

    public init(severity: Severity, kind: Kind, line: Int?, column: Int? = nil, claim: Int? = nil, mdtrtId: String? = nil,
                field: String? = nil, value: String? = nil, message: String) {
        self.severity = severity
        self.kind = kind
        self.line = line
        self.column = column
        self.claim = claim
        self.mdtrtId = mdtrtId
        self.field = field
        self.value = value
        self.message = message
    }
}

/// The check of one file.
public struct FileCheck: Hashable, Sendable, Encodable {
    public var file: String
    public var format: SubmissionFormat?
    public var submission: String?
    /// The file would be refused whole (moved to quarantine): the claims counted are those
    /// read before the refusal, and `lines` is 0.
    public var refused: Bool
    public var refusal: FileRefusal.View?
    public var claims: Int
    public var invalidClaims: Int
    public var lines: Int
    public var findings: [CheckFinding]

    public var errors: Int { findings.count { $0.severity == .error } }
    public var warnings: Int { findings.count { $0.severity == .warning } }
    public var hasErrors: Bool { errors > 0 }

    enum CodingKeys: String, CodingKey {
        case file, format, submission, refused, refusal, claims, invalidClaims, lines, errors, warnings, findings
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encodeIfPresent(format, forKey: .format)
        try container.encodeIfPresent(submission, forKey: .submission)
        try container.encode(refused, forKey: .refused)
        try container.encodeIfPresent(refusal, forKey: .refusal)
        try container.encode(claims, forKey: .claims)
        try container.encode(invalidClaims, forKey: .invalidClaims)
        try container.encode(lines, forKey: .lines)
        try container.encode(errors, forKey: .errors)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(findings, forKey: .findings)
    }
}

extension FileRefusal {
    /// The refusal as a report shows it.
    public struct View: Hashable, Sendable, Codable {
        public var line: Int?
        public var column: Int?
        public var expected: String
        public var found: String
    }
}

/// What `medclaims check FILE...` prints: per file the claims and lines read and every error,
/// without touching any state.
public struct CheckReport: Hashable, Sendable, Encodable {
    public var files: [FileCheck]

    public var hasErrors: Bool { files.contains { $0.hasErrors } }

    public init(files: [FileCheck]) { self.files = files }

    /// Checks each file in turn (paths as given are used as display names).
    public static func check(paths: [String], limits: IngestLimits = IngestLimits()) -> CheckReport {
        CheckReport(files: paths.map { check(path: $0, displayName: $0, limits: limits) })
    }

    public static func check(path: String, displayName: String, limits: IngestLimits = IngestLimits()) -> FileCheck {
        var result = FileCheck(file: displayName, format: SubmissionFormat(path: path), submission: nil, refused: false,
                               refusal: nil, claims: 0, invalidClaims: 0, lines: 0, findings: [])
        var delivered = 0, invalid = 0
        do {
            let summary = try SubmissionReader.read(path: path, displayName: displayName, limits: limits) { claim in
                delivered += 1
                if case .invalid = claim { invalid += 1 }
                result.findings += findings(for: claim)
            }
            result.submission = summary.submission
            result.claims = summary.claims
            result.invalidClaims = summary.invalidClaims
            result.lines = summary.lines
        } catch let refusal as FileRefusal {
            // What was read before the refusal (fee lines are not counted then).
            result.claims = delivered
            result.invalidClaims = invalid
            result.refused = true
            result.refusal = FileRefusal.View(line: refusal.line, column: refusal.column, expected: refusal.expected,
                                              found: refusal.found)
            result.findings.append(CheckFinding(severity: .error, kind: .fileRefused, line: refusal.line,
                                                column: refusal.column,
                                                message: "expected \(refusal.expected), found \(refusal.found)"))
        } catch {
            result.refused = true
            result.findings.append(CheckFinding(severity: .error, kind: .fileRefused, line: nil, message: "\(error)"))
        }
        return result
    }

    static func findings(for claim: IngestedClaim) -> [CheckFinding] {
        switch claim {
        case .invalid(let invalid):
            return invalid.problems.map { problem in
                CheckFinding(severity: .error, kind: .invalidData, line: problem.line, column: problem.column,
                             claim: invalid.ordinal, mdtrtId: invalid.mdtrtId, field: problem.field,
                             value: shown(problem.value, field: problem.field), message: problem.message)
            }
        case .valid(let claim):
            // rules.md's gate INVOICE_TOTAL_MISMATCH, on the lines as submitted (before netting).
            var sum: Int128 = 0
            for line in claim.lines { sum += Int128(line.amount) }
            if sum == Int128(claim.invoiceAmount) { return [] }
            let sumText = sum.magnitude < UInt128(Int64.max) ? Fen(sum).yuan : "\(sum) fen"
            return [CheckFinding(
                severity: .warning, kind: .invoiceTotalMismatch, line: claim.sourceLine, claim: claim.ordinal,
                mdtrtId: claim.mdtrtId, field: "invoice_amount", value: claim.invoiceAmount.yuan,
                message: "is not the sum of the fee lines as submitted (\(sumText)): the claim will be rejected INVOICE_TOTAL_MISMATCH")]
        }
    }

    /// Personal data is masked in reports.
    static func shown(_ value: String, field: String) -> String {
        field == "certno" && !value.isEmpty ? ResidentID.masked(value) : value
    }

    /// The report for people.
    public func text() -> String {
        var out = ""
        for file in files {
            if let refusal = file.refusal {
                var place = ""
                if let line = refusal.line { place += " at line \(line)" }
                if let column = refusal.column { place += ", column \(column)" }
                out += "\(file.file): REFUSED\(place): expected \(refusal.expected), found \(refusal.found)\n"
                if file.claims > 0 {
                    out += "  (\(file.claims) claim\(file.claims == 1 ? "" : "s") read before that; none of the file would be used)\n"
                }
            } else {
                out += "\(file.file): submission \(file.submission ?? "?"), \(file.claims) claim\(file.claims == 1 ? "" : "s"), "
                    + "\(file.lines) fee line\(file.lines == 1 ? "" : "s"), \(file.invalidClaims) invalid"
                    + (file.warnings > 0 ? ", \(file.warnings) warning\(file.warnings == 1 ? "" : "s")" : "") + "\n"
            }
            for finding in file.findings where finding.kind != .fileRefused {
                var text = "  \(finding.severity == .error ? "error  " : "warning")"
                if let line = finding.line { text += " line \(line)" }
                if let claim = finding.claim {
                    text += " claim \(claim)"
                    if let id = finding.mdtrtId { text += " (\(id))" }
                }
                text += ":"
                if let field = finding.field { text += " \(field)" }
                if let value = finding.value, !value.isEmpty { text += " '\(value)'" }
                text += " \(finding.message)\n"
                out += text
            }
        }
        let bad = files.filter(\.hasErrors).count
        out += "\(files.count) file\(files.count == 1 ? "" : "s") checked: \(files.count - bad) clean, \(bad) with errors\n"
        return out
    }
}

