import Foundation
@testable import Payments
import Testing

@Suite struct SchemaValidationTests {
    /// Writes a good file, applies `corrupt` to its text, and returns the path of the result.
    private func corrupted(_ corrupt: (String) -> String) throws -> (path: String, text: String) {
        let folder = try temporaryFolder()
        try writePain001(folder + "/good.xml", threeTransfers)
        let bad = corrupt(try text(folder + "/good.xml"))
        try write(bad, to: folder + "/bad.xml")
        return (folder + "/bad.xml", bad)
    }

    private func lineNumbers(_ errors: [String]) -> [Int] {
        errors.compactMap { e in
            guard e.hasPrefix("line "), let colon = e.firstIndex(of: ":") else { return nil }
            return Int(e[e.index(e.startIndex, offsetBy: 5)..<colon])
        }
    }

    @Test func anAmountWithTooManyDecimalsIsReportedOnItsLine() throws {
        // The schema's amount type allows up to 5 fraction digits; 6 break it.
        let (path, bad) = try corrupted { $0.replacingOccurrences(of: ">1200.05<", with: ">1200.050001<") }
        let errors = try PaymentSchema.validate(fileAt: path)
        #expect(!errors.isEmpty)
        #expect(lineNumbers(errors).contains(try #require(line(of: "1200.050001", in: bad))))
        #expect(errors.contains { $0.contains("InstdAmt") })
    }

    @Test func anAmountWithThreeDecimalsIsReportedThoughTheXSDAllowsIt() throws {
        // The XSD's amount type takes up to 5 fraction digits; CNY has 2, which the
        // reconciliation after the XSD enforces.
        let (path, bad) = try corrupted { $0.replacingOccurrences(of: ">0.29<", with: ">0.290<") }
        let errors = try PaymentSchema.validate(fileAt: path)
        #expect(lineNumbers(errors) == [try #require(line(of: "0.290", in: bad))])
        #expect(errors[0].contains("0.290"))
    }

    @Test func aControlSumThatDoesNotMatchTheTransactionsIsReported() throws {
        // Only the group header's CtrlSum changes: 5776.01 announced, 457566 + 120005 + 29 = 577600 fen held.
        let (path, bad) = try corrupted { text in
            var t = text
            t.replaceSubrange(t.range(of: "<CtrlSum>5776.00</CtrlSum>")!, with: "<CtrlSum>5776.01</CtrlSum>")
            return t
        }
        let errors = try PaymentSchema.validate(fileAt: path)
        #expect(lineNumbers(errors) == [try #require(line(of: "5776.01", in: bad))])
        #expect(errors[0].contains("5776.01") && errors[0].contains("5776.00"))
    }

    @Test func aControlSumInCDATAIsReadLikeText() throws {
        // The same wrong group CtrlSum as above, as a CDATA section: the XSD takes it as text,
        // and so must the reconciliation (libxml2 hands CDATA to its own SAX event).
        let (path, bad) = try corrupted { text in
            var t = text
            t.replaceSubrange(t.range(of: "<CtrlSum>5776.00</CtrlSum>")!, with: "<CtrlSum><![CDATA[5776.01]]></CtrlSum>")
            return t
        }
        let errors = try PaymentSchema.validate(fileAt: path)
        #expect(lineNumbers(errors) == [try #require(line(of: "5776.01", in: bad))])
        #expect(errors[0].contains("GrpHdr CtrlSum is 5776.01") && errors[0].contains("5776.00"))
    }

    @Test func aPaymentInfoWhoseCountDoesNotMatchIsReported() throws {
        // Drop the third transaction whole: the headers still announce 3 and 5776.00.
        let (path, _) = try corrupted { text in
            let start = text.range(of: "      <CdtTrfTxInf>", options: .backwards)!.lowerBound
            let end = text.range(of: "      </CdtTrfTxInf>\n", options: .backwards)!.upperBound
            return text.replacingCharacters(in: start..<end, with: "")
        }
        let errors = try PaymentSchema.validate(fileAt: path)
        // NbOfTxs and CtrlSum wrong in PmtInf and in GrpHdr: 3 vs 2, 5776.00 vs 5775.71.
        #expect(errors.count == 4)
        // GrpHdr's NbOfTxs and CtrlSum are lines 7–8; PmtInf's are 16–17, after PmtInf (13),
        // PmtInfId (14) and PmtMtd (15) (see the layout in Pain001Tests).
        #expect(lineNumbers(errors).sorted() == [7, 8, 16, 17])
        #expect(errors.contains { $0.contains("PmtInf NbOfTxs is 3 but it holds 2") })
        #expect(errors.contains { $0.contains("GrpHdr CtrlSum is 5776.00 but the transactions add up to 5775.71") })
    }

    @Test func aNegativeAmountIsReported() throws {
        let (path, bad) = try corrupted { $0.replacingOccurrences(of: ">0.29<", with: ">-0.29<") }
        let errors = try PaymentSchema.validate(fileAt: path)
        #expect(lineNumbers(errors) == [try #require(line(of: "-0.29", in: bad))])
    }

    @Test func aMissingElementIsReportedWhereTheNextOneStands() throws {
        // Without PmtMtd, the validator meets NbOfTxs where PmtMtd must be.
        let (path, bad) = try corrupted { $0.replacingOccurrences(of: "      <PmtMtd>TRF</PmtMtd>\n", with: "") }
        let errors = try PaymentSchema.validate(fileAt: path)
        let pmtInfId = try #require(line(of: "<PmtInfId>", in: bad))
        #expect(lineNumbers(errors) == [pmtInfId + 1])
        #expect(errors[0].contains("NbOfTxs"))
        #expect(errors[0].contains("PmtMtd"))
    }

    @Test func aNameLongerThan140IsReported() throws {
        let (path, bad) = try corrupted {
            $0.replacingOccurrences(of: "<Nm>张三</Nm>", with: "<Nm>" + String(repeating: "张", count: 141) + "</Nm>")
        }
        let errors = try PaymentSchema.validate(fileAt: path)
        #expect(lineNumbers(errors) == [try #require(line(of: "张张张", in: bad))])
    }

    @Test func aFileThatIsNotWellFormedIsReportedNotThrown() throws {
        // Cut in the middle of the second transfer.
        let (path, bad) = try corrupted { String($0.prefix(upTo: $0.range(of: "<Cdtr>\n          <Nm>河北")!.lowerBound)) }
        let errors = try PaymentSchema.validate(fileAt: path)
        #expect(!errors.isEmpty)
        let lastLine = bad.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(lineNumbers(errors).allSatisfy { $0 > 0 && $0 <= lastLine })
    }

    @Test func anotherDocumentIsReported() throws {
        let (path, _) = try corrupted { $0.replacingOccurrences(of: "pain.001.001.09", with: "pain.001.001.03") }
        let errors = try PaymentSchema.validate(fileAt: path)
        #expect(lineNumbers(errors) == [2])
    }

    @Test func aMissingFileThrows() throws {
        #expect(throws: PaymentSchemaError.self) { try PaymentSchema.validate(fileAt: "/nonexistent/p.xml") }
    }

    @Test func aFileThatCannotBeReadThrows() throws {
        // A folder opens, and its first read fails (EISDIR): thrown, not reported as an
        // empty document.
        let folder = try temporaryFolder()
        #expect(throws: PaymentSchemaError.self) { try PaymentSchema.validate(fileAt: folder) }
    }

    @Test func validationRunsInParallelWithOneSchema() async throws {
        let folder = try temporaryFolder()
        try writePain001(folder + "/good.xml", threeTransfers)
        let bad = try text(folder + "/good.xml").replacingOccurrences(of: ">0.29<", with: ">-0.29<")
        try write(bad, to: folder + "/bad.xml")
        let results = try await withThrowingTaskGroup(of: (Bool, Int).self) { group in
            for i in 0..<16 {
                group.addTask {
                    (i % 2 == 0, try PaymentSchema.validate(fileAt: folder + (i % 2 == 0 ? "/good.xml" : "/bad.xml")).count)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { good, count in good ? count == 0 : count == 1 })
    }

    @Test(.enabled(if: hasXmllint, "xmllint is not installed"))
    func xmllintAlsoRefusesTheCorruptedFile() throws {
        let (path, _) = try corrupted { $0.replacingOccurrences(of: ">0.29<", with: ">-0.29<") }
        #expect(try run(xmllint, ["--noout", "--nonet", "--schema", officialXSD, path]).status != 0)
    }
}
