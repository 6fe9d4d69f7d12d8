import Domain
import Foundation

/// Which claims an audit lists. Every condition set must hold; an empty set or nil means
/// "any". docs/reporting.md explains each choice.
public struct AuditFilter: Sendable {
    /// Only these runs (all when empty).
    public var runIds: Set<String> = []
    /// The claim's `enddate` (end of treatment: the date that fixes the deadline and the
    /// accumulator year) is on or after / on or before these days. A claim whose `enddate`
    /// could not be read (an `INVALID_DATA` rejection) does not match a date range.
    public var from: Day?
    public var to: Day?
    /// Claims carrying any of these codes, on the claim or on one of its lines. The
    /// by-reason summary then shows only these codes.
    public var reasons: Set<ReasonCode> = []
    public var fixmedinsCode: String?
    /// `insu_admdvs` starts with this: `130100` a city, `1301` too, `13` the province.
    public var insuAdmdvs: String?
    public var psnNo: String?
    public var mode: SettlementMode?
    /// `.approved` lists the claims with reductions (and implies `includeReductions`).
    public var status: ClaimStatus?
    /// Adds approved claims with a reduction (on a line or on the claim) to the rejected ones.
    public var includeReductions = false

    public init() {}

    /// The logs to read: rejected.jsonl is enough unless approved claims are wanted.
    var logKind: LogKind { includeReductions || status == .approved ? .results : .rejected }

    public func matches(_ r: ClaimResult) -> Bool {
        switch r.status {
        case .rejected:
            if status == .approved { return false }
        case .approved:
            if status == .rejected { return false }
            guard includeReductions || status == .approved, Audit.hasReductions(r) else { return false }
        }
        if !runIds.isEmpty, !runIds.contains(r.runId) { return false }
        if from != nil || to != nil {
            guard let end = r.enddate.flatMap({ Day($0) }) else { return false }
            if let from, end < from { return false }
            if let to, end > to { return false }
        }
        if let fixmedinsCode, r.fixmedinsCode != fixmedinsCode { return false }
        if let insuAdmdvs, !(r.insuAdmdvs?.hasPrefix(insuAdmdvs) ?? false) { return false }
        if let psnNo, r.psnNo != psnNo { return false }
        if let mode, r.mode != mode.rawValue { return false }
        if !reasons.isEmpty {
            let carries = r.reasons.contains { reasons.contains($0.code) }
                || r.lines.contains { $0.reasons.contains { reasons.contains($0.code) } }
            if !carries { return false }
        }
        return true
    }
}

public enum AuditGrouping: String, Sendable, CaseIterable {
    case reason, institution, region
}

public enum AuditOutput: String, Sendable, CaseIterable {
    /// Aligned columns for a terminal.
    case table
    /// JSON lines: one object per row (`jq -s` makes an array of them).
    case json
    /// RFC 4180 with a UTF-8 byte order mark, CRLF, formula cells neutralised.
    case csv
}

/// One listed claim, as the JSON and CSV outputs write it.
public struct AuditRow: Hashable, Sendable, Codable {
    public struct ReasonView: Hashable, Sendable, Codable {
        public var code: ReasonCode
        /// The fee line's `sn` for a line reason; absent for a claim reason.
        public var sn: Int?
        public var detail: String
        public var basis: String
    }

    public var runId: String
    public var setlId: String
    public var status: ClaimStatus
    public var submission: String
    public var source: String
    /// Where the audit read it: `out/runs/RUN/rejected.jsonl:12`.
    public var log: String
    public var fixmedinsCode: String?
    public var fixmedinsName: String?
    public var insuAdmdvs: String?
    public var psnNo: String?
    public var mode: String?
    public var begndate: String?
    public var enddate: String?
    public var claimedAmt: Yuan?
    /// Rejected: what was asked for and refused (`claimed_amt`).
    public var refusedAmt: Yuan?
    /// Approved: what the line reductions left to the person
    /// (`fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt`).
    public var reducedAmt: Yuan?
    public var reasons: [ReasonView]

    enum CodingKeys: String, CodingKey {
        case runId = "run_id", setlId = "setl_id", status, submission, source, log
        case fixmedinsCode = "fixmedins_code", fixmedinsName = "fixmedins_name", insuAdmdvs = "insu_admdvs"
        case psnNo = "psn_no", mode, begndate, enddate, claimedAmt = "claimed_amt", refusedAmt = "refused_amt"
        case reducedAmt = "reduced_amt", reasons
    }

    init(_ entry: ResultLogEntry) {
        let r = entry.result
        runId = r.runId
        setlId = r.setlId
        status = r.status
        submission = r.submission
        source = r.source
        log = "\(entry.file):\(entry.line)"
        fixmedinsCode = r.fixmedinsCode
        fixmedinsName = r.fixmedinsName
        insuAdmdvs = r.insuAdmdvs
        psnNo = r.psnNo
        mode = r.mode
        begndate = r.begndate
        enddate = r.enddate
        claimedAmt = r.claimedAmt
        refusedAmt = r.status == .rejected ? r.claimedAmt : nil
        reducedAmt = r.status == .approved ? Yuan(Audit.reducedFen(r)) : nil
        reasons = r.reasons.map { ReasonView(code: $0.code, sn: nil, detail: $0.detail, basis: $0.basis) }
            + r.lines.flatMap { line in
                line.reasons.map { ReasonView(code: $0.code, sn: line.sn, detail: $0.detail, basis: $0.basis) }
            }
    }
}

/// One group of the summary.
public struct AuditGroupRow: Hashable, Sendable, Codable {
    public var grouping: String
    /// The reason code, `fixmedins_code` or `insu_admdvs`; empty when the claim lacks it.
    public var key: String
    /// The reason's title or the institution's name.
    public var name: String?
    public var rejectedClaims: Int
    /// The `claimed_amt` of those rejected claims.
    public var refusedAmt: Yuan
    public var reducedClaims: Int
    /// Fee lines carrying the reason (by reason), or carrying any reduction.
    public var reducedLines: Int
    /// What the reductions left to the persons. Absent for the claim-level reductions
    /// (`UNFILED_REDUCTION`, `ANNUAL_CAP_REACHED`): a log holds what the fund paid, not what
    /// it would have paid without them; their detail gives the numbers.
    public var reducedAmt: Yuan?

    enum CodingKeys: String, CodingKey {
        case grouping, key, name, rejectedClaims = "rejected_claims", refusedAmt = "refused_amt"
        case reducedClaims = "reduced_claims", reducedLines = "reduced_lines", reducedAmt = "reduced_amt"
    }
}

public enum Audit {
    /// Lists the matching claims in run-id then log-line order, or with `summary` their
    /// counts and amounts by reason, institution or region, written through `write` piece by
    /// piece. Returns the log lines that could not be read. Throws when no log can be read.
    public static func run(runsDirectory: String, filter: AuditFilter, summary: AuditGrouping?, output: AuditOutput,
                           write: (String) -> Void) throws -> [LogProblem] {
        try run(runsDirectory: runsDirectory, filter: filter, summary: summary, output: output, width: 120,
                write: write)
    }

    /// As `run`, with the table output fitted to `width` columns.
    public static func run(runsDirectory: String, filter: AuditFilter, summary: AuditGrouping?, output: AuditOutput,
                           width: Int, write: (String) -> Void) throws -> [LogProblem] {
        let wanted = filter.runIds.isEmpty ? nil : filter.runIds
        if let grouping = summary {
            var groups = GroupTally(grouping: grouping, onlyReasons: filter.reasons)
            let problems = try ResultLogs.read(runsDirectory: runsDirectory, which: filter.logKind, runIds: wanted) {
                if filter.matches($0.result) { groups.add($0.result) }
            }
            writeSummary(groups, output: output, width: width, write: write)
            return problems
        }
        switch output {
        case .table:
            // A table needs every row to size its columns; the listing of a filtered audit
            // is small, and csv/json stream for the big ones.
            var rows: [AuditRow] = []
            let problems = try ResultLogs.read(runsDirectory: runsDirectory, which: filter.logKind, runIds: wanted) {
                if filter.matches($0.result) { rows.append(AuditRow($0)) }
            }
            write(listingTable(rows, width: width))
            return problems
        case .csv:
            write(CSVText.byteOrderMark + CSVText.record(listingHeader))
            return try ResultLogs.read(runsDirectory: runsDirectory, which: filter.logKind, runIds: wanted) {
                if filter.matches($0.result) { write(csvRecord(AuditRow($0))) }
            }
        case .json:
            let encoder = jsonEncoder()
            return try ResultLogs.read(runsDirectory: runsDirectory, which: filter.logKind, runIds: wanted) {
                if filter.matches($0.result) { write(try jsonLine(AuditRow($0), encoder)) }
            }
        }
    }

    // MARK: - What counts as a reduction

    /// An approved claim is an audit finding when a line or the claim carries a reason.
    static func hasReductions(_ r: ClaimResult) -> Bool {
        !r.reasons.isEmpty || r.lines.contains { !$0.reasons.isEmpty }
    }

    /// What the line reductions left to the person: everything not in scope.
    static func reducedFen(_ r: ClaimResult) -> Fen {
        r.fulamtOwnpayAmt.fen + r.overlmtSelfpay.fen + r.preselfpayAmt.fen
    }

    /// The part of a line that a line reason took out of scope; nil for a claim-level code.
    static func lineAmount(_ code: ReasonCode, _ line: ClaimResult.Line) -> Fen? {
        switch code {
        case .notInCatalogue, .catalogueNotEffective, .selfPayItem, .restrictedUse: return line.fulamtOwnpay.fen
        case .overPriceCap: return line.overlmt.fen
        case .classBSelfPay: return line.preselfpay.fen
        default: return nil
        }
    }

    // MARK: - Listing

    static let listingHeader = [
        "run_id", "setl_id", "status", "submission", "source", "log", "fixmedins_code", "fixmedins_name",
        "insu_admdvs", "psn_no", "mode", "begndate", "enddate", "claimed_amt", "refused_amt", "reduced_amt",
        "reason_codes", "reasons",
    ]

    static func csvRecord(_ row: AuditRow) -> String {
        let codes = uniqueCodes(row.reasons).map(\.rawValue).joined(separator: " ")
        let reasons = row.reasons.map { r in
            (r.sn.map { "line \($0) " } ?? "") + "\(r.code.rawValue): \(r.detail) [\(r.basis)]"
        }.joined(separator: " | ")
        let t = CSVText.text
        return CSVText.record([
            t(row.runId), t(row.setlId), t(row.status.rawValue), t(row.submission), t(row.source), t(row.log),
            t(row.fixmedinsCode ?? ""), t(row.fixmedinsName ?? ""), t(row.insuAdmdvs ?? ""), t(row.psnNo ?? ""),
            t(row.mode ?? ""), t(row.begndate ?? ""), t(row.enddate ?? ""),
            CSVText.number(row.claimedAmt?.description ?? ""), CSVText.number(row.refusedAmt?.description ?? ""),
            CSVText.number(row.reducedAmt?.description ?? ""), t(codes), t(reasons),
        ])
    }

    /// One row per claim, its reasons on an indented line under it: the ids stay whole and
    /// the reasons get the terminal's width.
    static func listingTable(_ rows: [AuditRow], width: Int) -> String {
        typealias C = TextTable.Column
        var table = TextTable([
            C(title: "setl_id", maxWidth: 28, minWidth: 12),
            C(title: "status", maxWidth: 8),
            C(title: "enddate", maxWidth: 10),
            C(title: "institution", maxWidth: 16, minWidth: 8),
            C(title: "region", maxWidth: 6),
            C(title: "person", maxWidth: 20, minWidth: 8),
            C(title: "not paid", alignment: .right, maxWidth: 14),
        ])
        var notPaid: Fen = 0
        for row in rows {
            let amount = row.refusedAmt ?? row.reducedAmt
            notPaid += amount?.fen ?? 0
            table.rows.append([
                row.setlId, row.status.rawValue, row.enddate ?? "", row.fixmedinsCode ?? "", row.insuAdmdvs ?? "",
                row.psnNo ?? "", amount?.description ?? "",
            ])
            table.notes.append(reasonsNote(row))
        }
        table.footer = [["\(rows.count) claim\(rows.count == 1 ? "" : "s")", "", "", "", "", "", notPaid.yuan]]
        return table.render(maxWidth: width)
    }

    /// A rejection shows its reason with the detail (the first thing an auditor asks);
    /// a reduced claim its codes, counted.
    private static func reasonsNote(_ row: AuditRow) -> String {
        if row.status == .rejected, let first = row.reasons.first {
            let more = row.reasons.count > 1 ? " (+\(row.reasons.count - 1) more)" : ""
            return "\(first.code.rawValue)\(more): \(first.detail)"
        }
        var counts: [ReasonCode: Int] = [:]
        for r in row.reasons { counts[r.code, default: 0] += 1 }
        return uniqueCodes(row.reasons).map { code in
            counts[code, default: 0] > 1 ? "\(code.rawValue) x\(counts[code]!)" : code.rawValue
        }.joined(separator: ", ")
    }

    /// The codes in order of first appearance.
    private static func uniqueCodes(_ reasons: [AuditRow.ReasonView]) -> [ReasonCode] {
        var seen = Set<ReasonCode>()
        return reasons.compactMap { seen.insert($0.code).inserted ? $0.code : nil }
    }

    // MARK: - Summary

    /// Counts and amounts per group, added claim by claim.
    struct GroupTally {
        struct Group {
            var name: String?
            var rejectedClaims = 0
            var refused: Fen = 0
            var reducedClaims = 0
            var reducedLines = 0
            /// nil while only claim-level reductions were seen (by reason).
            var reduced: Fen?
        }

        let grouping: AuditGrouping
        let onlyReasons: Set<ReasonCode>
        var groups: [String: Group] = [:]
        var total = Group()

        init(grouping: AuditGrouping, onlyReasons: Set<ReasonCode>) {
            self.grouping = grouping
            self.onlyReasons = onlyReasons
            total.reduced = 0
        }

        mutating func add(_ r: ClaimResult) {
            let claimed = r.claimedAmt?.fen ?? 0
            let rejected = r.status == .rejected
            let reducedLines = r.lines.filter { !$0.reasons.isEmpty }.count
            if rejected {
                total.rejectedClaims += 1
                total.refused += claimed
            } else {
                total.reducedClaims += 1
            }
            switch grouping {
            case .institution, .region:
                let key = (grouping == .institution ? r.fixmedinsCode : r.insuAdmdvs) ?? ""
                var g = groups[key] ?? Group()
                if grouping == .institution, g.name == nil { g.name = r.fixmedinsName }
                if rejected {
                    g.rejectedClaims += 1
                    g.refused += claimed
                } else {
                    g.reducedClaims += 1
                    g.reducedLines += reducedLines
                    g.reduced = (g.reduced ?? 0) + Audit.reducedFen(r)
                    total.reducedLines += reducedLines
                    total.reduced = (total.reduced ?? 0) + Audit.reducedFen(r)
                }
                groups[key] = g
            case .reason:
                // Each code once per claim; its lines and amounts summed over the claim.
                var lines: [ReasonCode: Int] = [:]
                var amounts: [ReasonCode: Fen] = [:]
                for line in r.lines {
                    for reason in line.reasons {
                        lines[reason.code, default: 0] += 1
                        if let fen = Audit.lineAmount(reason.code, line) { amounts[reason.code, default: 0] += fen }
                    }
                }
                let codes = Set(r.reasons.map(\.code)).union(lines.keys)
                // The total counts each line once, and only the amounts of the codes shown,
                // so it is the sum of the rows' amounts.
                let only = onlyReasons
                let counted = { (code: ReasonCode) in only.isEmpty || only.contains(code) }
                if !rejected {
                    total.reducedLines += r.lines.filter { $0.reasons.contains { counted($0.code) } }.count
                    total.reduced = (total.reduced ?? 0) + codes.filter(counted).reduce(0) { $0 + (amounts[$1] ?? 0) }
                }
                for code in codes where counted(code) {
                    var g = groups[code.rawValue] ?? Group(name: ReasonTexts.entry(for: code).title)
                    if rejected {
                        g.rejectedClaims += 1
                        g.refused += claimed
                    } else {
                        g.reducedClaims += 1
                        g.reducedLines += lines[code] ?? 0
                        if let fen = amounts[code] { g.reduced = (g.reduced ?? 0) + fen }
                    }
                    groups[code.rawValue] = g
                }
            }
        }

        /// Reasons in the order rules.md checks them (gates, lines, funds); institutions and
        /// regions by code, the claims without one last.
        var sortedKeys: [String] {
            switch grouping {
            case .reason:
                return ReasonCode.allCases.map(\.rawValue).filter { groups[$0] != nil }
            case .institution, .region:
                return groups.keys.sorted { a, b in
                    if a.isEmpty != b.isEmpty { return b.isEmpty }
                    return a.utf8.lexicographicallyPrecedes(b.utf8)
                }
            }
        }

        var rows: [AuditGroupRow] {
            sortedKeys.map { key in
                let g = groups[key]!
                return AuditGroupRow(grouping: grouping.rawValue, key: key, name: g.name,
                                     rejectedClaims: g.rejectedClaims, refusedAmt: Yuan(g.refused),
                                     reducedClaims: g.reducedClaims, reducedLines: g.reducedLines,
                                     reducedAmt: g.reduced.map(Yuan.init))
            }
        }
    }

    static let summaryHeader = [
        "grouping", "key", "name", "rejected_claims", "refused_amt", "reduced_claims", "reduced_lines", "reduced_amt",
    ]

    static func writeSummary(_ tally: GroupTally, output: AuditOutput, width: Int, write: (String) -> Void) {
        let rows = tally.rows
        switch output {
        case .csv:
            write(CSVText.byteOrderMark + CSVText.record(summaryHeader))
            for row in rows {
                write(CSVText.record([
                    CSVText.text(row.grouping), CSVText.text(row.key), CSVText.text(row.name ?? ""),
                    CSVText.number("\(row.rejectedClaims)"), CSVText.number(row.refusedAmt.description),
                    CSVText.number("\(row.reducedClaims)"), CSVText.number("\(row.reducedLines)"),
                    CSVText.number(row.reducedAmt?.description ?? ""),
                ]))
            }
        case .json:
            let encoder = jsonEncoder()
            for row in rows { write((try? jsonLine(row, encoder)) ?? "") }
        case .table:
            typealias C = TextTable.Column
            var table = TextTable([
                C(title: tally.grouping.rawValue, maxWidth: 24),
                C(title: "name", maxWidth: 40, minWidth: 10),
                C(title: "rejected", alignment: .right, maxWidth: 10),
                C(title: "refused", alignment: .right, maxWidth: 16),
                C(title: "reduced", alignment: .right, maxWidth: 10),
                C(title: "lines", alignment: .right, maxWidth: 8),
                C(title: "reduced amt", alignment: .right, maxWidth: 16),
            ])
            for row in rows {
                table.rows.append([
                    row.key.isEmpty ? "(none)" : row.key, row.name ?? "", "\(row.rejectedClaims)",
                    row.refusedAmt.description, "\(row.reducedClaims)", "\(row.reducedLines)",
                    row.reducedAmt?.description ?? "—",
                ])
            }
            let t = tally.total
            table.footer = [["total", "distinct claims", "\(t.rejectedClaims)", t.refused.yuan, "\(t.reducedClaims)",
                             "\(t.reducedLines)", (t.reduced ?? 0).yuan]]
            write(table.render(maxWidth: width))
        }
    }

    // MARK: - JSON

    static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func jsonLine(_ value: some Encodable, _ encoder: JSONEncoder) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
