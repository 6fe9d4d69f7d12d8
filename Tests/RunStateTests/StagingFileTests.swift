import Domain
import Foundation
import Testing
@testable import RunState

/// Claims written to a staging file come back equal, in order, from the start or from a
/// record's offset; a file cut inside a record is refused as corrupt, never misread.
@Suite struct StagingFileTests {
    let path = NSTemporaryDirectory() + "medclaims-staging-" + UUID().uuidString

    /// A valid claim whose fee lines repeat a catalogue item (the reader shares those Strings)
    /// and carry names longer than Swift keeps inline.
    func claim(_ ordinal: Int) -> IngestedClaim {
        let day = Day(year: 2026, month: 3, day: 2)!
        var lines: [FeeLine] = []
        for sn in 1...3 {
            let repeated = sn != 2
            let code = repeated ? "001201000010000-120100001" : "XB01BAC057B001010102345"
            let name = repeated ? "普通门诊诊查费" : "阿莫西林胶囊（0.25g×24粒）"
            let time = DateTime(day: day, secondOfDay: Int32(3_600 * sn))
            let cnt: Quantity4 = -10_000 * Int64(sn)
            let amount: Fen = -123 * Int64(sn)
            lines.append(FeeLine(sn: sn, code: code, name: name, time: time, cnt: cnt, pric: 1_234_567, amount: amount,
                                 sourceLine: 10 + sn))
        }
        return .valid(Claim(
            submission: "SUB-32010400006-20260130-001", ordinal: ordinal, sourceLine: 7, fixmedinsCode: "H32010400006",
            mdtrtId: "MDT\(ordinal)", psnNo: "P0001", psnName: "欧阳娜娜", certno: "11010519491231002X",
            insutype: .resident, insuAdmdvs: "320104", medType: .inpatient, begndate: day, enddate: day,
            diseCodg: "J18.900", emergency: ordinal % 2 == 0, invoiceNo: "INV-\(ordinal)", invoiceDate: day,
            invoiceAmount: Int64.max / 3, documents: [.invoice, .dischargeSummary], submitted: day, mode: .direct,
            lines: lines))
    }

    let invalid = IngestedClaim.invalid(InvalidClaim(
        submission: "SUB-32010400006-20260130-001", ordinal: 3, sourceLine: 40, mdtrtId: "MDT3", certno: nil,
        mode: .manual, claimedAmount: -5, problems: [
            FieldProblem(field: "certno", value: "123", line: 41, column: 9, message: "not an ID"),
            FieldProblem(field: "fee", value: "", line: 42, message: "missing"),
        ]))

    @Test func claimsComeBackEqualFromAnyRecord() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let claims = [claim(1), claim(2), invalid, claim(4)]
        let writer = try StagingWriter(path: path)
        for c in claims { try writer.append(c) }
        try writer.finish()
        #expect(writer.count == 4)

        let reader = try StagingReader(path: path, offset: 0)
        var read: [IngestedClaim] = []
        var offsets: [Int64] = []
        while true {
            offsets.append(reader.offset)
            guard let c = try reader.next() else { break }
            read.append(c)
        }
        #expect(read == claims)
        // Resuming at the third record's offset gives the last two.
        let resumed = try StagingReader(path: path, offset: offsets[2])
        #expect(try resumed.next() == invalid)
        #expect(try resumed.next() == claim(4))
        #expect(try resumed.next() == nil)
    }

    @Test func aFileCutInsideARecordIsCorrupt() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try StagingWriter(path: path)
        try writer.append(claim(1))
        try writer.append(claim(2))
        try writer.finish()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(truncate(path, off_t(size - 3)) == 0)
        let reader = try StagingReader(path: path, offset: 0)
        #expect(try reader.next() == claim(1))
        #expect(throws: StagingCodec.Corrupt.self) { try reader.next() }
    }
}
