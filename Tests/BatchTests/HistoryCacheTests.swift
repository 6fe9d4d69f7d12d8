import Domain
import Foundation
import RunState
import Testing
@testable import Batch

/// The in-memory history answers as the state would.
@Suite struct HistoryCacheTests {
    /// A reason names the first overlapping stay of a person's list, so the list kept in memory
    /// is in the state's order (begin date, then settlement id): the same stay is named whether
    /// the list was read back after a drop or a resume, or grew in memory.
    @Test func staysAddedInMemoryKeepTheStatesOrder() throws {
        let folder = NSTemporaryDirectory() + "medclaims-cache-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let cache = HistoryCache(store: try StateStore(path: folder + "/state.sqlite"), limit: 10)
        let claim = Claim(submission: "SUB-T", ordinal: 0, sourceLine: 3, fixmedinsCode: "H1", mdtrtId: "ZY1", psnNo: "P1",
                          psnName: "张伟", certno: "130102198001011234", insutype: .employee, insuAdmdvs: "130100",
                          medType: .inpatient, begndate: Day("2026-02-20")!, enddate: Day("2026-02-21")!,
                          diseCodg: "I21.9", emergency: false, invoiceNo: "I1", invoiceDate: Day("2026-02-21")!,
                          invoiceAmount: 0, documents: [.invoice], submitted: Day("2026-03-01")!, mode: .manual,
                          lines: [])
        try cache.prefetch([.valid(claim)])
        #expect(cache.stays(psnNo: "P1").isEmpty)
        cache.addStay(psnNo: "P1", ApprovedStay(setlId: "R2-000003", begndate: Day("2026-03-01")!, enddate: Day("2026-03-02")!))
        cache.addStay(psnNo: "P1", ApprovedStay(setlId: "R2-000002", begndate: Day("2026-01-10")!, enddate: Day("2026-02-05")!))
        cache.addStay(psnNo: "P1", ApprovedStay(setlId: "R2-000004", begndate: Day("2026-02-01")!, enddate: Day("2026-02-03")!))
        cache.addStay(psnNo: "P1", ApprovedStay(setlId: "R2-000001", begndate: Day("2026-02-01")!, enddate: Day("2026-02-09")!))
        #expect(cache.stays(psnNo: "P1").map(\.setlId) == ["R2-000002", "R2-000001", "R2-000004", "R2-000003"])
    }

    /// A person the state does not hold starts empty; what the batch's claims change is the
    /// person the next claim sees, and what the chunk writes. Two spellings of one text (as
    /// bytes, the way SQLite keys them) are two persons.
    @Test func aPersonsChangesAreTheirsAlone() throws {
        let folder = NSTemporaryDirectory() + "medclaims-cache-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let cache = HistoryCache(store: try StateStore(path: folder + "/state.sqlite"), limit: 10)
        func claim(_ psnNo: String) -> IngestedClaim {
            .valid(Claim(submission: "SUB-T", ordinal: 0, sourceLine: 3, fixmedinsCode: "H1", mdtrtId: "MZ1", psnNo: psnNo,
                         psnName: "张伟", certno: "130102198001011234", insutype: .employee, insuAdmdvs: "130100",
                         medType: .generalOutpatient, begndate: Day("2026-02-20")!, enddate: Day("2026-02-20")!,
                         diseCodg: "I21.9", emergency: false, invoiceNo: "I1", invoiceDate: Day("2026-02-20")!,
                         invoiceAmount: 0, documents: [.invoice], submitted: Day("2026-03-01")!, mode: .manual, lines: []))
        }
        let composed = "P\u{E9}", decomposed = "Pe\u{301}"
        try cache.prefetch([claim(composed), claim(decomposed)])
        #expect(cache.person(composed) == PersonState())
        #expect(cache.accumulators(psnNo: composed, year: 2026) == nil)
        #expect(cache.accountBalance(psnNo: composed) == nil)
        var year = YearAccumulators()
        year.criticalIllnessBurden = 12_345
        cache.setAccumulators(psnNo: composed, year: 2026, year)
        cache.setAccountBalance(psnNo: composed, 7_00)
        #expect(cache.person(composed) == PersonState(years: [2026: year], accountBalance: 7_00))
        #expect(cache.accumulators(psnNo: composed, year: 2025) == nil)
        #expect(cache.person(decomposed) == PersonState())
    }
}
