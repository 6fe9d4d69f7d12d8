import Domain

/// The adjudication core (rules.md): one claim, the reference data and the person's history in,
/// a decision out. Pure: no I/O, no clock, no globals; the same inputs give the same decision.
///
/// Where things are:
/// - the two steps: `price` (no history: bounds, netting, fee lines) and
///   `adjudicate(_:priced:history:)` (gates, funds), below
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
    /// The same as `adjudicate(claim, priced: price(claim), history: history)`.
    public func adjudicate(_ claim: Claim, history: ClaimHistory) -> Decision {
        adjudicate(claim, priced: price(claim), history: history)
    }

    /// The part of the adjudication that reads no history (rules.md §2 and the `INVALID_DATA`
    /// checks before the gates): amounts out of range, refund netting, every fee line and the
    /// claim's sums. A run can price many claims at once, on any thread, before deciding them
    /// in order with `adjudicate(_:priced:history:)`.
    public func price(_ claim: Claim) -> PricedClaim {
        // INVALID_DATA: amounts beyond any real claim (they would overflow the sums), then
        // refunds that net a code below zero (the first gate).
        if let reason = Self.outOfBounds(claim) { return PricedClaim(claim, .invalid(reason)) }
        let netted: [FeeLine]
        switch Netting.net(claim.lines, submission: claim.submission) {
        case .invalid(let reason): return PricedClaim(claim, .invalid(reason))
        case .netted(let lines): netted = lines
        }

        // The lines are priced at the hospital's region and level. An unknown hospital has
        // neither; the NOT_DESIGNATED gate rejects its claim, so there is nothing to price.
        guard let institution = reference.institutions[claim.fixmedinsCode] else {
            return PricedClaim(claim, .institutionUnknown)
        }

        // §2: every netted line, then the claim's sums.
        let rules = LineRules(
            index: catalogueIndex, hospitalAdmdvs: institution.admdvs, level: institution.level,
            medType: claim.medType, diseCodg: claim.diseCodg)
        var lines: [LineDecision] = []
        lines.reserveCapacity(netted.count)
        var sums = ClaimAmounts()
        for i in netted.indices {
            let decided = rules.decide(netted[i])  // borrowed: no copy of the line's Strings
            sums.medfeeSumamt += decided.amount
            sums.fulamtOwnpayAmt += decided.fulamtOwnpay
            sums.overlmtSelfpay += decided.overlmt
            sums.preselfpayAmt += decided.preselfpay
            sums.inscpScpAmt += decided.inscp
            lines.append(decided)
        }
        return PricedClaim(claim, .lines(lines, sums: sums))
    }

    /// Decides one claim whose history-free part `price(claim)` already worked out: the
    /// `INVALID_DATA` found there, then the gates of §1, then the priced lines and the funds of
    /// §3, in rules.md's order (the first failing check wins). `priced` must come from
    /// `price(claim)` of an adjudicator with the same reference data.
    public func adjudicate(_ claim: Claim, priced: PricedClaim, history: ClaimHistory) -> Decision {
        // Cheap, and catches a caller that pairs a claim with its neighbour's pricing.
        precondition(priced.ordinal == claim.ordinal,
                     "claim \(claim.ordinal) of \(claim.submission) paired with the pricing of claim \(priced.ordinal)")
        if case .invalid(let reason) = priced.outcome { return rejected(reason, history: history) }

        let admitted: AdmittedClaim
        switch Gates(reference: reference).check(claim, history: history) {
        case .rejected(let reason): return rejected(reason, history: history)
        case .admitted(let value): admitted = value
        }

        // The gates admitted the claim, so its institution is known and its lines were priced.
        guard case .lines(let lines, var amounts) = priced.outcome else {
            preconditionFailure("\(claim.fixmedinsCode) \(claim.mdtrtId) was priced with other reference data")
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

/// What a claim comes to before any of the person's history is read: `Adjudicator.price`.
/// Holds no history, so it can be worked out for many claims at once, on any thread, and then
/// decided in order under whatever history each claim meets.
public struct PricedClaim: Sendable {
    enum Outcome: Sendable {
        /// `INVALID_DATA` (out of range, refunds netting below zero): rejects the claim before any gate.
        case invalid(Reason)
        /// The institution is not in the reference: no region or level to price at; the
        /// NOT_DESIGNATED gate rejects the claim (after DUPLICATE_INVOICE, which may come first).
        case institutionUnknown
        /// The netted lines decided by §2, and their sums in `ClaimAmounts` (the funds not yet
        /// filled in).
        case lines([LineDecision], sums: ClaimAmounts)
    }

    /// The priced claim's `ordinal`, to check that `adjudicate` gets the right pairing.
    let ordinal: Int
    let outcome: Outcome

    init(_ claim: Claim, _ outcome: Outcome) {
        self.ordinal = claim.ordinal
        self.outcome = outcome
    }
}
