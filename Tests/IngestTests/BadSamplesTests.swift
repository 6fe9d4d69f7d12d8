import Domain
import Ingest
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Every file of Samples/bad through the real reader: the fault and its line, as
/// Samples/bad/README.md lists them.
@Suite struct BadSamplesTests {
    private func refused(_ name: String, line: Int?, expected: String, found: String? = nil,
                         sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> FileRefusal? {
        let outcome = try readSubmission(Paths.bad(name))
        guard let refusal = outcome.refusal else {
            Issue.record("\(name) was not refused", sourceLocation: sourceLocation)
            return nil
        }
        #expect(refusal.line == line, "\(refusal)", sourceLocation: sourceLocation)
        #expect(refusal.expected.contains(expected), "\(refusal)", sourceLocation: sourceLocation)
        if let found { #expect(refusal.found.contains(found), "\(refusal)", sourceLocation: sourceLocation) }
        #expect(refusal.file == "test/\(name)", sourceLocation: sourceLocation)
        return refusal
    }

    // MARK: XML files refused whole

    @Test func notWellFormed() throws {
        // Claim 2's <psn_name> (line 28) is closed by </psn_no>.
        _ = try refused("not-well-formed.xml", line: 28, expected: "well-formed XML", found: "psn_name line 28 and psn_no")
    }

    @Test func wrongNamespace() throws {
        _ = try refused("wrong-namespace.xml", line: 2, expected: "urn:medclaims:submission:1",
                        found: "urn:medclaims:submission:2")
    }

    @Test func wrongRoot() throws {
        _ = try refused("wrong-root.xml", line: 2, expected: "root <submission>", found: "<claims>")
    }

    @Test func doctypeWithExternalEntity() throws {
        _ = try refused("doctype-xxe.xml", line: 2, expected: "no DOCTYPE", found: "<!DOCTYPE submission>")
    }

    @Test func billionLaughs() throws {
        let started = ContinuousClock.now
        _ = try refused("billion-laughs.xml", line: 2, expected: "no DOCTYPE")
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test func deepNesting() throws {
        let refusal = try refused("deep-nesting.xml", line: 18, expected: "within the parser's limits", found: "depth")
        #expect(refusal?.column != nil)
    }

    @Test func hugeTextNode() throws {
        // 11 MB of name: over libxml2's 10 MB limit on a text node (no XML_PARSE_HUGE).
        let path = Paths.temporaryFolder() + "/huge-text.xml"
        let name = String(repeating: "张", count: 11 << 20 / 3)
        try Paths.write("""
            <?xml version="1.0" encoding="UTF-8"?>
            <submission xmlns="urn:medclaims:submission:1" id="HUGE" submitted="2026-03-01" mode="manual">
              <claim>
                <psn_name>\(name)</psn_name>
              </claim>
            </submission>

            """, to: path)
        let started = ContinuousClock.now
        let outcome = try readSubmission(path)
        #expect(outcome.refusal?.expected.contains("within the parser's limits") == true, "\(String(describing: outcome.refusal))")
        #expect(outcome.refusal?.found.contains("huge text node") == true)
        #expect(outcome.claims.isEmpty)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func xmlDeclaredUTF8WrittenInGBK() throws {
        // 张伟 on line 7 is GBK bytes in a file that declares (and defaults to) UTF-8.
        _ = try refused("bad-encoding.xml", line: 7, expected: "encoding")
    }

    @Test func badRootMode() throws {
        _ = try refused("bad-root-mode.xml", line: 2, expected: "mode=\"manual\" or mode=\"direct\"", found: "mode=\"cash\"")
    }

    @Test func badRootSubmitted() throws {
        _ = try refused("bad-root-submitted.xml", line: 2, expected: "submitted=\"YYYY-MM-DD\"", found: "2026-02-30")
    }

    @Test func truncatedFileDeliversWhatCameBeforeThenRefuses() throws {
        let outcome = try readSubmission(Paths.bad("truncated.xml"))
        let refusal = try #require(outcome.refusal)
        #expect(refusal.expected == "well-formed XML")
        #expect(refusal.line == 41)
        // The first claim was complete: it may have been delivered before the refusal, and
        // nothing after it was.
        #expect(outcome.claims.count <= 1)
    }

    @Test func elementOutsideAnyClaim() throws {
        _ = try refused("unknown-element-at-top.xml", line: 3, expected: "<claim> inside <submission>", found: "<batch>")
    }

    // MARK: XML claims rejected INVALID_DATA

    @Test func badCertno() throws {
        let outcome = try readSubmission(Paths.bad("bad-certno.xml"))
        #expect(outcome.refusal == nil)
        #expect(outcome.problems(0) == [FieldProblem(field: "certno", value: "130102199001011236", line: 8,
                                                      message: "has a wrong check character (expected 7)")])
        #expect(outcome.valid.map(\.ordinal) == [1])
        #expect(outcome.summary?.invalidClaims == 1)
        // The auditor's identifying fields, and the claimed amount (the invoice's 1360.50).
        let invalid = try #require(outcome.invalid.first)
        #expect(invalid.fixmedinsCode == "H31010400017")
        #expect(invalid.mdtrtId == "ZY20260201-0007")
        #expect(invalid.invoiceNo == "3100126000123")
        #expect(invalid.psnNo == "13010000000000123456")
        #expect(invalid.mode == .manual)
        #expect(invalid.claimedAmount == 136050)
        #expect(invalid.sourceLine == 3)
    }

    @Test func unknownElement() throws {
        let outcome = try readSubmission(Paths.bad("unknown-element.xml"))
        let problems = outcome.problems(0)
        #expect(problems.count == 1)
        #expect(problems.first?.field == "ward")
        #expect(problems.first?.line == 18)
        #expect(problems.first?.message.contains("unknown element") == true)
        #expect(outcome.valid.map(\.ordinal) == [1])
    }

    @Test func repeatedField() throws {
        let problems = try readSubmission(Paths.bad("repeated-field.xml")).problems(0)
        #expect(problems.count == 1)
        #expect(problems.first?.field == "psn_name")
        #expect(problems.first?.line == 18)
        #expect(problems.first?.message.contains("first on line 7") == true)
    }

    @Test func noFeeLines() throws {
        let outcome = try readSubmission(Paths.bad("no-fee-lines.xml"))
        let problems = outcome.problems(0)
        #expect(problems.map(\.field) == ["fees"])
        #expect(problems.first?.message.contains("no fee lines") == true)
        #expect(problems.first?.line == 3)
        #expect(outcome.valid.count == 1)
        #expect(outcome.summary?.lines == 2)  // claim 2's two <fee/>
    }

    @Test func unknownAttribute() throws {
        let problems = try readSubmission(Paths.bad("unknown-attribute.xml")).problems(0)
        #expect(problems.count == 1)
        #expect(problems.first?.field == "fee")
        #expect(problems.first?.value == "0.9")
        #expect(problems.first?.line == 20)
        #expect(problems.first?.message.contains("discount") == true)
    }

    @Test func everyBadCodeOfAClaimIsReported() throws {
        let problems = try readSubmission(Paths.bad("bad-codes.xml")).problems(0)
        #expect(problems.map(\.field) == ["insutype", "insu_admdvs", "med_type", "dise_codg", "emergency", "documents"])
        #expect(problems.map(\.value) == ["320", "13010", "12", "i21.9", "2", "receipt"])
        #expect(problems.map(\.line) == [9, 10, 11, 14, 15, 17])
    }

    @Test func enddateBeforeBegndate() throws {
        let problems = try readSubmission(Paths.bad("enddate-before-begndate.xml")).problems(0)
        #expect(problems == [FieldProblem(field: "enddate", value: "2026-01-31", line: 13,
                                          message: "is before begndate 2026-02-01")])
    }

    @Test func missingFields() throws {
        let problems = try readSubmission(Paths.bad("missing-field.xml")).problems(0)
        #expect(problems.map(\.field) == ["psn_no", "invoice_date"])
        #expect(problems.allSatisfy { $0.message == "is missing" && $0.line == 3 })
    }

    // MARK: CSV files refused whole

    @Test func missingColumn() throws {
        _ = try refused("missing-column.csv", line: 1, expected: "a header with the column pric", found: "without it")
    }

    @Test func splitClaim() throws {
        // Claim H31010400017/ZY20260201-0007: rows 2-3, then claim 2 on rows 4-5, then row 6.
        let refusal = try refused("split-claim.csv", line: 6, expected: "H31010400017/ZY20260201-0007 together (it starts on line 2)",
                                  found: "split apart")
        #expect(refusal?.found.contains("line 6") == true)
    }

    @Test func unreadableEncoding() throws {
        // GB18030 text with a 0xFF byte (never valid in GB18030, nor in UTF-8) on line 3.
        _ = try refused("bad-encoding.csv", line: 3, expected: "UTF-8 (a BOM allowed) or GB18030", found: "unreadable encoding")
    }

    @Test func unterminatedQuote() throws {
        let refusal = try refused("unterminated-quote.csv", line: 4, expected: "well-formed CSV", found: "never closed")
        #expect(refusal?.column == column(ofFirst: "\"", onLine: 4, of: "unterminated-quote.csv"))
    }

    @Test func strayQuote() throws {
        let refusal = try refused("stray-quote.csv", line: 4, expected: "well-formed CSV", found: "quote inside an unquoted field")
        #expect(refusal?.column == column(ofFirst: "\"", onLine: 4, of: "stray-quote.csv"))
    }

    @Test func emptyFile() throws {
        _ = try refused("empty.csv", line: 1, expected: "a header row", found: "an empty file")
    }

    /// The 1-based character column of `character` on a line of a sample, counted independently
    /// of the reader.
    private func column(ofFirst character: Character, onLine line: Int, of name: String) -> Int? {
        guard let file = fopen(Paths.bad(name), "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        while true {
            let c = fgetc(file)
            if c == EOF { break }
            bytes.append(UInt8(c))
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let index = lines[line - 1].firstIndex(of: character) else { return nil }
        return lines[line - 1].distance(from: lines[line - 1].startIndex, to: index) + 1
    }

    // MARK: CSV claims rejected INVALID_DATA

    @Test func tooManyDecimals() throws {
        let outcome = try readSubmission(Paths.bad("too-many-decimals.csv"))
        #expect(outcome.problems(0) == [
            FieldProblem(field: "amount", value: "17.000", line: 2, message: "has more than 2 decimal places"),
            FieldProblem(field: "pric", value: "45.0000001", line: 3, message: "has more than 6 decimal places"),
        ])
        #expect(outcome.valid.map(\.ordinal) == [1])
    }

    @Test func amountMismatch() throws {
        // Line 4: 3 × 12.35 = 37.05, but the line says 37.07: 0.02 apart, more than 0.01.
        let problems = try readSubmission(Paths.bad("amount-mismatch.csv")).problems(0)
        #expect(problems == [FieldProblem(field: "amount", value: "37.07", line: 4,
                                          message: "is not cnt × pric within 0.01 (3 × 12.35 = 37.05)")])
    }

    @Test func wrongFieldCount() throws {
        let outcome = try readSubmission(Paths.bad("wrong-field-count.csv"))
        #expect(outcome.problems(0) == [FieldProblem(field: "row", value: "", line: 2,
                                                      message: "has 26 fields where the header has 25 (an unquoted comma or line break?)")])
        #expect(outcome.valid.map(\.ordinal) == [1])
        #expect(outcome.summary?.lines == 5)
    }

    @Test func disagreeingClaimColumns() throws {
        let problems = try readSubmission(Paths.bad("disagreeing-columns.csv")).problems(0)
        #expect(problems.map(\.field) == ["psn_name", "invoice_amount"])
        #expect(problems.map(\.value) == ["张 伟", "1360.05"])
        #expect(problems.map(\.line) == [4, 4])
        #expect(problems.first?.message.contains("differs from '张伟' on line 2") == true)
    }

    @Test func duplicateLineNumber() throws {
        let problems = try readSubmission(Paths.bad("duplicate-sn.csv")).problems(0)
        #expect(problems == [FieldProblem(field: "fee_sn", value: "2", line: 4,
                                          message: "is used twice in the claim (also on line 3)")])
    }

    @Test func negativePriceAndInvoice() throws {
        let outcome = try readSubmission(Paths.bad("negative-price.csv"))
        #expect(outcome.problems(0) == [
            FieldProblem(field: "invoice_amount", value: "-76.40", line: 2, message: "must not be negative"),
            FieldProblem(field: "pric", value: "-160.00", line: 3, message: "must not be negative"),
        ])
        // No readable invoice amount: the claimed amount is the readable lines' sum,
        // 76.40 + (-160.00) = -83.60 yuan = -8360 fen.
        #expect(outcome.invalid.first?.claimedAmount == -8360)
    }

    @Test func badDates() throws {
        let problems = try readSubmission(Paths.bad("bad-dates.csv")).problems(0)
        #expect(problems.map(\.field) == ["begndate", "fee_time"])
        #expect(problems.map(\.value) == ["2026-02-30", "2026-02-15 10:05:00"])
        #expect(problems.map(\.line) == [2, 2])
    }

    @Test func invoiceTotalMismatchPassesIngest() throws {
        // 17.00 + 405.00 + 938.50 = 1360.50, invoice says 1306.50: a gate of adjudication, not INVALID_DATA.
        let outcome = try readSubmission(Paths.bad("invoice-total-mismatch.csv"))
        #expect(outcome.valid.count == 1)
        #expect(outcome.valid.first?.invoiceAmount == 130650)
    }

    @Test func readmeListsEverySample() throws {
        let readme = try #require(readText(Paths.samplesBad + "/README.md"))
        let dir = try #require(opendir(Paths.samplesBad))
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".xml") || name.hasSuffix(".csv") { names.append(name) }
        }
        #expect(names.count >= 30)
        for name in names { #expect(readme.contains("`\(name)`"), "README.md does not list \(name)") }
    }
}

func readText(_ path: String) -> String? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}
