import Testing
@testable import Domain

// The money grammar of data.md, the calendar, check digits and masking.

@Test func decimalsParseExactlyAndRefuseWhatTheGrammarRefuses() throws {
    func amount(_ s: String) -> Result<Int64, DecimalText.Failure> { DecimalText.parse(s, scale: 2, allowNegative: true) }
    #expect(try amount("3575.66").get() == 357_566)
    #expect(try amount("0.1").get() == 10)
    #expect(try amount("-0.01").get() == -1)
    #expect(try amount("12").get() == 1200)
    #expect(amount("12.300") == .failure(.tooManyFractionDigits(allowed: 2)))  // zeros too
    #expect(amount("1e3") == .failure(.malformed))
    #expect(amount("+1.00") == .failure(.malformed))
    #expect(amount(".5") == .failure(.malformed))
    #expect(amount("5.") == .failure(.malformed))
    #expect(amount("１２") == .failure(.malformed))  // full-width digits are not ASCII
    #expect(amount("") == .failure(.empty))
    #expect(amount("92233720368547758.08") == .failure(.outOfRange))
    #expect(DecimalText.parse("-1.00", scale: 2) == .failure(.negative))
    #expect(try DecimalText.parse("0.123456", scale: 6).get() == 123_456)
    #expect(try DecimalText.parse("2.5", scale: 4).get() == 25_000)
    #expect(DecimalText.format(-5, scale: 2) == "-0.05")
    #expect(DecimalText.format(8750, trimmingScale: 2) == "87.5")
    #expect(Fen(457_566).yuan == "4575.66")
}

@Test func roundingIsHalfAwayFromZeroOnExactValues() {
    #expect(Rounding.halfUp(3_575_661, 1000) == 3576)      // 3575.661 → 3576 (in the unit of the divisor)
    #expect(Rounding.halfUp(5, 10) == 1)                   // 0.5 → 1
    #expect(Rounding.halfUp(-5, 10) == -1)                 // -0.5 → -1
    #expect(Rounding.halfUp(4, 10) == 0)
    // 333.33 × 0.20 = 66.666 → 66.67 (the worked example's line 7).
    #expect(Rounding.fen(33_333, timesPPM: 200_000) == 6_667)
    // (180.00 − 150.00) × 10 = 300.00: MicroYuan × Quantity4 to fen.
    #expect(Rounding.fen(price: 30_000_000, quantity: 100_000) == 30_000)
}

@Test func daysAreRealCalendarDates() {
    #expect(Day("2026-02-29") == nil)
    #expect(Day("2024-02-29") != nil)
    #expect(Day("2026-13-01") == nil)
    #expect(Day("2026-1-01") == nil)
    let end = Day("2025-09-11")!, submitted = Day("2026-03-10")!
    #expect(submitted.days(since: end) == 180)
    #expect(Day("2026-03-10")!.description == "2026-03-10")
    #expect(DateTime("2026-02-01T09:30:00")?.description == "2026-02-01T09:30:00")
    #expect(DateTime("2026-02-01T24:00:00") == nil)
    let p = Period(begin: Day("2026-01-01")!, end: nil)
    #expect(p.contains(Day("2099-12-31")!))
    #expect(!p.contains(Day("2025-12-31")!))
}

@Test func identityNumbersAndCardsCarryCheckDigits() {
    #expect(ResidentID.problem(with: "130102199001011237") == nil)
    #expect(ResidentID.problem(with: "130102199001011236") == .checkDigit(expected: "7"))
    #expect(ResidentID.problem(with: "11010519491231002X") == nil)  // X for 10
    #expect(ResidentID.problem(with: "1301021990010112") == .malformed)
    #expect(BankCard.isValid("6222021234567891233"))
    #expect(!BankCard.isValid("6222021234567891234"))
    #expect(!BankCard.isValid(""))
    #expect(BankCard.problem("") == "is empty")
    #expect(BankCard.problem("6222021234567891234") == "fails the Luhn check")
    // Luhn-valid, but 11 and 31 digits; 12 and 30 are the bounds.
    #expect(BankCard.problem("79927398713") == "is not 12 to 30 digits")
    #expect(BankCard.problem(String(repeating: "0", count: 31)) == "is not 12 to 30 digits")
    #expect(BankCard.problem(String(repeating: "0", count: 12)) == nil)
    #expect(BankCard.problem(String(repeating: "0", count: 30)) == nil)
    #expect(BankCard.problem("6222-0212-3456-7891-233") == "is not 12 to 30 digits")
    #expect(ResidentID.masked("130102199001011237") == "1301**********1237")
    #expect(BankCard.masked("6222021234567891233") == "6222***********1233")
}
