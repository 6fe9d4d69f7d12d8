import Domain
import Foundation
import Testing
@testable import RunState

/// The payment ledger on a real SQLite file: each payable claim in exactly one transfer per
/// payee, zero payables in none, the same transfers however often it is asked.
@Suite struct LedgerTests {
    let store: StateStore
    let run: RunRecord

    init() throws {
        let folder = NSTemporaryDirectory() + "medclaims-ledger-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        store = try StateStore(path: folder + "/state.sqlite")
        run = RunRecord(id: "R20260316-0001", seq: 1, kind: .run, phase: .adjudicating, startedAt: "2026-03-16T02:00:00",
                        endedAt: nil, policyVersion: "1", referenceJSON: "[]", claimsDone: 0, resultsBytes: 0,
                        rejectedBytes: 0, totalsJSON: "{}")
        let file = RunFileRecord(runId: run.id, position: 0, name: "inbox/a.xml", sourcePath: "/x/a.xml", sha256: "ab", bytes: 1)
        try store.createRun(run, files: [file])
        let hospital = Payee(kind: .institution, id: "H1", name: "医院<&>", account: "1234567890", bankName: "工行",
                             bankCode: "102100000030")
        // No bank name (the roster may leave it empty): it must come back empty, not NULL.
        let person = Payee(kind: .person, id: "P1", name: "张伟", account: "6222021234567891233", bankName: "",
                           bankCode: "102121000011")
        var chunk = ChunkCommit(file: file, run: run)
        // Three direct claims of one hospital, one manual claim of a person, one approved claim
        // with nothing payable, one rejected claim.
        let claims: [(Fen, Payee?, ClaimStatus)] = [(100_00, hospital, .approved), (2_50, hospital, .approved),
                                                    (1, hospital, .approved), (457_566, person, .approved),
                                                    (0, person, .approved), (0, nil, .rejected)]
        for (i, c) in claims.enumerated() {
            chunk.claims.append(ClaimRecord(setlId: run.id + "-" + String(format: "%06d", i + 1), runId: run.id,
                                            filePosition: 0, ordinal: i, fixmedinsCode: "H1", mdtrtId: "M\(i)",
                                            invoiceNo: "I\(i)", psnNo: "P1", status: c.2,
                                            reason: c.2 == .rejected ? "NOT_FILED" : nil, payable: c.0, payee: c.1))
        }
        try store.commit(chunk)
    }

    @Test func onePayeeOneTransferAndNothingForZero() throws {
        let totals = try store.assignTransfers(runId: run.id)
        // Hospital: 100.00 + 2.50 + 0.01 = 102.51; person: 4575.66 (the zero-payable claim adds nothing).
        #expect(totals.count == 2)
        #expect(totals.total == 10_251 + 457_566)
        var seen: [(String, Fen, Int, [String])] = []
        var payees: [Payee] = []
        try store.forEachTransfer(runId: run.id, setlIdLimit: 2) { transfer, payee, ids in
            seen.append((transfer.endToEndId + " " + payee.name, transfer.amount, transfer.claims, ids))
            payees.append(payee)
        }
        // Each payee exactly as its claims recorded it.
        #expect(payees == [Payee(kind: .institution, id: "H1", name: "医院<&>", account: "1234567890", bankName: "工行",
                                 bankCode: "102100000030"),
                           Payee(kind: .person, id: "P1", name: "张伟", account: "6222021234567891233", bankName: "",
                                 bankCode: "102121000011")])
        #expect(seen.map(\.0) == ["R20260316-0001-T000001 医院<&>", "R20260316-0001-T000002 张伟"])
        #expect(seen.map(\.1) == [10_251, 457_566])
        #expect(seen.map(\.2) == [3, 1])
        #expect(seen[0].3 == ["R20260316-0001-000001", "R20260316-0001-000002"])
    }

    @Test func askingAgainGivesTheSameTransfersNeverASecondSet() throws {
        let first = try store.assignTransfers(runId: run.id)
        let again = try store.assignTransfers(runId: run.id)
        #expect(first.count == 2)
        #expect(first == again)
        #expect(try store.transferTotals(runId: run.id) == first)
    }

    @Test func anInvoiceIsApprovedOnceEver() throws {
        var chunk = ChunkCommit(file: try store.files(of: run.id)[0], run: run)
        chunk.approvedInvoices = [("H1", "I0", "R20260316-0001-000001")]
        try store.commit(chunk)
        #expect(try approvedInvoice("I0") == "R20260316-0001-000001")
        var twice = ChunkCommit(file: try store.files(of: run.id)[0], run: run)
        twice.approvedInvoices = [("H1", "I0", "R20260316-0001-000009")]
        #expect(throws: (any Error).self) { try store.commit(twice) }
        // The failed transaction left nothing behind.
        #expect(try approvedInvoice("I0") == "R20260316-0001-000001")
    }

    func approvedInvoice(_ number: String) throws -> String? {
        var keys = StateStore.HistoryKeys()
        keys.invoices = [PairKey("H1", number)]
        return try store.history(keys).invoices[PairKey("H1", number)]
    }

    /// What a batch reads ahead: present rows found, absent ones absent, in lists that are
    /// padded to a power of two (3 keys → 4 places) and may repeat a key.
    @Test func aBatchReadsItsHistoryInOneGo() throws {
        var chunk = ChunkCommit(file: try store.files(of: run.id)[0], run: run)
        chunk.approvedInvoices = [("H1", "I0", "R20260316-0001-000001"), ("H1", "I3", "R20260316-0001-000004")]
        chunk.stays = [("P1", ApprovedStay(setlId: "S2", begndate: Day("2026-02-10")!, enddate: Day("2026-02-12")!)),
                       ("P1", ApprovedStay(setlId: "S1", begndate: Day("2026-01-05")!, enddate: Day("2026-01-08")!))]
        var year = YearAccumulators()
        year.criticalIllnessBurden = 12_345
        chunk.accumulators = [("P1", 2026, year)]
        chunk.accountBalances = [("P1", 30_000)]
        try store.commit(chunk)

        var keys = StateStore.HistoryKeys()
        keys.invoices = [PairKey("H1", "I0"), PairKey("H1", "I3"), PairKey("H1", "I0"), PairKey("H2", "I3")]
        keys.visits = [PairKey("H1", "M5"), PairKey("H1", "M1"), PairKey("H1", "M9")]
        keys.stayPersons = ["P1", "P2"]
        keys.years = [PersonYear(psnNo: "P1", year: 2026), PersonYear(psnNo: "P1", year: 2025)]
        keys.balancePersons = ["P1", "P2", "P1"]
        let rows = try store.history(keys)
        #expect(rows.invoices == [PairKey("H1", "I0"): "R20260316-0001-000001", PairKey("H1", "I3"): "R20260316-0001-000004"])
        // The fixture's claims: M1 the 2nd (approved), M5 the 6th (rejected); M9 none.
        #expect(rows.visits[PairKey("H1", "M5")]?.setlId == "R20260316-0001-000006")
        #expect(rows.visits[PairKey("H1", "M5")]?.status == .rejected)
        #expect(rows.visits[PairKey("H1", "M1")]?.status == .approved)
        #expect(rows.visits[PairKey("H1", "M9")] == nil)
        #expect(rows.stays["P1"]?.map(\.setlId) == ["S1", "S2"])  // by begndate
        #expect(rows.stays["P2"] == nil)
        #expect(rows.years == [PersonYear(psnNo: "P1", year: 2026): year])
        #expect(rows.balances == ["P1": 30_000])
    }
}
