/// What earlier approved claims of the same person left behind (rules.md §0). The core takes
/// these as values and returns them moved; the batch stage persists them, so a replay is exact.
/// Rejected claims change none of them.
public struct YearAccumulators: Hashable, Sendable, Codable {
    /// Deductible already used this year, by care group name (for `per_year` deductibles).
    public var deductibleUsed: [String: Fen]
    /// The cumulative base `A` this year, by care group name.
    public var cumulativeBase: [String: Fen]
    /// What each fund paid this year (for annual caps).
    public var fundPaid: [Fund: Fen]
    /// The critical-illness burden `P` this year.
    public var criticalIllnessBurden: Fen

    public init(deductibleUsed: [String: Fen] = [:], cumulativeBase: [String: Fen] = [:],
                fundPaid: [Fund: Fen] = [:], criticalIllnessBurden: Fen = 0) {
        self.deductibleUsed = deductibleUsed
        self.cumulativeBase = cumulativeBase
        self.fundPaid = fundPaid
        self.criticalIllnessBurden = criticalIllnessBurden
    }

    public static let empty = YearAccumulators()

    // Funds are stored keyed by their code as text, so that an encoder with sorted keys writes
    // the same bytes every time (a dictionary with enum keys would encode as an unordered list).
    enum CodingKeys: String, CodingKey {
        case deductibleUsed, cumulativeBase, fundPaid, criticalIllnessBurden
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        deductibleUsed = try c.decode([String: Fen].self, forKey: .deductibleUsed)
        cumulativeBase = try c.decode([String: Fen].self, forKey: .cumulativeBase)
        let funds = try c.decode([String: Fen].self, forKey: .fundPaid)
        fundPaid = [:]
        for (code, amount) in funds {
            guard let fund = Fund(rawValue: code) else {
                throw DecodingError.dataCorruptedError(forKey: .fundPaid, in: c, debugDescription: "unknown fund \(code)")
            }
            fundPaid[fund] = amount
        }
        criticalIllnessBurden = try c.decode(Fen.self, forKey: .criticalIllnessBurden)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(deductibleUsed, forKey: .deductibleUsed)
        try c.encode(cumulativeBase, forKey: .cumulativeBase)
        try c.encode(Dictionary(uniqueKeysWithValues: fundPaid.map { ($0.key.rawValue, $0.value) }), forKey: .fundPaid)
        try c.encode(criticalIllnessBurden, forKey: .criticalIllnessBurden)
    }
}

/// An approved inpatient stay of the person, for `OVERLAPPING_STAY`.
public struct ApprovedStay: Hashable, Sendable {
    public var setlId: String
    public var begndate: Day
    public var enddate: Day

    public init(setlId: String, begndate: Day, enddate: Day) {
        self.setlId = setlId
        self.begndate = begndate
        self.enddate = enddate
    }
}

/// Everything about a claim's past that its adjudication depends on. The batch stage fills it
/// from the run state; `explain` uses an empty one.
public struct ClaimHistory: Hashable, Sendable {
    /// The settlement id of an approved claim with the same `fixmedins_code` + `invoice_no`.
    public var approvedInvoiceSetlId: String?
    /// The person's approved inpatient stays.
    public var approvedStays: [ApprovedStay]
    /// The person's accumulators for the year of the claim's `enddate`.
    public var year: YearAccumulators
    /// The personal account balance left (nil: the roster's balance, nothing spent yet).
    public var accountBalance: Fen?

    public init(approvedInvoiceSetlId: String? = nil, approvedStays: [ApprovedStay] = [],
                year: YearAccumulators = .empty, accountBalance: Fen? = nil) {
        self.approvedInvoiceSetlId = approvedInvoiceSetlId
        self.approvedStays = approvedStays
        self.year = year
        self.accountBalance = accountBalance
    }

    public static let empty = ClaimHistory()
}
