import Testing
import Domain
@testable import Adjudication

/// The worked example of rules.md, line by line.
@Test func workedExampleLineByLine() {
    let d = adjudicate(Example.claim())
    #expect(d.status == .approved)

    func parts(_ sn: Int) -> [Fen] {
        guard let l = d.line(sn) else { return [] }
        return [l.amount, l.fulamtOwnpay, l.overlmt, l.preselfpay, l.inscp]
    }
    // 1: class 01, 20 × 50.00 = 1000.00 all in scope.
    #expect(parts(1) == [fen("1000.00"), 0, 0, 0, fen("1000.00")])
    #expect(d.line(1)?.reasons == [])
    // 2: class 02, selfpay 0.10 of 2000.00 = 200.00; 1800.00 in scope.
    #expect(parts(2) == [fen("2000.00"), 0, 0, fen("200.00"), fen("1800.00")])
    #expect(d.line(2)?.reasons.map(\.code) == [.classBSelfPay])
    #expect(d.line(2)?.reasons.first?.basis == "catalogues/national/drugs.csv:3")
    // 3: cap 150.00, 10 × 180.00: overlmt (180 − 150) × 10 = 300.00; 1500.00 in scope.
    #expect(parts(3) == [fen("1800.00"), 0, fen("300.00"), 0, fen("1500.00")])
    #expect(d.line(3)?.reasons.map(\.code) == [.overPriceCap])
    #expect(d.line(3)?.reasons.first?.detail.contains("pric 180.00 above the cap 150.00") == true)
    // 4: class 03, 500.00 own pay.
    #expect(parts(4) == [fen("500.00"), fen("500.00"), 0, 0, 0])
    #expect(d.line(4)?.reasons.map(\.code) == [.selfPayItem])
    // 5: not in any catalogue, 200.00 own pay, the law as basis.
    #expect(parts(5) == [fen("200.00"), fen("200.00"), 0, 0, 0])
    #expect(d.line(5)?.reasons == [Reason(.notInCatalogue, detail: d.line(5)!.reasons[0].detail,
                                           basis: "Social Insurance Law art. 28")])
    // 6: bed, the level-3 standard 60.00 replaces the catalogue cap 100.00: (80 − 60) × 9 = 180.00.
    #expect(parts(6) == [fen("720.00"), 0, fen("180.00"), 0, fen("540.00")])
    #expect(d.line(6)?.reasons.first?.basis == "facility_standards.csv hilist_code \(Code.bed) medins_lv 3")
    // 7: class 02 material, selfpay 0.20 × 333.33 = 66.666 → 66.67; 266.66 in scope.
    #expect(parts(7) == [fen("333.33"), 0, 0, fen("66.67"), fen("266.66")])

    let a = d.amounts
    #expect(a.medfeeSumamt == fen("6553.33"))
    #expect(a.fulamtOwnpayAmt == fen("700.00"))
    #expect(a.overlmtSelfpay == fen("480.00"))
    #expect(a.preselfpayAmt == fen("266.67"))
    #expect(a.inscpScpAmt == fen("5106.66"))
    // Deductible 900.00 (per admission, level 3); B = 4206.66 × 85% = 3575.661 → 3575.66.
    #expect(a.actPayDedc == fen("900.00"))
    #expect(a.funds == [.employeePooled: fen("3575.66")])
    #expect(a.fundPaySumamt == fen("3575.66"))
    // 6553.33 − 3575.66 = 2977.67; eligible 266.67 + (5106.66 − 3575.66) = 1797.67 > balance 1000.00.
    #expect(a.psnPartAmt == fen("2977.67"))
    #expect(a.acctPay == fen("1000.00"))
    #expect(a.psnCashPay == fen("1977.67"))
    #expect(a.payable == fen("4575.66"))
    #expect(d.reasons.isEmpty)  // filed (resident_worker to 31), so no reduction

    #expect(d.payee?.kind == .person)
    #expect(d.payee?.account == Example.card)
    // Accumulators after the claim: A grew by B, the fund's payment recorded, the account spent.
    #expect(d.year.cumulativeBase == ["inpatient": fen("4206.66")])
    #expect(d.year.fundPaid == [.employeePooled: fen("3575.66")])
    #expect(d.year.deductibleUsed.isEmpty)  // per admission: nothing carried
    #expect(d.accountBalance == 0)
}

@Test func directModePaysTheInstitutionTheSameAmounts() {
    let manual = adjudicate(Example.claim())
    let direct = adjudicate(Example.claim(mode: .direct))
    #expect(direct.amounts == manual.amounts)
    #expect(direct.payee?.kind == .institution)
    #expect(direct.payee?.id == Example.hospital)
    #expect(direct.payee?.account == "1001234509000012345")
}
