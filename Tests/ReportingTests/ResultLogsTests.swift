import Domain
import Foundation
import Testing
@testable import Reporting

@Suite struct ResultLogsTests {
    @Test func readsRunsInOrderAndReportsBadLines() throws {
        let runs = try Fixture.runs()
        var seen: [String] = []
        var lines: [Int] = []
        let problems = try ResultLogs.read(runsDirectory: runs, which: .results) {
            seen.append($0.result.setlId)
            lines.append($0.line)
        }
        #expect(seen == ["20260301-0200-000001", "20260301-0200-000002", "20260301-0200-000003",
                         "20260301-0200-000005", "20260301-0200-000006",
                         "20260302-0200-000001", "20260302-0200-000002", "20260302-0200-000003"])
        #expect(lines == [1, 2, 3, 5, 6, 1, 2, 3])
        #expect(problems.count == 2)
        #expect(problems[0].file == runs + "/20260301-0200/results.jsonl")
        #expect(problems[0].line == 4)
        #expect(problems[0].message.hasPrefix("malformed line"))
        #expect(problems[1].file == runs + "/20260302-0200/results.jsonl")
        #expect(problems[1].line == 4)
        #expect(problems[1].message.hasPrefix("truncated line"))
        #expect(problems[1].description.hasPrefix(runs + "/20260302-0200/results.jsonl:4: truncated line"))
    }

    @Test func readsRejectedLogs() throws {
        let runs = try Fixture.runs()
        var seen: [String] = []
        let problems = try ResultLogs.read(runsDirectory: runs, which: .rejected) {
            #expect($0.result.status == .rejected)
            seen.append($0.result.setlId)
        }
        #expect(seen == ["20260301-0200-000002", "20260301-0200-000005", "20260302-0200-000001", "20260302-0200-000002"])
        #expect(problems.map { "\($0.line)" } == ["3"])
    }

    @Test func aLineMissingAFieldNamesIt() throws {
        let runs = try Fixture.runs()
        let path = runs + "/20260301-0200/rejected.jsonl"
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"run_id\":\"20260301-0200\"}\n\n".utf8))
        try handle.close()
        var count = 0
        let problems = try ResultLogs.read(runsDirectory: runs, which: .rejected) { _ in count += 1 }
        #expect(count == 4)
        // Line 3 is the added one; the blank line 4 is passed over silently.
        #expect(problems.count == 2)
        #expect(problems[0].line == 3)
        #expect(problems[0].message.contains("missing setl_id"))
    }

    @Test func limitsToTheRunsAsked() throws {
        var seen: [String] = []
        _ = try ResultLogs.read(runsDirectory: Fixture.source, which: .rejected, runIds: ["20260302-0200"]) {
            seen.append($0.result.runId)
        }
        #expect(seen == ["20260302-0200", "20260302-0200"])
    }

    @Test func findsAClaimBySettlementId() throws {
        let r = try #require(try ResultLogs.find(setlId: "20260302-0200-000003", runsDirectory: Fixture.source))
        #expect(r.payable == Yuan(300_00))
        #expect(r.lines.first?.preselfpay == Yuan(100_00))
        #expect(try ResultLogs.find(setlId: "20260302-0200-000009", runsDirectory: Fixture.source) == nil)
        // A prefix of a real id is not that id.
        #expect(try ResultLogs.find(setlId: "20260302-0200-00000", runsDirectory: Fixture.source) == nil)
    }

    @Test func noLogsAtAllIsAnError() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("reporting-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty.appendingPathComponent("20260101-0000"),
                                                withIntermediateDirectories: true)
        #expect(throws: ReportingError.noLogs(directory: empty.path, file: "rejected.jsonl")) {
            try ResultLogs.read(runsDirectory: empty.path, which: .rejected) { _ in }
        }
        #expect(throws: ReportingError.noRunsDirectory(empty.path + "/nope")) {
            try ResultLogs.read(runsDirectory: empty.path + "/nope", which: .rejected) { _ in }
        }
    }

    @Test func readsLongLogsAcrossBlocks() throws {
        // 3000 copies of a claim of about 1.4 kB: several 1 MiB blocks, lines cut at block edges.
        let runs = try Fixture.runs()
        let one = try String(contentsOfFile: runs + "/20260301-0200/rejected.jsonl", encoding: .utf8)
            .split(separator: "\n")[0]
        let path = runs + "/20260303-0200/rejected.jsonl"
        try String(repeating: one + "\n", count: 3000).write(toFile: path, atomically: false, encoding: .utf8)
        var count = 0
        let problems = try ResultLogs.read(runsDirectory: runs, which: .rejected, runIds: ["20260303-0200"]) {
            #expect($0.result.claimedAmt == Yuan(1234_50))
            count += 1
        }
        #expect(count == 3000)
        #expect(problems.isEmpty)
    }
}
