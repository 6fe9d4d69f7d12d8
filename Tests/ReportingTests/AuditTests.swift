import Domain
import Foundation
import Testing
@testable import Reporting

/// The claims are described in Support.swift (`Fixture`). Ids: A-n is 20260301-0200-00000n,
/// B-n is 20260302-0200-00000n.
private func ids(_ rows: [AuditRow]) -> [String] {
    rows.map { ($0.runId == "20260301-0200" ? "A-" : "B-") + String($0.setlId.last!) }
}

private func listed(_ filter: AuditFilter) throws -> [String] {
    let (text, _) = try audit(Fixture.source, filter)
    return ids(try jsonRows(text, as: AuditRow.self))
}

private func filter(_ change: (inout AuditFilter) -> Void) -> AuditFilter {
    var f = AuditFilter()
    change(&f)
    return f
}

@Suite struct AuditListingTests {
    @Test func rejectedByDefault() throws {
        let (text, problems) = try audit(Fixture.source)
        let rows = try jsonRows(text, as: AuditRow.self)
        #expect(ids(rows) == ["A-2", "A-5", "B-1", "B-2"])
        #expect(rows.map { $0.refusedAmt } == [Yuan(1234_50), Yuan(560_00), Yuan(6553_33), Yuan(2400_00)])
        #expect(rows.allSatisfy { $0.reducedAmt == nil })
        #expect(rows[1].log == Fixture.source + "/20260301-0200/rejected.jsonl:2")
        #expect(rows[1].reasons.map(\.code) == [.invalidData, .invalidData])
        // The truncated last line of run B's rejected.jsonl.
        #expect(problems.map(\.line) == [3])
    }

    @Test func reductionsAddApprovedClaimsWithReasons() throws {
        let (text, problems) = try audit(Fixture.source, filter { $0.includeReductions = true })
        let rows = try jsonRows(text, as: AuditRow.self)
        // A-3 is approved without a reason: not listed.
        #expect(ids(rows) == ["A-1", "A-2", "A-5", "A-6", "B-1", "B-2", "B-3"])
        // 700.00 + 480.00 + 266.67; A-6: 200.00 over the cap; B-3: 100.00 class B share.
        #expect(rows[0].reducedAmt == Yuan(1446_67))
        #expect(rows[3].reducedAmt == Yuan(200_00))
        #expect(rows[6].reducedAmt == Yuan(100_00))
        #expect(rows[0].reasons.map(\.sn) == [2, 3, 4, 5, 6, 7])
        #expect(rows[3].reasons.map(\.code) == [.unfiledReduction, .overPriceCap])
        #expect(rows[3].reasons.map(\.sn) == [nil, 1])
        #expect(problems.map(\.line) == [4, 4])
    }

    @Test func filterByRun() throws {
        #expect(try listed(filter { $0.runIds = ["20260302-0200"] }) == ["B-1", "B-2"])
        #expect(try listed(filter { $0.runIds = ["20260301-0200"]; $0.includeReductions = true })
                == ["A-1", "A-2", "A-5", "A-6"])
    }

    @Test func filterByEndDate() throws {
        // enddates: A-2 2025-08-01, A-5 none, B-1 2026-02-10, B-2 2026-02-20.
        #expect(try listed(filter { $0.from = Day("2026-02-11"); $0.to = Day("2026-02-28") }) == ["B-2"])
        #expect(try listed(filter { $0.from = Day("2026-02-10") }) == ["B-1", "B-2"])
        #expect(try listed(filter { $0.to = Day("2025-12-31") }) == ["A-2"])
        #expect(try listed(filter { $0.to = Day("2026-02-10") }) == ["A-2", "B-1"])
    }

    @Test func filterByReason() throws {
        #expect(try listed(filter { $0.reasons = [.duplicateInvoice] }) == ["B-1"])
        #expect(try listed(filter { $0.reasons = [.duplicateInvoice, .lateSubmission] }) == ["A-2", "B-1"])
        // A line reason finds the claim.
        #expect(try listed(filter { $0.reasons = [.overPriceCap]; $0.includeReductions = true }) == ["A-1", "A-6"])
        #expect(try listed(filter { $0.reasons = [.classBSelfPay]; $0.includeReductions = true }) == ["A-1", "B-3"])
    }

    @Test func filterByInstitutionRegionPersonMode() throws {
        #expect(try listed(filter { $0.fixmedinsCode = "H13010500021" }) == ["A-2", "B-2"])
        #expect(try listed(filter { $0.fixmedinsCode = "H13010500021"; $0.includeReductions = true })
                == ["A-2", "B-2", "B-3"])
        #expect(try listed(filter { $0.insuAdmdvs = "130200" }) == ["B-2"])
        #expect(try listed(filter { $0.insuAdmdvs = "1302" }) == ["B-2"])
        #expect(try listed(filter { $0.insuAdmdvs = "13" }) == ["A-2", "A-5", "B-1", "B-2"])
        #expect(try listed(filter { $0.psnNo = "13010000000000123456" }) == ["B-1"])
        #expect(try listed(filter { $0.psnNo = "13010000000000123456"; $0.includeReductions = true }) == ["A-1", "B-1"])
        #expect(try listed(filter { $0.mode = .direct }) == ["A-2", "B-2"])
        #expect(try listed(filter { $0.mode = .manual; $0.includeReductions = true }) == ["A-1", "A-5", "B-1"])
    }

    @Test func filterByStatus() throws {
        #expect(try listed(filter { $0.status = .approved }) == ["A-1", "A-6", "B-3"])
        #expect(try listed(filter { $0.status = .rejected; $0.includeReductions = true })
                == ["A-2", "A-5", "B-1", "B-2"])
    }

    @Test func tableFitsTheTerminalAndTotals() throws {
        let (text, _) = try audit(Fixture.source, output: .table, width: 100)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { TextLayout.width($0) <= 100 })
        #expect(lines[0].hasPrefix("setl_id"))
        #expect(lines.count == 2 + 4 * 2 + 2)  // header, rule, 4 claims with their reasons, rule, total
        #expect(lines[2] == "20260301-0200-000002  rejected  2025-08-01  H13010500021  130100  13010000000000456789   1234.50")
        // The reason under it, cut to the width with an ellipsis.
        #expect(lines[3].hasPrefix("    LATE_SUBMISSION: submitted 2026-03-01 is 212 days after enddate 2025-08-01"))
        #expect(lines[3].hasSuffix("…") && TextLayout.width(lines[3]) == 100)
        #expect(lines[5].hasPrefix("    INVALID_DATA (+1 more): SUB-440300-20260301-01.xml line 14"))
        // Rows line up: setl_id 20, status 8, enddate 10, institution 12, region 6, person 20,
        // not paid 8, six gaps of 2: 96 columns, whatever the row holds.
        #expect([2, 4, 6, 8].allSatisfy { TextLayout.width(lines[$0]) == 96 })
        // 1234.50 + 560.00 + 6553.33 + 2400.00 = 10747.83.
        #expect(lines[11].hasPrefix("4 claims"))
        #expect(lines[11].hasSuffix(" 10747.83"))
    }

    @Test func tableWithReductionsCountsCodes() throws {
        let (text, _) = try audit(Fixture.source, filter { $0.status = .approved }, output: .table, width: 120)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[2].hasPrefix("20260301-0200-000001  approved  2026-02-10  H31010400017"))
        #expect(lines[2].hasSuffix(" 1446.67"))
        #expect(lines[3] == "    CLASS_B_SELF_PAY x2, OVER_PRICE_CAP x2, SELF_PAY_ITEM, NOT_IN_CATALOGUE")
        #expect(lines[5] == "    UNFILED_REDUCTION, OVER_PRICE_CAP")
        // 1446.67 + 200.00 + 100.00.
        #expect(lines.last!.hasSuffix(" 1746.67"))
    }

    @Test func csvParsesBackAndNeutralisesFormulas() throws {
        let runs = try Fixture.runs()
        // An institution name that a spreadsheet would run as a formula.
        let path = runs + "/20260301-0200/rejected.jsonl"
        let log = try String(contentsOfFile: path, encoding: .utf8)
        try log.replacingOccurrences(of: "\"fixmedins_name\":\"石家庄市第二医院\"",
                                     with: "\"fixmedins_name\":\"=HYPERLINK(\\\"x\\\",\\\"点击\\\")\"")
            .write(toFile: path, atomically: false, encoding: .utf8)

        let (text, _) = try audit(runs, output: .csv)
        #expect(text.hasPrefix("\u{FEFF}run_id,setl_id,"))
        #expect(text.hasSuffix("\r\n"))
        let records = parseCSV(String(text.dropFirst()))
        #expect(records.count == 5)
        #expect(records[0] == Audit.listingHeader)
        #expect(records.allSatisfy { $0.count == Audit.listingHeader.count })
        let column = Dictionary(uniqueKeysWithValues: records[0].enumerated().map { ($1, $0) })
        #expect(records[1][column["fixmedins_name"]!] == "'=HYPERLINK(\"x\",\"点击\")")
        #expect(records[1][column["refused_amt"]!] == "1234.50")
        #expect(records[2][column["reasons"]!] == "INVALID_DATA: SUB-440300-20260301-01.xml line 14: certno has a wrong check character (expected 3) [data.md: claim and fee line fields] | INVALID_DATA: SUB-440300-20260301-01.xml line 15: med_type \"22\" is not one of 11, 13, 14, 21 [data.md: claim and fee line fields]")
        #expect(records[2][column["reason_codes"]!] == "INVALID_DATA")
        #expect(records[2][column["begndate"]!] == "")
        #expect(records[3][column["psn_no"]!] == "13010000000000123456")
        #expect(records[4][column["fixmedins_name"]!] == "石家庄市第二医院")
    }

    @Test func csvCells() {
        #expect(CSVText.text("=1+2") == "'=1+2")
        #expect(CSVText.text("+8613800000000") == "'+8613800000000")
        #expect(CSVText.text("-2") == "'-2")
        #expect(CSVText.text("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSVText.text("a,b") == "\"a,b\"")
        #expect(CSVText.text("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVText.text("两行\n文字") == "\"两行\n文字\"")
        #expect(CSVText.number("-12.50") == "-12.50")
    }
}

@Suite struct AuditSummaryTests {
    private func groups(_ grouping: AuditGrouping, _ f: AuditFilter) throws -> [AuditGroupRow] {
        try jsonRows(try audit(Fixture.source, f, summary: grouping).text, as: AuditGroupRow.self)
    }

    private func row(_ key: String, _ name: String?, rejected: Int, refused: Fen, reduced: Int, lines: Int,
                     reducedAmt: Fen?, _ grouping: String) -> AuditGroupRow {
        AuditGroupRow(grouping: grouping, key: key, name: name, rejectedClaims: rejected, refusedAmt: Yuan(refused),
                      reducedClaims: reduced, reducedLines: lines, reducedAmt: reducedAmt.map(Yuan.init))
    }

    @Test func byReasonRejectionsOnly() throws {
        // One rejected claim per gate code, in the order rules.md checks them.
        #expect(try groups(.reason, AuditFilter()) == [
            row("INVALID_DATA", "Invalid data", rejected: 1, refused: 560_00, reduced: 0, lines: 0, reducedAmt: nil, "reason"),
            row("DUPLICATE_INVOICE", "Invoice already paid", rejected: 1, refused: 6553_33, reduced: 0, lines: 0,
                reducedAmt: nil, "reason"),
            row("NOT_DESIGNATED", "Institution not designated", rejected: 1, refused: 2400_00, reduced: 0, lines: 0,
                reducedAmt: nil, "reason"),
            row("LATE_SUBMISSION", "Submitted after the deadline", rejected: 1, refused: 1234_50, reduced: 0, lines: 0,
                reducedAmt: nil, "reason"),
        ])
    }

    @Test func byReasonWithReductions() throws {
        let rows = try groups(.reason, filter { $0.includeReductions = true })
        #expect(rows.map(\.key) == ["INVALID_DATA", "DUPLICATE_INVOICE", "NOT_DESIGNATED", "LATE_SUBMISSION",
                                    "NOT_IN_CATALOGUE", "SELF_PAY_ITEM", "OVER_PRICE_CAP", "CLASS_B_SELF_PAY",
                                    "UNFILED_REDUCTION"])
        #expect(Array(rows[4...]) == [
            // A-1 line 5.
            row("NOT_IN_CATALOGUE", "Item not in the catalogue", rejected: 0, refused: 0, reduced: 1, lines: 1,
                reducedAmt: 200_00, "reason"),
            // A-1 line 4.
            row("SELF_PAY_ITEM", "Self-pay item (class C)", rejected: 0, refused: 0, reduced: 1, lines: 1,
                reducedAmt: 500_00, "reason"),
            // A-1 lines 3 and 6 (300.00 + 180.00), A-6 line 1 (200.00): 680.00.
            row("OVER_PRICE_CAP", "Price above the cap", rejected: 0, refused: 0, reduced: 2, lines: 3,
                reducedAmt: 680_00, "reason"),
            // A-1 lines 2 and 7 (200.00 + 66.67), B-3 line 1 (100.00): 366.67.
            row("CLASS_B_SELF_PAY", "Class B self-pay share", rejected: 0, refused: 0, reduced: 2, lines: 3,
                reducedAmt: 366_67, "reason"),
            // A-6, on the claim: no amount in the log.
            row("UNFILED_REDUCTION", "Reduced: cross-region care not filed", rejected: 0, refused: 0, reduced: 1,
                lines: 0, reducedAmt: nil, "reason"),
        ])
    }

    @Test func byReasonShowsOnlyTheFilteredCodes() throws {
        let rows = try groups(.reason, filter { $0.includeReductions = true; $0.reasons = [.overPriceCap] })
        #expect(rows == [row("OVER_PRICE_CAP", "Price above the cap", rejected: 0, refused: 0, reduced: 2, lines: 3,
                             reducedAmt: 680_00, "reason")])
    }

    @Test func byInstitution() throws {
        #expect(try groups(.institution, filter { $0.includeReductions = true }) == [
            // A-2 1234.50 + B-2 2400.00 = 3634.50 refused; B-3 100.00 reduced.
            row("H13010500021", "石家庄市第二医院", rejected: 2, refused: 3634_50, reduced: 1, lines: 1,
                reducedAmt: 100_00, "institution"),
            // B-1 6553.33 refused; A-1 six reduced lines, 1446.67.
            row("H31010400017", "上海市徐汇区中心医院", rejected: 1, refused: 6553_33, reduced: 1, lines: 6,
                reducedAmt: 1446_67, "institution"),
            // A-5 560.00 refused; A-6 200.00 reduced.
            row("H44030600003", "深圳市南山区人民医院", rejected: 1, refused: 560_00, reduced: 1, lines: 1,
                reducedAmt: 200_00, "institution"),
        ])
    }

    @Test func byRegion() throws {
        #expect(try groups(.region, filter { $0.includeReductions = true }) == [
            // A-2 1234.50 + A-5 560.00 + B-1 6553.33 = 8347.83; A-1 1446.67 + B-3 100.00 = 1546.67 over 6 + 1 lines.
            row("130100", nil, rejected: 3, refused: 8347_83, reduced: 2, lines: 7, reducedAmt: 1546_67, "region"),
            // B-2 2400.00; A-6 200.00.
            row("130200", nil, rejected: 1, refused: 2400_00, reduced: 1, lines: 1, reducedAmt: 200_00, "region"),
        ])
    }

    @Test func summaryTableHasDistinctTotals() throws {
        let (text, _) = try audit(Fixture.source, filter { $0.includeReductions = true }, summary: .reason,
                                  output: .table, width: 100)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { TextLayout.width($0) <= 100 })
        // 4 rejected claims, 10747.83; 3 reduced claims (A-1, A-6, B-3) with 6 + 1 + 1 lines,
        // 1446.67 + 200.00 + 100.00 = 1746.67.
        let total = try #require(lines.last)
        #expect(total.hasPrefix("total"))
        #expect(total.split(separator: " ").suffix(5) == ["4", "10747.83", "3", "8", "1746.67"])
        #expect(lines.contains { $0.hasPrefix("UNFILED_REDUCTION") && $0.hasSuffix("—") })
    }

    @Test func summaryCSVParsesBack() throws {
        let (text, _) = try audit(Fixture.source, filter { $0.includeReductions = true }, summary: .region, output: .csv)
        let records = parseCSV(String(text.dropFirst()))
        #expect(text.hasPrefix("\u{FEFF}"))
        #expect(records == [
            Audit.summaryHeader,
            ["region", "130100", "", "3", "8347.83", "2", "7", "1546.67"],
            ["region", "130200", "", "1", "2400.00", "1", "1", "200.00"],
        ])
    }
}
