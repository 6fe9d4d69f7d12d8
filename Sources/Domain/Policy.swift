/// `policy.yaml` as values (rules.md). Money in fen, ratios in basis points.
public struct Policy: Sendable {
    public var version: String
    public var regions: [String: RegionPolicy]

    public init(version: String, regions: [String: RegionPolicy]) {
        self.version = version
        self.regions = regions
    }
}

public enum CrossRegionLevel: String, Sendable {
    /// Cross-region when the first 4 digits differ.
    case city
    /// Cross-region when the first 2 digits differ.
    case province

    public var prefixLength: Int { self == .city ? 4 : 2 }
}

public enum UnfiledAction: Hashable, Sendable {
    case reduce(BasisPoints)
    case reject
}

public struct RegionPolicy: Sendable {
    public var code: String
    public var name: String
    public var deadlineDays: Int
    public var crossRegionLevel: CrossRegionLevel
    public var unfiled: UnfiledAction
    public var schemes: [Insutype: SchemePolicy]

    public init(code: String, name: String, deadlineDays: Int, crossRegionLevel: CrossRegionLevel,
                unfiled: UnfiledAction, schemes: [Insutype: SchemePolicy]) {
        self.code = code
        self.name = name
        self.deadlineDays = deadlineDays
        self.crossRegionLevel = crossRegionLevel
        self.unfiled = unfiled
        self.schemes = schemes
    }
}

public enum AccountCoverage: String, Sendable {
    case none
    case inScopeSelfPay = "in_scope_self_pay"
    case allSelfPay = "all_self_pay"
}

public struct SchemePolicy: Sendable {
    public var personalAccount: AccountCoverage
    public var annualCaps: [Fund: Fen]
    /// In the order of the file; a `med_type` belongs to at most one group.
    public var groups: [CareGroup]
    public var criticalIllness: CriticalIllness?

    public init(personalAccount: AccountCoverage, annualCaps: [Fund: Fen], groups: [CareGroup],
                criticalIllness: CriticalIllness?) {
        self.personalAccount = personalAccount
        self.annualCaps = annualCaps
        self.groups = groups
        self.criticalIllness = criticalIllness
    }

    public func group(for medType: MedType) -> CareGroup? { groups.first { $0.codes.contains(medType) } }
}

public enum DeductibleScope: String, Sendable {
    case perAdmission = "per_admission"
    case perYear = "per_year"
}

public struct Tier: Sendable, Hashable {
    public var fund: Fund
    /// The cumulative bound of this tier; nil = no bound.
    public var upto: Fen?
    public var ratioByLevel: [InstitutionLevel: BasisPoints]

    public init(fund: Fund, upto: Fen?, ratioByLevel: [InstitutionLevel: BasisPoints]) {
        self.fund = fund
        self.upto = upto
        self.ratioByLevel = ratioByLevel
    }
}

/// A care group (inpatient, outpatient...): the `med_type`s it holds and their rules.
public struct CareGroup: Sendable {
    public var name: String
    public var codes: [MedType]
    public var deductibleScope: DeductibleScope
    public var deductibleByLevel: [InstitutionLevel: Fen]
    public var tiers: [Tier]
    public var retireeBonus: BasisPoints
    public var requiredDocuments: [DocumentCode]

    public init(name: String, codes: [MedType], deductibleScope: DeductibleScope,
                deductibleByLevel: [InstitutionLevel: Fen], tiers: [Tier], retireeBonus: BasisPoints,
                requiredDocuments: [DocumentCode]) {
        self.name = name
        self.codes = codes
        self.deductibleScope = deductibleScope
        self.deductibleByLevel = deductibleByLevel
        self.tiers = tiers
        self.retireeBonus = retireeBonus
        self.requiredDocuments = requiredDocuments
    }
}

/// Residents' critical-illness insurance (大病保险).
public struct CriticalIllness: Sendable {
    public struct Tier: Sendable, Hashable {
        /// Burden above the threshold; nil = no bound.
        public var upto: Fen?
        public var ratio: BasisPoints

        public init(upto: Fen?, ratio: BasisPoints) {
            self.upto = upto
            self.ratio = ratio
        }
    }

    public var fund: Fund
    public var threshold: Fen
    public var tiers: [Tier]
    public var annualCap: Fen?

    public init(fund: Fund, threshold: Fen, tiers: [Tier], annualCap: Fen?) {
        self.fund = fund
        self.threshold = threshold
        self.tiers = tiers
        self.annualCap = annualCap
    }
}
