import Domain

/// `report.html` of a run: one self-contained page drawn from `summary.json` alone. Inline
/// CSS and inline SVG bar charts, no script and no external request, so it opens from a
/// mail attachment or an air-gapped share and prints on A4. Every number is the summary's
/// own text (the same yuan strings); bar lengths are computed from fen in integers.
public enum RunReport {
    public static func html(summary s: RunSummary) -> String {
        var h = HTML()
        h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        h.raw("<title>")
        h.text("medclaims run \(s.runId)")
        h.raw("</title>\n<style>\n\(css)</style>\n</head>\n<body>\n")

        header(&h, s)
        keyFigures(&h, s)
        statusSection(&h, s)
        rejectionSection(&h, s)
        reductionSection(&h, s)
        fundSection(&h, s)
        institutionSection(&h, s)
        paymentSection(&h, s)
        inputSection(&h, s)

        h.raw("<footer>Drawn from <code>summary.json</code> of run ")
        h.text(s.runId)
        h.raw(": every number on this page is that file's. Claim by claim: <code>results.jsonl</code>, <code>rejected.jsonl</code>; ")
        h.raw("<code>medclaims audit</code> and <code>medclaims explain SETL_ID</code> read them.</footer>\n")
        h.raw("</body>\n</html>\n")
        return h.out
    }

    // MARK: - Sections

    private static func header(_ h: inout HTML, _ s: RunSummary) {
        h.raw("<header>\n<h1>Run <span class=\"id\">")
        h.text(s.runId)
        h.raw("</span></h1>\n<p class=\"meta\">")
        h.text(s.kind == .reprocess ? "Reprocess" : "Batch run")
        h.raw(" · started ")
        h.text(s.startedAt)
        h.raw(" · ended ")
        h.text(s.endedAt)
        h.raw(" · policy version ")
        h.text(s.policyVersion)
        h.raw("</p>\n")
        if s.dryRun {
            h.raw("<p class=\"banner\">Dry run: the claims were adjudicated, nothing was recorded and no payment file was written.</p>\n")
        }
        h.raw("</header>\n")
    }

    private static func keyFigures(_ h: inout HTML, _ s: RunSummary) {
        let figures: [(String, String, String, String)] = [
            ("Claims", "\(s.counts.claims)", "\(s.counts.approved) approved, \(s.counts.rejected) rejected", Palette.ink),
            ("Claimed", s.totals.claimedAmt.description, "claimed_amt", Palette.ink),
            ("Refused", s.totals.rejectedClaimedAmt.description, "claimed by rejected claims", Palette.rejected),
            ("Medical fees", s.totals.medfeeSumamt.description, "medfee_sumamt, approved", Palette.approved),
            ("Funds pay", s.totals.fundPaySumamt.description, "fund_pay_sumamt", Palette.fund),
            ("Personal accounts", s.totals.acctPay.description, "acct_pay", Palette.account),
            ("Persons pay in cash", s.totals.psnCashPay.description, "psn_cash_pay", Palette.muted),
            ("Payable", s.totals.payable.description, "\(s.payments.transfers) transfers", Palette.approved),
        ]
        h.raw("<section class=\"figures\">\n")
        for (label, value, note, colour) in figures {
            h.raw("<div class=\"figure\" style=\"border-left-color:\(colour)\"><div class=\"label\">")
            h.text(label)
            h.raw("</div><div class=\"value\">")
            h.text(value)
            h.raw("</div><div class=\"note\">")
            h.text(note)
            h.raw("</div></div>\n")
        }
        h.raw("</section>\n")
    }

    private static func statusSection(_ h: inout HTML, _ s: RunSummary) {
        h.raw("<section>\n<h2>Claims by status</h2>\n")
        h.raw(BarChart.svg(title: "Claims by status", colour: nil, bars: [
            BarChart.Bar(label: "approved", value: Int64(s.counts.approved), shown: "\(s.counts.approved)",
                         colour: Palette.approved),
            BarChart.Bar(label: "rejected", value: Int64(s.counts.rejected), shown: "\(s.counts.rejected)",
                         colour: Palette.rejected),
        ]))
        h.table(["status", "claims"], numeric: [1], rows: [
            ["approved", "\(s.counts.approved)"],
            ["rejected", "\(s.counts.rejected)"],
        ], footer: ["all claims", "\(s.counts.claims)"])
        h.raw("</section>\n")
    }

    /// Reasons by how often they occur, most first; equal counts in the order rules.md checks them.
    private static func byCount(_ counts: [String: Int]) -> [(String, Int)] {
        func rank(_ key: String) -> Int { ReasonCode(rawValue: key).flatMap { ReasonCode.allCases.firstIndex(of: $0) } ?? Int.max }
        return counts.sorted { a, b in
            if a.value != b.value { return a.value > b.value }
            if rank(a.key) != rank(b.key) { return rank(a.key) < rank(b.key) }
            return a.key < b.key
        }
    }

    private static func title(of key: String) -> String {
        ReasonCode(rawValue: key).map { ReasonTexts.entry(for: $0).title } ?? ""
    }

    private static func rejectionSection(_ h: inout HTML, _ s: RunSummary) {
        h.raw("<section>\n<h2>Rejections by reason</h2>\n")
        let reasons = byCount(s.counts.rejectedByReason)
        if reasons.isEmpty {
            h.raw("<p class=\"empty\">No claim was rejected.</p>\n</section>\n")
            return
        }
        h.raw(BarChart.svg(title: "Rejected claims by reason", colour: Palette.rejected, bars: reasons.map {
            BarChart.Bar(label: $0.0, value: Int64($0.1), shown: "\($0.1)", colour: nil)
        }))
        h.table(["code", "reason", "claims"], numeric: [2], rows: reasons.map { [$0.0, title(of: $0.0), "\($0.1)"] },
                footer: ["", "rejected claims", "\(s.counts.rejected)"], codeColumns: [0])
        h.raw("<p class=\"note\">Refused in all: ")
        h.text(s.totals.rejectedClaimedAmt.description)
        h.raw(" claimed by the rejected claims. Each rejection is explained in docs/reason-codes.md.</p>\n</section>\n")
    }

    private static func reductionSection(_ h: inout HTML, _ s: RunSummary) {
        h.raw("<section>\n<h2>Reductions on approved claims</h2>\n")
        let reasons = byCount(s.counts.reductionsByReason)
        if reasons.isEmpty {
            h.raw("<p class=\"empty\">No approved claim was reduced.</p>\n</section>\n")
            return
        }
        h.raw(BarChart.svg(title: "Reductions by reason (occurrences on claims and lines)", colour: Palette.reduction,
                           bars: reasons.map { BarChart.Bar(label: $0.0, value: Int64($0.1), shown: "\($0.1)", colour: nil) }))
        h.table(["code", "reason", "occurrences"], numeric: [2],
                rows: reasons.map { [$0.0, title(of: $0.0), "\($0.1)"] }, footer: nil, codeColumns: [0])
        h.raw("</section>\n")
    }

    private static func fundSection(_ h: inout HTML, _ s: RunSummary) {
        h.raw("<section>\n<h2>Amounts by fund</h2>\n")
        let funds = s.totals.funds.sorted { $0.key < $1.key }
        var bars = funds.map {
            BarChart.Bar(label: "\($0.key) \(FundNames.name($0.key))", value: $0.value.fen, shown: $0.value.description,
                         colour: Palette.fund)
        }
        bars.append(BarChart.Bar(label: "310200 personal accounts (acct_pay)", value: s.totals.acctPay.fen,
                                 shown: s.totals.acctPay.description, colour: Palette.account))
        h.raw(BarChart.svg(title: "Amounts by fund", colour: nil, bars: bars))
        var rows = funds.map { [$0.key, FundNames.name($0.key), $0.value.description] }
        rows.append(["", "all funds (fund_pay_sumamt)", s.totals.fundPaySumamt.description])
        rows.append(["310200", "personal accounts (acct_pay)", s.totals.acctPay.description])
        h.table(["fund", "name", "amount"], numeric: [2], rows: rows,
                footer: ["", "payable (funds + personal accounts)", s.totals.payable.description], codeColumns: [0])
        h.raw("</section>\n")
    }

    private static func institutionSection(_ h: inout HTML, _ s: RunSummary) {
        h.raw("<section>\n<h2>Institutions</h2>\n")
        let top = s.institutions.filter { $0.rejectedClaimedAmt.fen > 0 }.sorted { a, b in
            if a.rejectedClaimedAmt.fen != b.rejectedClaimedAmt.fen { return a.rejectedClaimedAmt.fen > b.rejectedClaimedAmt.fen }
            return a.fixmedinsCode < b.fixmedinsCode
        }.prefix(10)
        h.raw("<h3>Top institutions by rejected amount</h3>\n")
        if top.isEmpty {
            h.raw("<p class=\"empty\">No institution had a claim rejected.</p>\n")
        } else {
            h.raw(BarChart.svg(title: "Top institutions by rejected amount", colour: Palette.rejected, bars: top.map {
                BarChart.Bar(label: [$0.fixmedinsCode, $0.fixmedinsName ?? ""].filter { !$0.isEmpty }.joined(separator: " "),
                             value: $0.rejectedClaimedAmt.fen, shown: $0.rejectedClaimedAmt.description, colour: nil)
            }))
        }
        h.raw("<h3>All institutions</h3>\n")
        h.table(["code", "name", "claims", "rejected", "rejected amount", "payable"], numeric: [2, 3, 4, 5],
                rows: s.institutions.map {
                    [$0.fixmedinsCode, $0.fixmedinsName ?? "", "\($0.claims)", "\($0.rejected)",
                     $0.rejectedClaimedAmt.description, $0.payable.description]
                },
                footer: ["", "all", "\(s.counts.claims)", "\(s.counts.rejected)", s.totals.rejectedClaimedAmt.description,
                         s.totals.payable.description], codeColumns: [0])
        h.raw("</section>\n")
    }

    private static func paymentSection(_ h: inout HTML, _ s: RunSummary) {
        h.raw("<section>\n<h2>Payments</h2>\n")
        h.table(["", ""], numeric: [1], rows: [
            ["transfers", "\(s.payments.transfers)"],
            ["control sum (CtrlSum)", s.payments.ctrlSum.description],
            ["message id (MsgId)", s.payments.msgId ?? "—"],
            ["files", s.payments.files.isEmpty ? "none: nothing was payable" : s.payments.files.joined(separator: ", ")],
        ], footer: nil, header: false)
        h.raw("</section>\n")
    }

    private static func inputSection(_ h: inout HTML, _ s: RunSummary) {
        h.raw("<section>\n<h2>Inputs</h2>\n")
        let taken = s.inputs.filter { $0.outcome == .taken }.count
        let refused = s.inputs.filter { $0.outcome == .refused }.count
        let already = s.inputs.filter { $0.outcome == .alreadyTaken }.count
        h.raw("<p class=\"note\">")
        h.text("\(s.inputs.count) files: \(taken) taken, \(refused) refused (in quarantine), \(already) taken in an earlier run.")
        h.raw("</p>\n")
        h.table(["file", "outcome", "claims", "bytes", "sha256", "note"], numeric: [2, 3],
                rows: s.inputs.map {
                    [$0.file, $0.outcome.rawValue, "\($0.claims)", "\($0.bytes)", $0.sha256, $0.error ?? ""]
                }, footer: nil, codeColumns: [4], outcomeColumn: 1)
        h.raw("<h3>Reference data</h3>\n")
        h.table(["file", "sha256"], numeric: [], rows: s.reference.map { [$0.file, $0.sha256] }, footer: nil,
                codeColumns: [1])
        h.raw("</section>\n")
    }

    // MARK: - Style

    /// Okabe–Ito colours: told apart with every common colour-vision deficiency.
    enum Palette {
        static let approved = "#0072B2"   // blue
        static let rejected = "#D55E00"   // vermillion
        static let reduction = "#E69F00"  // orange
        static let fund = "#009E73"       // bluish green
        static let account = "#56B4E9"    // sky blue
        static let ink = "#1F2328"
        static let muted = "#8C959F"
    }

    static let css = """
    :root { --ink: #1F2328; --muted: #57606A; --rule: #D8DEE4; --panel: #F6F8FA; }
    * { box-sizing: border-box; }
    html { background: #FFFFFF; }
    body { margin: 0 auto; max-width: 1040px; padding: 32px 40px 48px; color: var(--ink);
      font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC",
        "PingFang SC", "Microsoft YaHei", sans-serif; }
    header { border-bottom: 3px solid var(--ink); padding-bottom: 12px; margin-bottom: 24px; }
    h1 { font-size: 26px; margin: 0; font-weight: 650; letter-spacing: -0.01em; }
    h1 .id { font-family: ui-monospace, "SF Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-weight: 600; }
    h2 { font-size: 17px; margin: 0 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); font-weight: 650; }
    h3 { font-size: 14px; margin: 18px 0 8px; color: var(--muted); font-weight: 600; }
    .meta { margin: 4px 0 0; color: var(--muted); }
    .banner { margin: 12px 0 0; padding: 8px 12px; background: #FFF4E0; border-left: 4px solid #E69F00; font-weight: 600; }
    section { margin: 0 0 32px; }
    .figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; }
    .figure { background: var(--panel); border-left: 4px solid var(--ink); border-radius: 4px; padding: 10px 14px; }
    .figure .label { font-size: 11px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); font-weight: 600; }
    .figure .value { font-size: 21px; font-weight: 650; font-variant-numeric: tabular-nums; margin-top: 2px; }
    .figure .note { font-size: 12px; color: var(--muted); }
    svg.chart { display: block; max-width: 100%; height: auto; margin: 4px 0 14px; }
    svg.chart text { font-size: 12px; fill: var(--ink); }
    svg.chart text.value { font-variant-numeric: tabular-nums; font-weight: 600; }
    svg.chart line.axis { stroke: #8C959F; stroke-width: 1; }
    table { width: 100%; border-collapse: collapse; font-size: 13px; }
    th { text-align: left; color: var(--muted); font-weight: 600; font-size: 12px; padding: 6px 10px;
      border-bottom: 1.5px solid var(--ink); white-space: nowrap; }
    td { padding: 5px 10px; border-bottom: 1px solid var(--rule); vertical-align: top; }
    tbody tr:nth-child(even) td { background: #FAFBFC; }
    tfoot td { font-weight: 650; border-top: 1.5px solid var(--ink); border-bottom: none; }
    .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    .code { font-family: ui-monospace, "SF Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
    .outcome-refused { color: #B34700; font-weight: 600; }
    .outcome-already_taken { color: var(--muted); }
    .note { color: var(--muted); font-size: 13px; margin: 8px 0 0; }
    .empty { color: var(--muted); font-style: italic; }
    footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 12px; }
    @page { size: A4; margin: 14mm 12mm 16mm; }
    @media print {
      body { max-width: none; padding: 0; font-size: 10pt; }
      .figures { grid-template-columns: repeat(4, 1fr); gap: 6px; }
      .figure .value { font-size: 14pt; }
      .figure, .banner, tbody tr:nth-child(even) td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      svg.chart, .figures, h2, h3 { break-inside: avoid; break-after: avoid-page; }
      thead { display: table-header-group; }
      tr { break-inside: avoid; }
    }

    """
}

/// Horizontal bar charts in SVG, lengths computed from integers.
enum BarChart {
    struct Bar {
        var label: String
        /// The quantity the length is proportional to (a count, or fen).
        var value: Int64
        /// The number printed at the end of the bar: the summary's own text.
        var shown: String
        /// The bar's colour when the chart has none for all bars.
        var colour: String?
    }

    static let width = 720
    static let labelWidth = 280
    static let barMax = 340
    static let rowHeight = 26
    static let barHeight = 16
    /// Labels longer than this many display columns are cut (the full text is the tooltip).
    static let labelColumns = 40

    /// The length of a bar in pixels: `value / max × barMax`, rounded down, at least 1 for a
    /// value above zero so it does not vanish.
    static func length(_ value: Int64, max: Int64) -> Int {
        guard value > 0, max > 0 else { return 0 }
        let scaled = Int128(value) * Int128(barMax) / Int128(max)
        return Swift.max(Int(scaled), 1)
    }

    static func svg(title: String, colour: String?, bars: [Bar]) -> String {
        let top = 4
        let height = top + bars.count * rowHeight + 4
        let largest = bars.map(\.value).max() ?? 0
        var h = HTML()
        h.raw("<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"")
        h.text(title)
        h.raw("\">\n<title>")
        h.text(title)
        h.raw("</title>\n")
        for (i, bar) in bars.enumerated() {
            let y = top + i * rowHeight
            let textY = y + rowHeight / 2 + 4
            let barY = y + (rowHeight - barHeight) / 2
            let length = length(bar.value, max: largest)
            h.raw("<g><title>")
            h.text("\(bar.label): \(bar.shown)")
            h.raw("</title><text x=\"\(labelWidth - 10)\" y=\"\(textY)\" text-anchor=\"end\">")
            h.text(TextLayout.truncate(bar.label, to: labelColumns))
            h.raw("</text><rect x=\"\(labelWidth)\" y=\"\(barY)\" width=\"\(length)\" height=\"\(barHeight)\" rx=\"2\" fill=\"")
            h.text(bar.colour ?? colour ?? RunReport.Palette.approved)
            h.raw("\"/><text class=\"value\" x=\"\(labelWidth + length + 6)\" y=\"\(textY)\">")
            h.text(bar.shown)
            h.raw("</text></g>\n")
        }
        h.raw("<line class=\"axis\" x1=\"\(labelWidth)\" y1=\"\(top - 2)\" x2=\"\(labelWidth)\" y2=\"\(height - 2)\"/>\n")
        h.raw("</svg>\n")
        return h.out
    }
}

/// HTML built by appending: `text` escapes, `raw` is for the page's own markup only.
struct HTML {
    var out = ""

    mutating func raw(_ markup: String) { out += markup }

    mutating func text(_ value: String) { out += HTML.escape(value) }

    static func escape(_ value: String) -> String {
        var s = ""
        s.reserveCapacity(value.utf8.count)
        for c in value.unicodeScalars {
            switch c {
            case "&": s += "&amp;"
            case "<": s += "&lt;"
            case ">": s += "&gt;"
            case "\"": s += "&quot;"
            case "'": s += "&#39;"
            default: s.unicodeScalars.append(c)
            }
        }
        return s
    }

    /// A table; `numeric` columns are right-aligned, `codeColumns` set in monospace.
    mutating func table(_ headers: [String], numeric: Set<Int>, rows: [[String]], footer: [String]?,
                        codeColumns: Set<Int> = [], outcomeColumn: Int? = nil, header: Bool = true) {
        func cls(_ i: Int, _ value: String) -> String {
            var classes: [String] = []
            if numeric.contains(i) { classes.append("num") }
            if codeColumns.contains(i) { classes.append("code") }
            if i == outcomeColumn { classes.append("outcome-\(value)") }
            return classes.isEmpty ? "" : " class=\"\(HTML.escape(classes.joined(separator: " ")))\""
        }
        raw("<table>\n")
        if header {
            raw("<thead><tr>")
            for (i, title) in headers.enumerated() {
                raw("<th\(numeric.contains(i) ? " class=\"num\"" : "")>")
                text(title)
                raw("</th>")
            }
            raw("</tr></thead>\n")
        }
        raw("<tbody>\n")
        for row in rows {
            raw("<tr>")
            for (i, cell) in row.enumerated() {
                raw("<td\(cls(i, cell))>")
                text(cell)
                raw("</td>")
            }
            raw("</tr>\n")
        }
        raw("</tbody>\n")
        if let footer {
            raw("<tfoot><tr>")
            for (i, cell) in footer.enumerated() {
                raw("<td\(numeric.contains(i) ? " class=\"num\"" : "")>")
                text(cell)
                raw("</td>")
            }
            raw("</tr></tfoot>\n")
        }
        raw("</table>\n")
    }
}
