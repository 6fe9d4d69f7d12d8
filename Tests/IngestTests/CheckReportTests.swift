import Domain
import Ingest
import Testing

@Suite struct CheckReportTests {
    @Test func cleanFilesHaveNoFindings() {
        let report = CheckReport.check(paths: [Paths.fixture("good.xml"), Paths.fixture("good-utf8.csv")])
        #expect(!report.hasErrors)
        #expect(report.files.map(\.claims) == [2, 2])
        #expect(report.files.map(\.lines) == [5, 5])
        #expect(report.files.allSatisfy { $0.findings.isEmpty })
        #expect(report.text().hasSuffix("2 files checked: 2 clean, 0 with errors\n"))
    }

    @Test func invalidClaimsAreErrorsWithMaskedCertno() throws {
        let file = CheckReport.check(path: Paths.bad("bad-certno.xml"), displayName: "bad/bad-certno.xml")
        #expect(file.hasErrors)
        #expect(!file.refused)
        #expect(file.claims == 2)
        #expect(file.invalidClaims == 1)
        let finding = try #require(file.findings.first)
        #expect(finding == CheckFinding(severity: .error, kind: .invalidData, line: 8, claim: 0, mdtrtId: "ZY20260201-0007",
                                        field: "certno", value: "1301**********1236",
                                        message: "has a wrong check character (expected 7)"))
        let text = CheckReport(files: [file]).text()
        #expect(text.contains("error   line 8 claim 0 (ZY20260201-0007): certno '1301**********1236' has a wrong check character (expected 7)"))
        #expect(!text.contains("130102199001011236"))
    }

    @Test func refusalIsAnError() {
        let file = CheckReport.check(path: Paths.bad("split-claim.csv"), displayName: "bad/split-claim.csv")
        #expect(file.refused)
        #expect(file.hasErrors)
        #expect(file.refusal?.line == 6)
        // Claim 1's first two rows were read before the refusal (and do not add up to its invoice).
        #expect(file.findings.filter { $0.severity == .error }.map(\.kind) == [.fileRefused])
        #expect(CheckReport(files: [file]).text().hasPrefix("bad/split-claim.csv: REFUSED at line 6: expected the rows of claim"))
    }

    @Test func invoiceTotalMismatchIsAWarningOnly() throws {
        let file = CheckReport.check(path: Paths.bad("invoice-total-mismatch.csv"), displayName: "x.csv")
        #expect(!file.hasErrors)
        #expect(file.warnings == 1)
        let finding = try #require(file.findings.first)
        #expect(finding.kind == .invoiceTotalMismatch)
        #expect(finding.severity == .warning)
        #expect(finding.value == "1306.50")
        // 17.00 + 405.00 + 938.50 = 1360.50
        #expect(finding.message.contains("(1360.50)"))
        #expect(finding.line == 2)
    }

    @Test func everyProblemOfEveryClaimIsListed() {
        let file = CheckReport.check(path: Paths.bad("bad-codes.xml"), displayName: "bad-codes.xml")
        #expect(file.findings.map(\.field) == ["insutype", "insu_admdvs", "med_type", "dise_codg", "emergency", "documents"])
        #expect(file.errors == 6)
    }
}
