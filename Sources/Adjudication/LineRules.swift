import Domain

/// rules.md §2: how one (netted) fee line splits into
/// `amount = fulamt_ownpay + overlmt + preselfpay + inscp`.
///
/// Steps 1–3 are exclusive: the first that applies makes the whole line the person's own with
/// one reason. Steps 4 (price cap) and 5 (class B self-pay share) can both apply.
struct LineRules {
    let index: CatalogueIndex
    /// The hospital's region: its first two digits choose the province catalogue.
    let hospitalAdmdvs: String
    /// The hospital's province catalogue, found once per claim.
    let provinceSlot: Int32?
    let level: InstitutionLevel
    let medType: MedType
    let diseCodg: String

    init(index: CatalogueIndex, hospitalAdmdvs: String, level: InstitutionLevel, medType: MedType, diseCodg: String) {
        self.index = index
        self.hospitalAdmdvs = hospitalAdmdvs
        self.provinceSlot = index.provinceSlot(hospitalAdmdvs: hospitalAdmdvs)
        self.level = level
        self.medType = medType
        self.diseCodg = diseCodg
    }

    /// The fund pays what is in the catalogues (Social Insurance Law art. 28).
    static let lawBasis = "Social Insurance Law art. 28"

    // Half the lines of a run are reduced, so their details of numbers are written as bytes
    // into stack memory and made a String once (`ShortText`).

    func decide(_ line: FeeLine) -> LineDecision {
        var decision = LineDecision(sn: line.sn, code: line.code, name: line.name, amount: line.amount)
        let day = line.time.day

        // 1. The catalogue row valid on the line's date: province first, then national.
        let code = index.code(line.code)
        let row: Int
        switch index.lookup(code, on: day, provinceSlot: provinceSlot) {
        case .found(let found):
            row = found
        case .unknown:
            return allOwnPay(decision, Reason(
                .notInCatalogue,
                detail: "code \(line.code) is in neither the province \(province) nor the national catalogue",
                basis: Self.lawBasis))
        case .notEffective:
            let rows = code.map { index.rowsThatCount($0, provinceSlot: provinceSlot) } ?? []
            return allOwnPay(decision, Reason(
                .catalogueNotEffective,
                detail: "code \(line.code) has no catalogue row valid on \(day): "
                    + rows.map { "valid \(index.entries[$0].validity)" }.joined(separator: ", "),
                basis: rows.map { index.entries[$0].source }.joined(separator: ", ")))
        }
        // Read in place: a copy of the row would retain its six Strings and arrays.
        let entries = index.entries

        // 2. Class 03 (丙类): not covered.
        if entries[row].chargeClass == .selfPay {
            let name = entries[row].name
            var detail = String()
            detail.reserveCapacity(name.utf8.count + 28)
            detail += name
            detail += " is class 03 (self-pay)"
            return allOwnPay(decision, Reason(.selfPayItem, detail: detail, basis: entries[row].source))
        }

        // 3. Restricted use: only for the listed med types and diagnoses.
        if entries[row].restricted, let breach = restrictionBreach(entries[row]) {
            return allOwnPay(decision, Reason(.restrictedUse, detail: breach, basis: entries[row].source))
        }

        // 4. Price cap: the facility standard of the hospital's level replaces the catalogue's cap.
        var overlmt: Fen = 0
        let standard = code.flatMap { index.facilityCap($0, level: level) }
        if let cap = standard ?? entries[row].priceCap, line.pric > cap {
            // round((pric − cap) × cnt) to the fen, never more than the line's amount.
            overlmt = min(Rounding.fen(price: line.pric - cap, quantity: line.cnt), line.amount)
            let detail = ShortText.make { detail in
                detail.append("pric ")
                detail.appendPrice(line.pric)
                detail.append(" above the cap ")
                detail.appendPrice(cap)
                if standard != nil {
                    detail.append(" (level-")
                    detail.append(level.rawValue)
                    detail.append(" facility standard)")
                } else {
                    detail.append(" (catalogue cap)")
                }
                detail.append(" × cnt ")
                detail.appendQuantity(line.cnt)
                detail.append(": ")
                detail.appendYuan(overlmt)
                detail.append(" over")
            }
            let basis = standard != nil
                ? "facility_standards.csv hilist_code \(line.code) medins_lv \(level.rawValue)"
                : entries[row].source
            decision.reasons.reserveCapacity(2)
            decision.reasons.append(Reason(.overPriceCap, detail: detail, basis: basis))
        }

        // 5. Class B (乙类): the person pays the self-pay proportion of what is left first.
        let base = line.amount - overlmt
        var preselfpay: Fen = 0
        if entries[row].chargeClass == .classB {
            let proportion = entries[row].selfpayProportion
            preselfpay = Rounding.fen(base, timesPPM: proportion)
            let detail = ShortText.make { detail in
                detail.append("class 02: selfpay_prop ")
                detail.appendProportion(proportion)
                detail.append(" of ")
                detail.appendYuan(base)
                detail.append(" = ")
                detail.appendYuan(preselfpay)
            }
            decision.reasons.append(Reason(.classBSelfPay, detail: detail, basis: entries[row].source))
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
