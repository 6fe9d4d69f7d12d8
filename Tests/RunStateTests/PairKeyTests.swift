import RunState
import Testing

/// A pair key is equal to another exactly when SQLite's comparison would say so: by bytes.
@Suite struct PairKeyTests {
    @Test func equalBytesAreEqualKeysWithEqualHashes() {
        // Long enough to live outside the string (not a small string), and a short one.
        let a = PairKey("H31010400017", "ZY20260201-0007-一个很长的就诊编号")
        let b = PairKey(String("H31010400017".reversed().reversed()), "ZY20260201-0007-" + "一个很长的就诊编号")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(Set([a, b, PairKey("H1", "M1"), PairKey("H1", "M1")]).count == 2)
    }

    @Test func canonicallyEquivalentTextsAreDifferentKeys() {
        // "é" as one scalar and as e + combining acute: String's == says equal, SQLite does not.
        let composed = PairKey("H1", "caf\u{E9}")
        let decomposed = PairKey("H1", "cafe\u{301}")
        #expect("caf\u{E9}" == "cafe\u{301}")
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
    }

    @Test func whereTheFirstEndsMatters() {
        #expect(PairKey("ab", "c") != PairKey("a", "bc"))
        #expect(Set([PairKey("ab", "c"), PairKey("a", "bc"), PairKey("", "abc"), PairKey("abc", "")]).count == 4)
        #expect(PairKey("", "") == PairKey("", ""))
    }
}
