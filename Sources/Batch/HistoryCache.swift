import Domain
import RunState

/// What earlier claims left behind, kept in memory while a file is adjudicated. Before a chunk
/// is decided, `prefetch` reads from the state everything its claims will look up, in a few
/// queries (issue 7: one point lookup per claim and table cost more than the adjudication).
/// Changes made by claims not yet committed live here only; the chunk commit writes them. The
/// cache is dropped when it grows large, so memory stays flat.
///
/// Every map holds what is known, absent rows included (`.some(nil)` / an empty `PersonState`).
final class HistoryCache {
    private let store: StateStore
    private var invoices: [PairKey: String?] = [:]
    /// A person the state does not hold is here as an empty `PersonState`.
    /// Keyed by bytes, as SQLite keys `person`: two spellings of one text are two persons.
    private var persons: [ByteText: PersonState] = [:]
    private var visits: [PairKey: (setlId: String, status: ClaimStatus)?] = [:]
    private let limit: Int

    init(store: StateStore, limit: Int) {
        self.store = store
        self.limit = limit
    }

    /// Reads, in one go, what `claims` will look up and the cache does not know yet.
    func prefetch(_ claims: [IngestedClaim]) throws {
        var keys = StateStore.HistoryKeys()
        for ingested in claims {
            switch ingested {
            case .invalid(let invalid):
                if let code = invalid.fixmedinsCode, let mdtrtId = invalid.mdtrtId,
                   visits[PairKey(code, mdtrtId)] == nil {
                    keys.visits.append(PairKey(code, mdtrtId))
                }
            case .valid(let claim):
                let visit = PairKey(claim.fixmedinsCode, claim.mdtrtId)
                if visits[visit] == nil { keys.visits.append(visit) }
                let invoice = PairKey(claim.fixmedinsCode, claim.invoiceNo)
                if invoices[invoice] == nil { keys.invoices.append(invoice) }
                if persons[ByteText(claim.psnNo)] == nil { keys.persons.append(claim.psnNo) }
            }
        }
        guard !keys.isEmpty else { return }
        let rows = try store.history(keys)
        for key in keys.invoices { invoices[key] = .some(rows.invoices[key]) }
        for psnNo in keys.persons { persons[ByteText(psnNo)] = rows.persons[ByteText(psnNo)] ?? PersonState() }
        for key in keys.visits { visits[key] = .some(rows.visits[key]) }
    }

    // The lookups answer from what `prefetch` read for the batch being decided (and what the
    // batch's own claims changed); a key it did not read is a bug in the caller.

    func approvedInvoice(fixmedinsCode: String, invoiceNo: String) -> String? {
        known(invoices[PairKey(fixmedinsCode, invoiceNo)], "invoice \(invoiceNo)")
    }

    func approve(invoice: PairKey, setlId: String) { invoices[invoice] = .some(setlId) }

    /// Everything the state keeps of a person, with what this batch's claims changed.
    func person(_ psnNo: String) -> PersonState {
        known(persons[ByteText(psnNo)], "the state of \(psnNo)")
    }

    /// What an approved claim left of its person, for the claims after it.
    func setPerson(_ psnNo: String, _ person: PersonState) { persons[ByteText(psnNo)] = person }

    /// The earlier result of the same visit that a new result supersedes: the latest one, if it
    /// was rejected (an approved one still stands; the new claim is then DUPLICATE_INVOICE or
    /// a second invoice, and names nothing it replaces).
    func supersededResult(fixmedinsCode: String?, mdtrtId: String?) -> String? {
        guard let fixmedinsCode, let mdtrtId else { return nil }
        guard let latest = known(visits[PairKey(fixmedinsCode, mdtrtId)], "visit \(mdtrtId)"),
              latest.status == .rejected else { return nil }
        return latest.setlId
    }

    private func known<T>(_ entry: T?, _ what: @autoclosure () -> String) -> T {
        guard let entry else { preconditionFailure("\(what()) was not read ahead for the batch") }
        return entry
    }

    func recordResult(_ claim: ClaimRecord) {
        guard let f = claim.fixmedinsCode, let m = claim.mdtrtId else { return }
        visits[PairKey(f, m)] = .some((claim.setlId, claim.status))
    }

    /// Whether the cache has grown large enough to be dropped (memory stays flat).
    var isLarge: Bool {
        invoices.count + persons.count + visits.count > limit
    }

    /// Forgets everything. Only when everything cached is also in the state: every claim it
    /// saw is committed.
    func drop() {
        invoices.removeAll()
        persons.removeAll()
        visits.removeAll()
    }
}
