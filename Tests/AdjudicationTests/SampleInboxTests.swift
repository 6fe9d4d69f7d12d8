import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Domain
import TextFormats
@testable import Adjudication
@testable import Reference

// The sample workspace end to end through the core: the sample reference data loaded by the
// loader, the sample inbox read by a minimal reader for the two formats (the real reader lives
// in Ingest), and every claim adjudicated in order with the history a batch run would keep.
// The expectations are those of Samples/README.md.

private let samplesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Samples").standardized.path

/// Fields of one claim as text, whichever the format.
private typealias Fields = [String: String]

private final class SubmissionXML: NSObject, XMLParserDelegate {
    var root: Fields = [:]
    var claims: [(Fields, [Fields])] = []
    private var current: Fields = [:]
    private var fees: [Fields] = []
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        text = ""
        switch name {
        case "submission": root = attributes
        case "claim": current = [:]; fees = []
        case "invoice":
            current["invoice_no"] = attributes["no"]; current["invoice_date"] = attributes["date"]
            current["invoice_amount"] = attributes["amount"]
        case "fee": fees.append(attributes)
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "claim": claims.append((current, fees))
        case "submission", "fees", "fee", "invoice": break
        default: current[name] = text
        }
    }
}

private func readSubmission(_ name: String) throws -> [(Fields, [Fields])] {
    let path = samplesDir + "/inbox/" + name
    if name.hasSuffix(".xml") {
        let delegate = SubmissionXML()
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        parser.delegate = delegate
        #expect(parser.parse())
        return delegate.claims.map { claim, fees in
            (claim.merging(["submitted": delegate.root["submitted"]!, "mode": delegate.root["mode"]!]) { a, _ in a },
             fees.map { ["fee_sn": $0["sn"]!, "fee_code": $0["code"]!, "fee_name": $0["name"]!, "fee_time": $0["time"]!,
                         "cnt": $0["cnt"]!, "pric": $0["pric"]!, "amount": $0["amount"]!] })
        }
    }
    let reader = try CSVReader(path: path)
    guard let header = try reader.next() else { return [] }
    let names = (0..<header.count).map { header.string($0) }
    var claims: [(Fields, [Fields])] = []
    while let record = try reader.next() {
        var row: Fields = [:]
        for (i, n) in names.enumerated() { row[n] = record.string(i) }
        if let last = claims.last, last.0["mdtrt_id"] == row["mdtrt_id"] {
            claims[claims.count - 1].1.append(row)
        } else {
            claims.append((row, [row]))
        }
    }
    return claims
}

private func makeClaim(_ f: Fields, _ fees: [Fields], submission: String, ordinal: Int) -> Claim {
    func money(_ s: String?, _ scale: Int) -> Int64 { try! DecimalText.parse(s!, scale: scale, allowNegative: true).get() }
    let lines = fees.map {
        FeeLine(sn: Int($0["fee_sn"]!)!, code: $0["fee_code"]!, name: $0["fee_name"]!, time: DateTime($0["fee_time"]!)!,
                cnt: money($0["cnt"], Scale.quantity), pric: money($0["pric"], Scale.price),
                amount: money($0["amount"], Scale.amount), sourceLine: 0)
    }
    return Claim(
        submission: submission, ordinal: ordinal, sourceLine: 0, fixmedinsCode: f["fixmedins_code"]!, mdtrtId: f["mdtrt_id"]!,
        psnNo: f["psn_no"]!, psnName: f["psn_name"]!, certno: f["certno"]!, insutype: Insutype(rawValue: f["insutype"]!)!,
        insuAdmdvs: f["insu_admdvs"]!, medType: MedType(rawValue: f["med_type"]!)!, begndate: Day(f["begndate"]!)!,
        enddate: Day(f["enddate"]!)!, diseCodg: f["dise_codg"]!, emergency: f["emergency"] == "1",
        invoiceNo: f["invoice_no"]!, invoiceDate: Day(f["invoice_date"]!)!,
        invoiceAmount: money(f["invoice_amount"], Scale.amount),
        documents: Set(f["documents"]!.split(separator: " ").map { DocumentCode(rawValue: String($0))! }),
        submitted: Day(f["submitted"]!)!, mode: SettlementMode(rawValue: f["mode"]!)!, lines: lines)
}

/// What a batch run keeps between claims, in memory.
private struct RunHistory {
    var invoices: [String: String] = [:]
    var stays: [String: [ApprovedStay]] = [:]
    var years: [String: YearAccumulators] = [:]
    var balances: [String: Fen] = [:]

    func history(for c: Claim) -> ClaimHistory {
        ClaimHistory(approvedInvoiceSetlId: invoices[c.fixmedinsCode + "|" + c.invoiceNo],
                     approvedStays: stays[c.psnNo] ?? [], year: years["\(c.psnNo)|\(c.enddate.year)"] ?? .empty,
                     accountBalance: balances[c.psnNo])
    }

    mutating func record(_ c: Claim, _ d: Decision, setlId: String) {
        guard d.status == .approved else { return }
        invoices[c.fixmedinsCode + "|" + c.invoiceNo] = setlId
        if c.medType == .inpatient { stays[c.psnNo, default: []].append(ApprovedStay(setlId: setlId, begndate: c.begndate, enddate: c.enddate)) }
        years["\(c.psnNo)|\(c.enddate.year)"] = d.year
        balances[c.psnNo] = d.accountBalance
    }
}

/// mdtrt_id → the claim-level reason codes expected (empty: approved without claim reasons);
/// a rejection's code is its only reason.
private let expected: [String: [ReasonCode]] = [
    "ZY20260201-0007": [], "ZY20260205-0118": [], "ZY20260206-0231": [.unfiledReduction],
    "ZY20260208-0318": [.missingDocuments], "MZ20260210-0402": [.identityMismatch], "MZ20260211-0415": [.invalidData],
    "ZY20260212-0520": [], "MZ20260215-0601": [.duplicateInvoice], "ZY20260216-0650": [.notFiled],
    "ZY20260209-0702": [.overlappingStay], "ZY20260210-0733": [], "MZ20260220-0801": [.notDesignated],
    "ZY20260203-1001": [], "ZY20260204-1022": [], "MZ20260206-1107": [], "ZY20260120-1150": [], "ZY20260210-1201": [],
    "MZ20260220-1250": [.invoiceTotalMismatch], "MZ20260223-1322": [],
    "MZ20260105-2001": [], "MZ20260212-2002": [], "MZ20260213-2003": [.notCovered], "MZ20260115-2004": [.notCovered],
    "MZ20260116-2005": [.unknownPerson], "MZ20250910-2006": [.lateSubmission], "MZ20250911-2007": [],
    "MZ20260218-2008": [.noBankAccount], "ZY20260120-2009": [.missingDocuments], "MZ20260219-2010": [],
    "ZY20260202-2011": [], "ZY20260203-2012": [],
    "ZY20260201-3001": [], "MZ20260205-3002": [.missingDocuments], "MZ20260206-3003": [], "MZ20260207-3004": [],
    "ZY20260110-3005": [], "MZ20260210-3006": [.noPolicy], "ZY20260212-3007": [],
    "ZY20260101-4001": [.annualCapReached], "ZY20260203-4002": [], "ZY20260204-4003": [.unfiledReduction],
    "ZY20260206-4004": [.unfiledReduction], "ZY20260115-4005": [],
]
/// Rejected by the reader before the core sees it (a certno with a wrong check character).
private let invalidOnIngest: Set<String> = ["MZ20260222-1301"]

@Test func theSampleInboxGivesWhatTheReadmeSays() throws {
    let reference = try ReferenceLoader.load(directory: samplesDir + "/reference")
    let adjudicator = Adjudicator(reference: reference)
    let names = try FileManager.default.contentsOfDirectory(atPath: samplesDir + "/inbox").sorted()
    var run = RunHistory()
    var decisions: [String: Decision] = [:]
    var lineReasons = Set<ReasonCode>()
    var seen = 0
    for name in names {
        for (i, (fields, fees)) in try readSubmission(name).enumerated() {
            let claim = makeClaim(fields, fees, submission: name, ordinal: i)
            seen += 1
            if invalidOnIngest.contains(claim.mdtrtId) {
                #expect(ResidentID.problem(with: claim.certno) != nil)
                continue
            }
            let d = adjudicator.adjudicate(claim, history: run.history(for: claim))
            run.record(claim, d, setlId: "\(name)#\(i)")
            decisions[claim.mdtrtId] = d
            #expect(d.reasonCodes == expected[claim.mdtrtId], "\(name) \(claim.mdtrtId): \(d.reasons)")
            #expect(d.status == ((expected[claim.mdtrtId]?.first?.isRejection ?? false) ? .rejected : .approved))
            for line in d.lines { lineReasons.formUnion(line.reasons.map(\.code)) }
        }
    }
    #expect(seen == expected.count + invalidOnIngest.count)
    // The worked example: payable 4575.66 to the person's card.
    #expect(decisions["ZY20260201-0007"]?.amounts.payable == 457_566)
    #expect(decisions["ZY20260201-0007"]?.amounts.funds == [.employeePooled: 357_566])
    // A per-year deductible over two claims of one person (杜强, local outpatient, level 3):
    // 1) inscp 300.00 + 150.00 + 180.00 = 630.00, all deductible; account 20.00 + 630.00 = 650.00.
    // 2) inscp 600.00 + 300.00 = 900.00; 370.00 of deductible left; 530.00 × 50% = 265.00.
    #expect(decisions["MZ20260105-2001"]?.amounts.actPayDedc == 63_000)
    #expect(decisions["MZ20260105-2001"]?.amounts.acctPay == 65_000)
    #expect(decisions["MZ20260212-2002"]?.amounts.actPayDedc == 37_000)
    #expect(decisions["MZ20260212-2002"]?.amounts.funds == [.employeePooled: 26_500])
    // Every line reason appears at least once.
    #expect(lineReasons == [.notInCatalogue, .catalogueNotEffective, .selfPayItem, .restrictedUse, .overPriceCap, .classBSelfPay])
    // Critical illness paid in the three CI samples.
    for id in ["ZY20260120-1150", "ZY20260110-3005", "ZY20260115-4005"] {
        #expect((decisions[id]?.amounts.funds[.residentsCriticalIllness] ?? 0) > 0, "\(id): \(String(describing: decisions[id]?.amounts)) \(String(describing: decisions[id]?.lines.map { ($0.code, $0.inscp, $0.reasons.map(\.code)) }))")
    }
}
