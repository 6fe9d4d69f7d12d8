import Domain
import Foundation
import Testing
@testable import Reporting

@Suite struct StatementTests {
    /// The statement as one line: wrapped sentences joined again.
    private func flat(_ text: String) -> String {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    /// The line of the statement that contains `label`.
    private func line(_ text: String, _ label: String) throws -> String {
        try #require(text.split(separator: "\n").map(String.init).first { $0.contains(label) })
    }

    /// The worked example of rules.md, as run 20260301-0200 logged it (claim 1).
    @Test func workedExample() throws {
        let text = Statement.render(try Fixture.result("20260301-0200-000001"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.allSatisfy { TextLayout.width($0) <= 100 })
        #expect(lines[0].hasPrefix("CLAIM STATEMENT") && lines[0].hasSuffix("setl_id 20260301-0200-000001"))
        #expect(try line(text, "Status").hasSuffix("APPROVED: 4575.66 payable to the person's bank card"))
        #expect(try line(text, "Person").contains("13010000000000123456, 张伟, ID 1301**********1237"))

        // The lines: amount = own-pay + over cap + class B share + in scope.
        #expect(try line(text, "头孢呋辛酯片").hasSuffix("2000.00       0.00       0.00     200.00    1800.00"))
        #expect(try line(text, "床位费").hasSuffix("720.00       0.00     180.00       0.00     540.00"))
        #expect(try line(text, "claim total").hasSuffix("6553.33     700.00     480.00     266.67    5106.66"))
        #expect(try line(text, "OVER_PRICE_CAP (Price above the cap): pric 80.00 above the level-3 standard 60.00")
                    .hasPrefix("       "))

        // The funds: 5106.66 in scope, 900.00 deductible, 310100 pays 3575.66.
        #expect(try line(text, "In-scope amount (inscp_scp_amt)").hasSuffix(" 5106.66"))
        #expect(try line(text, "act_pay_dedc").hasSuffix(" - 900.00"))
        #expect(try line(text, "Fund 310100 employee pooled fund").hasSuffix(" 3575.66"))
        #expect(try line(text, "Funds total (fund_pay_sumamt)").hasSuffix(" 3575.66"))
        // 5106.66 − 900.00 − 3575.66 = 631.00 left at the 85 % ratio.
        #expect(flat(text).contains("631.00 is the person's co-payment"))

        // The person: 6553.33 − 3575.66 = 2977.67, of which 1000.00 from the account, 1977.67 cash.
        #expect(try line(text, "Total of the claim (medfee_sumamt)").hasSuffix(" 6553.33"))
        #expect(try line(text, "(psn_part_amt)").hasSuffix(" 2977.67"))
        #expect(try line(text, "(acct_pay").hasSuffix(" 1000.00"))
        #expect(try line(text, "(psn_cash_pay)").hasSuffix(" 1977.67"))

        // The payment: 3575.66 + 1000.00 = 4575.66 to the card.
        #expect(try line(text, "Payable: funds 3575.66 + personal account 1000.00").hasSuffix(" 4575.66"))
        #expect(try line(text, "Account").contains("6222***********1234"))
        #expect(flat(text).contains("their own cost is 1977.67"))

        // Every code of the claim explained once, in rules.md order.
        let explained = lines.drop { $0 != "THE REASONS EXPLAINED" }
        #expect(explained.filter { $0.hasPrefix("  ") && !$0.hasPrefix("    ") } == [
            "  NOT_IN_CATALOGUE: Item not in the catalogue",
            "  SELF_PAY_ITEM: Self-pay item (class C)",
            "  OVER_PRICE_CAP: Price above the cap",
            "  CLASS_B_SELF_PAY: Class B self-pay share",
        ])
        #expect(flat(text).contains("What to do: None: class C items are not covered"))
    }

    @Test func directClaimWithAClaimReduction() throws {
        let text = Statement.render(try Fixture.result("20260301-0200-000006"))
        #expect(text.split(separator: "\n").allSatisfy { TextLayout.width($0) <= 100 })
        #expect(try line(text, "Status").hasSuffix("APPROVED: 450.00 payable to the institution"))
        #expect(flat(text).contains("UNFILED_REDUCTION (Reduced: cross-region care not filed): cross-region (440306"))
        #expect(try line(text, "Fund 390100").hasSuffix(" 450.00"))
        #expect(flat(text).contains("In short: the person paid their share of 1250.00 at the hospital in cash; the institution is paid 450.00"))
    }

    @Test func rejectedClaim() throws {
        let text = Statement.render(try Fixture.result("20260301-0200-000005"))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { TextLayout.width($0) <= 100 })
        #expect(try line(text, "Status").hasSuffix("REJECTED: nothing is paid"))
        #expect(!text.contains("FEE LINES"))
        #expect(flat(text).contains("The 560.00 claimed is refused; every amount of the claim is zero."))
        #expect(flat(text).contains("INVALID_DATA (Invalid data): SUB-440300-20260301-01.xml line 14: certno has a wrong"))
        #expect(flat(text).contains("med_type \"22\" is not one of 11, 13, 14, 21"))
        #expect(lines.filter { $0 == "  INVALID_DATA: Invalid data" }.count == 1)
    }

    @Test func longChineseNamesStayWithinTheWidth() throws {
        var r = try Fixture.result("20260301-0200-000001")
        r.lines[0].name = String(repeating: "注射用头孢曲松钠", count: 6)
        r.fixmedinsName = String(repeating: "石家庄市第一医院", count: 8)
        r.reasons = [Reason(.annualCapReached, detail: String(repeating: "累计", count: 80), basis: "policy.yaml")]
        let text = Statement.render(r)
        #expect(text.split(separator: "\n").allSatisfy { TextLayout.width($0) <= 100 })
        #expect(text.contains("注射用头孢曲松钠注射用"))
        // The wrapped institution name is all there, over several lines.
        #expect(text.replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: " ", with: "")
                    .contains(String(repeating: "石家庄市第一医院", count: 8)))
    }
}
