import Domain

/// The names people know the funds by.
public enum FundNames {
    public static func name(_ code: String) -> String {
        switch Fund(rawValue: code) {
        case .employeePooled: return "employee pooled fund (统筹基金)"
        case .employeeAccount: return "employee personal account (个人账户)"
        case .employeeLargeAmount: return "large-amount supplement (大额)"
        case .residentsBasic: return "residents' basic fund"
        case .residentsCriticalIllness: return "critical-illness insurance (大病)"
        case nil: return "fund"
        }
    }
}

/// The statement a claims officer hands a person who asks why they got what they got.
public enum Statement {
    /// Every line of the statement fits this many display columns.
    public static let width = 100

    /// Plain text, at most `width` columns a line, from the masked result alone.
    public static func render(_ result: ClaimResult) -> String {
        var s = StatementWriter()
        let r = result
        s.title("CLAIM STATEMENT 结算说明", right: "setl_id \(r.setlId)")
        s.rule("=")
        if r.status == .approved {
            s.field("Status", "APPROVED: \(r.payable) payable to \(payeeWords(r))")
        } else {
            s.field("Status", "REJECTED: nothing is paid")
        }
        s.field("Run", "\(r.runId), submission \(r.submission) (\(r.source))")
        s.field("Institution", join(r.fixmedinsCode, r.fixmedinsName))
        s.field("Visit", join(r.mdtrtId, r.invoiceNo.map { "invoice \($0)" },
                               r.claimedAmt.map { "invoice amount \($0)" }))
        s.field("Person", join(r.psnNo, r.psnName, r.certno.map { "ID \($0)" }))
        s.field("Insurance", join(r.insutype.map(schemeWords), r.insuAdmdvs.map { "insured in \($0)" }))
        let dates = r.begndate.map { b in r.enddate.map { "\(b) to \($0)" } ?? b } ?? r.enddate
        s.field("Care", join(r.medType.map(careWords), dates))
        s.field("Settlement", r.mode.map(modeWords) ?? "")
        if let earlier = r.supersedes {
            s.field("Supersedes", "\(earlier) (this result replaces the earlier one of the same visit)")
        }

        if r.status == .rejected {
            s.section("WHY THE CLAIM WAS REJECTED")
            for reason in r.reasons { s.reason(reason, indent: 2) }
            s.blank()
            let refused = r.claimedAmt.map { "The \($0) claimed is refused" } ?? "Nothing is paid"
            s.paragraph("\(refused); every amount of the claim is zero. The rules stop at the first gate that fails, so a claim may have further problems once this one is put right.", indent: 2)
        } else {
            s.lines(r)
            s.section("WHAT THE FUNDS PAY")
            s.amount("In-scope amount (inscp_scp_amt)", r.inscpScpAmt)
            s.amount("Deductible, paid by the person (act_pay_dedc, 起付线)", r.actPayDedc, minus: true)
            for (code, amount) in r.funds.sorted(by: { $0.key < $1.key }) {
                s.amount("Fund \(code) \(FundNames.name(code))", amount)
            }
            s.amount("Funds total (fund_pay_sumamt)", r.fundPaySumamt, strong: true)
            if r.inscpScpAmt.fen - r.actPayDedc.fen > r.fundPaySumamt.fen {
                let left = Yuan(r.inscpScpAmt.fen - r.actPayDedc.fen - r.fundPaySumamt.fen)
                s.paragraph("Of the in-scope amount above the deductible, \(left) is the person's co-payment at the policy's ratios.", indent: 2)
            }
            for reason in r.reasons { s.reason(reason, indent: 2) }

            s.section("WHAT THE PERSON PAYS")
            s.amount("Total of the claim (medfee_sumamt)", r.medfeeSumamt)
            s.amount("Less what the funds pay", r.fundPaySumamt, minus: true)
            s.amount("The person's part (psn_part_amt)", r.psnPartAmt, strong: true)
            s.amount("  from the personal account (acct_pay, 个人账户)", r.acctPay)
            s.amount("  in cash (psn_cash_pay)", r.psnCashPay)

            s.section("PAYMENT")
            s.amount("Payable: funds \(r.fundPaySumamt) + personal account \(r.acctPay)", r.payable)
            if let p = r.payee {
                s.field("Paid to", "\(p.kind == .person ? "person" : "institution") \(p.id) \(p.name)", indent: 2)
                s.field("Account", "\(p.account), bank \(p.bankCode)", indent: 2)
            }
            s.paragraph(inShort(r), indent: 2)
        }

        let codes = allCodes(r)
        if !codes.isEmpty {
            s.section("THE REASONS EXPLAINED")
            for (i, code) in codes.enumerated() {
                let t = ReasonTexts.entry(for: code)
                if i > 0 { s.blank() }
                s.paragraph("\(code.rawValue): \(t.title)", indent: 2)
                s.labelled("Applies when", t.trigger)
                s.labelled("Basis", t.basis)
                s.labelled("What to do", t.remedy)
            }
        }
        return s.text
    }

    // MARK: - Words

    private static func payeeWords(_ r: ClaimResult) -> String {
        switch r.payee?.kind {
        case .person: return "the person's bank card"
        case .institution: return "the institution"
        case nil: return r.mode == "direct" ? "the institution" : "the person"
        }
    }

    private static func inShort(_ r: ClaimResult) -> String {
        if r.mode == "direct" {
            return "In short: the person paid their share of \(r.psnCashPay) at the hospital in cash; the institution is paid \(r.payable) (\(r.fundPaySumamt) from the funds, \(r.acctPay) from the personal account)."
        }
        return "In short: the person paid the hospital \(r.medfeeSumamt); \(r.payable) is transferred to their card (\(r.fundPaySumamt) from the funds, \(r.acctPay) from the personal account), so their own cost is \(r.psnCashPay)."
    }

    private static func schemeWords(_ code: String) -> String {
        switch Insutype(rawValue: code) {
        case .employee: return "310 employee basic medical insurance"
        case .resident: return "390 residents' basic medical insurance"
        case nil: return code
        }
    }

    private static func careWords(_ code: String) -> String {
        switch MedType(rawValue: code) {
        case .generalOutpatient: return "11 general outpatient"
        case .emergency: return "13 emergency"
        case .chronicOutpatient: return "14 chronic and special outpatient"
        case .inpatient: return "21 inpatient"
        case nil: return code
        }
    }

    private static func modeWords(_ mode: String) -> String {
        switch SettlementMode(rawValue: mode) {
        case .manual: return "manual: the person paid in full and is reimbursed to their card"
        case .direct: return "direct: the person paid their share; the institution is paid the rest"
        case nil: return mode
        }
    }

    private static func join(_ parts: String?...) -> String {
        parts.compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
    }

    /// The codes of the claim and its lines, in the order rules.md applies them.
    private static func allCodes(_ r: ClaimResult) -> [ReasonCode] {
        var codes = Set(r.reasons.map(\.code))
        for line in r.lines { codes.formUnion(line.reasons.map(\.code)) }
        return ReasonCode.allCases.filter(codes.contains)
    }
}

/// Builds the statement's text a line at a time, keeping every line within the width.
private struct StatementWriter {
    var text = ""
    let width = Statement.width
    let labelWidth = 14
    let amountWidth = 14

    mutating func put(_ line: String) {
        var l = line
        while l.hasSuffix(" ") { l.removeLast() }
        text += TextLayout.truncate(l, to: width) + "\n"
    }

    mutating func blank() { put("") }
    mutating func rule(_ c: String = "-") { put(String(repeating: c, count: width)) }

    mutating func title(_ left: String, right: String) {
        let gap = width - TextLayout.width(left) - TextLayout.width(right)
        put(gap >= 2 ? left + String(repeating: " ", count: gap) + right : left + "  " + right)
    }

    mutating func section(_ name: String) {
        blank()
        put(name)
    }

    /// A labelled value; an empty one (a field a rejected claim could not read) is left out.
    mutating func field(_ label: String, _ value: String, indent: Int = 0) {
        guard !value.isEmpty else { return }
        let pad = String(repeating: " ", count: indent)
        let lines = TextLayout.wrap(value, columns: width - indent - labelWidth)
        put(pad + TextLayout.pad(label, to: labelWidth) + lines[0])
        for l in lines.dropFirst() { put(pad + String(repeating: " ", count: labelWidth) + l) }
    }

    mutating func paragraph(_ value: String, indent: Int) {
        let pad = String(repeating: " ", count: indent)
        for l in TextLayout.wrap(value, columns: width - indent) { put(pad + l) }
    }

    mutating func labelled(_ label: String, _ value: String) {
        let pad = String(repeating: " ", count: 4)
        let head = "\(label): "
        let lines = TextLayout.wrap(head + value, columns: width - 4, indent: "  ")
        for l in lines { put(pad + l) }
    }

    /// A reason with its detail and basis.
    mutating func reason(_ reason: Reason, indent: Int) {
        let pad = String(repeating: " ", count: indent)
        let title = ReasonTexts.entry(for: reason.code).title
        for l in TextLayout.wrap("\(reason.code.rawValue) (\(title)): \(reason.detail)", columns: width - indent,
                                 indent: "  ") {
            put(pad + l)
        }
        for l in TextLayout.wrap("basis: \(reason.basis)", columns: width - indent - 2) { put(pad + "  " + l) }
    }

    /// A labelled amount in the right-hand column; `minus` for what is taken away.
    mutating func amount(_ label: String, _ value: Yuan, minus: Bool = false, strong: Bool = false) {
        let shown = (minus ? "- " : "") + value.description
        let labelColumns = width - amountWidth - 2
        // A total is set off by a short rule over its amount, as on a paper statement.
        if strong { put(String(repeating: " ", count: 2 + labelColumns + 2) + String(repeating: "-", count: amountWidth - 2)) }
        put("  " + TextLayout.pad(label, to: labelColumns) + TextLayout.pad(shown, to: amountWidth, .right))
    }

    /// The fee lines, each with its four parts, its code and its reasons.
    mutating func lines(_ r: ClaimResult) {
        section("FEE LINES (amount = own-pay + over cap + class B share + in scope)")
        let headers = ["amount", "own-pay", "over cap", "B share", "in scope"]
        let totals = [r.medfeeSumamt, r.fulamtOwnpayAmt, r.overlmtSelfpay, r.preselfpayAmt, r.inscpScpAmt]
        var amountColumns = max(9, totals.map { TextLayout.width($0.description) }.max() ?? 0)
        for line in r.lines {
            for v in [line.amount, line.fulamtOwnpay, line.overlmt, line.preselfpay, line.inscp] {
                amountColumns = max(amountColumns, TextLayout.width(v.description))
            }
        }
        let snColumns = max(3, r.lines.map { TextLayout.width("\($0.sn)") }.max() ?? 0)
        let itemColumns = max(12, width - 2 - snColumns - 2 - 5 * (amountColumns + 2))
        func row(_ sn: String, _ item: String, _ amounts: [String]) -> String {
            "  " + TextLayout.pad(sn, to: snColumns, .right) + "  " + TextLayout.pad(item, to: itemColumns)
                + amounts.map { "  " + TextLayout.pad($0, to: amountColumns, .right) }.joined()
        }
        put(row("sn", "item", headers))
        rule()
        let detailIndent = 2 + snColumns + 2
        let pad = String(repeating: " ", count: detailIndent)
        for line in r.lines {
            put(row("\(line.sn)", line.name, [line.amount, line.fulamtOwnpay, line.overlmt, line.preselfpay,
                                             line.inscp].map(\.description)))
            put(pad + line.code)
            for reason in line.reasons {
                let title = ReasonTexts.entry(for: reason.code).title
                for l in TextLayout.wrap("\(reason.code.rawValue) (\(title)): \(reason.detail)",
                                         columns: width - detailIndent, indent: "  ") {
                    put(pad + l)
                }
                for l in TextLayout.wrap("basis: \(reason.basis)", columns: width - detailIndent - 2) {
                    put(pad + "  " + l)
                }
            }
        }
        rule()
        put(row("", "claim total", totals.map(\.description)))
    }
}
