import Testing
@testable import Domain

// The digit writer behind `Fen.yuan`, `DecimalText.format` and the JSON encoder, at its edges.

@Test func amountsAreWrittenWithTwoDecimalsAtEveryEdge() {
    #expect(Fen(0).yuan == "0.00")
    #expect(Fen(1).yuan == "0.01")            // 1 fen
    #expect(Fen(-1).yuan == "-0.01")
    #expect(Fen(10).yuan == "0.10")
    #expect(Fen(-250).yuan == "-2.50")
    #expect(Fen(357_566).yuan == "3575.66")
    #expect(Fen(1_000_000_000_000).yuan == "10000000000.00")  // 10^12 fen, AmountLimits.maxAmount
    #expect(Fen(-1_000_000_000_000).yuan == "-10000000000.00")
    #expect(Int64.max.yuan == "92233720368547758.07")
    #expect(Int64.min.yuan == "-92233720368547758.08")       // its magnitude does not fit Int64
}

@Test func trimmedFormatsDropTrailingZerosAndABarePoint() {
    #expect(DecimalText.format(8750, trimmingScale: 2) == "87.5")
    #expect(DecimalText.format(8700, trimmingScale: 2) == "87")
    #expect(DecimalText.format(0, trimmingScale: 2) == "0")
    #expect(DecimalText.format(-50, trimmingScale: 2) == "-0.5")
    #expect(DecimalText.format(100_000, trimmingScale: 6) == "0.1")    // selfpay_prop 0.10
    #expect(DecimalText.format(12_345, trimmingScale: 4) == "1.2345")  // a quantity
    #expect(DecimalText.format(120, trimmingScale: 0) == "120")        // no point to trim
    #expect(DecimalText.format(120, scale: 0) == "120")
    #expect(DecimalText.format(-7, scale: 4) == "-0.0007")
}

@Test func digitsKeepTheDecimalsAskedFor() {
    // A price keeps two decimals and up to six: 180 yuan, 12.3456 yuan, 0.000001 yuan.
    func price(_ micro: Int64) -> String {
        DecimalText.withDigits(micro, scale: 6, keepingDecimals: 2) { String(decoding: $0, as: UTF8.self) }
    }
    #expect([180_000_000, 12_345_600, 1, -1_500_000].map(price) == ["180.00", "12.3456", "0.000001", "-1.50"])
}

@Test func realDatesAreWrittenPadded() {
    #expect(Day(year: 2026, month: 1, day: 8)!.description == "2026-01-08")
    #expect(Day(year: 1, month: 12, day: 31)!.description == "0001-12-31")
    #expect(Day(year: 9999, month: 12, day: 31)!.description == "9999-12-31")
    #expect(Day(year: 2024, month: 2, day: 29)!.description == "2024-02-29")
}

@Test func maskingKeepsTheEndsOfAsciiAndOfOtherText() {
    #expect(ResidentID.masked("130102199001011237") == "1301**********1237")
    #expect(BankCard.masked("6222021234567891234") == "6222***********1234")
    #expect(Masking.keep("123456789", first: 4, last: 4) == "1234*6789")
    #expect(Masking.keep("12345678", first: 4, last: 4) == "*******8")  // too short: starred but the last
    #expect(Masking.keep("", first: 4, last: 4) == "")
    #expect(Masking.keep("张伟张伟张伟张伟张伟", first: 4, last: 4) == "张伟张伟**张伟张伟")  // by character, not byte
    // "\r\n" is one character of two bytes: 10 characters, 2 starred.
    #expect(Masking.keep("1234\r\n5678X", first: 4, last: 4) == "1234**678X")
}

@Test func theWordCheckForEscapesMissesNoByteThatNeedsOne() {
    // Every byte in every position of a word of otherwise harmless bytes (ASCII and UTF-8).
    for filler in [UInt8(ascii: "a"), 0xE5, 0x7F, 0x20, 0x23, 0x5B, 0x5D] {
        for position in 0..<8 {
            for b in 0...255 {
                var bytes = [UInt8](repeating: filler, count: 8)
                bytes[position] = UInt8(b)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                let needs = b < 0x20 || b == 0x22 || b == 0x5C
                if needs { #expect(JSONCursor.mayNeedEscaping(word), "byte \(b) at \(position)") }
            }
        }
    }
    // And text without such bytes goes by words: Chinese names and plain details.
    let word = Array("支气管镜".utf8.prefix(8)).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    #expect(!JSONCursor.mayNeedEscaping(word))
}
