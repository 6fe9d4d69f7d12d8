import Domain
import Foundation
import Testing

/// Every sample claim, to the fen, against an independent computation: `Samples/tools/oracle.py`
/// implements rules.md separately (Python, exact fractions) and wrote
/// `Fixtures/samples-expected.json`; its approved amounts were also checked by hand against
/// Samples/README.md. The real binary runs the samples, and every amount, fund, reason and
/// transfer must agree.
@Test func theSampleRunAgreesWithTheIndependentOracle() throws {
    let fixture = packageRoot + "/Tests/BatchTests/Fixtures/samples-expected.json"
    let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture))) as! [String: Any]
    let ws = try sampleWorkspace()
    let run = try medclaims(["run", "--workspace", ws])
    #expect(run.status == 0, "\(run.stderr)")
    let folder = ws + "/out/runs/" + sampleRunId
    let all = try results(folder + "/results.jsonl")
    #expect(all.count == expected.count - 1)

    for r in all {
        let id = try #require(r.mdtrtId)
        guard let e = expected[id] as? [String: Any] else {
            Issue.record("\(id) is not in the oracle's output")
            continue
        }
        #expect(r.status.rawValue == e["status"] as? String, "\(id) status")
        #expect(r.reasons.map(\.code.rawValue) == e["reasons"] as? [String], "\(id) reasons")
        let amounts: [(String, Yuan)] = [
            ("medfee_sumamt", r.medfeeSumamt), ("fulamt_ownpay_amt", r.fulamtOwnpayAmt),
            ("overlmt_selfpay", r.overlmtSelfpay), ("preselfpay_amt", r.preselfpayAmt),
            ("inscp_scp_amt", r.inscpScpAmt), ("act_pay_dedc", r.actPayDedc), ("fund_pay_sumamt", r.fundPaySumamt),
            ("acct_pay", r.acctPay), ("psn_part_amt", r.psnPartAmt), ("psn_cash_pay", r.psnCashPay),
            ("payable", r.payable),
        ]
        for (key, value) in amounts {
            #expect(value.description == e[key] as? String, "\(id) \(key)")
        }
        #expect(r.funds.mapValues(\.description) == e["funds"] as? [String: String], "\(id) funds")
        var lineReasons: [String: [String]] = [:]
        for line in r.lines where !line.reasons.isEmpty { lineReasons[String(line.sn)] = line.reasons.map(\.code.rawValue) }
        #expect(lineReasons == e["line_reasons"] as? [String: [String]], "\(id) line reasons")
    }

    // The payment file pays each payee the oracle's sum, and the control sum is its total.
    let totals = expected["_totals"] as! [String: Any]
    let byPayee = (totals["by_payee"] as! [String: String]).values.sorted()
    let csv = try String(contentsOfFile: folder + "/payments.csv", encoding: .utf8)
    let rows = csv.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let transfers = rows.filter { $0[0] != "TOTAL" }.map { String($0[4]) }.sorted()
    #expect(transfers == byPayee)
    #expect(rows.last.map { String($0[4]) } == totals["payable"] as? String)
    let xml = try String(contentsOfFile: folder + "/payments.pain001.xml", encoding: .utf8)
    #expect(xml.components(separatedBy: "<CtrlSum>\(totals["payable"] as! String)</CtrlSum>").count == 3)  // group and instruction
}
