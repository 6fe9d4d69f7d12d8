@testable import Payments
import Testing

@Suite struct RemittanceTests {
    /// `R20260302-0001-000001` … : 21 characters each.
    private func ids(_ n: Int) -> [String] { (1...n).map { "R20260302-0001-" + String(1_000_000 + $0).dropFirst() } }

    @Test func fewClaimsAreAllNamed() {
        #expect(Remittance.text(setlIds: ids(2), totalClaims: 2, fundCodes: ["310100"])
            == "MEDCLAIMS 310100 R20260302-0001-000001 R20260302-0001-000002")
        #expect(Remittance.text(setlIds: ids(1), totalClaims: 1) == "MEDCLAIMS R20260302-0001-000001")
    }

    @Test func manyClaimsAreNamedWhileTheyFitThenCounted() {
        // "MEDCLAIMS 310100" is 16 characters; each id adds 1 + 21 = 22; the suffix " +14 more" is 9.
        // 16 + 5 × 22 + 9 = 135 ≤ 140, while a 6th id would need 16 + 6 × 22 + 9 = 157.
        let text = Remittance.text(setlIds: ids(19), totalClaims: 19, fundCodes: ["310100"])
        #expect(text == "MEDCLAIMS 310100 R20260302-0001-000001 R20260302-0001-000002 R20260302-0001-000003 "
            + "R20260302-0001-000004 R20260302-0001-000005 +14 more")
        #expect(text.count == 135)
    }

    @Test func fundCodesAreSortedOnceEach() {
        #expect(Remittance.text(setlIds: [], totalClaims: 0, fundCodes: ["310200", "310100", "310200"])
            == "MEDCLAIMS 310100 310200")
    }

    @Test func theCallerMayPassOnlyTheFirstIds() {
        // 3 ids named out of 1000 claims: 997 more.
        #expect(Remittance.text(setlIds: ids(3), totalClaims: 1000)
            == "MEDCLAIMS R20260302-0001-000001 R20260302-0001-000002 R20260302-0001-000003 +997 more")
    }

    @Test func neverLongerThan140WhateverTheCount() {
        for n in [1, 5, 6, 7, 50, 999, 100_000] {
            let text = Remittance.text(setlIds: ids(min(n, 20)), totalClaims: n,
                                       fundCodes: ["310100", "310200", "330100", "390100", "390200"])
            #expect(text.count <= 140, "\(n): \(text)")
            #expect(text.hasPrefix("MEDCLAIMS 310100 310200 330100 390100 390200"))
        }
    }
}
