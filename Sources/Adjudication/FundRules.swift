import Domain

/// rules.md §3: deductible, tiers over the cumulative base, rounding once per fund, annual
/// caps, critical illness, personal account, payable.
struct FundRules {
    let claim: Claim
    let admitted: AdmittedClaim

    struct Outcome {
        var actPayDedc: Fen = 0
        var funds: [Fund: Fen] = [:]
        var fundPaySumamt: Fen = 0
        var acctPay: Fen = 0
        var reasons: [Reason] = []
        var year: YearAccumulators
        var accountBalance: Fen?
    }

    /// Exact running sums of piece × ratio per fund, in the order the funds first appear.
    private struct FundSums {
        var entries: [(fund: Fund, numerator: Int128)] = []

        mutating func add(_ fund: Fund, piece: Fen, ratio: BasisPoints) {
            let product = Int128(piece) * Int128(ratio)
            if let i = entries.firstIndex(where: { $0.fund == fund }) {
                entries[i].numerator += product
            } else {
                entries.append((fund, product))
            }
        }
    }

    func settle(lines: ClaimAmounts, history: ClaimHistory) -> Outcome {
        let region = admitted.region
        let scheme = admitted.scheme
        let group = admitted.group
        let level = admitted.institution.level
        let inscp = lines.inscpScpAmt
        var out = Outcome(year: history.year, accountBalance: history.accountBalance)

        // 1. Deductible (起付线).
        let std = group.deductibleByLevel[level] ?? 0  // the loader requires every level
        let remaining: Fen
        switch group.deductibleScope {
        case .perAdmission: remaining = std
        case .perYear: remaining = max(0, std - (history.year.deductibleUsed[group.name] ?? 0))
        }
        out.actPayDedc = min(inscp, remaining)
        if group.deductibleScope == .perYear, out.actPayDedc > 0 {
            out.year.deductibleUsed[group.name, default: 0] += out.actPayDedc
        }

        // 2. The base B, cut by the tiers over [A, A + B).
        let b = inscp - out.actPayDedc
        let a = history.year.cumulativeBase[group.name] ?? 0
        var adjustment: BasisPoints = 0
        if admitted.person.psnType.isRetired { adjustment += group.retireeBonus }
        if admitted.unfiledCare, case .reduce(let pct) = region.unfiled {
            adjustment -= pct
            out.reasons.append(Reason(
                .unfiledReduction,
                detail: "care in \(admitted.institution.admdvs) is cross-region from \(claim.insuAdmdvs), not filed and not emergency: every tier ratio less \(Text.percent(pct))",
                basis: PolicyPath.region(region.code) + ".unfiled.reduction_pct"))
        }
        var sums = FundSums()
        var lower: Fen = 0
        for tier in group.tiers {
            let upper = tier.upto ?? Fen.max
            let from = max(a, lower)
            let to = min(a + b, upper)
            if to > from {
                let ratio = clampRatio((tier.ratioByLevel[level] ?? 0) + adjustment)
                sums.add(tier.fund, piece: to - from, ratio: ratio)
            }
            guard let bound = tier.upto else { break }
            lower = bound  // base above a last bounded tier is paid by no fund
        }
        if b > 0 { out.year.cumulativeBase[group.name, default: 0] += b }

        // 3. Each fund rounded once, then cut to its annual cap.
        for (fund, numerator) in sums.entries {
            var pay = Rounding.halfUp(numerator, Int128(BasisPoints.whole))
            if let cap = scheme.annualCaps[fund] {
                pay = capped(pay, fund: fund, caps: [(cap, .annualCap(fund))], outcome: &out)
            }
            record(pay, to: fund, outcome: &out)
        }

        // 4. Critical illness on the in-scope burden (residents).
        if claim.insutype == .resident, let ci = scheme.criticalIllness {
            let step3 = out.funds.values.reduce(0, +)
            let burden = inscp - step3
            let p = history.year.criticalIllnessBurden
            // The part of [P, P + burden) above the threshold, in "above threshold" coordinates.
            let from = max(p - ci.threshold, 0)
            let to = p + burden - ci.threshold
            if to > from {
                var numerator: Int128 = 0
                var lower: Fen = 0
                for tier in ci.tiers {
                    let upper = tier.upto ?? Fen.max
                    let pieceFrom = max(from, lower)
                    let pieceTo = min(to, upper)
                    if pieceTo > pieceFrom { numerator += Int128(pieceTo - pieceFrom) * Int128(tier.ratio) }
                    guard let bound = tier.upto else { break }
                    lower = bound
                }
                var pay = Rounding.halfUp(numerator, Int128(BasisPoints.whole))
                var caps: [(Fen, CapKey)] = []
                if let cap = ci.annualCap { caps.append((cap, .criticalIllness)) }
                if let cap = scheme.annualCaps[ci.fund] { caps.append((cap, .annualCap(ci.fund))) }
                pay = capped(pay, fund: ci.fund, caps: caps, outcome: &out)
                record(pay, to: ci.fund, outcome: &out)
            }
            if burden > 0 { out.year.criticalIllnessBurden += burden }
        }

        // 5. All funds.
        out.fundPaySumamt = out.funds.values.reduce(0, +)
        let psnPart = lines.medfeeSumamt - out.fundPaySumamt

        // 6. Personal account (employees): runs down across all the person's claims.
        let balance = history.accountBalance ?? admitted.person.accountBalance
        out.accountBalance = balance
        if claim.insutype == .employee {
            let eligible: Fen
            switch scheme.personalAccount {
            case .none: eligible = 0
            case .inScopeSelfPay: eligible = lines.preselfpayAmt + (inscp - out.fundPaySumamt)
            case .allSelfPay: eligible = psnPart
            }
            out.acctPay = max(0, min(eligible, balance))
            out.accountBalance = balance - out.acctPay
        }
        return out
    }

    private func clampRatio(_ ratio: BasisPoints) -> BasisPoints { min(max(ratio, 0), BasisPoints.whole) }

    private func record(_ pay: Fen, to fund: Fund, outcome: inout Outcome) {
        outcome.funds[fund, default: 0] += pay
        if pay > 0 { outcome.year.fundPaid[fund, default: 0] += pay }
    }

    /// The policy key of a cap, made a basis only when the cap cuts.
    private enum CapKey {
        case annualCap(Fund)
        case criticalIllness
    }

    private func basis(_ key: CapKey) -> String {
        let scheme = PolicyPath.scheme(admitted.region.code, claim.insutype)
        switch key {
        case .annualCap(let fund): return scheme + ".annual_caps.\(fund.rawValue)"
        case .criticalIllness: return scheme + ".critical_illness.annual_cap"
        }
    }

    /// Cuts `pay` to what the tightest cap leaves this year; `ANNUAL_CAP_REACHED` only when it
    /// actually cuts (to zero included), not when the payment reaches the cap exactly.
    private func capped(_ pay: Fen, fund: Fund, caps: [(Fen, CapKey)], outcome: inout Outcome) -> Fen {
        let paid = outcome.year.fundPaid[fund] ?? 0
        var result = pay
        var binding: (cap: Fen, basis: CapKey, left: Fen)?
        for (cap, basis) in caps {
            let left = max(0, cap - paid)
            if result > left {
                result = left
                binding = (cap, basis, left)
            }
        }
        if let binding {
            outcome.reasons.append(Reason(
                .annualCapReached,
                detail: "\(fund.rawValue) would pay \(pay.yuan); \(paid.yuan) of its annual cap \(binding.cap.yuan) already paid this year, \(binding.left.yuan) left: \((pay - result).yuan) cut",
                basis: basis(binding.basis)))
        }
        return result
    }
}
