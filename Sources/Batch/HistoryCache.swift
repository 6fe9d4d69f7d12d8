import Domain
import RunState

/// What earlier claims left behind, read through from the state store and kept in memory while
/// a file is adjudicated. Changes made by claims not yet committed live here only; the chunk
/// commit writes them. The cache is dropped when it grows large, so memory stays flat.
final class HistoryCache {
    private let store: StateStore
    private var invoices: [String: String] = [:]
    private var staysByPerson: [String: [ApprovedStay]] = [:]
    private var years: [String: YearAccumulators?] = [:]
    private var balances: [String: Fen?] = [:]
    private var visits: [String: (setlId: String, status: ClaimStatus)] = [:]
    private static let limit = 100_000

    init(store: StateStore) { self.store = store }

    private static func key(_ a: String, _ b: String) -> String { a + "\u{1F}" + b }

    func approvedInvoice(fixmedinsCode: String, invoiceNo: String) throws -> String? {
        if let hit = invoices[Self.key(fixmedinsCode, invoiceNo)] { return hit }
        return try store.approvedInvoice(fixmedinsCode: fixmedinsCode, invoiceNo: invoiceNo)
    }

    func approve(invoice: (String, String), setlId: String) { invoices[Self.key(invoice.0, invoice.1)] = setlId }

    func stays(psnNo: String) throws -> [ApprovedStay] {
        if let hit = staysByPerson[psnNo] { return hit }
        let loaded = try store.approvedStays(psnNo: psnNo)
        staysByPerson[psnNo] = loaded
        return loaded
    }

    func addStay(psnNo: String, _ stay: ApprovedStay) throws {
        var list = try stays(psnNo: psnNo)
        list.append(stay)
        staysByPerson[psnNo] = list
    }

    func accumulators(psnNo: String, year: Int) throws -> YearAccumulators? {
        let key = Self.key(psnNo, String(year))
        if let hit = years[key] { return hit }
        let loaded = try store.accumulators(psnNo: psnNo, year: year)
        years[key] = .some(loaded)
        return loaded
    }

    func setAccumulators(psnNo: String, year: Int, _ value: YearAccumulators) {
        years[Self.key(psnNo, String(year))] = .some(value)
    }

    func accountBalance(psnNo: String) throws -> Fen? {
        if let hit = balances[psnNo] { return hit }
        let loaded = try store.accountBalance(psnNo: psnNo)
        balances[psnNo] = .some(loaded)
        return loaded
    }

    func setAccountBalance(psnNo: String, _ balance: Fen) { balances[psnNo] = .some(balance) }

    /// The earlier result of the same visit that a new result supersedes: the latest one, if it
    /// was rejected (an approved one still stands; the new claim is then DUPLICATE_INVOICE or
    /// a second invoice, and names nothing it replaces).
    func supersededResult(fixmedinsCode: String?, mdtrtId: String?) throws -> String? {
        guard let fixmedinsCode, let mdtrtId else { return nil }
        let latest: (setlId: String, status: ClaimStatus)?
        if let hit = visits[Self.key(fixmedinsCode, mdtrtId)] {
            latest = hit
        } else {
            latest = try store.latestResult(fixmedinsCode: fixmedinsCode, mdtrtId: mdtrtId)
        }
        guard let latest, latest.status == .rejected else { return nil }
        return latest.setlId
    }

    func recordResult(_ claim: ClaimRecord) {
        guard let f = claim.fixmedinsCode, let m = claim.mdtrtId else { return }
        visits[Self.key(f, m)] = (claim.setlId, claim.status)
    }

    /// Everything cached is now also in the state: drop it when it has grown large.
    func committed() {
        if invoices.count + staysByPerson.count + years.count + balances.count + visits.count > Self.limit {
            invoices.removeAll()
            staysByPerson.removeAll()
            years.removeAll()
            balances.removeAll()
            visits.removeAll()
        }
    }
}
