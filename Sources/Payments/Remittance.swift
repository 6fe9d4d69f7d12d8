/// The unstructured remittance line of a transfer (`RmtInf/Ustrd`, the CSV `remark`), which
/// the payee sees on the statement and an auditor uses to go from a transfer to its claims.
public enum Remittance {
    public static let prefix = "MEDCLAIMS"
    /// ISO 20022 Max140Text.
    public static let limit = 140

    /// Remittance text naming the settlement ids, within 140 characters: e.g. "MEDCLAIMS 310100 R20260302-0001-000001 R...-000007 +12 more".
    ///
    /// `MEDCLAIMS`, then the fund codes (sorted, once each; rules.md keeps `310200` for the
    /// personal account's share "for payment remarks"), then as many of `setlIds` as fit in
    /// the caller's order, whole, then ` +N more` for the claims not named, where
    /// N = `totalClaims` − ids named (a caller may pass only the first few ids of a payee
    /// with thousands of claims). An id is never cut: a half id would point at nothing.
    public static func text(setlIds: [String], totalClaims: Int, fundCodes: [String] = []) -> String {
        let total = max(totalClaims, setlIds.count)
        // Lengths in Unicode scalars, what the XSD's maxLength counts, kept as the text grows:
        // a national run makes this line for every one of its transfers (issue 7).
        var text = prefix
        var length = prefix.unicodeScalars.count
        func add(_ part: String, _ partLength: Int) {
            text += " "
            text += part
            length += 1 + partLength
        }
        for code in Set(fundCodes).sorted() {
            let codeLength = code.unicodeScalars.count
            if length + 1 + codeLength <= limit { add(code, codeLength) }
        }
        var named = 0
        for id in setlIds {
            let leftAfter = total - (named + 1)
            let room = limit - (leftAfter > 0 ? moreSuffixLength(leftAfter) : 0)
            let idLength = id.unicodeScalars.count
            guard length + 1 + idLength <= room else { break }
            add(id, idLength)
            named += 1
        }
        // Adding an id always left room for the suffix of the ids after it, so this fits.
        if total > named { text += moreSuffix(total - named) }
        return text
    }

    private static func moreSuffix(_ count: Int) -> String { " +\(count) more" }

    /// The length of `moreSuffix(count)`: " +", the digits, " more".
    private static func moreSuffixLength(_ count: Int) -> Int {
        var digits = 1
        var rest = count
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        return 7 + digits
    }
}
