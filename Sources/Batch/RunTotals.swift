import Domain
import Foundation

/// The run's counts and totals, kept as the claims are adjudicated and committed with every
/// chunk, so `summary.json` and `report.html` need no second pass over the results.
struct RunTotals: Codable {
    var counts = RunSummary.Counts()
    var totals = RunSummary.Totals()
    var institutions: [String: RunSummary.InstitutionLine] = [:]

    mutating func add(_ r: ClaimResult) {
        counts.claims += 1
        let claimed = r.claimedAmt?.fen ?? 0
        totals.claimedAmt.fen += claimed
        switch r.status {
        case .approved:
            counts.approved += 1
            totals.medfeeSumamt.fen += r.medfeeSumamt.fen
            totals.fundPaySumamt.fen += r.fundPaySumamt.fen
            for (fund, amount) in r.funds { totals.funds[fund, default: Yuan(0)].fen += amount.fen }
            totals.acctPay.fen += r.acctPay.fen
            totals.psnCashPay.fen += r.psnCashPay.fen
            totals.payable.fen += r.payable.fen
            // Counted per code first, then added once per code: a claim has a dozen reductions
            // of two or three codes, and hashing the code's text for each cost more than all
            // the sums here (issue 7).
            var tally = ReasonTally()
            for reason in r.reasons { tally.add(reason.code) }
            for line in r.lines {
                for reason in line.reasons { tally.add(reason.code) }
            }
            tally.forEachCount { code, n in counts.reductionsByReason[code.rawValue, default: 0] += n }
        case .rejected:
            counts.rejected += 1
            totals.rejectedClaimedAmt.fen += claimed
            let code = r.reasons.first?.code.rawValue ?? ReasonCode.invalidData.rawValue
            counts.rejectedByReason[code, default: 0] += 1
        }
        let key = r.fixmedinsCode ?? "(unreadable)"
        // Updated in place: no copy of the line out of the dictionary and back per claim.
        institutions[key, default: RunSummary.InstitutionLine(
            fixmedinsCode: key, fixmedinsName: nil, claims: 0, rejected: 0,
            rejectedClaimedAmt: Yuan(0), payable: Yuan(0))].add(r, claimed: claimed)
    }

    /// Adds another part of the run's totals (sums and counts: the order of adding does not
    /// change the result).
    mutating func add(_ other: RunTotals) {
        counts.claims += other.counts.claims
        counts.approved += other.counts.approved
        counts.rejected += other.counts.rejected
        counts.rejectedByReason.merge(other.counts.rejectedByReason, uniquingKeysWith: +)
        counts.reductionsByReason.merge(other.counts.reductionsByReason, uniquingKeysWith: +)
        let t = other.totals
        totals.claimedAmt.fen += t.claimedAmt.fen
        totals.rejectedClaimedAmt.fen += t.rejectedClaimedAmt.fen
        totals.medfeeSumamt.fen += t.medfeeSumamt.fen
        totals.fundPaySumamt.fen += t.fundPaySumamt.fen
        for (fund, amount) in t.funds { totals.funds[fund, default: Yuan(0)].fen += amount.fen }
        totals.acctPay.fen += t.acctPay.fen
        totals.psnCashPay.fen += t.psnCashPay.fen
        totals.payable.fen += t.payable.fen
        institutions.merge(other.institutions) { mine, theirs in
            var line = mine
            line.claims += theirs.claims
            line.rejected += theirs.rejected
            line.rejectedClaimedAmt.fen += theirs.rejectedClaimedAmt.fen
            line.payable.fen += theirs.payable.fen
            if line.fixmedinsName == nil { line.fixmedinsName = theirs.fixmedinsName }
            return line
        }
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    static func from(json: String) throws -> RunTotals {
        try JSONDecoder().decode(RunTotals.self, from: Data(json.utf8))
    }
}

extension RunSummary.InstitutionLine {
    mutating func add(_ r: ClaimResult, claimed: Fen) {
        claims += 1
        if fixmedinsName == nil { fixmedinsName = r.fixmedinsName }
        if r.status == .rejected {
            rejected += 1
            rejectedClaimedAmt.fen += claimed
        }
        payable.fen += r.payable.fen
    }
}

/// Counts by reason code, in an array indexed by the code's place among all codes.
struct ReasonTally {
    private static let codes = ReasonCode.allCases
    private var counts = [Int](repeating: 0, count: ReasonTally.codes.count)

    mutating func add(_ code: ReasonCode) {
        counts[Self.codes.firstIndex(of: code)!] += 1
    }

    /// Each code counted at least once, with its count, in the order of `ReasonCode`.
    func forEachCount(_ body: (ReasonCode, Int) -> Void) {
        for (i, n) in counts.enumerated() where n > 0 { body(Self.codes[i], n) }
    }
}
