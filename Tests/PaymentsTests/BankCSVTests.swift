import Domain
import Foundation
@testable import Payments
import Testing
import TextFormats

@Suite struct BankCSVTests {
    /// 10000 + 1 + 1234567 + 5 fen = 1244573 fen = 12445.73 yuan.
    private let transfers = [
        transfer("E2E-1", person(#"=HYPERLINK("http://x","点击")"#), 10_000, remittance: "MEDCLAIMS R1"),
        transfer("E2E-2", person("张三,李四"), 1, remittance: #"say "hi""#),
        transfer("E2E-3", person("-王五"), 1_234_567, remittance: "+86 123"),
        transfer("E2E-4", person("\t@赵六"), 5, remittance: "MEDCLAIMS R4"),
    ]

    @Test func rowsAreQuotedNeutralisedAndEndWithACheckableTrailer() throws {
        let path = try temporaryFolder() + "/p.csv"
        try writeCSV(path, transfers)
        let expected = "seq,payee_acct,payee_name,bank_code,amount,currency,end_to_end_id,remark\r\n"
            + #"1,6222021234567891234,"'=HYPERLINK(""http://x"",""点击"")",102121000022,100.00,CNY,E2E-1,MEDCLAIMS R1"# + "\r\n"
            + #"2,6222021234567891234,"张三,李四",102121000022,0.01,CNY,E2E-2,"say ""hi""""# + "\r\n"
            + "3,6222021234567891234,'-王五,102121000022,12345.67,CNY,E2E-3,'+86 123\r\n"
            // The tab is a control character: cleaned away, and then "@" leads.
            + "4,6222021234567891234,'@赵六,102121000022,0.05,CNY,E2E-4,MEDCLAIMS R4\r\n"
            + "TOTAL,,,,12445.73,CNY,R20260302-0001-PAY,count=4\r\n"
        #expect(try text(path) == expected)
    }

    @Test func theCSVCarriesTheSameTransfersAsTheXML() throws {
        let folder = try temporaryFolder()
        try writeCSV(folder + "/p.csv", threeTransfers)
        try writePain001(folder + "/p.xml", threeTransfers)
        let rows = try text(folder + "/p.csv").components(separatedBy: "\r\n").dropFirst().dropLast(2)
        let fields = rows.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(fields.map { $0[4] } == elementTexts(folder + "/p.xml", "InstdAmt"))
        #expect(fields.map { $0[6] } == elementTexts(folder + "/p.xml", "EndToEndId"))
        #expect(fields.map { $0[7] } == elementTexts(folder + "/p.xml", "Ustrd"))
        // 457566 + 120005 + 29 = 577600 fen.
        #expect(try text(folder + "/p.csv").hasSuffix("TOTAL,,,,5776.00,CNY,R20260302-0001-PAY,count=3\r\n"))
    }

    @Test func gb18030DecodesBackToTheSameText() throws {
        let folder = try temporaryFolder()
        // 𪚥 (U+2A6A5) is outside GBK: a four-byte GB18030 sequence.
        let rare = transfers + [transfer("E2E-5", person("𪚥张"), 7)]
        try writeCSV(folder + "/utf8.csv", rare, encoding: .utf8)
        try writeCSV(folder + "/gb.csv", rare, encoding: .gb18030)
        let gb = try bytes(folder + "/gb.csv")
        // 张 is D5 C5 in GB18030 (GB2312 row 53, cell 37), and E5 BC A0 in UTF-8.
        #expect(gb.indices.contains { gb[$0] == 0xD5 && $0 + 1 < gb.count && gb[$0 + 1] == 0xC5 })
        #expect(!gb.indices.contains { gb[$0] == 0xE5 && $0 + 2 < gb.count && gb[$0 + 1] == 0xBC && gb[$0 + 2] == 0xA0 })
        let decoded = try run("/usr/bin/iconv", ["-f", "GB18030", "-t", "UTF-8", folder + "/gb.csv"])
        #expect(decoded.status == 0)
        #expect(decoded.output == (try bytes(folder + "/utf8.csv")))
    }

    @Test func countOrSumDifferentFromTheHeaderMakesFinishThrow() throws {
        let folder = try temporaryFolder()
        let w = try BankCSVWriter(path: folder + "/c.csv", header: header(count: 3, sum: threeTransfersSum), encoding: .utf8)
        try w.append(threeTransfers[0])
        #expect(throws: PaymentFileError.countMismatch(announced: 3, appended: 1)) { try w.finish() }
        #expect(throws: PaymentFileError.finished) { try w.append(threeTransfers[1]) }

        // 577600 announced, 457566 + 120005 = 577571 appended in 2 of 2.
        let s = try BankCSVWriter(path: folder + "/s.csv", header: header(count: 2, sum: threeTransfersSum), encoding: .gb18030)
        try s.append(threeTransfers[0])
        try s.append(threeTransfers[1])
        #expect(throws: PaymentFileError.sumMismatch(announced: 577_600, appended: 577_571)) { try s.finish() }
    }

    @Test func sameInputGivesByteIdenticalFiles() throws {
        let folder = try temporaryFolder()
        for encoding in TextEncoding.allCases {
            try writeCSV(folder + "/a.csv", transfers, encoding: encoding)
            try writeCSV(folder + "/b.csv", transfers, encoding: encoding)
            #expect(try bytes(folder + "/a.csv") == bytes(folder + "/b.csv"))
        }
    }
}
