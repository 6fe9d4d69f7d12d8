import Domain

/// rules.md §2: how one (netted) fee line splits into
/// `amount = fulamt_ownpay + overlmt + preselfpay + inscp`.
///
/// Steps 1–3 are exclusive: the first that applies makes the whole line the person's own with
/// one reason. Steps 4 (price cap) and 5 (class B self-pay share) can both apply.
struct LineRules {
    let catalogues: Catalogues
    let facilityStandards: FacilityStandards
    /// The hospital's region: its first two digits choose the province catalogue.
    let hospitalAdmdvs: String
    let level: InstitutionLevel
    let medType: MedType
    let diseCodg: String

    /// The fund pays what is in the catalogues (Social Insurance Law art. 28).
    static let lawBasis = "Social Insurance Law art. 28"

    func decide(_ line: FeeLine) -> LineDecision {
        var decision = LineDecision(sn: line.sn, code: line.code, name: line.name, amount: line.amount)
        let day = line.time.day

        // 1. The catalogue row valid on the line's date: province first, then national.
        let entry: CatalogueEntry
        switch catalogues.lookup(line.code, on: day, hospitalAdmdvs: hospitalAdmdvs) {
        case .found(let row):
            entry = row
        case .unknown:
            return allOwnPay(decision, Reason(
                .notInCatalogue,
                detail: "code \(line.code) is in neither the province \(province) nor the national catalogue",
                basis: Self.lawBasis))
        case .notEffective:
            return allOwnPay(decision, Reason(
                .catalogueNotEffective,
                detail: "code \(line.code) has no catalogue row valid on \(day): " + validityOfRows(line.code),
                basis: sourcesOfRows(line.code)))
        }

        // 2. Class 03 (丙类): not covered.
        if entry.chargeClass == .selfPay {
            return allOwnPay(decision, Reason(
                .selfPayItem, detail: "\(entry.name) is class 03 (self-pay)", basis: entry.source))
        }

        // 3. Restricted use: only for the listed med types and diagnoses.
        if entry.restricted, let breach = restrictionBreach(entry) {
            return allOwnPay(decision, Reason(.restrictedUse, detail: breach, basis: entry.source))
        }

        // 4. Price cap: the facility standard of the hospital's level replaces the catalogue's cap.
        var overlmt: Fen = 0
        let standard = facilityStandards.cap(for: line.code, level: level)
        if let cap = standard ?? entry.priceCap, line.pric > cap {
            // round((pric − cap) × cnt) to the fen, never more than the line's amount.
            overlmt = min(Rounding.fen(price: line.pric - cap, quantity: line.cnt), line.amount)
            let capSource = standard != nil
                ? "level-\(level.rawValue) facility standard"
                : "catalogue cap"
            let basis = standard != nil
                ? "facility_standards.csv hilist_code \(line.code) medins_lv \(level.rawValue)"
                : entry.source
            decision.reasons.append(Reason(
                .overPriceCap,
                detail: "pric \(Text.price(line.pric)) above the cap \(Text.price(cap)) (\(capSource)) × cnt \(Text.quantity(line.cnt)): \(overlmt.yuan) over",
                basis: basis))
        }

        // 5. Class B (乙类): the person pays the self-pay proportion of what is left first.
        let base = line.amount - overlmt
        var preselfpay: Fen = 0
        if entry.chargeClass == .classB {
            preselfpay = Rounding.fen(base, timesPPM: entry.selfpayProportion)
            decision.reasons.append(Reason(
                .classBSelfPay,
                detail: "class 02: selfpay_prop \(Text.proportion(entry.selfpayProportion)) of \(base.yuan) = \(preselfpay.yuan)",
                basis: entry.source))
        }

        // 6. What is left is in scope.
        decision.overlmt = overlmt
        decision.preselfpay = preselfpay
        decision.inscp = base - preselfpay
        return decision
    }

    private var province: String { DivisionCode.province(of: hospitalAdmdvs) }

    private func allOwnPay(_ decision: LineDecision, _ reason: Reason) -> LineDecision {
        var decision = decision
        decision.fulamtOwnpay = decision.amount
        decision.reasons = [reason]
        return decision
    }

    /// The rows of `code` in the two catalogues that count (never another province's).
    private func rows(_ code: String) -> [CatalogueEntry] {
        (catalogues.provinces[province]?.rowsByCode[code] ?? []) + (catalogues.national.rowsByCode[code] ?? [])
    }

    private func validityOfRows(_ code: String) -> String {
        rows(code).map { "valid \($0.validity)" }.joined(separator: ", ")
    }

    private func sourcesOfRows(_ code: String) -> String {
        rows(code).map(\.source).joined(separator: ", ")
    }

    private func restrictionBreach(_ entry: CatalogueEntry) -> String? {
        if !entry.limitedMedTypes.isEmpty, !entry.limitedMedTypes.contains(medType) {
            return "\(entry.name) is restricted to med_type " + entry.limitedMedTypes.map(\.rawValue).joined(separator: " ")
                + "; the claim is med_type \(medType.rawValue)"
        }
        if !entry.limitedDiagnosisPrefixes.isEmpty,
           !entry.limitedDiagnosisPrefixes.contains(where: { diseCodg.hasPrefix($0) }) {
            return "\(entry.name) is restricted to diagnoses " + entry.limitedDiagnosisPrefixes.joined(separator: " ")
                + "; the claim's diagnosis is \(diseCodg)"
        }
        return nil
    }
}
