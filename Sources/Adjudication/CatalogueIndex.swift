import Domain

/// The catalogues and facility standards rearranged for the line rules, once per run.
///
/// `Catalogues.lookup` costs a fee line three hash probes (the province, then the code in the
/// province's catalogue and in the national one) and hands the row out as a struct full of
/// Strings to copy. Here one probe on the code finds everything the line rules can ask about
/// it: its national rows, its rows in each province, its facility caps; rows are objects, so a
/// lookup hands out a reference. The answers are the same as `Catalogues.lookup` and
/// `FacilityStandards.cap` (rules.md, "Catalogue lookup"): the hospital's province first, then
/// the national catalogue, never another province's.
final class CatalogueIndex: Sendable {
    /// A catalogue row, shared rather than copied.
    final class Row: Sendable {
        let entry: CatalogueEntry
        init(_ entry: CatalogueEntry) { self.entry = entry }
    }

    /// Everything known about one code.
    final class Code: Sendable {
        /// nil when the national catalogue has no such code.
        let national: [Row]?
        /// The rows in each province's catalogue that has the code, by province slot.
        let provincial: [(slot: Int, rows: [Row])]
        /// The facility standard's cap per level (index `InstitutionLevel.rawValue`).
        let facilityCaps: [MicroYuan?]

        init(national: [Row]?, provincial: [(slot: Int, rows: [Row])], facilityCaps: [MicroYuan?]) {
            self.national = national
            self.provincial = provincial
            self.facilityCaps = facilityCaps
        }

        func rows(inProvince slot: Int?) -> [Row]? {
            guard let slot else { return nil }
            for p in provincial where p.slot == slot { return p.rows }
            return nil
        }

        func facilityCap(_ level: InstitutionLevel) -> MicroYuan? {
            level.rawValue < facilityCaps.count ? facilityCaps[level.rawValue] : nil
        }
    }

    enum Lookup {
        case found(Row)
        /// The code has rows, but none valid on that date.
        case notEffective
        case unknown
    }

    /// Province code (2 digits) → slot.
    private let slots: [String: Int]
    private let codes: [String: Code]

    init(catalogues: Catalogues, facilityStandards: FacilityStandards) {
        var slots: [String: Int] = [:]
        for (slot, province) in catalogues.provinces.keys.sorted().enumerated() { slots[province] = slot }

        var national: [String: [Row]] = [:]
        for (code, rows) in catalogues.national.rowsByCode { national[code] = rows.map(Row.init) }
        var provincial: [String: [(slot: Int, rows: [Row])]] = [:]
        for (province, catalogue) in catalogues.provinces {
            for (code, rows) in catalogue.rowsByCode {
                provincial[code, default: []].append((slots[province]!, rows.map(Row.init)))
            }
        }
        var allCodes = Set(national.keys)
        allCodes.formUnion(provincial.keys)
        allCodes.formUnion(facilityStandards.caps.keys)

        let levels = (InstitutionLevel.allCases.map(\.rawValue).max() ?? 0) + 1
        var codes: [String: Code] = [:]
        codes.reserveCapacity(allCodes.count)
        for code in allCodes {
            var caps = [MicroYuan?](repeating: nil, count: levels)
            for (level, cap) in facilityStandards.caps[code] ?? [:] { caps[level.rawValue] = cap }
            codes[code] = Code(national: national[code], provincial: provincial[code] ?? [], facilityCaps: caps)
        }
        self.slots = slots
        self.codes = codes
    }

    /// The slot of a hospital's province catalogue; nil when that province has none. Once per
    /// claim.
    func provinceSlot(hospitalAdmdvs: String) -> Int? {
        slots[DivisionCode.province(of: hospitalAdmdvs)]
    }

    func code(_ code: String) -> Code? { codes[code] }

    /// As `Catalogues.lookup`: the row of the province valid on `day`, else the national one.
    static func lookup(_ code: Code?, on day: Day, provinceSlot: Int?) -> Lookup {
        guard let code else { return .unknown }
        let provincial = code.rows(inProvince: provinceSlot)
        if let provincial, let row = valid(provincial, on: day) { return .found(row) }
        if let national = code.national, let row = valid(national, on: day) { return .found(row) }
        return provincial != nil || code.national != nil ? .notEffective : .unknown
    }

    private static func valid(_ rows: [Row], on day: Day) -> Row? {
        for row in rows where row.entry.validity.contains(day) { return row }
        return nil
    }
}
