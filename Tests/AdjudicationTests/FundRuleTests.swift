import Testing
import Domain
@testable import Adjudication

/// One class-01 line worth `amount`: everything in scope.
private func inScope(_ amount: String) -> [FeeLine] { [Example.fee(1, Code.drugA, "1", amount, amount)] }

private let localLevel2 = "H13010200001"  // 130102, level 2: not cross-region for 130100

@Test func claimExactlyAtATierBound() {
    // inscp 300900.00 − deductible 900.00 = B 300000.00 = the first tier's bound: all at 85%
    // = 255000.00 to 310100; the unbounded 330100 tier gets no piece.
    let d = adjudicate(Example.claim(inScope("300900.00")))
    #expect(d.amounts.funds == [.employeePooled: fen("255000.00")])
    #expect(d.year.cumulativeBase["inpatient"] == fen("300000.00"))
}

@Test func baseSplitAcrossTiers() {
    // A = 299000.00, B = 2000.00: [299000, 300000) at 85% = 850.00 to 310100,
    // [300000, 301000) at 80% = 800.00 to 330100.
    let history = ClaimHistory(year: YearAccumulators(cumulativeBase: ["inpatient": fen("299000.00")]))
    let d = adjudicate(Example.claim(inScope("2900.00")), history: history)
    #expect(d.amounts.funds == [.employeePooled: fen("850.00"), .employeeLargeAmount: fen("800.00")])
    #expect(d.year.cumulativeBase["inpatient"] == fen("301000.00"))
    #expect(d.amounts.fundPaySumamt == fen("1650.00"))
}

@Test func baseAboveABoundedLastTierIsPaidByNoFund() {
    // Outpatient (per year, 1000.00 deductible already used), single tier up to 10000.00 at
    // 60% (level 2). A = 9500.00, B = 1000.00: only [9500, 10000) pays: 500.00 × 60% = 300.00.
    let history = ClaimHistory(year: YearAccumulators(deductibleUsed: ["outpatient": fen("1000.00")],
                                                      cumulativeBase: ["outpatient": fen("9500.00")]))
    let claim = Example.claim(inScope("1000.00"), medType: .generalOutpatient, hospital: localLevel2,
                              begin: "2026-02-05", end: "2026-02-05", documents: [.invoice, .feeList])
    let d = adjudicate(claim, history: history)
    #expect(d.amounts.actPayDedc == 0)
    #expect(d.amounts.funds == [.employeePooled: fen("300.00")])
    #expect(d.year.cumulativeBase["outpatient"] == fen("10500.00"))
}

@Test func annualCapReachedMidClaim() {
    // B = 2900.00 − 900.00 = 2000.00 × 85% = 1700.00; 310100 already paid 299000.00 of its
    // 300000.00 cap: 1000.00 left, 700.00 cut.
    let history = ClaimHistory(year: YearAccumulators(fundPaid: [.employeePooled: fen("299000.00")]))
    let d = adjudicate(Example.claim(inScope("2900.00")), history: history)
    #expect(d.amounts.funds == [.employeePooled: fen("1000.00")])
    #expect(d.reasonCodes == [.annualCapReached])
    #expect(d.reasons[0].basis == "policy.yaml regions.130100.schemes.310.annual_caps.310100")
    #expect(d.reasons[0].detail.contains("700.00 cut"))
    #expect(d.year.fundPaid[.employeePooled] == fen("300000.00"))
    // A still grows by the whole B.
    #expect(d.year.cumulativeBase["inpatient"] == fen("2000.00"))
}

@Test func annualCapReachedExactlyIsNoReason() {
    // 1700.00 payable, 298300.00 paid: exactly 1700.00 left, nothing cut.
    let history = ClaimHistory(year: YearAccumulators(fundPaid: [.employeePooled: fen("298300.00")]))
    let d = adjudicate(Example.claim(inScope("2900.00")), history: history)
    #expect(d.amounts.funds == [.employeePooled: fen("1700.00")])
    #expect(d.reasons.isEmpty)
}

@Test func annualCapAlreadyReachedCutsToZero() {
    let history = ClaimHistory(year: YearAccumulators(fundPaid: [.employeePooled: fen("300000.00")]))
    let d = adjudicate(Example.claim(inScope("2900.00")), history: history)
    #expect(d.amounts.funds == [.employeePooled: 0])
    #expect(d.reasonCodes == [.annualCapReached])
    // Nothing paid: psn_part is the whole 2900.00; eligible 2900.00, balance 1000.00.
    #expect(d.amounts.acctPay == fen("1000.00"))
    #expect(d.amounts.payable == fen("1000.00"))
}

@Test func perYearDeductibleSpreadOverTwoClaims() {
    func outpatient(_ amount: String) -> Claim {
        Example.claim(inScope(amount), medType: .generalOutpatient, hospital: localLevel2,
                      begin: "2026-02-05", end: "2026-02-05", documents: [.invoice, .feeList])
    }
    // Claim 1: 600.00 all deductible; no fund; account pays eligible 0 + (600 − 0) = 600.00.
    let first = adjudicate(outpatient("600.00"))
    #expect(first.amounts.actPayDedc == fen("600.00"))
    #expect(first.amounts.funds.isEmpty)
    #expect(first.amounts.acctPay == fen("600.00"))
    #expect(first.year.deductibleUsed == ["outpatient": fen("600.00")])
    #expect(first.accountBalance == fen("400.00"))
    // Claim 2 with what claim 1 left: 400.00 of deductible remain; B = 600.00 × 60% = 360.00;
    // eligible 1000.00 − 360.00 = 640.00 but the balance is 400.00.
    let history = ClaimHistory(year: first.year, accountBalance: first.accountBalance)
    let second = adjudicate(outpatient("1000.00"), history: history)
    #expect(second.amounts.actPayDedc == fen("400.00"))
    #expect(second.amounts.funds == [.employeePooled: fen("360.00")])
    #expect(second.amounts.acctPay == fen("400.00"))
    #expect(second.amounts.psnCashPay == fen("240.00"))
    #expect(second.year.deductibleUsed == ["outpatient": fen("1000.00")])
    #expect(second.accountBalance == 0)
}

@Test func accumulatorsOfAnotherYearDoNotApply() {
    // The caller passes the accumulators of the year of enddate: a claim ending 2027-01-05 gets
    // the empty 2027 accumulators, so the whole deductible applies again, while the account
    // balance (not per year) still carries over.
    let claim = Example.claim(inScope("1000.00"), medType: .generalOutpatient, hospital: localLevel2,
                              begin: "2026-12-30", end: "2027-01-05", documents: [.invoice, .feeList],
                              submitted: "2027-01-10")
    let d = adjudicate(claim, history: ClaimHistory(year: .empty, accountBalance: fen("250.00")))
    #expect(d.amounts.actPayDedc == fen("1000.00"))
    #expect(d.amounts.acctPay == fen("250.00"))
    #expect(d.year.deductibleUsed == ["outpatient": fen("1000.00")])
}

@Test func retireeWithUnfiledReduction() {
    // Retired (1201), unfiled care at the level-3 Shanghai hospital: 85 + 5 − 10 = 80%.
    // B = 1900.00 − 900.00 = 1000.00 → 800.00.
    let retiree = Example.person(psnType: "1201")
    let d = adjudicate(Example.claim(inScope("1900.00")), Example.reference(persons: [retiree], filings: []))
    #expect(d.amounts.funds == [.employeePooled: fen("800.00")])
    #expect(d.reasonCodes == [.unfiledReduction])
    #expect(d.reasons[0].basis == "policy.yaml regions.130100.unfiled.reduction_pct")
    // 离休 1300 counts as retired too: filed, 85 + 5 = 90% → 900.00.
    let veteran = adjudicate(Example.claim(inScope("1900.00")), Example.reference(persons: [Example.person(psnType: "1300")]))
    #expect(veteran.amounts.funds == [.employeePooled: fen("900.00")])
    #expect(veteran.reasons.isEmpty)
}

@Test func ratioClampedOnceAtTheEnd() {
    // Level-1 ratio 98 in a copy of the policy; a retiree, unfiled, at the level-1 Guangzhou
    // hospital: 98 + 5 − 10 = 93% (clamping after the bonus would give 90%).
    // B = 1300.00 − 300.00 = 1000.00 → 930.00.
    var policy = Example.policy
    policy.regions["130100"]!.schemes[.employee]!.groups[0].tiers[0].ratioByLevel[.one] = 9800
    let ref = Example.reference(persons: [Example.person(psnType: "1201")], filings: [], policy: policy)
    let d = adjudicate(Example.claim(inScope("1300.00"), hospital: "H44010400001"), ref)
    #expect(d.amounts.funds == [.employeePooled: fen("930.00")])
    // Filed (emergency counts as filed): 98 + 5 = 103 → 100%: 1000.00.
    let filed = adjudicate(Example.claim(inScope("1300.00"), hospital: "H44010400001", emergency: true), ref)
    #expect(filed.amounts.funds == [.employeePooled: fen("1000.00")])
    // A reduction above the ratio clamps to 0: 85 − 90 < 0 → 0.00, the fund still listed.
    policy.regions["130100"]!.unfiled = .reduce(9000)
    let zero = adjudicate(Example.claim(inScope("1900.00")), Example.reference(filings: [], policy: policy))
    #expect(zero.amounts.funds == [.employeePooled: 0])
    #expect(zero.reasonCodes == [.unfiledReduction])
}

@Test func roundingOncePerFundOverItsPieces() {
    // Different funds round separately: A = 299999.99, B = 0.02 (inscp 900.02 − 900.00):
    // 0.01 × 85% = 0.0085 → 0.01 to 310100; 0.01 × 80% = 0.008 → 0.01 to 330100.
    let history = ClaimHistory(year: YearAccumulators(cumulativeBase: ["inpatient": fen("299999.99")]))
    let d = adjudicate(Example.claim(inScope("900.02")), history: history)
    #expect(d.amounts.funds == [.employeePooled: 1, .employeeLargeAmount: 1])
    // Two pieces of one fund are summed exactly and rounded once: tiers 310100 up to 1000.00
    // and 310100 beyond, both 45%. A = 999.99, B = 0.02:
    // 0.01 × 45% + 0.01 × 45% = 0.009 → 0.01 (rounding each piece would give 0.00 + 0.00).
    var policy = Example.policy
    policy.regions["130100"]!.schemes[.employee]!.groups[0].tiers = [
        Tier(fund: .employeePooled, upto: fen("1000.00"), ratioByLevel: levels(4500, 4500, 4500)),
        Tier(fund: .employeePooled, upto: nil, ratioByLevel: levels(4500, 4500, 4500)),
    ]
    let h2 = ClaimHistory(year: YearAccumulators(cumulativeBase: ["inpatient": fen("999.99")]))
    let once = adjudicate(Example.claim(inScope("900.02")), Example.reference(policy: policy), history: h2)
    #expect(once.amounts.funds == [.employeePooled: 1])
}

@Test func criticalIllnessThresholdCrossedMidClaim() {
    // Resident (1501) at the local level-2 hospital: deductible 500.00, 390100 at 75%.
    // inscp 10500.00, B = 10000.00 → 7500.00. Burden 10500.00 − 7500.00 = 3000.00 on P = 14000.00:
    // [14000, 17000) above 15000 is 2000.00 at 60% = 1200.00 to 390200.
    let resident = Example.person(insutype: .resident, psnType: "1501", balance: "0")
    let ref = Example.reference(persons: [resident])
    let claim = Example.claim(inScope("10500.00"), insutype: .resident, hospital: localLevel2)
    let history = ClaimHistory(year: YearAccumulators(criticalIllnessBurden: fen("14000.00")))
    let d = adjudicate(claim, ref, history: history)
    #expect(d.amounts.funds == [.residentsBasic: fen("7500.00"), .residentsCriticalIllness: fen("1200.00")])
    #expect(d.amounts.acctPay == 0)
    #expect(d.amounts.payable == fen("8700.00"))
    #expect(d.year.criticalIllnessBurden == fen("17000.00"))
    // Below the threshold all along: P = 0, burden 3000.00 → no critical-illness fund.
    let below = adjudicate(claim, ref)
    #expect(below.amounts.funds == [.residentsBasic: fen("7500.00")])
    #expect(below.year.criticalIllnessBurden == fen("3000.00"))
    // Across a critical-illness tier: P = 114000.00 → above threshold [99000, 102000):
    // 1000.00 × 60% + 2000.00 × 70% = 600.00 + 1400.00 = 2000.00.
    let high = adjudicate(claim, ref, history: ClaimHistory(year: YearAccumulators(criticalIllnessBurden: fen("114000.00"))))
    #expect(high.amounts.funds[.residentsCriticalIllness] == fen("2000.00"))
    // Its annual cap 400000.00 with 399500.00 paid: 500.00 left, 1500.00 cut.
    let capped = adjudicate(claim, ref, history: ClaimHistory(year: YearAccumulators(
        fundPaid: [.residentsCriticalIllness: fen("399500.00")], criticalIllnessBurden: fen("114000.00"))))
    #expect(capped.amounts.funds[.residentsCriticalIllness] == fen("500.00"))
    #expect(capped.reasonCodes == [.annualCapReached])
    #expect(capped.reasons[0].basis == "policy.yaml regions.130100.schemes.390.critical_illness.annual_cap")
}

@Test func personalAccountCoverage() {
    // The worked example with other coverages and balances (psn_part 2977.67, in-scope share 1797.67).
    func run(_ covers: AccountCoverage, balance: String, history: Fen? = nil) -> ClaimAmounts {
        var policy = Example.policy
        policy.regions["130100"]!.schemes[.employee]!.personalAccount = covers
        let ref = Example.reference(persons: [Example.person(balance: balance)], policy: policy)
        return adjudicate(Example.claim(), ref, history: ClaimHistory(accountBalance: history)).amounts
    }
    #expect(run(.none, balance: "5000.00").acctPay == 0)
    #expect(run(.none, balance: "5000.00").psnCashPay == fen("2977.67"))
    #expect(run(.inScopeSelfPay, balance: "5000.00").acctPay == fen("1797.67"))
    #expect(run(.allSelfPay, balance: "5000.00").acctPay == fen("2977.67"))
    #expect(run(.allSelfPay, balance: "5000.00").psnCashPay == 0)
    #expect(run(.allSelfPay, balance: "2000.00").acctPay == fen("2000.00"))
    // The history's balance replaces the roster's: 300.00 left.
    #expect(run(.allSelfPay, balance: "5000.00", history: fen("300.00")).acctPay == fen("300.00"))
    #expect(run(.allSelfPay, balance: "5000.00", history: 0).acctPay == 0)
    // payable includes the account in both modes: 3575.66 + 300.00.
    #expect(run(.allSelfPay, balance: "5000.00", history: fen("300.00")).payable == fen("3875.66"))
}

/// rules.md "Precise readings", Critical illness: "its payment is capped by its `annual_cap`
/// and, if `annual_caps` names its fund, by that too": the tighter of the two wins, either way round.
@Test func criticalIllnessCappedByTheTighterOfItsTwoCaps() {
    // Resident at the local level-2 hospital: inscp 10500.00 − deductible 500.00 = B 10000.00
    // × 75% = 7500.00 to 390100. Burden 10500.00 − 7500.00 = 3000.00 on P = 14000.00:
    // [14000, 17000) above 15000 is 2000.00 × 60% = 1200.00 to 390200 before caps.
    // 390200 already paid 399000.00 this year.
    func run(annualCaps390200: String, criticalIllnessCap: String) -> Decision {
        var policy = Example.policy
        policy.regions["130100"]!.schemes[.resident]!.annualCaps[.residentsCriticalIllness] = fen(annualCaps390200)
        policy.regions["130100"]!.schemes[.resident]!.criticalIllness!.annualCap = fen(criticalIllnessCap)
        let ref = Example.reference(persons: [Example.person(insutype: .resident, psnType: "1501", balance: "0")],
                                    policy: policy)
        let history = ClaimHistory(year: YearAccumulators(
            fundPaid: [.residentsCriticalIllness: fen("399000.00")], criticalIllnessBurden: fen("14000.00")))
        return adjudicate(Example.claim(inScope("10500.00"), insutype: .resident, hospital: localLevel2), ref,
                          history: history)
    }
    // annual_caps 399500.00 leaves 500.00, critical_illness.annual_cap 400000.00 leaves 1000.00:
    // min(1200.00, 500.00, 1000.00) = 500.00; 1200.00 − 500.00 = 700.00 cut under annual_caps.
    let annualTighter = run(annualCaps390200: "399500.00", criticalIllnessCap: "400000.00")
    #expect(annualTighter.amounts.funds == [.residentsBasic: fen("7500.00"), .residentsCriticalIllness: fen("500.00")])
    #expect(annualTighter.reasonCodes == [.annualCapReached])
    #expect(annualTighter.reasons.first?.basis == "policy.yaml regions.130100.schemes.390.annual_caps.390200")
    #expect(annualTighter.reasons.first?.detail.contains("700.00 cut") == true)
    #expect(annualTighter.year.fundPaid[.residentsCriticalIllness] == fen("399500.00"))  // 399000.00 + 500.00
    // The other way round: annual_caps 401000.00 leaves 2000.00, critical_illness.annual_cap
    // 400000.00 leaves 1000.00: min(1200.00, 2000.00, 1000.00) = 1000.00; 200.00 cut under
    // critical_illness.annual_cap.
    let criticalTighter = run(annualCaps390200: "401000.00", criticalIllnessCap: "400000.00")
    #expect(criticalTighter.amounts.funds == [.residentsBasic: fen("7500.00"), .residentsCriticalIllness: fen("1000.00")])
    #expect(criticalTighter.reasonCodes == [.annualCapReached])
    #expect(criticalTighter.reasons.first?.basis == "policy.yaml regions.130100.schemes.390.critical_illness.annual_cap")
    #expect(criticalTighter.reasons.first?.detail.contains("200.00 cut") == true)
    #expect(criticalTighter.year.fundPaid[.residentsCriticalIllness] == fen("400000.00"))  // 399000.00 + 1000.00
}

/// rules.md "Precise readings", Critical illness: "`P` grows by each approved claim's whole
/// burden", also when the critical-illness payment is cut by its cap.
@Test func criticalIllnessBurdenGrowsByTheWholeBurdenWhenThePaymentIsCapped() {
    // As above: B 10000.00 × 75% = 7500.00 to 390100; burden 10500.00 − 7500.00 = 3000.00 on
    // P = 14000.00; 2000.00 above the threshold × 60% = 1200.00 to 390200 before its cap.
    let ref = Example.reference(persons: [Example.person(insutype: .resident, psnType: "1501", balance: "0")])
    let claim = Example.claim(inScope("10500.00"), insutype: .resident, hospital: localLevel2)
    // critical_illness.annual_cap 400000.00 with 399500.00 paid: 500.00 left, 700.00 cut.
    // P = 14000.00 + 3000.00 = 17000.00 (not + 500.00 paid, nor + 3000.00 − 500.00).
    let cut = adjudicate(claim, ref, history: ClaimHistory(year: YearAccumulators(
        fundPaid: [.residentsCriticalIllness: fen("399500.00")], criticalIllnessBurden: fen("14000.00"))))
    #expect(cut.amounts.funds[.residentsCriticalIllness] == fen("500.00"))
    #expect(cut.reasonCodes == [.annualCapReached])
    #expect(cut.year.criticalIllnessBurden == fen("17000.00"))
    #expect(cut.year.fundPaid[.residentsCriticalIllness] == fen("400000.00"))  // 399500.00 + 500.00
    // The cap already reached: the payment is cut to 0.00, P still 14000.00 + 3000.00 = 17000.00.
    let zero = adjudicate(claim, ref, history: ClaimHistory(year: YearAccumulators(
        fundPaid: [.residentsCriticalIllness: fen("400000.00")], criticalIllnessBurden: fen("14000.00"))))
    #expect(zero.amounts.funds[.residentsCriticalIllness] == 0)
    #expect(zero.reasonCodes == [.annualCapReached])
    #expect(zero.year.criticalIllnessBurden == fen("17000.00"))
    #expect(zero.year.fundPaid[.residentsCriticalIllness] == fen("400000.00"))
}

/// rules.md "Precise readings", Ratio: "`UNFILED_REDUCTION` is recorded whenever the reduction
/// applies to the claim": the claim is cross-region, unfiled and not emergency, so it is
/// recorded even when B = 0 leaves no tier piece for the reduced ratio to cut (contrast Caps,
/// which are recorded "only when a payment is actually cut").
@Test func unfiledReductionRecordedWhenTheBaseIsZero() {
    // Unfiled care at the level-3 Shanghai hospital: inscp 600.00, deductible 900.00 per
    // admission: act_pay_dedc = min(600.00, 900.00) = 600.00, B = 600.00 − 600.00 = 0: no fund.
    let d = adjudicate(Example.claim(inScope("600.00")), Example.reference(filings: []))
    #expect(d.status == .approved)
    #expect(d.amounts.actPayDedc == fen("600.00"))
    #expect(d.amounts.funds.isEmpty)
    #expect(d.amounts.fundPaySumamt == 0)
    #expect(d.reasonCodes == [.unfiledReduction])
    // Account: eligible 0 + (600.00 − 0) = 600.00, balance 1000.00: acct_pay 600.00 = payable.
    #expect(d.amounts.acctPay == fen("600.00"))
    #expect(d.amounts.payable == fen("600.00"))
}
