import Testing
import Domain
@testable import Adjudication

private func rejection(_ d: Decision) -> ReasonCode? { d.status == .rejected ? d.reasons.first?.code : nil }

/// A rejected claim: one reason, every amount zero, no lines, no payee, accumulators unchanged.
private func expectCleanRejection(_ d: Decision, _ history: ClaimHistory) {
    #expect(d.reasons.count == 1)
    #expect(d.amounts == ClaimAmounts())
    #expect(d.amounts.invariantsHold)
    #expect(d.lines.isEmpty)
    #expect(d.payee == nil)
    #expect(d.year == history.year)
    #expect(d.accountBalance == history.accountBalance)
}

@Test func invalidDataWhenRefundsNetBelowZero() {
    // +2 then −3 of the same code and price: net cnt −1.
    let lines = [Example.fee(1, Code.drugA, "2", "50.00", "100.00"), Example.fee(2, Code.drugA, "-3", "50.00", "-150.00")]
    let history = ClaimHistory(year: YearAccumulators(cumulativeBase: ["inpatient": 5]), accountBalance: 77)
    let d = adjudicate(Example.claim(lines), history: history)
    #expect(rejection(d) == .invalidData)
    #expect(d.reasons[0].detail.contains("net cnt -1"))
    expectCleanRejection(d, history)
}

@Test func duplicateInvoice() {
    let history = ClaimHistory(approvedInvoiceSetlId: "RUN1-000001")
    let d = adjudicate(Example.claim(), history: history)
    #expect(rejection(d) == .duplicateInvoice)
    #expect(d.reasons[0].basis == "approved claim RUN1-000001")
    expectCleanRejection(d, history)
}

@Test func notDesignatedUnknownOrOutsideDesignationOnBegndate() {
    #expect(rejection(adjudicate(Example.claim(hospital: "H99999999999"))) == .notDesignated)
    // Designated until 2026-01-31: a stay beginning 2026-02-01 is not; one beginning on
    // 2026-01-31 and ending after is (designation is checked on begndate only).
    let late = Example.claim(hospital: "H13010500009", begin: "2026-02-01", end: "2026-02-03")
    #expect(rejection(adjudicate(late)) == .notDesignated)
    let onLastDay = Example.claim(hospital: "H13010500009", begin: "2026-01-31", end: "2026-02-03")
    #expect(adjudicate(onLastDay).status == .approved)
}

@Test func unknownPerson() {
    #expect(rejection(adjudicate(Example.claim(psnNo: "13010000000000999999"))) == .unknownPerson)
}

@Test func identityMismatchOnEachField() {
    #expect(rejection(adjudicate(Example.claim(name: "张玮"))) == .identityMismatch)
    let d = adjudicate(Example.claim(certno: "130102195505052341"))
    #expect(rejection(d) == .identityMismatch)
    #expect(!d.reasons[0].detail.contains("130102195505052341"))  // masked
    #expect(rejection(adjudicate(Example.claim(insutype: .resident))) == .identityMismatch)
}

@Test func notCoveredWhenSuspendedOrOutsideCoverage() {
    let suspended = Example.reference(persons: [Example.person(status: .suspended)])
    #expect(rejection(adjudicate(Example.claim(), suspended)) == .notCovered)
    // Coverage ends 2026-02-05, the stay ends 2026-02-10: both ends must be covered.
    let ended = Example.reference(persons: [Example.person(coverage: Period(begin: day("2020-01-01"), end: day("2026-02-05")))])
    #expect(rejection(adjudicate(Example.claim(), ended)) == .notCovered)
    // Coverage ending on enddate is enough (periods include both ends).
    let exact = Example.reference(persons: [Example.person(coverage: Period(begin: day("2026-02-01"), end: day("2026-02-10")))])
    #expect(adjudicate(Example.claim(), exact).status == .approved)
}

@Test func noPolicyForRegionSchemeOrMedType() {
    // The residents' scheme has only an inpatient group: outpatient care has no policy.
    let resident = Example.person(insutype: .resident, psnType: "1501", balance: "0")
    let ref = Example.reference(persons: [resident])
    let d = adjudicate(Example.claim(medType: .generalOutpatient, insutype: .resident), ref)
    #expect(rejection(d) == .noPolicy)
    #expect(d.reasons[0].basis == "policy.yaml regions.130100.schemes.390.groups")
    var noRegion = Example.policy
    noRegion.regions = [:]
    #expect(rejection(adjudicate(Example.claim(), Example.reference(policy: noRegion))) == .noPolicy)
}

@Test func lateSubmissionExactlyAtDeadlinePasses() {
    // enddate 2026-02-10; 2026-08-09 is 180 days later (18+31+30+31+30+31+9), 08-10 is 181.
    #expect(adjudicate(Example.claim(submitted: "2026-08-09")).status == .approved)
    let d = adjudicate(Example.claim(submitted: "2026-08-10"))
    #expect(rejection(d) == .lateSubmission)
    #expect(d.reasons[0].basis == "policy.yaml regions.130100.deadline_days")
    #expect(d.reasons[0].detail.contains("181 days"))
}

@Test func missingDocumentsOfTheCareGroup() {
    let d = adjudicate(Example.claim(documents: [.invoice, .feeList]))
    #expect(rejection(d) == .missingDocuments)
    #expect(d.reasons[0].basis == "policy.yaml regions.130100.schemes.310.groups.inpatient.required_documents")
    #expect(d.reasons[0].detail.contains("discharge_summary"))
}

@Test func referralCertificateWhenEveryCoveringFilingIsAReferral() {
    let referral = Filing(psnNo: Example.psnNo, category: .referral, destAdmdvs: "3101",
                          period: Period(begin: day("2026-01-15"), end: day("2026-04-15")))
    let ref = Example.reference(filings: [referral])
    #expect(rejection(adjudicate(Example.claim(), ref)) == .missingDocuments)
    #expect(adjudicate(Example.claim(documents: [.invoice, .feeList, .dischargeSummary, .referralCert]), ref).status == .approved)
    // Emergency care does not need it.
    #expect(adjudicate(Example.claim(emergency: true), ref).status == .approved)
    // Another covering filing that is not a referral: not every covering filing is a referral.
    let worker = Filing(psnNo: Example.psnNo, category: .residentWorker, destAdmdvs: "31",
                        period: Period(begin: day("2025-01-01"), end: nil))
    #expect(adjudicate(Example.claim(), Example.reference(filings: [referral, worker])).status == .approved)
    // A referral filing that does not cover the care (ended before begndate) does not count:
    // the care is unfiled, reduced (not refused for the certificate).
    let expired = Filing(psnNo: Example.psnNo, category: .referral, destAdmdvs: "31",
                         period: Period(begin: day("2025-01-01"), end: day("2025-12-31")))
    let unfiled = adjudicate(Example.claim(), Example.reference(filings: [expired]))
    #expect(unfiled.status == .approved)
    #expect(unfiled.reasonCodes == [.unfiledReduction])
}

@Test func notFiledWhenThePolicyRejectsUnfiledCare() {
    var policy = Example.policy
    policy.regions["130100"]!.unfiled = .reject
    let ref = Example.reference(filings: [], policy: policy)
    let d = adjudicate(Example.claim(), ref)
    #expect(rejection(d) == .notFiled)
    #expect(d.reasons[0].basis == "policy.yaml regions.130100.unfiled.action")
    // Emergency care counts as filed; local care is not cross-region.
    #expect(adjudicate(Example.claim(emergency: true), ref).status == .approved)
    let local = Example.claim([Example.fee(1, Code.drugA, "1", "900.00", "900.00")], hospital: "H13010200001")
    #expect(adjudicate(local, ref).status == .approved)
    // A filing to 32 does not cover a hospital in 310104 (its prefix must match).
    let elsewhere = Filing(psnNo: Example.psnNo, category: .temporary, destAdmdvs: "32",
                           period: Period(begin: day("2025-01-01"), end: nil))
    #expect(rejection(adjudicate(Example.claim(), Example.reference(filings: [elsewhere], policy: policy))) == .notFiled)
}

@Test func crossRegionAtProvinceLevel() {
    // With cross_region_level province, 130102 vs 130100 is not cross-region, and neither
    // is a hypothetical 139900 (same province 13); 310104 still is.
    var policy = Example.policy
    policy.regions["130100"]!.crossRegionLevel = .province
    policy.regions["130100"]!.unfiled = .reject
    let ref = Example.reference(filings: [], policy: policy)
    #expect(rejection(adjudicate(Example.claim(), ref)) == .notFiled)
    let local = Example.claim([Example.fee(1, Code.drugA, "1", "900.00", "900.00")], hospital: "H13010500009",
                              begin: "2026-01-10", end: "2026-01-12")
    #expect(adjudicate(local, ref).status == .approved)
}

@Test func invoiceTotalMismatchUsesTheLinesAsSubmitted() {
    let d = adjudicate(Example.claim(invoice: "6553.34"))
    #expect(rejection(d) == .invoiceTotalMismatch)
    #expect(d.reasons[0].detail.contains("6553.33") && d.reasons[0].detail.contains("6553.34"))
    // Before netting: +3 and −1 of drug A sum to 100.00, and so must the invoice.
    let lines = [Example.fee(1, Code.drugA, "3", "50.00", "150.00"), Example.fee(2, Code.drugA, "-1", "50.00", "-50.00"),
                 Example.fee(3, Code.drugA, "18", "50.00", "900.00")]
    #expect(adjudicate(Example.claim(lines, invoice: "1000.00")).status == .approved)
    #expect(rejection(adjudicate(Example.claim(lines, invoice: "1050.00"))) == .invoiceTotalMismatch)
}

@Test func overlappingStaySameDayTransferPasses() {
    // The claim is 2026-02-01..2026-02-10.
    let twoDays = ClaimHistory(approvedStays: [ApprovedStay(setlId: "S1", begndate: day("2026-01-25"), enddate: day("2026-02-02"))])
    let d = adjudicate(Example.claim(), history: twoDays)
    #expect(rejection(d) == .overlappingStay)
    #expect(d.reasons[0].basis == "approved claim S1")
    let transferIn = ClaimHistory(approvedStays: [ApprovedStay(setlId: "S1", begndate: day("2026-01-25"), enddate: day("2026-02-01"))])
    #expect(adjudicate(Example.claim(), history: transferIn).status == .approved)
    let transferOut = ClaimHistory(approvedStays: [ApprovedStay(setlId: "S2", begndate: day("2026-02-10"), enddate: day("2026-02-20"))])
    #expect(adjudicate(Example.claim(), history: transferOut).status == .approved)
    let inside = ClaimHistory(approvedStays: [ApprovedStay(setlId: "S3", begndate: day("2026-02-03"), enddate: day("2026-02-04"))])
    #expect(rejection(adjudicate(Example.claim(), history: inside)) == .overlappingStay)
    // Only inpatient care is checked.
    let outpatient = Example.claim([Example.fee(1, Code.drugA, "1", "50.00", "50.00")], medType: .generalOutpatient,
                                   begin: "2026-02-03", end: "2026-02-03", documents: [.invoice, .feeList])
    #expect(adjudicate(outpatient, history: inside).status == .approved)
}

@Test func noBankAccountForManualClaimsOnly() {
    let none = Example.reference(persons: [Example.person(card: "")])
    #expect(rejection(adjudicate(Example.claim(), none)) == .noBankAccount)
    let badLuhn = Example.reference(persons: [Example.person(card: "6222021234567891234")])
    #expect(rejection(adjudicate(Example.claim(), badLuhn)) == .noBankAccount)
    #expect(adjudicate(Example.claim(), badLuhn).reasons.first?.detail.contains("that fails the Luhn check;") == true)
    // Found by review: 79927398713 passes the Luhn check but has 11 digits, no card's length
    // (docs/adjudication.md); the detail said it failed the Luhn check.
    let short = adjudicate(Example.claim(), Example.reference(persons: [Example.person(card: "79927398713")]))
    #expect(rejection(short) == .noBankAccount)
    #expect(short.reasons.first?.detail.contains("has a bank account that is not 12 to 30 digits;") == true)
    let direct = adjudicate(Example.claim(mode: .direct), none)
    #expect(direct.status == .approved)
    #expect(direct.payee?.kind == .institution)
}

@Test func gateOrderTheFirstFailingGateWins() {
    let history = ClaimHistory(approvedInvoiceSetlId: "S9")
    // Duplicate invoice and unknown person: DUPLICATE_INVOICE comes first.
    #expect(rejection(adjudicate(Example.claim(psnNo: "X"), history: history)) == .duplicateInvoice)
    // Not designated and unknown person.
    #expect(rejection(adjudicate(Example.claim(psnNo: "X", hospital: "H0"))) == .notDesignated)
    // Identity mismatch and late.
    #expect(rejection(adjudicate(Example.claim(name: "李四", submitted: "2027-01-01"))) == .identityMismatch)
    // Late and missing documents.
    #expect(rejection(adjudicate(Example.claim(documents: [], submitted: "2027-01-01"))) == .lateSubmission)
    // Missing documents and an invoice mismatch.
    #expect(rejection(adjudicate(Example.claim(invoice: "1.00", documents: []))) == .missingDocuments)
    // Refunds below zero come before everything, a duplicate invoice included.
    let lines = [Example.fee(1, Code.drugA, "-1", "50.00", "-50.00")]
    #expect(rejection(adjudicate(Example.claim(lines, psnNo: "X"), history: history)) == .invalidData)
    // Invoice mismatch and no bank account.
    let none = Example.reference(persons: [Example.person(card: "")])
    #expect(rejection(adjudicate(Example.claim(invoice: "1.00"), none)) == .invoiceTotalMismatch)
}

/// rules.md "Precise readings", Emergency: "the claim's `emergency` flag (`1`); `med_type` `13`
/// alone is not." Emergency outpatient care (13, domain.md) with the flag 0, cross-region and
/// unfiled, is unfiled care: reduced or `NOT_FILED` as `unfiled.action` says.
@Test func medType13WithoutTheEmergencyFlagIsUnfiledCare() {
    // 13 is in the employees' outpatient group: per-year deductible 1000.00, 310100 at 50%
    // (level 3). The Shanghai hospital (3101) is cross-region for 130100 (1301); no filings.
    func claim(emergency: Bool) -> Claim {
        Example.claim([Example.fee(1, Code.drugA, "1", "1500.00", "1500.00")], medType: .emergency,
                      begin: "2026-02-05", end: "2026-02-05", emergency: emergency, documents: [.invoice, .feeList])
    }
    // unfiled.action reduce 10: B = 1500.00 − 1000.00 = 500.00 × (50 − 10)% = 200.00.
    let reduce = Example.reference(filings: [])
    let reduced = adjudicate(claim(emergency: false), reduce)
    #expect(reduced.status == .approved)
    #expect(reduced.amounts.funds == [.employeePooled: fen("200.00")])
    #expect(reduced.reasonCodes == [.unfiledReduction])
    // The flag set: counts as filed, 500.00 × 50% = 250.00, no reduction.
    let flagged = adjudicate(claim(emergency: true), reduce)
    #expect(flagged.amounts.funds == [.employeePooled: fen("250.00")])
    #expect(flagged.reasons.isEmpty)
    // unfiled.action reject: NOT_FILED, unless the flag is set.
    var policy = Example.policy
    policy.regions["130100"]!.unfiled = .reject
    let reject = Example.reference(filings: [], policy: policy)
    let d = adjudicate(claim(emergency: false), reject)
    #expect(rejection(d) == .notFiled)
    expectCleanRejection(d, .empty)
    #expect(adjudicate(claim(emergency: true), reject).status == .approved)
}

/// rules.md "Precise readings", Periods: "a filing covers a claim when its period holds
/// `begndate`": a filing that ends during the stay still covers it.
@Test func filingEndingDuringTheStayCoversTheClaim() {
    // The stay is 2026-02-01..2026-02-10; the filing to 31 runs 2026-01-01..2026-02-05.
    let endsMidStay = Filing(psnNo: Example.psnNo, category: .residentWorker, destAdmdvs: "31",
                             period: Period(begin: day("2026-01-01"), end: day("2026-02-05")))
    let claim = Example.claim([Example.fee(1, Code.drugA, "1", "1900.00", "1900.00")])
    // Filed, reduce policy: B = 1900.00 − 900.00 = 1000.00 × 85% = 850.00, no reduction
    // (unfiled it would be 1000.00 × 75% = 750.00).
    let d = adjudicate(claim, Example.reference(filings: [endsMidStay]))
    #expect(d.status == .approved)
    #expect(d.amounts.funds == [.employeePooled: fen("850.00")])
    #expect(d.reasons.isEmpty)
    // Reject policy: still approved, 850.00.
    var policy = Example.policy
    policy.regions["130100"]!.unfiled = .reject
    let strict = adjudicate(claim, Example.reference(filings: [endsMidStay], policy: policy))
    #expect(strict.status == .approved)
    #expect(strict.amounts.funds == [.employeePooled: fen("850.00")])
    // Contrast: a filing beginning the day after begndate (2026-02-02, open end) holds enddate
    // but not begndate, so it does not cover the claim.
    let beginsMidStay = Filing(psnNo: Example.psnNo, category: .residentWorker, destAdmdvs: "31",
                               period: Period(begin: day("2026-02-02"), end: nil))
    #expect(rejection(adjudicate(claim, Example.reference(filings: [beginsMidStay], policy: policy))) == .notFiled)
}
