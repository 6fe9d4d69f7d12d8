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
        var text = prefix
        for code in Set(fundCodes).sorted() where text.count + 1 + code.count <= limit {
            text += " " + code
        }
        var named = 0
        for id in setlIds {
            let leftAfter = total - (named + 1)
            let room = limit - (leftAfter > 0 ? moreSuffix(leftAfter).count : 0)
            guard text.count + 1 + id.count <= room else { break }
            text += " " + id
            named += 1
        }
        // Adding an id always left room for the suffix of the ids after it, so this fits.
        if total > named { text += moreSuffix(total - named) }
        return text
    }

    private static func moreSuffix(_ count: Int) -> String { " +\(count) more" }
}
