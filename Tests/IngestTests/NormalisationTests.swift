import Foundation
import Domain
import Ingest
import Testing

/// Checks of single values, through small CSV files written for each case.
@Suite struct NormalisationTests {
    static let header = "fixmedins_code,mdtrt_id,psn_no,psn_name,certno,insutype,insu_admdvs,med_type,begndate,enddate,dise_codg,emergency,invoice_no,invoice_date,invoice_amount,documents,submitted,mode,fee_sn,fee_code,fee_name,fee_time,cnt,pric,amount\n"
    static let claimColumns = "H31010400017,ZY20260201-0007,13010000000000123456,张伟,130102199001011237,310,130100,21,2026-02-01,2026-02-10,I21.9,0,3100126000123,2026-02-10,"

    /// A one-line claim with the given invoice amount and fee columns.
    private func read(invoice: String, fee: String, documents: String = "invoice fee_list") throws -> ReadOutcome {
        let folder = Paths.temporaryFolder()
        let path = folder + "/case.csv"
        try Paths.write(Self.header + Self.claimColumns + "\(invoice),\(documents),2026-03-01,manual,\(fee)\n", to: path)
        return try readSubmission(path)
    }

    @Test func amountToleranceIsInclusiveAtOneFen() throws {
        // 1 × 10.000001 = 10.000001: 10.01 is 0.009999 away (accepted), 9.99 is 0.010001 away (not).
        #expect(try read(invoice: "10.01", fee: "1,XA01,药,2026-02-01T09:30:00,1,10.000001,10.01").valid.count == 1)
        let off = try read(invoice: "9.99", fee: "1,XA01,药,2026-02-01T09:30:00,1,10.000001,9.99")
        #expect(off.invalid.first?.problems.map(\.field) == ["amount"])
        #expect(off.invalid.first?.problems.first?.message == "is not cnt × pric within 0.01 (1 × 10.000001 = 10.00)")
    }

    @Test func refundLineMustAlsoMatch() throws {
        // -2 × 5.50 = -11.00; -11.02 is 0.02 away.
        #expect(try read(invoice: "-0.00", fee: "1,XA01,药 退费,2026-02-01T09:30:00,-2,5.50,-11.00").valid.count == 1)
        #expect(try read(invoice: "0", fee: "1,XA01,药 退费,2026-02-01T09:30:00,-2,5.50,-11.02").invalid.count == 1)
    }

    /// Found by review: 1 × 0.00 = 0.00 and -0.01 is within 0.01 of it, but a negative amount
    /// on a positive quantity is a charge and a refund at once.
    @Test func anAmountOfTheOppositeSignOfItsQuantityIsInvalid() throws {
        let outcome = try read(invoice: "0.00", fee: "1,XA01,药,2026-02-01T09:30:00,1,0.00,-0.01")
        #expect(outcome.invalid.first?.problems.map(\.field) == ["amount"])
        #expect(outcome.invalid.first?.problems.first?.message == "has the opposite sign of cnt 1")
        #expect(try read(invoice: "0.00", fee: "1,XA01,药,2026-02-01T09:30:00,1,0.00,0.00").valid.count == 1)
    }

    @Test func amountsBeyondAnyClaimAreInvalid() throws {
        // 10,000,000,000.01 yuan is one fen above AmountLimits.maxAmount.
        let line = try read(invoice: "10000000000.01", fee: "1,XA01,药,2026-02-01T09:30:00,1,10000000000.01,10000000000.01")
        #expect(Set(line.invalid.first?.problems.map(\.field) ?? []) == ["amount", "invoice_amount"])
        #expect(try read(invoice: "10000000000.00", fee: "1,XA01,药,2026-02-01T09:30:00,1,10000000000.00,10000000000.00")
            .valid.count == 1)
    }

    @Test func decimalGrammar() throws {
        for bad in ["1e2", "+1", "1.", ".5", "\"1,5\"", "１", "1 000"] {
            let outcome = try read(invoice: "10.00", fee: "1,XA01,药,2026-02-01T09:30:00,\(bad),10.00,10.00")
            #expect(outcome.invalid.first?.problems.first?.field == "cnt", "cnt \(bad)")
        }
        // Quantities carry 4 decimals, amounts 2; zeros count.
        let outcome = try read(invoice: "10.00", fee: "1,XA01,药,2026-02-01T09:30:00,1.00000,10.00,10.00")
        #expect(outcome.invalid.first?.problems.first?.message == "has more than 4 decimal places")
    }

    /// A one-line claim of the given person.
    private func read(certno: String) throws -> ReadOutcome {
        let folder = Paths.temporaryFolder()
        let path = folder + "/certno.csv"
        let columns = Self.claimColumns.replacingOccurrences(of: "130102199001011237", with: certno)
        try Paths.write(Self.header + columns + "10.00,invoice,2026-03-01,manual,1,XA01,药,2026-02-01T09:30:00,1,10.00,10.00\n",
                        to: path)
        return try readSubmission(path)
    }

    /// GB 11643 writes the check character 10 as `X`; hospital systems type `x` too. The claim
    /// is read with `X`, so it matches the roster; a wrong check character is still wrong.
    @Test func aLowerCaseXCheckCharacterIsReadAsUpperCase() throws {
        #expect(try read(certno: "13010219900101004x").valid.first?.certno == "13010219900101004X")
        #expect(try read(certno: "13010219900101004X").valid.first?.certno == "13010219900101004X")
        let wrong = try read(certno: "13010219900101005x")
        #expect(wrong.invalid.first?.problems.map(\.field) == ["certno"])
        #expect(wrong.invalid.first?.problems.first?.value == "13010219900101005x")
        // Only the check character: an x anywhere else is not a digit.
        #expect(try read(certno: "1301021990010100x4").invalid.first?.problems.map(\.field) == ["certno"])
    }

    /// Found by review: an id with a NUL in it was stored whole by one statement and cut short
    /// by another, so a second claim on the same invoice was not seen as a duplicate. Ids with
    /// control characters are INVALID_DATA; the line and field are named.
    @Test func anIdWithAControlCharacterIsInvalid() throws {
        let folder = Paths.temporaryFolder()
        let path = folder + "/ids.csv"
        let fee = "10.00,invoice,2026-03-01,manual,1,XA01,药,2026-02-01T09:30:00,1,10.00,10.00\n"
        let withNul = Self.claimColumns.replacingOccurrences(of: "3100126000123", with: "31001\u{0}26000123")
        let withTab = Self.claimColumns.replacingOccurrences(of: "ZY20260201-0007", with: "ZY2026\t0201-0008")
        let clean = Self.claimColumns.replacingOccurrences(of: "ZY20260201-0007", with: "ZY20260201-0009")
        try Paths.write(Self.header + withNul + fee + withTab + fee + clean + fee, to: path)
        let outcome = try readSubmission(path)
        #expect(outcome.invalid.map { $0.problems.map(\.field) } == [["invoice_no"], ["mdtrt_id"]])
        #expect(outcome.invalid.map { $0.problems.map(\.line) } == [[2], [3]])
        #expect(outcome.invalid.first?.problems.first?.message == "contains a control character (U+0000)")
        #expect(outcome.invalid.last?.problems.first?.message == "contains a control character (U+0009)")
        #expect(outcome.valid.map(\.sourceLine) == [4])
    }

    /// The rows of one CSV claim agree on its certno whatever the case of its check character;
    /// another certno is still a disagreement.
    @Test func rowsAgreeOnACertnoTypedWithxAndX() throws {
        func claim(_ first: String, _ second: String) throws -> ReadOutcome {
            let path = Paths.temporaryFolder() + "/rows.csv"
            let row = { (certno: String, sn: Int) in
                Self.claimColumns.replacingOccurrences(of: "130102199001011237", with: certno)
                    + "20.00,invoice,2026-03-01,manual,\(sn),XA01,药,2026-02-01T09:30:00,1,10.00,10.00\n"
            }
            try Paths.write(Self.header + row(first, 1) + row(second, 2), to: path)
            return try readSubmission(path)
        }
        #expect(try claim("13010219900101004x", "13010219900101004X").valid.first?.certno == "13010219900101004X")
        let other = try claim("13010219900101004X", "130102199001011237")
        #expect(other.invalid.first?.problems.map(\.field) == ["certno"])
        #expect(other.invalid.first?.problems.first?.line == 3)
    }

    @Test func valuesAreTrimmed() throws {
        let outcome = try read(invoice: " 10.00 ", fee: " 1 ,XA01,药, 2026-02-01T09:30:00 ,1,10.00,10.00 ")
        #expect(outcome.valid.first?.invoiceAmount == 10_00)
    }

    @Test func rowsOfBlankFieldsAreSkipped() throws {
        let folder = Paths.temporaryFolder()
        let path = folder + "/blank.csv"
        let row = Self.claimColumns + "10.00,invoice,2026-03-01,manual,1,XA01,药,2026-02-01T09:30:00,1,10.00,10.00\n"
        try Paths.write(Self.header + " ,\t, \n" + row + "   \n", to: path)
        let outcome = try readSubmission(path)
        #expect(outcome.valid.map(\.sourceLine) == [3])
        #expect(outcome.summary?.lines == 1)
    }

    @Test func emptyDocumentsAreNotMissing() throws {
        let outcome = try read(invoice: "10.00", fee: "1,XA01,药,2026-02-01T09:30:00,1,10.00,10.00", documents: "")
        #expect(outcome.valid.first?.documents == [])
    }

    @Test func lineNumberMustBeDigits() throws {
        let outcome = try read(invoice: "10.00", fee: "A1,XA01,药,2026-02-01T09:30:00,1,10.00,10.00")
        #expect(outcome.invalid.first?.problems.map(\.field) == ["fee_sn"])
    }

    @Test func everyMissingFeeValueIsReported() throws {
        let outcome = try read(invoice: "10.00", fee: ",,,,,,")
        #expect(outcome.invalid.first?.problems.map(\.field) == ["fee_sn", "fee_code", "fee_name", "fee_time", "cnt", "pric", "amount"])
        // Nothing readable: no claimed amount but the invoice's.
        #expect(outcome.invalid.first?.claimedAmount == 10_00)
    }
}
