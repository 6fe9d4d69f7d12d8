import Domain

/// The adjudication core (rules.md): one claim, the reference data and the person's history in,
/// a decision out. Pure: no I/O, no clock, no globals; the same inputs give the same decision.
///
/// Where things are:
/// - refund netting: `Netting.swift`
/// - the gates of §1, in order: `Gates.swift`
/// - the lines of §2 (catalogue, classes A/B/C, restricted use, price caps): `LineRules.swift`
/// - the funds of §3 (deductible, tiers, caps, critical illness, personal account): `FundRules.swift`
public struct Adjudicator: Sendable {
    public let reference: ReferenceData
    /// The catalogues and facility standards of `reference`, arranged for one probe per line.
    let catalogueIndex: CatalogueIndex

    public init(reference: ReferenceData) {
        self.reference = reference
        self.catalogueIndex = CatalogueIndex(catalogues: reference.catalogues, facilityStandards: reference.facilityStandards)
    }

    /// Decides one claim. Pure: no I/O, no clock, no globals. Deterministic.
    ///
    /// `history` holds the person's accumulators for the year of the claim's `enddate`; the
    /// decision returns them moved by this claim (unchanged when it is rejected).
    public func adjudicate(_ claim: Claim, history: ClaimHistory) -> Decision {
        // INVALID_DATA: amounts beyond any real claim (they would overflow the sums), then
        // refunds that net a code below zero (the first gate).
        if let reason = Self.outOfBounds(claim) { return rejected(reason, history: history) }
        let netted: [FeeLine]
        switch Netting.net(claim.lines, submission: claim.submission) {
        case .invalid(let reason): return rejected(reason, history: history)
        case .netted(let lines): netted = lines
        }

        let admitted: AdmittedClaim
        switch Gates(reference: reference).check(claim, history: history) {
        case .rejected(let reason): return rejected(reason, history: history)
        case .admitted(let value): admitted = value
        }

        // §2: every netted line, then the claim's sums.
        let rules = LineRules(
            index: catalogueIndex, hospitalAdmdvs: admitted.institution.admdvs, level: admitted.institution.level,
            medType: claim.medType, diseCodg: claim.diseCodg)
        var lines: [LineDecision] = []
        lines.reserveCapacity(netted.count)
        var amounts = ClaimAmounts()
        for i in netted.indices {
            let decided = rules.decide(netted[i])  // borrowed: no copy of the line's Strings
            amounts.medfeeSumamt += decided.amount
            amounts.fulamtOwnpayAmt += decided.fulamtOwnpay
            amounts.overlmtSelfpay += decided.overlmt
            amounts.preselfpayAmt += decided.preselfpay
            amounts.inscpScpAmt += decided.inscp
            lines.append(decided)
        }

        // §3: funds, account, payable.
        let settled = FundRules(claim: claim, admitted: admitted).settle(lines: amounts, history: history)
        amounts.actPayDedc = settled.actPayDedc
        amounts.funds = settled.funds
        amounts.fundPaySumamt = settled.fundPaySumamt
        amounts.acctPay = settled.acctPay
        amounts.psnPartAmt = amounts.medfeeSumamt - amounts.fundPaySumamt
        amounts.psnCashPay = amounts.psnPartAmt - amounts.acctPay
        amounts.payable = amounts.fundPaySumamt + amounts.acctPay
        precondition(amounts.invariantsHold, "amount invariants broken for \(claim.fixmedinsCode) \(claim.mdtrtId)")

        return Decision(
            status: .approved, reasons: settled.reasons, amounts: amounts, lines: lines,
            payee: payee(claim.mode, admitted), year: settled.year, accountBalance: settled.accountBalance)
    }

    /// `AmountLimits`: the ingest stage refuses such claims already; the core checks again so
    /// that no input can make its sums overflow.
    static func outOfBounds(_ claim: Claim) -> Reason? {
        // Built only for a claim that fails: the check runs on every claim.
        var basis: String { "data.md: claim and fee line fields; amounts above \(AmountLimits.maxAmount.yuan) are not accepted" }
        if claim.lines.count > AmountLimits.maxLinesPerClaim {
            return Reason(.invalidData, detail: "\(claim.lines.count) fee lines, more than \(AmountLimits.maxLinesPerClaim)", basis: basis)
        }
        if !AmountLimits.contains(claim.invoiceAmount) {
            return Reason(.invalidData, detail: "invoice_amount \(claim.invoiceAmount.yuan) is out of range", basis: basis)
        }
        for line in claim.lines where !AmountLimits.contains(line.amount) {
            return Reason(.invalidData, detail: "line \(line.sn) amount \(line.amount.yuan) is out of range", basis: basis)
        }
        return nil
    }

    /// The first failing gate; every amount zero, no lines, no payee, accumulators unchanged.
    private func rejected(_ reason: Reason, history: ClaimHistory) -> Decision {
        Decision(
            status: .rejected, reasons: [reason], amounts: ClaimAmounts(), lines: [], payee: nil,
            year: history.year, accountBalance: history.accountBalance)
    }

    private func payee(_ mode: SettlementMode, _ admitted: AdmittedClaim) -> Payee {
        switch mode {
        case .manual:
            let p = admitted.person
            return Payee(kind: .person, id: p.psnNo, name: p.psnName, account: p.bankAccount,
                         bankName: p.bankName, bankCode: p.bankCode)
        case .direct:
            let i = admitted.institution
            return Payee(kind: .institution, id: i.code, name: i.name, account: i.bankAccount,
                         bankName: i.bankName, bankCode: i.bankCode)
        }
    }
}
