import Domain
import Foundation
import GRDB
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
        // The approved claims moved P1's state (a person is paid from their own row).
        chunk.persons = persons(["P1": PersonState()])
        try store.commit(chunk)
    }

    /// Release is one mark for the run (migration "v4"), not a flag per transfer: marking
    /// again changes nothing, and the run's transfers are read the same after it.
    @Test func aRunIsReleasedOnceWithAllItsTransfers() throws {
        _ = try store.assignTransfers(runId: run.id)
        func transfers() throws -> [TransferRecord] {
            var all: [TransferRecord] = []
            try store.forEachTransfer(runId: run.id) { transfer, _, _ in all.append(transfer) }
            return all
        }
        let before = try transfers()
        #expect(before.count == 2)
        #expect(try !store.transfersReleased(runId: run.id))
        try store.markTransfersReleased(runId: run.id)
        try store.markTransfersReleased(runId: run.id)
        #expect(try store.transfersReleased(runId: run.id))
        #expect(try transfers() == before)
        #expect(try !store.transfersReleased(runId: "R20260316-0002"))
        let marks = try store.db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM payment_release")! }
        #expect(marks == 1)
    }

    @Test func onePayeeOneTransferAndNothingForZero() throws {
        let totals = try store.assignTransfers(runId: run.id)
        // Hospital: 100.00 + 2.50 + 0.01 = 102.51; person: 4575.66 (the zero-payable claim adds nothing).
        #expect(totals.count == 2)
        #expect(totals.total == 10_251 + 457_566)
        var seen: [(String, Fen, Int, [String])] = []
        var payees: [Payee] = []
        try store.forEachTransfer(runId: run.id) { transfer, payee, ids in
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
        #expect(seen[0].3 == ["R20260316-0001-000001", "R20260316-0001-000002", "R20260316-0001-000003"])
        #expect(seen[1].3 == ["R20260316-0001-000004"])
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
        var year = YearAccumulators()
        year.criticalIllnessBurden = 12_345
        year.cumulativeBase = ["inpatient": 831_771]
        var earlier = YearAccumulators()
        earlier.fundPaid = [.employeePooled: 41_000]
        let p1 = PersonState(years: [2026: year, 2025: earlier], accountBalance: 30_000,
                             stays: [ApprovedStay(setlId: "S2", begndate: Day("2026-02-10")!, enddate: Day("2026-02-12")!),
                                     ApprovedStay(setlId: "S1", begndate: Day("2026-01-05")!, enddate: Day("2026-01-08")!)])
        // A person with accumulators only: no balance, no stays.
        let p3 = PersonState(years: [2026: year])
        chunk.persons = persons(["P3": p3, "P1": p1])
        try store.commit(chunk)

        var keys = StateStore.HistoryKeys()
        keys.invoices = [PairKey("H1", "I0"), PairKey("H1", "I3"), PairKey("H1", "I0"), PairKey("H2", "I3")]
        keys.visits = [PairKey("H1", "M5"), PairKey("H1", "M1"), PairKey("H1", "M9")]
        keys.persons = ["P1", "P2", "P1", "P3"]
        let rows = try store.history(keys)
        #expect(rows.invoices == [PairKey("H1", "I0"): "R20260316-0001-000001", PairKey("H1", "I3"): "R20260316-0001-000004"])
        // The fixture's claims: M1 the 2nd (approved), M5 the 6th (rejected); M9 none.
        #expect(rows.visits[PairKey("H1", "M5")]?.setlId == "R20260316-0001-000006")
        #expect(rows.visits[PairKey("H1", "M5")]?.status == .rejected)
        #expect(rows.visits[PairKey("H1", "M1")]?.status == .approved)
        #expect(rows.visits[PairKey("H1", "M9")] == nil)
        #expect(rows.persons[ByteText("P1")]?.stays.map(\.setlId) == ["S1", "S2"])  // by begndate
        #expect(texts(rows.persons) == ["P1": p1, "P3": p3])
        #expect(rows.persons[ByteText("P3")]?.accountBalance == nil)
    }

    /// The lookups' prepared statements are kept for the next batch: a shorter list of the
    /// same padded length must not find what the last value of the longer one found.
    @Test func aBatchDoesNotReadTheLastBatchsKeys() throws {
        var chunk = ChunkCommit(file: try store.files(of: run.id)[0], run: run)
        chunk.approvedInvoices = [("H1", "I3", "R20260316-0001-000004")]
        chunk.persons = persons(["P1": PersonState(accountBalance: 30_000)])
        try store.commit(chunk)

        var keys = StateStore.HistoryKeys()
        keys.invoices = ["I0", "I1", "I2", "I3"].map { PairKey("H1", $0) }  // I3 in the list's last place
        keys.persons = ["P2", "P3", "P4", "P1"]
        var rows = try store.history(keys)
        #expect(rows.invoices == [PairKey("H1", "I3"): "R20260316-0001-000004"])
        #expect(texts(rows.persons) == ["P1": PersonState(accountBalance: 30_000)])

        keys.invoices = ["I5", "I6", "I7"].map { PairKey("H1", $0) }  // 3 keys: the same 4 places
        keys.persons = ["P5", "P6", "P7"]
        rows = try store.history(keys)
        #expect(rows.invoices.isEmpty)
        #expect(rows.persons.isEmpty)
    }

    /// A lookup that fails half-way (a row it cannot read) leaves its statement ready: the
    /// reader's next batch sees what was committed since, not the state as it was then.
    @Test func aFailedLookupDoesNotFreezeTheNextOnes() throws {
        var chunk = ChunkCommit(file: try store.files(of: run.id)[0], run: run)
        chunk.persons = persons(["P1": PersonState(accountBalance: 1), "P2": PersonState(accountBalance: 2)])
        try store.commit(chunk)
        try store.db.write { db in try db.execute(sql: "UPDATE person SET years = 'garbage' WHERE psn_no = 'P1'") }
        var keys = StateStore.HistoryKeys()
        keys.persons = ["P1", "P2"]
        #expect(throws: PersonText.Malformed.self) { try store.history(keys) }
        var next = ChunkCommit(file: try store.files(of: run.id)[0], run: run)
        next.persons = persons(["P3": PersonState(accountBalance: 3)])
        try store.commit(next)
        keys.persons = ["P3"]
        #expect(texts(try store.history(keys).persons) == ["P3": PersonState(accountBalance: 3)])
    }

    /// A payee with more claims than a remittance names, over two checkpoints: the transfer
    /// counts and sums them all, and keeps the first six settlement ids, in claim order.
    @Test func aTransferKeepsItsFirstSixSettlementIds() throws {
        let file = try store.files(of: run.id)[0]
        let clinic = Payee(kind: .institution, id: "H2", name: "诊所", account: "9876543210", bankName: "建行",
                           bankCode: "105100000017")
        for part in [7...10, 11...14] {
            var chunk = ChunkCommit(file: file, run: run)
            chunk.claims = part.map { approved(run, $0, psnNo: "P1", payable: Fen($0), payee: clinic) }
            try store.commit(chunk)
        }
        #expect(try store.assignTransfers(runId: run.id) == (3, 10_251 + 457_566 + 84))
        var clinicTransfer: (TransferRecord, Payee, [String])?
        try store.forEachTransfer(runId: run.id) { transfer, payee, ids in
            if payee.id == "H2" { clinicTransfer = (transfer, payee, ids) }
        }
        // Payee order: institution H1, institution H2, then the person.
        #expect(clinicTransfer?.0.endToEndId == "R20260316-0001-T000002")
        #expect(clinicTransfer?.0.claims == 8)
        #expect(clinicTransfer?.0.amount == 84)  // 7 + 8 + ... + 14 fen
        #expect(clinicTransfer?.1 == clinic)
        #expect(clinicTransfer?.2 == (7...12).map { run.id + "-" + String(format: "%06d", $0) })
    }

    /// A person's running sum lives in their own row, and counts only for the run that made it:
    /// the next run that pays them starts again, and the first run's transfer is unchanged.
    @Test func aPersonsSumIsTheirRunsAlone() throws {
        let file = try store.files(of: run.id)[0]
        let zhang = Payee(kind: .person, id: "P1", name: "张伟", account: "6222021234567891233", bankName: "",
                          bankCode: "102121000011")
        for part in [7...10, 11...14] {  // 8 more claims of P1 over two checkpoints, i fen each
            var chunk = ChunkCommit(file: file, run: run)
            chunk.claims = part.map { approved(run, $0, psnNo: "P1", payable: Fen($0), payee: zhang) }
            chunk.persons = persons(["P1": PersonState(accountBalance: Fen(part.last!))])
            try store.commit(chunk)
        }
        #expect(try store.assignTransfers(runId: run.id) == (2, 10_251 + 457_566 + 84))
        var first: [(TransferRecord, Payee, [String])] = []
        try store.forEachTransfer(runId: run.id) { first.append(($0, $1, $2)) }
        #expect(first[1].0.amount == 457_566 + 84)
        #expect(first[1].0.claims == 9)
        #expect(first[1].1 == zhang)
        #expect(first[1].2 == [4, 7, 8, 9, 10, 11].map { run.id + "-" + String(format: "%06d", $0) })

        // The next run pays P1 once, under a new card; P2, paid nothing in the first run, is
        // approved with nothing payable: no transfer.
        let next = RunRecord(id: "R20260317-0002", seq: 2, kind: .run, phase: .adjudicating, startedAt: "2026-03-17T02:00:00",
                             endedAt: nil, policyVersion: "1", referenceJSON: "[]", claimsDone: 0, resultsBytes: 0,
                             rejectedBytes: 0, totalsJSON: "{}")
        let nextFile = RunFileRecord(runId: next.id, position: 0, name: "inbox/b.xml", sourcePath: "/x/b.xml",
                                     sha256: "cd", bytes: 1)
        try store.createRun(next, files: [nextFile])
        let newCard = Payee(kind: .person, id: "P1", name: "张伟", account: "6222021234567890000", bankName: "建行",
                            bankCode: "105100000017")
        var chunk = ChunkCommit(file: nextFile, run: next)
        chunk.claims = [approved(next, 1, psnNo: "P2", payable: 0, payee: nil),
                        approved(next, 2, psnNo: "P1", payable: 500, payee: newCard)]
        chunk.persons = persons(["P2": PersonState(), "P1": PersonState(accountBalance: 0)])
        try store.commit(chunk)
        #expect(try store.assignTransfers(runId: next.id) == (1, 500))
        var second: [(TransferRecord, Payee, [String])] = []
        try store.forEachTransfer(runId: next.id) { second.append(($0, $1, $2)) }
        #expect(second.map(\.0.endToEndId) == [next.id + "-T000001"])  // no institution before it
        #expect(second.map(\.0.claims) == [1])
        #expect(second.map(\.1) == [newCard])
        #expect(second.map(\.2) == [[next.id + "-000002"]])
        var again: [(TransferRecord, Payee, [String])] = []
        try store.forEachTransfer(runId: run.id) { again.append(($0, $1, $2)) }
        #expect(again.map(\.0) == first.map(\.0))
    }

    /// `psn_no` is keyed by its bytes, as SQLite keys it: two spellings of one text (composed
    /// and decomposed) are two persons, each with their own row and their own transfer.
    @Test func personsAreKeyedByTheirBytes() throws {
        let composed = "P\u{E9}"        // Pé
        let decomposed = "Pe\u{301}"    // Pé, e + combining acute
        #expect(composed == decomposed)  // to Swift's String, not to SQLite
        let file = try store.files(of: run.id)[0]
        var chunk = ChunkCommit(file: file, run: run)
        for (i, psnNo) in [composed, decomposed].enumerated() {
            chunk.claims.append(approved(run, 30 + i, psnNo: psnNo, payable: Fen(10 + i),
                                         payee: Payee(kind: .person, id: psnNo, name: "李娜", account: "6222",
                                                      bankName: "", bankCode: "102121000011")))
            chunk.persons[ByteText(psnNo)] = PersonState(accountBalance: Fen(i))
        }
        try store.commit(chunk)
        var keys = StateStore.HistoryKeys()
        keys.persons = [composed, decomposed]
        let rows = try store.history(keys)
        #expect(rows.persons[ByteText(composed)] == PersonState(accountBalance: 0))
        #expect(rows.persons[ByteText(decomposed)] == PersonState(accountBalance: 1))
        #expect(try store.assignTransfers(runId: run.id) == (4, 10_251 + 457_566 + 10 + 11))
        var amounts: [Fen] = []
        try store.forEachTransfer(runId: run.id) { transfer, _, _ in amounts.append(transfer.amount) }
        #expect(amounts.sorted() == [10, 11, 10_251, 457_566])
    }

    /// A claim payable to a person whose state the chunk does not write is a bug upstream: the
    /// commit fails whole rather than lose the payable.
    @Test func aPayableToAPersonWithoutStateIsRefused() throws {
        var chunk = ChunkCommit(file: try store.files(of: run.id)[0], run: run)
        chunk.claims = [approved(run, 20, psnNo: "P9", payable: 500,
                                 payee: Payee(kind: .person, id: "P9", name: "李娜", account: "6222", bankName: "",
                                              bankCode: "102121000011"))]
        #expect(throws: StateStore.LedgerError.self) { try store.commit(chunk) }
        let claims = try store.db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM claim")! }
        #expect(claims == 6)  // the fixture's only
    }

    /// A state written under "v2" (a table each for accumulators, balances and stays; persons'
    /// payee sums in `payee_total`), with a run killed before paying: opening it makes one row
    /// per person that reads back the same, and the run is paid as it would have been.
    @Test func aV2StateKeepsEveryPersonAndTheirSums() throws {
        let folder = NSTemporaryDirectory() + "medclaims-ledger-v2-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/state.sqlite"
        let old = try DatabaseQueue(path: path)
        try StateStore.migrator.migrate(old, upTo: "v2")
        var y2025 = YearAccumulators()
        y2025.deductibleUsed = ["outpatient": 100_000]
        var y2026 = YearAccumulators()
        y2026.cumulativeBase = ["inpatient": 831_771]
        y2026.criticalIllnessBurden = 490_010
        let s1 = ApprovedStay(setlId: "R0-000009", begndate: Day("2026-01-05")!, enddate: Day("2026-01-08")!)
        let s2 = ApprovedStay(setlId: "R0-000002", begndate: Day("2026-02-10")!, enddate: Day("2026-02-12")!)
        try old.write { db in
            try db.execute(sql: """
                INSERT INTO run (id, seq, kind, phase, started_at, policy_version, reference_json, totals_json)
                VALUES ('R1', 1, 'run', 'adjudicating', '2026-03-16T02:00:00', '1', '[]', '{}')
                """)
            for (psnNo, year, value) in [("P1", 2025, y2025), ("P1", 2026, y2026), ("P3", 2026, y2026)] {
                try db.execute(sql: "INSERT INTO accumulator (psn_no, year, value) VALUES (?, ?, ?)",
                               arguments: [psnNo, year, AccumulatorText.encode(value)])
            }
            try db.execute(sql: "INSERT INTO account (psn_no, balance) VALUES ('P1', 30000), ('P4', 0)")
            for (psnNo, stay) in [("P1", s2), ("P1", s1), ("P2", s1)] {
                try db.execute(sql: "INSERT INTO stay (psn_no, begndate, enddate, setl_id) VALUES (?, ?, ?, ?)",
                               arguments: [psnNo, stay.begndate.ordinal, stay.enddate.ordinal, stay.setlId])
            }
            try db.execute(sql: """
                INSERT INTO payee_total (run_id, payee_kind, payee_id, amount, claims, payee_name, payee_account,
                                         payee_bank_name, payee_bank_code, setl_ids)
                VALUES ('R1', 'person', 'P1', 12, 2, '张伟', '6222021234567891233', '', '102121000011', 'R1-000001 R1-000003'),
                       ('R1', 'person', 'P5', 4, 1, '李娜', '6222000000000000005', '工行', '102100000030', 'R1-000004'),
                       ('R1', 'institution', 'H9', 9, 1, '医院', '1234567890', '工行', '102100000030', 'R1-000002')
                """)
        }
        try old.close()

        let upgraded = try StateStore(path: path)
        var keys = StateStore.HistoryKeys()
        keys.persons = ["P1", "P2", "P3", "P4", "P5", "P6"]
        #expect(texts(try upgraded.history(keys).persons) == [
            "P1": PersonState(years: [2025: y2025, 2026: y2026], accountBalance: 30_000, stays: [s1, s2]),
            "P2": PersonState(stays: [s1]),
            "P3": PersonState(years: [2026: y2026]),
            "P4": PersonState(accountBalance: 0),
            "P5": PersonState(),  // a payee sum only
        ])
        let tables = try upgraded.db.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name IN ('accumulator', 'account', 'stay')")
        }
        #expect(tables.isEmpty)
        // Institution H9 first, then the persons in id order.
        #expect(try upgraded.assignTransfers(runId: "R1") == (3, 25))
        var seen: [(TransferRecord, Payee, [String])] = []
        try upgraded.forEachTransfer(runId: "R1") { seen.append(($0, $1, $2)) }
        #expect(seen.map(\.0.payeeId) == ["H9", "P1", "P5"])
        #expect(seen.map(\.0.amount) == [9, 12, 4])
        #expect(seen.map(\.0.claims) == [1, 2, 1])
        #expect(seen[1].1 == Payee(kind: .person, id: "P1", name: "张伟", account: "6222021234567891233", bankName: "",
                                   bankCode: "102121000011"))
        #expect(seen.map(\.2) == [["R1-000002"], ["R1-000001", "R1-000003"], ["R1-000004"]])
    }

    /// A state written by the first release (migration "v1"), with a run killed while paying
    /// (transfers recorded, files not released), one killed before paying (claims only) and
    /// one long paid. Opening it gives the first its transfers' payees and ids and the second
    /// its payee sums, both from their claims; the paid one is left alone.
    @Test func aV1StateIsPaidAsItWouldHaveBeen() throws {
        let folder = NSTemporaryDirectory() + "medclaims-ledger-v1-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/state.sqlite"
        let old = try DatabaseQueue(path: path)
        try StateStore.migrator.migrate(old, upTo: "v1")
        try old.write { db in
            for (seq, id, phase) in [(1, "R0", "completed"), (2, "R1", "paying"), (3, "R2", "adjudicating")] {
                try db.execute(sql: """
                    INSERT INTO run (id, seq, kind, phase, started_at, policy_version, reference_json, totals_json)
                    VALUES (?, ?, 'run', ?, '2026-03-16T02:00:00', '1', '[]', '{}')
                    """, arguments: [id, seq, phase])
            }
            // The payee of a transfer is as recorded on its first claim: later claims of P1 carry
            // another name. R1: 7 claims of P1, transfer recorded. R0: 1 claim, released. R2: P1 twice, H9 once, a zero.
            let claims: [(String, String, Int, String)] = (1...7).map { ("R1", "R1-00000\($0)", 100 * $0, "P1") }
                + [("R0", "R0-000001", 800, "P1"),
                   ("R2", "R2-000001", 5, "P1"), ("R2", "R2-000002", 0, "P1"), ("R2", "R2-000003", 7, "P1"),
                   ("R2", "R2-000004", 9, "H9")]
            for (i, c) in claims.enumerated() {
                try db.execute(sql: """
                    INSERT INTO claim (setl_id, run_id, file_position, ordinal, status, payable, payee_kind, payee_id,
                        payee_name, payee_account, payee_bank_name, payee_bank_code)
                    VALUES (?, ?, 0, ?, 'approved', ?, ?, ?, ?, '6222021234567891233', '', '102121000011')
                    """, arguments: [c.1, c.0, i, c.2, c.3 == "H9" ? "institution" : "person", c.3,
                                     c.3 == "H9" ? "医院" : ["R1-000001", "R2-000001"].contains(c.1) ? "张伟" : "张伟（新卡）"])
            }
            try db.execute(sql: """
                INSERT INTO transfer (end_to_end_id, run_id, seq, payee_kind, payee_id, amount, claims, released)
                VALUES ('R1-T000001', 'R1', 1, 'person', 'P1', 2800, 7, 0),
                       ('R0-T000001', 'R0', 1, 'person', 'P1', 800, 1, 1)
                """)
        }
        try old.close()

        let upgraded = try StateStore(path: path)
        // Sums for R2 only: R1's transfers are recorded, R0 is completed.
        let sums = try upgraded.db.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT run_id FROM payee_total") }
        #expect(sums == ["R2"])
        let zhang = Payee(kind: .person, id: "P1", name: "张伟", account: "6222021234567891233", bankName: "",
                          bankCode: "102121000011")
        func transfers(_ runId: String) throws -> [(TransferRecord, Payee, [String])] {
            var seen: [(TransferRecord, Payee, [String])] = []
            try upgraded.forEachTransfer(runId: runId) { seen.append(($0, $1, $2)) }
            return seen
        }
        let r1 = try transfers("R1")
        #expect(r1.map(\.1) == [zhang])
        #expect(r1.map(\.2) == [(1...6).map { "R1-00000\($0)" }])
        // A released transfer's files are never written again: it is not filled in, and the
        // ledger refuses to name it rather than pay an empty payee.
        #expect(throws: StateStore.LedgerError.self) { try transfers("R0") }
        // Released stays released (v4 makes R0's transfers one release mark), R1 is still to pay.
        #expect(try upgraded.transfersReleased(runId: "R0"))
        #expect(try !upgraded.transfersReleased(runId: "R1"))
        // R2 is paid from the sums the migration made: institution H9 first, then P1 (5 + 7 fen).
        #expect(try upgraded.assignTransfers(runId: "R2") == (2, 21))
        let r2 = try transfers("R2")
        #expect(r2.map(\.0.endToEndId) == ["R2-T000001", "R2-T000002"])
        #expect(r2.map(\.0.amount) == [9, 12])
        #expect(r2.map(\.0.claims) == [1, 2])
        #expect(r2.map(\.1.name) == ["医院", "张伟"])
        #expect(r2.map(\.2) == [["R2-000004"], ["R2-000001", "R2-000003"]])
    }
}

/// Persons read back, by their texts (the tests' ids are ASCII: one spelling each).
func texts(_ persons: [ByteText: PersonState]) -> [String: PersonState] {
    Dictionary(uniqueKeysWithValues: persons.map { ($0.key.text, $0.value) })
}

/// Persons for a chunk, by their bytes.
func persons(_ byText: [String: PersonState]) -> [ByteText: PersonState] {
    Dictionary(uniqueKeysWithValues: byText.map { (ByteText($0.key), $0.value) })
}

/// The `n`th claim of `run` (settlement id `RUN-00000n`), approved, of hospital H1, with its
/// own visit and invoice (`Mn`, `In`).
func approved(_ run: RunRecord, _ n: Int, psnNo: String, payable: Fen, payee: Payee?) -> ClaimRecord {
    ClaimRecord(setlId: run.id + "-" + String(format: "%06d", n), runId: run.id, filePosition: 0, ordinal: n,
                fixmedinsCode: "H1", mdtrtId: "M\(n)", invoiceNo: "I\(n)", psnNo: psnNo, status: .approved, reason: nil,
                payable: payable, payee: payee)
}
