@testable import Payments
import Testing

@Suite struct PaymentTextTests {
    @Test func controlsBecomeOneSpaceAndEndsAreTrimmed() {
        #expect(PaymentText.clean("  张\r\n三  丰\u{0} ") == "张 三 丰")
        #expect(PaymentText.clean("a\u{85}b\u{7F}c") == "a b c")
        #expect(PaymentText.clean("\u{FFFF}x\u{FFFE}") == "x")
        // Ideographic space (U+3000) is a character of the name, not a control.
        #expect(PaymentText.clean("张\u{3000}三") == "张\u{3000}三")
    }

    @Test func cutsAtACharacterBoundaryCountingScalars() {
        // 139 "a" + a family emoji of 5 scalars: 144 scalars; the emoji does not fit whole.
        let family = "👨‍👩‍👧"
        #expect(family.unicodeScalars.count == 5)
        #expect(PaymentText.clean(String(repeating: "a", count: 139) + family) == String(repeating: "a", count: 139))
        // 135 "a" + the emoji is exactly 140 scalars: kept.
        let exact = String(repeating: "a", count: 135) + family
        #expect(PaymentText.clean(exact) == exact)
        // A cut that would end in a space drops it.
        #expect(PaymentText.clean(String(repeating: "a", count: 139) + " bc") == String(repeating: "a", count: 139))
    }

    /// The byte scan that lets a clean text through untouched must agree with the long way on
    /// every kind of text: controls (C0, DEL, C1 as C2 80–C2 9F), non-characters, spaces at
    /// either end or doubled, non-ASCII spaces, multi-byte text, and the length limit.
    @Test func theFastPathAgreesWithTheLongWay() {
        let pieces = ["a", " ", "  ", "张", "\u{3000}", "\u{0}", "\t", "\r\n", "\u{7F}", "\u{80}", "\u{9F}", "\u{A0}",
                      "\u{85}", "\u{FFFE}", "\u{FFFF}", "\u{FFFD}", "é", "👨‍👩‍👧", "Ā", "\u{C2}"]
        var texts: [String] = [""]
        for a in pieces { for b in pieces { for c in pieces { texts.append(a + b + c) } } }
        for text in texts {
            for limit in [2, 3, 140] {
                let rebuilt = PaymentText.rebuilt(text, limit: limit)
                #expect(PaymentText.isClean(text, limit: limit) == (rebuilt == text), "\(Array(text.unicodeScalars)) limit \(limit)")
                #expect(PaymentText.clean(text, limit: limit) == rebuilt)
            }
        }
    }
}
