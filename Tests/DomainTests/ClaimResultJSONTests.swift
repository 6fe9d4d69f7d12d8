import Foundation
import Testing
@testable import Domain

/// The hand-written encoder must write exactly what JSONEncoder writes with sorted keys.
private func reference(_ r: ClaimResult) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(r)) + [UInt8(ascii: "\n")]
}

private func fast(_ r: ClaimResult) -> [UInt8] {
    var w = JSONLineWriter()
    r.jsonLine(into: &w)
    return w.bytes
}

private let tricky = "引号\"反斜杠\\斜杠/换行\n回车\r制表\t响铃\u{07}退格\u{08}换页\u{0C}删除\u{7F}emoji😀"

private func sample(status: ClaimStatus) -> ClaimResult {
    let line = ClaimResult.Line(sn: 12, code: "XA01/ABD", name: tricky, amount: Yuan(100_000), fulamtOwnpay: Yuan(0),
                                overlmt: Yuan(5), preselfpay: Yuan(-7), inscp: Yuan(99_988),
                                reasons: [Reason(.overPriceCap, detail: tricky, basis: "catalogues/31/a.csv:2"),
                                          Reason(.classBSelfPay, detail: "x", basis: "y")])
    let json = """
    {"run_id":"R1","setl_id":"R1-000001","submission":"S","source":"inbox/a.xml:3","status":"\(status.rawValue)",
     "reasons":[],"medfee_sumamt":"0.00","fulamt_ownpay_amt":"0.01","overlmt_selfpay":"0.10","preselfpay_amt":"1.00",
     "inscp_scp_amt":"-12.34","act_pay_dedc":"900.00","funds":{"390200":"1.00","310100":"3575.66"},
     "fund_pay_sumamt":"123456789.99","acct_pay":"0.00","psn_part_amt":"0.00","psn_cash_pay":"0.00","payable":"0.00",
     "lines":[]}
    """
    var r = try! JSONDecoder().decode(ClaimResult.self, from: Data(json.utf8))
    r.lines = [line, line]
    r.reasons = [Reason(.unfiledReduction, detail: tricky, basis: "policy.yaml regions.130100.unfiled")]
    return r
}

@Test func theFastEncoderWritesWhatJSONEncoderWrites() throws {
    var full = sample(status: .approved)
    full.fixmedinsCode = "H1"; full.fixmedinsName = tricky; full.mdtrtId = "M/1"; full.invoiceNo = "I"
    full.psnNo = "P"; full.psnName = "张伟"; full.certno = "1301**********1237"; full.insutype = "310"
    full.insuAdmdvs = "130100"; full.medType = "21"; full.begndate = "2026-02-01"; full.enddate = "2026-02-10"
    full.mode = "manual"; full.claimedAmt = Yuan(655_333); full.supersedes = "R0-000009"
    full.payee = .init(kind: .person, id: "P", name: tricky, account: "6222***********1233", bankCode: "102121000011")
    let sparse = sample(status: .rejected)
    for r in [full, sparse] {
        #expect(String(decoding: fast(r), as: UTF8.self) == String(decoding: try reference(r), as: UTF8.self))
    }
    // And it reads back to the same value.
    let decoded = try JSONDecoder().decode(ClaimResult.self, from: Data(fast(full).dropLast()))
    #expect(decoded == full)

    // Amounts and numbers at the ends of Int64, and of every length around the encoder's
    // word copies (the keys run from 2 to 17 bytes).
    var extremes = sample(status: .approved)
    extremes.medfeeSumamt = Yuan(.max)
    extremes.claimedAmt = Yuan(.min)
    extremes.payable = Yuan(-1)
    extremes.lines[0].sn = .min
    extremes.lines[1].sn = .max
    extremes.lines[1].amount = Yuan(-100)
    #expect(String(decoding: fast(extremes), as: UTF8.self) == String(decoding: try reference(extremes), as: UTF8.self))
    #expect(String(decoding: fast(extremes), as: UTF8.self).contains(#""claimed_amt":"-92233720368547758.08""#))
    var lengths = sample(status: .approved)
    for (n, line) in lengths.lines.enumerated() {
        var line = line
        line.code = String(repeating: "C", count: 1 + n)
        lengths.lines[n] = line
    }
    lengths.lines += (2...20).map { n in
        var line = lengths.lines[0]
        line.sn = Int(String(repeating: "9", count: min(n, 18)))!
        line.code = String(repeating: "x", count: n)
        line.name = String(repeating: "名", count: n)
        line.amount = Yuan(Int64(String(repeating: "7", count: min(n, 18)))!)
        return line
    }
    #expect(String(decoding: fast(lengths), as: UTF8.self) == String(decoding: try reference(lengths), as: UTF8.self))
}

@Test func aProblemWithACertnoShowsItMasked() {
    let p = FieldProblem(field: "certno", value: "130102199001011236", line: 8, message: "has a wrong check character (expected 7)")
    #expect(p.description == "line 8: certno '1301**********1236' has a wrong check character (expected 7)")
    #expect(!p.description.contains("130102199001011236"))
}
