import Testing
import Domain
@testable import Adjudication

// `price` + `adjudicate(_:priced:history:)` must decide every claim exactly as the core did
// before it was split in two (issue 7). `unsplitAdjudicate` below is that core, frozen as it was,
// so the comparison is with the old order of checks and not with the new code itself.

/// The adjudication as one step, before the split: bounds, netting, gates, lines, funds.
private func unsplitAdjudicate(_ adjudicator: Adjudicator, _ claim: Claim, history: ClaimHistory) -> Decision {
    func rejected(_ reason: Reason) -> Decision {
        Decision(status: .rejected, reasons: [reason], amounts: ClaimAmounts(), lines: [], payee: nil,
                 year: history.year, accountBalance: history.accountBalance)
    }
    if let reason = Adjudicator.outOfBounds(claim) { return rejected(reason) }
    let netted: [FeeLine]
    switch Netting.net(claim.lines, submission: claim.submission) {
    case .invalid(let reason): return rejected(reason)
    case .netted(let lines): netted = lines
    }
    let admitted: AdmittedClaim
    switch Gates(reference: adjudicator.reference).check(claim, history: history) {
    case .rejected(let reason): return rejected(reason)
    case .admitted(let value): admitted = value
    }
    let rules = LineRules(
        index: adjudicator.catalogueIndex, hospitalAdmdvs: admitted.institution.admdvs,
        level: admitted.institution.level, medType: claim.medType, diseCodg: claim.diseCodg)
    var amounts = ClaimAmounts()
    let lines = netted.map { rules.decide($0) }
    for line in lines {
        amounts.medfeeSumamt += line.amount
        amounts.fulamtOwnpayAmt += line.fulamtOwnpay
        amounts.overlmtSelfpay += line.overlmt
        amounts.preselfpayAmt += line.preselfpay
        amounts.inscpScpAmt += line.inscp
    }
    let settled = FundRules(claim: claim, admitted: admitted).settle(lines: amounts, history: history)
    amounts.actPayDedc = settled.actPayDedc
    amounts.funds = settled.funds
    amounts.fundPaySumamt = settled.fundPaySumamt
    amounts.acctPay = settled.acctPay
    amounts.psnPartAmt = amounts.medfeeSumamt - amounts.fundPaySumamt
    amounts.psnCashPay = amounts.psnPartAmt - amounts.acctPay
    amounts.payable = amounts.fundPaySumamt + amounts.acctPay
    let payee: Payee
    switch claim.mode {
    case .manual:
        let p = admitted.person
        payee = Payee(kind: .person, id: p.psnNo, name: p.psnName, account: p.bankAccount,
                      bankName: p.bankName, bankCode: p.bankCode)
    case .direct:
        let i = admitted.institution
        payee = Payee(kind: .institution, id: i.code, name: i.name, account: i.bankAccount,
                      bankName: i.bankName, bankCode: i.bankCode)
    }
    return Decision(status: .approved, reasons: settled.reasons, amounts: amounts, lines: lines, payee: payee,
                    year: settled.year, accountBalance: settled.accountBalance)
}

/// Histories that each move a different part of the decision.
private func histories(generated: ClaimHistory) -> [(name: String, history: ClaimHistory)] {
    [
        ("empty", .empty),
        ("generated", generated),
        ("duplicate invoice", ClaimHistory(approvedInvoiceSetlId: "S20260115-0001")),
        // The example claims run 2026-02-01..2026-02-10: six shared days.
        ("overlapping stay", ClaimHistory(approvedStays: [
            ApprovedStay(setlId: "S20260120-0002", begndate: day("2026-02-05"), enddate: day("2026-02-20"))])),
        // A same-day transfer shares one date and passes.
        ("adjoining stay", ClaimHistory(approvedStays: [
            ApprovedStay(setlId: "S20260120-0003", begndate: day("2026-01-20"), enddate: day("2026-02-01"))])),
        ("near the caps", ClaimHistory(year: YearAccumulators(
            deductibleUsed: ["outpatient": fen("990.00")],
            cumulativeBase: ["inpatient": fen("299500.00"), "outpatient": fen("9990.00")],
            fundPaid: [.employeePooled: fen("299990.00"), .residentsBasic: fen("199995.00"),
                       .residentsCriticalIllness: fen("399999.00")],
            criticalIllnessBurden: fen("14900.00")))),
        ("account balance", ClaimHistory(accountBalance: fen("12.34"))),
        ("account spent", ClaimHistory(accountBalance: 0)),
    ]
}

/// Makes some generated claims fail where the order of checks matters: an institution the
/// reference does not know, one not designated on `begndate` (its lines would price fine),
/// refunds that net below zero (INVALID_DATA before every gate), an invoice total that does
/// not match (a gate after the lines could be priced), an amount out of range.
private func variant(_ claim: Claim, _ k: Int) -> Claim {
    var claim = claim
    switch k % 8 {
    case 0: claim.fixmedinsCode = "H99999999999"
    case 1: claim.fixmedinsCode = "H13010500009"  // designated until 2026-01-31
    case 2:
        let first = claim.lines[0]
        claim.lines.append(FeeLine(sn: 999, code: first.code, name: "refund", time: first.time, cnt: -first.cnt - 10_000,
                                   pric: first.pric, amount: -first.amount - 1, sourceLine: 99))
    case 3: claim.invoiceAmount += 1
    case 4: claim.lines[0].amount = AmountLimits.maxAmount + 1
    default: break
    }
    return claim
}

@Test func pricingThenDecidingEqualsTheUnsplitAdjudicationOverGeneratedClaims() {
    var g = SplitMix64(state: 20260407)
    var seen: [ReasonCode: Int] = [:]
    var approved = 0
    for k in 0..<1500 {
        let (generated, generatedHistory, reference) = randomClaim(&g)
        let claim = variant(generated, k)
        let adjudicator = Adjudicator(reference: reference)
        let priced = adjudicator.price(claim)
        for (name, history) in histories(generated: generatedHistory) {
            let expected = unsplitAdjudicate(adjudicator, claim, history: history)
            let split = adjudicator.adjudicate(claim, priced: priced, history: history)
            #expect(split == expected, "claim \(k), history \(name)")
            #expect(adjudicator.adjudicate(claim, history: history) == expected, "claim \(k), history \(name)")
            if expected.status == .approved { approved += 1 } else { seen[expected.reasons[0].code, default: 0] += 1 }
        }
    }
    // The comparison must have met every path where the order of checks could go wrong.
    for code in [ReasonCode.invalidData, .duplicateInvoice, .notDesignated, .invoiceTotalMismatch, .overlappingStay] {
        #expect(seen[code, default: 0] > 50, "\(code) met \(seen[code, default: 0]) times")
    }
    #expect(approved > 2000)
}

@Test func theWorkedExampleDecidesTheSameSplitUnderEveryHistory() {
    let adjudicator = Adjudicator(reference: Example.reference())
    for claim in [Example.claim(), Example.claim(mode: .direct), variant(Example.claim(), 0), variant(Example.claim(), 1),
                  variant(Example.claim(), 2), variant(Example.claim(), 3), variant(Example.claim(), 4)] {
        let priced = adjudicator.price(claim)
        for (name, history) in histories(generated: .empty) {
            #expect(adjudicator.adjudicate(claim, priced: priced, history: history)
                    == unsplitAdjudicate(adjudicator, claim, history: history), "history \(name)")
        }
    }
}

/// The first failing check of rules.md's order wins, whichever step found it.
@Test func theSplitKeepsTheOrderOfChecks() {
    let adjudicator = Adjudicator(reference: Example.reference())
    func firstReason(_ claim: Claim, _ history: ClaimHistory = .empty) -> ReasonCode? {
        adjudicator.adjudicate(claim, priced: adjudicator.price(claim), history: history).reasons.first?.code
    }
    let duplicate = ClaimHistory(approvedInvoiceSetlId: "S20260115-0001")
    // Netting below zero comes before the duplicate-invoice gate.
    #expect(firstReason(variant(Example.claim(), 2), duplicate) == .invalidData)
    // The duplicate-invoice gate comes before the unknown institution, which price could not price.
    #expect(firstReason(variant(Example.claim(), 0), duplicate) == .duplicateInvoice)
    #expect(firstReason(variant(Example.claim(), 0)) == .notDesignated)
    // Lines that price fine do not save a claim a gate rejects.
    #expect(firstReason(variant(Example.claim(), 1)) == .notDesignated)
    #expect(firstReason(Example.claim(psnNo: "13010000000000999999")) == .unknownPerson)
}

/// One pricing, three histories, three decisions: the priced claim carries nothing of a history.
@Test func onePricingDecidedUnderDifferentHistories() {
    let adjudicator = Adjudicator(reference: Example.reference())
    let claim = Example.claim()
    let priced = adjudicator.price(claim)

    // No history: the worked example of rules.md, payable 4575.66 (WorkedExampleTests).
    let fresh = adjudicator.adjudicate(claim, priced: priced, history: .empty)
    #expect(fresh.amounts.funds == [.employeePooled: fen("3575.66")])
    #expect(fresh.amounts.acctPay == fen("1000.00"))
    #expect(fresh.amounts.payable == fen("4575.66"))

    // A = 299,000.00 already this year, 300.00 left on the account. B = 4206.66 is cut at the
    // 300,000.00 bound: 1000.00 × 85% = 850.00 from 310100, 3206.66 × 80% = 2565.328 → 2565.33
    // from 330100; funds 3415.33. Eligible 266.67 + (5106.66 − 3415.33) = 1958.00, balance
    // 300.00: acct_pay 300.00; payable 3415.33 + 300.00 = 3715.33.
    let late = ClaimHistory(year: YearAccumulators(cumulativeBase: ["inpatient": fen("299000.00")]),
                            accountBalance: fen("300.00"))
    let laterInYear = adjudicator.adjudicate(claim, priced: priced, history: late)
    #expect(laterInYear.status == .approved)
    #expect(laterInYear.amounts.funds == [.employeePooled: fen("850.00"), .employeeLargeAmount: fen("2565.33")])
    #expect(laterInYear.amounts.fundPaySumamt == fen("3415.33"))
    #expect(laterInYear.amounts.acctPay == fen("300.00"))
    #expect(laterInYear.amounts.payable == fen("3715.33"))
    #expect(laterInYear.accountBalance == 0)
    #expect(laterInYear.year.cumulativeBase == ["inpatient": fen("303206.66")])  // 299000.00 + 4206.66
    // The lines do not depend on the history.
    #expect(laterInYear.lines == fresh.lines)

    // The same invoice already approved: rejected, nothing paid, the history returned as it was.
    let again = adjudicator.adjudicate(claim, priced: priced, history: ClaimHistory(approvedInvoiceSetlId: "S1", year: late.year))
    #expect(again.reasonCodes == [.duplicateInvoice])
    #expect(again.amounts == ClaimAmounts() && again.lines.isEmpty && again.payee == nil)
    #expect(again.year == late.year)
}

/// What the run does: price a batch on other threads, then decide it in order.
@Test func claimsPricedConcurrentlyDecideAsInOrder() async {
    let adjudicator = Adjudicator(reference: Example.reference())
    var g = SplitMix64(state: 7)
    let claims: [Claim] = (0..<200).map { k in
        var claim = variant(randomClaim(&g).0, k)
        claim.ordinal = k
        return claim
    }
    let priced = await withTaskGroup(of: (Int, PricedClaim).self) { group in
        for (k, claim) in claims.enumerated() { group.addTask { (k, adjudicator.price(claim)) } }
        var byOrdinal: [Int: PricedClaim] = [:]
        for await (k, p) in group { byOrdinal[k] = p }
        return byOrdinal
    }
    var history = ClaimHistory.empty
    for (k, claim) in claims.enumerated() {
        let split = adjudicator.adjudicate(claim, priced: priced[k]!, history: history)
        #expect(split == unsplitAdjudicate(adjudicator, claim, history: history), "claim \(k)")
        if split.status == .approved { history = ClaimHistory(year: split.year, accountBalance: split.accountBalance) }
    }
}
