import Domain
import Foundation
import Testing
@testable import Reporting

@Suite struct RunReportTests {
    @Test func selfContainedAndShowsTheSummarysNumbers() throws {
        var summary = try Fixture.summary()
        summary.institutions[2].fixmedinsName = "<b>&"
        let html = RunReport.html(summary: summary)
        if let out = ProcessInfo.processInfo.environment["REPORT_HTML_OUT"] {
            try html.write(toFile: out, atomically: true, encoding: .utf8)  // for scripts/report-screenshot
        }

        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        for external in ["src=", "href=", "url(", "@import", "<link", "<img", "<iframe"] {
            #expect(!html.contains(external), "\(external)")
        }
        #expect(html.contains("@page { size: A4"))
        #expect(html.contains("@media print"))

        // Escaped, never raw.
        #expect(html.contains("&lt;b&gt;&amp;"))
        #expect(!html.contains("<b>&"))

        // The numbers as summary.json writes them.
        for number in ["13847.83", "1794.50", "12053.33", "6310.66", "5860.66", "450.00", "1500.00", "4242.67",
                       "7810.66", "1234.50", "560.00", "6860.66", "950.00", "0.00"] {
            #expect(html.contains(">\(number)<"), "\(number)")
        }
        #expect(html.contains("<div class=\"value\">6</div>"))
        #expect(html.contains("4 approved, 2 rejected"))
        #expect(html.contains(">MEDCLAIMS-20260301-0200<"))
        #expect(html.contains(">line 1: the header has no column psn_no<"))
        #expect(html.contains(">5d41402abc4b2a76b9719d911017c592ae2f1e6f7a8b2c1d0e9f8a7b6c5d4e3f<"))
        #expect(html.contains(">Submitted after the deadline<"))
    }

    @Test func barLengthsAreIntegerScaled() throws {
        let html = RunReport.html(summary: try Fixture.summary())
        // Institutions by rejected amount: 1234.50 is the longest bar, 340 px;
        // 560.00 → 56000 × 340 / 123450 = 154.2 → 154.
        #expect(html.contains("width=\"340\" height=\"16\" rx=\"2\" fill=\"#D55E00\"/><text class=\"value\" x=\"626\" y=\"21\">1234.50<"))
        #expect(html.contains("width=\"154\" height=\"16\" rx=\"2\" fill=\"#D55E00\"/><text class=\"value\" x=\"440\" y=\"47\">560.00<"))
        // Funds: 310100 5860.66 is 340; 390100 450.00 → 45000 × 340 / 586066 = 26.1 → 26;
        // personal accounts 1500.00 → 150000 × 340 / 586066 = 87.0 → 87.
        #expect(html.contains("width=\"26\" height=\"16\" rx=\"2\" fill=\"#009E73\"/><text class=\"value\" x=\"312\" y=\"47\">450.00<"))
        #expect(html.contains("width=\"87\" height=\"16\" rx=\"2\" fill=\"#56B4E9\"/><text class=\"value\" x=\"373\" y=\"73\">1500.00<"))
        // Claims: 4 approved (340), 2 rejected (170).
        #expect(html.contains("width=\"170\" height=\"16\" rx=\"2\" fill=\"#D55E00\"/><text class=\"value\" x=\"456\" y=\"47\">2<"))
        #expect(BarChart.length(1, max: Int64.max) == 1)
        #expect(BarChart.length(0, max: 10) == 0)
        #expect(BarChart.length(Int64.max, max: Int64.max) == 340)
    }

    @Test func anEmptyRunAndADryRun() {
        var summary = RunSummary(runId: "20260304-0200", kind: .run, dryRun: true, startedAt: "2026-03-04T02:00:00",
                                 endedAt: "2026-03-04T02:00:01", policyVersion: "2026.1", inputs: [], reference: [],
                                 counts: .init(), totals: .init(), institutions: [], payments: .init())
        var html = RunReport.html(summary: summary)
        #expect(html.contains("Dry run: the claims were adjudicated"))
        #expect(html.contains("No claim was rejected."))
        #expect(html.contains("No approved claim was reduced."))
        #expect(html.contains("none: nothing was payable"))
        summary.dryRun = false
        html = RunReport.html(summary: summary)
        #expect(!html.contains("Dry run"))
    }
}
