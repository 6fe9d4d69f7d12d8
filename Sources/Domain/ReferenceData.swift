/// Reference data as values: what the loaders in `Reference` build and the adjudication core
/// reads. Nothing here touches a file.

public enum CoverageStatus: String, Sendable, Codable {
    case active, suspended
}

/// A row of the roster (`insured.csv`).
public struct Person: Hashable, Sendable {
    public var psnNo: String
    public var psnName: String
    public var certno: String
    public var insutype: Insutype
    public var insuAdmdvs: String
    public var psnType: PersonType
    public var coverage: Period
    public var status: CoverageStatus
    /// The personal account balance when processing starts; approved claims run it down.
    public var accountBalance: Fen
    public var bankAccount: String
    public var bankName: String
    public var bankCode: String

    public init(psnNo: String, psnName: String, certno: String, insutype: Insutype, insuAdmdvs: String,
                psnType: PersonType, coverage: Period, status: CoverageStatus, accountBalance: Fen,
                bankAccount: String, bankName: String, bankCode: String) {
        self.psnNo = psnNo
        self.psnName = psnName
        self.certno = certno
        self.insutype = insutype
        self.insuAdmdvs = insuAdmdvs
        self.psnType = psnType
        self.coverage = coverage
        self.status = status
        self.accountBalance = accountBalance
        self.bankAccount = bankAccount
        self.bankName = bankName
        self.bankCode = bankCode
    }
}

/// A row of `filings.csv`: the person filed care in regions whose code starts with
/// `destAdmdvs` (2, 4 or 6 digits).
public struct Filing: Hashable, Sendable {
    public var psnNo: String
    public var category: FilingCategory
    public var destAdmdvs: String
    public var period: Period

    public init(psnNo: String, category: FilingCategory, destAdmdvs: String, period: Period) {
        self.psnNo = psnNo
        self.category = category
        self.destAdmdvs = destAdmdvs
        self.period = period
    }

    /// Covers a claim when its period holds `begndate` and the hospital's region starts with
    /// `destAdmdvs` (rules.md, "Precise readings").
    public func covers(hospitalAdmdvs: String, begndate: Day) -> Bool {
        period.contains(begndate) && hospitalAdmdvs.hasPrefix(destAdmdvs)
    }
}

/// A row of `institutions.csv`.
public struct Institution: Hashable, Sendable {
    public var code: String
    public var name: String
    public var admdvs: String
    public var level: InstitutionLevel
    public var designation: Period
    public var bankAccount: String
    public var bankName: String
    public var bankCode: String

    public init(code: String, name: String, admdvs: String, level: InstitutionLevel, designation: Period,
                bankAccount: String, bankName: String, bankCode: String) {
        self.code = code
        self.name = name
        self.admdvs = admdvs
        self.level = level
        self.designation = designation
        self.bankAccount = bankAccount
        self.bankName = bankName
        self.bankCode = bankCode
    }
}

/// A catalogue row: one validity period of one code.
public struct CatalogueEntry: Hashable, Sendable {
    public var code: String
    public var name: String
    public var listType: ListType
    public var chargeClass: ChargeClass
    public var selfpayProportion: PartsPerMillion
    /// The price cap; nil = no cap.
    public var priceCap: MicroYuan?
    /// `lmt_used_flag` 1: only for the listed med types and diagnoses.
    public var restricted: Bool
    /// Empty = any.
    public var limitedMedTypes: [MedType]
    /// Empty = any.
    public var limitedDiagnosisPrefixes: [String]
    public var validity: Period
    /// Where the row was read (`catalogues/31/drugs.csv:17`), for the auditor's basis.
    public var source: String

    public init(code: String, name: String, listType: ListType, chargeClass: ChargeClass,
                selfpayProportion: PartsPerMillion, priceCap: MicroYuan?, restricted: Bool,
                limitedMedTypes: [MedType], limitedDiagnosisPrefixes: [String], validity: Period, source: String) {
        self.code = code
        self.name = name
        self.listType = listType
        self.chargeClass = chargeClass
        self.selfpayProportion = selfpayProportion
        self.priceCap = priceCap
        self.restricted = restricted
        self.limitedMedTypes = limitedMedTypes
        self.limitedDiagnosisPrefixes = limitedDiagnosisPrefixes
        self.validity = validity
        self.source = source
    }
}

/// One catalogue (national, or a province's additions and overrides): a hash per code, then
/// the validity periods of that code (which do not overlap).
public struct Catalogue: Sendable {
    public private(set) var rowsByCode: [String: [CatalogueEntry]]

    public init(rowsByCode: [String: [CatalogueEntry]] = [:]) {
        self.rowsByCode = rowsByCode
    }

    public enum Lookup: Hashable, Sendable {
        case found(CatalogueEntry)
        /// The code has rows, but none valid on that date.
        case notEffective
        case unknown
    }

    public func lookup(_ code: String, on day: Day) -> Lookup {
        guard let rows = rowsByCode[code] else { return .unknown }
        for row in rows where row.validity.contains(day) { return .found(row) }
        return .notEffective
    }

    public var count: Int { rowsByCode.values.reduce(0) { $0 + $1.count } }
}

/// The national catalogue and each province's (keyed by the 2-digit province code).
public struct Catalogues: Sendable {
    public var national: Catalogue
    public var provinces: [String: Catalogue]

    public init(national: Catalogue, provinces: [String: Catalogue]) {
        self.national = national
        self.provinces = provinces
    }

    /// The hospital's province first, then the national catalogue; other provinces are never
    /// consulted (rules.md, "Catalogue lookup").
    public func lookup(_ code: String, on day: Day, hospitalAdmdvs: String) -> Catalogue.Lookup {
        let provincial = provinces[DivisionCode.province(of: hospitalAdmdvs)]?.lookup(code, on: day) ?? .unknown
        if case .found = provincial { return provincial }
        let national = national.lookup(code, on: day)
        if case .found = national { return national }
        return (provincial == .notEffective || national == .notEffective) ? .notEffective : .unknown
    }
}

/// Price caps for facility charges (beds, nursing) by hospital level; they replace the
/// catalogue's cap for their level. They have no dates.
public struct FacilityStandards: Sendable {
    public var caps: [String: [InstitutionLevel: MicroYuan]]

    public init(caps: [String: [InstitutionLevel: MicroYuan]] = [:]) { self.caps = caps }

    public func cap(for code: String, level: InstitutionLevel) -> MicroYuan? { caps[code]?[level] }
}

/// Everything the adjudication reads besides the claim and the accumulators.
public struct ReferenceData: Sendable {
    public var policy: Policy
    public var persons: Roster
    public var filings: [String: [Filing]]
    public var institutions: [String: Institution]
    public var catalogues: Catalogues
    public var facilityStandards: FacilityStandards

    public init(policy: Policy, persons: Roster, filings: [String: [Filing]],
                institutions: [String: Institution], catalogues: Catalogues, facilityStandards: FacilityStandards) {
        self.policy = policy
        self.persons = persons
        self.filings = filings
        self.institutions = institutions
        self.catalogues = catalogues
        self.facilityStandards = facilityStandards
    }
}
