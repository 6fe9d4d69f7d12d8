import Testing
import Domain
@testable import Adjudication

/// One line at the example hospital (level 3, province 31) unless told otherwise.
private func decideLine(_ line: FeeLine, medType: MedType = .inpatient, dise: String = "I21.9",
                        hospital: String = Example.hospital) -> LineDecision {
    let docs: Set<DocumentCode> = [.invoice, .feeList, .dischargeSummary]
    let d = adjudicate(Example.claim([line], medType: medType, hospital: hospital, dise: dise, documents: docs))
    #expect(d.status == .approved)
    return d.lines.first ?? LineDecision(sn: -1, code: "", name: "", amount: 0)
}

@Test func overPriceCapEvenWhenOverlmtRoundsToZero() {
    // pric 150.001 over the cap 150.00, cnt 1: (0.001 × 1) rounds to 0.00, the reason is still recorded.
    let l = decideLine(Example.fee(1, Code.service, "1", "150.001", "150.00"))
    #expect(l.overlmt == 0)
    #expect(l.inscp == fen("150.00"))
    #expect(l.reasons.map(\.code) == [.overPriceCap])
    // Exactly at the cap: no reason.
    #expect(decideLine(Example.fee(1, Code.service, "2", "150.00", "300.00")).reasons.isEmpty)
}

@Test func overlmtRoundsOnceAndNeverExceedsTheAmount() {
    // (150.005 − 150.00) × 3 = 0.015 → 0.02 (half up, once on the product).
    let l = decideLine(Example.fee(1, Code.service, "3", "150.005", "450.02"))
    #expect(l.overlmt == fen("0.02"))
    #expect(l.inscp == fen("450.00"))
}

@Test func priceCapAndClassBBothApply() {
    // Cap 30.00, 10 × 32.00 = 320.00: overlmt 2.00 × 10 = 20.00; base 300.00;
    // selfpay 0.05 × 300.00 = 15.00; inscp 285.00.
    let l = decideLine(Example.fee(1, Code.drugBCapped, "10", "32.00", "320.00"))
    #expect([l.fulamtOwnpay, l.overlmt, l.preselfpay, l.inscp] == [0, fen("20.00"), fen("15.00"), fen("285.00")])
    #expect(l.reasons.map(\.code) == [.overPriceCap, .classBSelfPay])
    // The details whole, as the result logs carry them.
    #expect(l.reasons.map(\.detail) == ["pric 32.00 above the cap 30.00 (catalogue cap) × cnt 10: 20.00 over",
                                         "class 02: selfpay_prop 0.05 of 300.00 = 15.00"])
}

@Test func facilityStandardOnlyForItsOwnLevel() {
    let bed = Example.fee(1, Code.bed, "9", "80.00", "720.00")
    // Level 3: standard 60.00 → (80 − 60) × 9 = 180.00.
    #expect(decideLine(bed).overlmt == fen("180.00"))
    // Level 2: standard 45.00 → (80 − 45) × 9 = 315.00.
    let level2 = decideLine(bed, hospital: "H13010200001")
    #expect(level2.overlmt == fen("315.00"))
    #expect(level2.reasons.first?.detail == "pric 80.00 above the cap 45.00 (level-2 facility standard) × cnt 9: 315.00 over")
    // Level 1: no standard, the catalogue's cap 100.00 applies and 80.00 is under it.
    let level1 = decideLine(bed, hospital: "H44010400001")
    #expect(level1.overlmt == 0)
    #expect(level1.reasons.isEmpty)
    // Level 1 above the catalogue cap: (110 − 100) × 2 = 20.00, basis the catalogue row.
    let above = decideLine(Example.fee(1, Code.bed, "2", "110.00", "220.00"), hospital: "H44010400001")
    #expect(above.overlmt == fen("20.00"))
    #expect(above.reasons.first?.basis == "catalogues/national/services.csv:3")
}

@Test func catalogueNotEffectiveVersusNotInCatalogue() {
    // The row is valid until 2025-12-31.
    let late = decideLine(Example.fee(1, Code.expired, "1", "10.00", "10.00", time: "2026-01-01T08:00:00"))
    #expect(late.fulamtOwnpay == fen("10.00"))
    #expect(late.reasons.map(\.code) == [.catalogueNotEffective])
    #expect(late.reasons.first?.basis == "catalogues/national/drugs.csv:6")
    // The line's date, not the claim's, selects the row: on 2025-12-31 it is in scope.
    let onTime = decideLine(Example.fee(1, Code.expired, "1", "10.00", "10.00", time: "2025-12-31T23:59:59"))
    #expect(onTime.inscp == fen("10.00"))
    #expect(onTime.reasons.isEmpty)
    let unknown = decideLine(Example.fee(1, Code.unknown, "1", "10.00", "10.00"))
    #expect(unknown.reasons.map(\.code) == [.notInCatalogue])
}

@Test func provinceRowPreferredOverNational() {
    // Province 31 lists it as class 01; the national catalogue as class 02 with 0.30.
    let shanghai = decideLine(Example.fee(1, Code.provincial, "1", "100.00", "100.00"))
    #expect(shanghai.inscp == fen("100.00"))
    #expect(shanghai.reasons.isEmpty)
    // A hospital in province 13 has no provincial catalogue: national, 0.30 × 100.00 = 30.00.
    let hebei = decideLine(Example.fee(1, Code.provincial, "1", "100.00", "100.00"), hospital: "H13010200001")
    #expect(hebei.preselfpay == fen("30.00"))
    #expect(hebei.reasons.first?.basis == "catalogues/national/drugs.csv:7")
}

@Test func otherProvincesAreNeverConsulted() {
    // Only province 44 lists it: at a Shanghai hospital it is not in the catalogue.
    let shanghai = decideLine(Example.fee(1, Code.otherProvince, "1", "10.00", "10.00"))
    #expect(shanghai.reasons.map(\.code) == [.notInCatalogue])
    let guangdong = decideLine(Example.fee(1, Code.otherProvince, "1", "10.00", "10.00"), hospital: "H44010400001")
    #expect(guangdong.inscp == fen("10.00"))
}

@Test func restrictedUseByMedTypeAndDiagnosis() {
    let line = Example.fee(1, Code.restricted, "1", "2000.00", "2000.00")
    // Inpatient but the diagnosis I21.9 is not under C50.
    let wrongDiagnosis = decideLine(line)
    #expect(wrongDiagnosis.fulamtOwnpay == fen("2000.00"))
    #expect(wrongDiagnosis.reasons.map(\.code) == [.restrictedUse])
    // Inpatient with C50.900: allowed; class 02 with 0.10 → 200.00 self-pay, 1800.00 in scope.
    let allowed = decideLine(line, dise: "C50.900")
    #expect(allowed.preselfpay == fen("200.00"))
    #expect(allowed.inscp == fen("1800.00"))
    #expect(allowed.reasons.map(\.code) == [.classBSelfPay])
    // General outpatient is not among 21 and 14.
    let claim = Example.claim([line], medType: .generalOutpatient, dise: "C50.900", documents: [.invoice, .feeList])
    #expect(adjudicate(claim).lines.first?.reasons.map(\.code) == [.restrictedUse])
}

@Test func selfPayItemEndsTheLine() {
    let l = decideLine(Example.fee(1, Code.selfPay, "2", "250.00", "500.00"))
    #expect(l.fulamtOwnpay == fen("500.00"))
    #expect(l.reasons == [Reason(.selfPayItem, detail: l.reasons[0].detail, basis: "catalogues/national/drugs.csv:4")])
}

@Test func lineAmountNotCntTimesPricIsTheValue() {
    // 3 × 33.333 = 99.999: the hospital wrote 100.00 (within 0.01); 100.00 is the value.
    let l = decideLine(Example.fee(1, Code.drugA, "3", "33.333", "100.00"))
    #expect(l.amount == fen("100.00"))
    #expect(l.inscp == fen("100.00"))
}

// MARK: - Netting

@Test func refundNettingToZeroDropsTheLineWithoutReason() {
    let lines = [Example.fee(1, Code.drugA, "2", "50.00", "100.00"),
                 Example.fee(2, Code.service, "1", "100.00", "100.00"),
                 Example.fee(3, Code.drugA, "-2", "50.00", "-100.00")]
    let d = adjudicate(Example.claim(lines))
    #expect(d.status == .approved)
    #expect(d.lines.map(\.sn) == [2])
    #expect(d.lines[0].reasons.isEmpty)
    #expect(d.amounts.medfeeSumamt == fen("100.00"))
}

@Test func refundNettingMergesAndKeepsTheFirstPositiveLine() {
    // sn 1 refunds 1 before sn 2 charges 5: merged cnt 4, amount 250.00 − 50.00 = 200.00, kept
    // as sn 2 in sn 2's position.
    let lines = [Example.fee(1, Code.drugA, "-1", "50.00", "-50.00", time: "2026-02-02T08:00:00"),
                 Example.fee(2, Code.drugA, "5", "50.00", "250.00", time: "2026-02-01T08:00:00"),
                 Example.fee(3, Code.service, "1", "100.00", "100.00"),
                 Example.fee(4, Code.drugA, "1", "60.00", "60.00")]  // another price: its own line
    let d = adjudicate(Example.claim(lines))
    #expect(d.lines.map(\.sn) == [2, 3, 4])
    #expect(d.lines[0].amount == fen("200.00"))
    #expect(d.amounts.medfeeSumamt == fen("360.00"))
}

/// Up to 32 lines a claim's groups are found by comparing lines, beyond that by hashing their
/// keys: the same groups net the same either way.
@Test func refundNettingIsTheSameForLongClaims() {
    let merging = [Example.fee(1, Code.drugA, "-1", "50.00", "-50.00", time: "2026-02-02T08:00:00"),
                   Example.fee(2, Code.drugA, "5", "50.00", "250.00", time: "2026-02-01T08:00:00"),
                   Example.fee(3, Code.drugA, "1", "60.00", "60.00"),
                   Example.fee(4, Code.drugA, "-1", "60.00", "-60.00")]  // nets to zero: dropped
    // The same prices under another code: their own groups.
    let samePrices = [Example.fee(5, Code.service, "1", "50.00", "50.00"), Example.fee(6, Code.service, "1", "60.00", "60.00")]
    let padding = (7...40).map { Example.fee($0, Code.service, "1", "\($0).00", "\($0).00") }
    for lines in [merging + samePrices + padding.prefix(8), merging + samePrices + padding] {  // 14 lines, then 40
        guard case .netted(let netted) = Netting.net(lines, submission: "S") else {
            Issue.record("\(lines.count) lines were not netted")
            continue
        }
        #expect(netted.map(\.sn) == [2] + lines.dropFirst(4).map(\.sn), "\(lines.count) lines")
        #expect(netted[0].cnt == qty("4") && netted[0].amount == fen("200.00"), "\(lines.count) lines")
    }
}

@Test func refundNettingRoundsOnceOnTheMergedLine() {
    // Class 02 material, selfpay 0.20, two lines of 1 × 333.33 merge into 666.66:
    // 0.20 × 666.66 = 133.332 → 133.33 once (per line it would be 66.67 + 66.67 = 133.34).
    let lines = [Example.fee(1, Code.materialB, "1", "333.33", "333.33"),
                 Example.fee(2, Code.materialB, "1", "333.33", "333.33")]
    let d = adjudicate(Example.claim(lines))
    #expect(d.lines.count == 1)
    #expect(d.lines[0].amount == fen("666.66"))
    #expect(d.lines[0].preselfpay == fen("133.33"))
}
