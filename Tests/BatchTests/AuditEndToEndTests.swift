import Domain
import Foundation
import Testing

// `audit` and `explain` on the logs written by a real run of the samples. The counts come from
// the table in Samples/README.md (16 rejected claims; 6 of them at 河北医科大学第二医院).
@Suite(.serialized) struct AuditEndToEndTests {
    let ws: String

    init() throws {
        ws = try sampleWorkspace()
        let run = try medclaims(["run", "--workspace", ws])
        precondition(run.status == 0, run.stderr)
    }

    @Test func filtersByInstitutionReasonAndRegion() throws {
        let hebei = try medclaims(["audit", "--workspace", ws, "--institution", "H13010200003", "--format", "json"])
        #expect(hebei.status == 0)
        let rows = hebei.stdout.split(separator: "\n")
        #expect(rows.count == 6)
        // Refused in Hebei: 100.00 + 100.00 + 100.00 + 91.00 + 200.00 + 800.00 = 1391.00
        let refused = try rows.map { row -> Int64 in
            let object = try JSONSerialization.jsonObject(with: Data(row.utf8)) as! [String: Any]
            return try DecimalText.parse(object["refused_amt"] as! String, scale: 2).get()
        }.reduce(0, +)
        #expect(refused == 139_100)

        let notCovered = try medclaims(["audit", "--workspace", ws, "--reason", "NOT_COVERED", "--format", "csv"])
        let lines = notCovered.stdout.split(separator: "\r\n")
        #expect(lines.count == 3)  // header + MZ20260213-2003 + MZ20260115-2004
        #expect(lines[0].hasPrefix("\u{FEFF}run_id,setl_id,status"))

        let suzhou = try medclaims(["audit", "--workspace", ws, "--region", "320500", "--format", "json"])
        // Insured in Suzhou and rejected: NOT_FILED (ZY20260216-0650), MISSING_DOCUMENTS (MZ20260205-3002), NO_POLICY (MZ20260210-3006).
        #expect(suzhou.stdout.split(separator: "\n").count == 3)
    }

    @Test func summarisesByReason() throws {
        let summary = try medclaims(["audit", "--workspace", ws, "--summary", "reason", "--format", "json"])
        #expect(summary.status == 0)
        var counts: [String: Int] = [:]
        for row in summary.stdout.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(row.utf8)) as! [String: Any]
            if let key = object["key"] as? String, let n = object["rejected_claims"] as? Int { counts[key] = n }
        }
        #expect(counts["MISSING_DOCUMENTS"] == 3)
        #expect(counts["NOT_COVERED"] == 2)
        #expect(counts["INVALID_DATA"] == 1)
        #expect(counts.values.reduce(0, +) == 16)
    }

    @Test func aCorruptedLogLineIsReportedAndSkipped() throws {
        let log = ws + "/out/runs/\(sampleRunId)/rejected.jsonl"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        handle.write(Data("{\"run_id\": \"R20260316-0001\", \"setl_id\": tr".utf8))
        try handle.close()
        let audit = try medclaims(["audit", "--workspace", ws, "--format", "json"])
        #expect(audit.status == 0)
        #expect(audit.stdout.split(separator: "\n").count == 16)
        #expect(audit.stderr.contains("rejected.jsonl:17"))
    }

    @Test func explainsASettlementFromTheLogs() throws {
        let explain = try medclaims(["explain", "\(sampleRunId)-000013", "--workspace", ws])
        #expect(explain.status == 0)
        #expect(explain.stdout.contains("ZY20260201-0007"))
        #expect(explain.stdout.contains("4575.66"))
        #expect(explain.stdout.contains("CLASS_B_SELF_PAY"))
        #expect(try medclaims(["explain", "R19990101-0001-000001", "--workspace", ws]).status == 1)
    }

    @Test func explainsASubmissionWithoutChangingAnything() throws {
        let file = packageRoot + "/Samples/inbox/SUB-31010400017-20260301.xml"
        let explain = try medclaims(["explain", file, "--claim", "ZY20260201-0007", "--workspace", ws])
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(explain.stdout.contains("APPROVED: 4575.66"))
        let status = try medclaims(["status", "--workspace", ws, "--json"])
        #expect(status.stdout.components(separatedBy: "\"run_id\"").count == 2)  // still one run
    }
}
