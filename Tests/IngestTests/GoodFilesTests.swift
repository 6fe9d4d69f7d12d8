import Domain
import Ingest
import Testing

/// Good submissions in every accepted shape, read field by field.
@Suite struct GoodFilesTests {
    private func day(_ text: String) -> Day { Day(text)! }
    private func time(_ text: String) -> DateTime { DateTime(text)! }

    /// Claim 1 of the fixtures (张伟, inpatient), as written in them; only the submission id
    /// and the source lines differ from file to file.
    private func claimA(submission: String, line: Int, feeLines: [Int], mode: SettlementMode = .manual) -> Claim {
        Claim(
            submission: submission, ordinal: 0, sourceLine: line, fixmedinsCode: "H31010400017", mdtrtId: "ZY20260201-0007",
            psnNo: "13010000000000123456", psnName: "张伟", certno: "130102199001011237", insutype: .employee,
            insuAdmdvs: "130100", medType: .inpatient, begndate: day("2026-02-01"), enddate: day("2026-02-10"),
            diseCodg: "I21.9", emergency: false, invoiceNo: "3100126000123", invoiceDate: day("2026-02-10"),
            invoiceAmount: 1360_50, documents: [.invoice, .feeList, .dischargeSummary], submitted: day("2026-03-01"),
            mode: mode,
            lines: [
                // 20 × 0.85 = 17.00: cnt 20.0000 → 200000, pric 0.850000 → 850000, 1700 fen.
                FeeLine(sn: 1, code: "XA01ABD075A002010100483", name: "阿莫西林胶囊", time: time("2026-02-01T09:30:00"),
                        cnt: 20_0000, pric: 850_000, amount: 17_00, sourceLine: feeLines[0]),
                // 9 × 45.00 = 405.00
                FeeLine(sn: 2, code: "001201000010000", name: "床位费(三人间)", time: time("2026-02-01T12:00:00"),
                        cnt: 9_0000, pric: 45_000_000, amount: 405_00, sourceLine: feeLines[1]),
                // 1 × 938.50 = 938.50
                FeeLine(sn: 3, code: "002403000010000", name: "心电图检查", time: time("2026-02-02T08:15:00"),
                        cnt: 1_0000, pric: 938_500_000, amount: 938_50, sourceLine: feeLines[2]),
            ])
    }

    /// Claim 2 of the CSV fixtures (李秀英, outpatient, direct settlement).
    private func claimB(submission: String, line: Int, fixmedinsCode: String = "H44030600021", invoiceNo: String = "4403126000456",
                        insutype: Insutype = .resident, mode: SettlementMode = .direct) -> Claim {
        Claim(
            submission: submission, ordinal: 1, sourceLine: line, fixmedinsCode: fixmedinsCode, mdtrtId: "MZ20260215-0311",
            psnNo: "13010000000000654321", psnName: "李秀英", certno: "130105197803154029", insutype: insutype,
            insuAdmdvs: "130100", medType: .generalOutpatient, begndate: day("2026-02-15"), enddate: day("2026-02-15"),
            diseCodg: "J18.900", emergency: false, invoiceNo: invoiceNo, invoiceDate: day("2026-02-15"),
            invoiceAmount: 236_40, documents: [.invoice, .feeList], submitted: day("2026-03-01"), mode: mode,
            lines: [
                // 2 × 38.20 = 76.40
                FeeLine(sn: 1, code: "XJ01DDA117A001010101234", name: "头孢克肟分散片", time: time("2026-02-15T10:05:00"),
                        cnt: 2_0000, pric: 38_200_000, amount: 76_40, sourceLine: line),
                // 1 × 160.00 = 160.00
                FeeLine(sn: 2, code: "002501000010000", name: "血常规", time: time("2026-02-15T10:20:00"),
                        cnt: 1_0000, pric: 160_000_000, amount: 160_00, sourceLine: line + 1),
            ])
    }

    @Test func utf8CSV() throws {
        let outcome = try readSubmission(Paths.fixture("good-utf8.csv"))
        #expect(outcome.refusal == nil)
        #expect(outcome.claims == [.valid(claimA(submission: "good-utf8", line: 2, feeLines: [2, 3, 4])),
                                   .valid(claimB(submission: "good-utf8", line: 5))])
        // Two claims with different modes: no single mode for the file.
        #expect(outcome.summary == SubmissionSummary(submission: "good-utf8", format: .csv, mode: nil,
                                                     submitted: day("2026-03-01"), claims: 2, invalidClaims: 0, lines: 5))
    }

    @Test func utf8CSVWithBOMAndCRLF() throws {
        let outcome = try readSubmission(Paths.fixture("good-bom-crlf.csv"))
        #expect(outcome.claims == [.valid(claimA(submission: "good-bom-crlf", line: 2, feeLines: [2, 3, 4])),
                                   .valid(claimB(submission: "good-bom-crlf", line: 5))])
    }

    @Test func gb18030CSVWithColumnsInAnotherOrderAndBlankRows() throws {
        // No emergency column (0), an extra column `remark` (ignored), a row of commas (line 5)
        // and an empty line (6) between the claims.
        let outcome = try readSubmission(Paths.fixture("good-gb18030.csv"))
        #expect(outcome.claims == [.valid(claimA(submission: "good-gb18030", line: 2, feeLines: [2, 3, 4])),
                                   .valid(claimB(submission: "good-gb18030", line: 7))])
        #expect(outcome.summary?.lines == 5)
    }

    @Test func refundLinesQuotedNewlinesAndTheToleranceBoundary() throws {
        let outcome = try readSubmission(Paths.fixture("refunds-and-quotes.csv"))
        let claim = try #require(outcome.valid.first)
        #expect(outcome.claims.count == 1)
        #expect(claim.psnName == "欧阳\"小\"明")
        #expect(claim.lines.map(\.name) == ["阿莫西林胶囊\n(0.25g×24粒)", "阿莫西林胶囊 退费", "心电图检查, 十二导联", "静脉采血"])
        // The first row spans lines 2-3 (a line break inside the quoted name).
        #expect(claim.lines.map(\.sourceLine) == [2, 4, 5, 6])
        // Refund: -4 × 0.85 = -3.40.
        #expect(claim.lines[1].cnt == -4_0000)
        #expect(claim.lines[1].amount == -3_40)
        // 3 × 12.345 = 37.035 vs 37.04: 0.005 apart. 2 × 10.005 = 20.01 vs 20.02: exactly 0.01.
        #expect(claim.lines[2].pric == 12_345_000)
        #expect(claim.lines[3].amount == 20_02)
        // Invoice 17.00 - 3.40 + 37.04 + 20.02 = 70.66; lines kept as submitted (no netting here).
        #expect(claim.invoiceAmount == 70_66)
        #expect(claim.lines.count == 4)
    }

    @Test func xmlUTF8() throws {
        let outcome = try readSubmission(Paths.fixture("good.xml"))
        // XML claim 2 shares claim 1's institution and the root's mode.
        #expect(outcome.claims == [
            .valid(claimA(submission: "SUB-130100-20260301-BAD", line: 3, feeLines: [19, 20, 21])),
            .valid(claimB(submission: "SUB-130100-20260301-BAD", line: 24, fixmedinsCode: "H31010400017",
                          invoiceNo: "3100126000456", insutype: .employee, mode: .manual)
                .withFeeLines([40, 41])),
        ])
        #expect(outcome.summary == SubmissionSummary(submission: "SUB-130100-20260301-BAD", format: .xml, mode: .manual,
                                                     submitted: day("2026-03-01"), claims: 2, invalidClaims: 0, lines: 5))
    }

    @Test func xmlDeclaredGB18030() throws {
        let outcome = try readSubmission(Paths.fixture("good-gb18030.xml"))
        #expect(outcome.valid.map(\.psnName) == ["张伟", "李秀英"])
        #expect(outcome.valid.first?.lines.map(\.name) == ["阿莫西林胶囊", "床位费(三人间)", "心电图检查"])
    }

    @Test func xmlDeclaredGBKWithoutEmergency() throws {
        let outcome = try readSubmission(Paths.fixture("good-gbk.xml"))
        let claim = try #require(outcome.valid.first)
        #expect(claim.psnName == "张伟")
        #expect(claim.emergency == false)
        #expect(claim.lines.count == 3)
    }

    @Test func xmlFieldsInAnyOrderWithCommentsCDATAAndEmptyDocuments() throws {
        let outcome = try readSubmission(Paths.fixture("any-order.xml"))
        #expect(outcome.refusal == nil)
        let claim = try #require(outcome.valid.first)
        #expect(claim.psnName == "张伟")
        #expect(claim.documents.isEmpty)
        #expect(claim.mode == .direct)
        #expect(claim.invoiceAmount == 1360_50)
        #expect(claim.lines.map(\.sn) == [1, 2, 3])
        #expect(claim.lines.map(\.sourceLine) == [6, 7, 8])
        #expect(outcome.summary?.submission == "SUB-130100-20260301-02")
    }

    @Test func skippedClaimsAreCountedNotDelivered() throws {
        let outcome = try readSubmission(Paths.fixture("good-utf8.csv"), skipClaims: 1)
        #expect(outcome.claims.map(\.ordinal) == [1])
        #expect(outcome.summary?.claims == 2)
        #expect(outcome.summary?.lines == 5)
        let xml = try readSubmission(Paths.fixture("good.xml"), skipClaims: 2)
        #expect(xml.claims.isEmpty)
        #expect(xml.summary?.claims == 2)
    }

    @Test func fileOverTheSizeLimitIsRefused() throws {
        let outcome = try readSubmission(Paths.fixture("good.xml"), limits: IngestLimits(maxFileBytes: 100))
        #expect(outcome.refusal?.expected.contains("at most 100 bytes") == true)
        #expect(outcome.claims.isEmpty)
    }

    @Test func formatByExtension() {
        #expect(SubmissionFormat(path: "inbox/A.XML") == .xml)
        #expect(SubmissionFormat(path: "inbox/b.Csv") == .csv)
        #expect(SubmissionFormat(path: "inbox/c.xml.part") == nil)
        #expect(SubmissionFormat(path: "inbox/.xml") == nil)
        #expect(SubmissionFormat(path: "x.d/readme") == nil)
    }
}

extension Claim {
    func withFeeLines(_ sourceLines: [Int]) -> Claim {
        var copy = self
        for i in copy.lines.indices { copy.lines[i].sourceLine = sourceLines[i] }
        return copy
    }
}
