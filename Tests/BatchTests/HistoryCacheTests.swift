import Domain
import Foundation
import RunState
import Testing
@testable import Batch

/// The in-memory history answers as the state would.
@Suite struct HistoryCacheTests {
    /// A person the state does not hold starts empty; what an approved claim leaves is the
    /// person the next claim sees. Two spellings of one text (as bytes, the way SQLite keys
    /// them) are two persons.
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
        var year = YearAccumulators()
        year.criticalIllnessBurden = 12_345
        cache.setPerson(composed, PersonState(years: [2026: year], accountBalance: 7_00))
        #expect(cache.person(composed) == PersonState(years: [2026: year], accountBalance: 7_00))
        #expect(cache.person(decomposed) == PersonState())
        // Known now: the next batch does not read it again (an unread person would stop the run).
        try cache.prefetch([claim(composed)])
        #expect(cache.person(composed).accountBalance == 7_00)
    }
}
