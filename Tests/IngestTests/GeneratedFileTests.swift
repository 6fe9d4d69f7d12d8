import Domain
import Ingest
import Testing

/// A few thousand generated claims in both formats: ordinals, counts, lines past 65535.
@Suite struct GeneratedFileTests {
    static let claimCount = 5000
    /// Claims 0, 7, 14, ... carry a wrong certno check character.
    static func isBroken(_ i: Int) -> Bool { i % 7 == 0 }
    /// Claim i has (i % 5) + 1 fee lines: 1000 × (1 + 2 + 3 + 4 + 5) = 15000 lines in all.
    static func feeCount(_ i: Int) -> Int { i % 5 + 1 }
    static let totalLines = 15000
    /// 0, 7, ..., 4998: 4998 / 7 + 1 = 715 broken claims.
    static let brokenCount = 715

    static let goodCertno = "110105196002200031"
    static let badCertno = "110105196002200032"

    /// The XML file, and the line of each claim's <certno>.
    static func writeXML(to path: String) throws -> [Int] {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        text += "<submission xmlns=\"urn:medclaims:submission:1\" id=\"GEN-1\" submitted=\"2026-03-01\" mode=\"direct\">\n"
        var line = 3
        var certnoLines: [Int] = []
        for i in 0..<claimCount {
            let n = feeCount(i)
            // 5 × 12.34 = 61.70 per line.
            text += """
                <claim>
                  <fixmedins_code>H31010400017</fixmedins_code><mdtrt_id>ZY\(i)</mdtrt_id>
                  <psn_no>1301000000000\(100000 + i)</psn_no><psn_name>王芳</psn_name>
                  <certno>\(isBroken(i) ? badCertno : goodCertno)</certno>
                  <insutype>390</insutype><insu_admdvs>130100</insu_admdvs><med_type>11</med_type>
                  <begndate>2026-02-01</begndate><enddate>2026-02-01</enddate><dise_codg>J18.9</dise_codg>
                  <invoice no="INV\(i)" date="2026-02-01" amount="\(DecimalText.format(Int64(6170 * n), scale: 2))"/>
                  <documents>invoice fee_list</documents>
                  <fees>

                """
            certnoLines.append(line + 3)
            for sn in 1...n {
                text += "      <fee sn=\"\(sn)\" code=\"XA01ABD075A002010100483\" name=\"阿莫西林胶囊\" time=\"2026-02-01T09:30:00\" cnt=\"5\" pric=\"12.34\" amount=\"61.70\"/>\n"
            }
            text += "    </fees>\n  </claim>\n"
            line += 9 + n + 2
        }
        text += "</submission>\n"
        try Paths.write(text, to: path)
        return certnoLines
    }

    static func writeCSV(to path: String) throws {
        var text = "fixmedins_code,mdtrt_id,psn_no,psn_name,certno,insutype,insu_admdvs,med_type,begndate,enddate,dise_codg,invoice_no,invoice_date,invoice_amount,documents,submitted,mode,fee_sn,fee_code,fee_name,fee_time,cnt,pric,amount\r\n"
        for i in 0..<claimCount {
            let n = feeCount(i)
            for sn in 1...n {
                text += "H31010400017,ZY\(i),1301000000000\(100000 + i),王芳,\(isBroken(i) ? badCertno : goodCertno),390,130100,11,2026-02-01,2026-02-01,J18.9,INV\(i),2026-02-01,\(DecimalText.format(Int64(6170 * n), scale: 2)),invoice fee_list,2026-03-01,direct,\(sn),XA01ABD075A002010100483,\"阿莫西林胶囊,0.25g\",2026-02-01T09:30:00,5,12.34,61.70\r\n"
            }
        }
        try Paths.write(text, to: path)
    }

    @Test func xmlOrdinalsCountsAndLinesPast65535() throws {
        let path = Paths.temporaryFolder() + "/generated.xml"
        let certnoLines = try Self.writeXML(to: path)
        #expect(certnoLines.last! > 65535)  // the file is long enough to test libxml2's 16-bit lines
        let outcome = try readSubmission(path)
        #expect(outcome.refusal == nil)
        #expect(outcome.claims.map(\.ordinal) == Array(0..<Self.claimCount))
        #expect(outcome.summary?.claims == Self.claimCount)
        #expect(outcome.summary?.lines == Self.totalLines)
        #expect(outcome.summary?.invalidClaims == Self.brokenCount)
        #expect(outcome.invalid.map(\.ordinal) == Array(stride(from: 0, to: Self.claimCount, by: 7)))
        // Every problem's line is its <certno>'s line, beyond 65535 too.
        for claim in outcome.invalid {
            #expect(claim.problems.map(\.line) == [certnoLines[claim.ordinal]], "claim \(claim.ordinal)")
        }
        #expect(outcome.valid.allSatisfy { $0.lines.count == Self.feeCount($0.ordinal) })
        #expect(outcome.valid.last?.invoiceAmount == Int64(6170 * Self.feeCount(4999)))
    }

    @Test func csvOrdinalsAndCountsWithResume() throws {
        let path = Paths.temporaryFolder() + "/generated.csv"
        try Self.writeCSV(to: path)
        let outcome = try readSubmission(path)
        #expect(outcome.claims.map(\.ordinal) == Array(0..<Self.claimCount))
        #expect(outcome.summary?.invalidClaims == Self.brokenCount)
        #expect(outcome.summary?.lines == Self.totalLines)
        #expect(outcome.summary?.mode == .direct)
        // Claim i starts on row 2 + the lines of the claims before it.
        var row = 2
        for claim in outcome.claims {
            let line: Int
            switch claim {
            case .valid(let c): line = c.sourceLine
            case .invalid(let c): line = c.sourceLine
            }
            #expect(line == row)
            row += Self.feeCount(claim.ordinal)
        }

        // Resuming after 1000 claims: ordinals 1000..4999, broken ones among them are the
        // multiples of 7 from 1001 to 4998: ⌊4999/7⌋ - ⌊999/7⌋ = 714 - 142 = 572.
        let resumed = try readSubmission(path, skipClaims: 1000)
        #expect(resumed.claims.map(\.ordinal) == Array(1000..<Self.claimCount))
        #expect(resumed.summary?.claims == Self.claimCount)
        #expect(resumed.summary?.invalidClaims == 572)
        #expect(resumed.claims == Array(outcome.claims[1000...]))
    }
}
