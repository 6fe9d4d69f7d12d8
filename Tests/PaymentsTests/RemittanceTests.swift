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

    @Test func anIdIsNamedWhenItAndTheSuffixAfterItFitExactly() {
        // "MEDCLAIMS" (9) + " ABCDEFGHIJK" (12) + four ids of " " + 21 (88) = 109 before the
        // fifth id, which takes 22 more: 131. Ten claims after it need " +10 more" (9): 140,
        // exactly the limit, so it is named. A hundred after it need " +100 more" (10): 141,
        // so it is not, and " +101 more" follows the fourth: 109 + 10 = 119.
        let code = ["ABCDEFGHIJK"]
        let ten = Remittance.text(setlIds: ids(15), totalClaims: 15, fundCodes: code)
        #expect(ten == "MEDCLAIMS ABCDEFGHIJK " + ids(5).joined(separator: " ") + " +10 more")
        #expect(ten.unicodeScalars.count == 140)
        let hundred = Remittance.text(setlIds: ids(20), totalClaims: 105, fundCodes: code)
        #expect(hundred == "MEDCLAIMS ABCDEFGHIJK " + ids(4).joined(separator: " ") + " +101 more")
        #expect(hundred.unicodeScalars.count == 119)
    }

    @Test func theLimitIsCountedInUnicodeScalarsAsTheXSDCountsIt() {
        // Each id is "R" and ten of "e" + U+0301 (combining acute): 21 scalars, 11 Characters.
        // By scalars five fit: 9 + 5 × 22 + " +15 more" (9) = 128. Counting Characters would
        // name ten, 238 scalars, which the XSD's maxLength of 140 refuses.
        let accented = (1...20).map { _ in "R" + String(repeating: "e\u{301}", count: 10) }
        let text = Remittance.text(setlIds: accented, totalClaims: 20)
        #expect(text == "MEDCLAIMS " + accented.prefix(5).joined(separator: " ") + " +15 more")
        #expect(text.unicodeScalars.count == 128)
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
