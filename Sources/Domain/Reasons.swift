/// Every rejection and every reduction carries one of these codes, a detail saying what
/// happened with the numbers, and a basis an auditor can follow (a policy key path, a
/// catalogue row, an article of law). docs/reason-codes.md explains each code.
public enum ReasonCode: String, CaseIterable, Sendable, Codable, Comparable {
    // Gates (rules.md §1), in the order they are checked.
    case invalidData = "INVALID_DATA"
    case duplicateInvoice = "DUPLICATE_INVOICE"
    case notDesignated = "NOT_DESIGNATED"
    case unknownPerson = "UNKNOWN_PERSON"
    case identityMismatch = "IDENTITY_MISMATCH"
    case notCovered = "NOT_COVERED"
    case noPolicy = "NO_POLICY"
    case lateSubmission = "LATE_SUBMISSION"
    case missingDocuments = "MISSING_DOCUMENTS"
    case notFiled = "NOT_FILED"
    case invoiceTotalMismatch = "INVOICE_TOTAL_MISMATCH"
    case overlappingStay = "OVERLAPPING_STAY"
    case noBankAccount = "NO_BANK_ACCOUNT"
    // Lines (rules.md §2).
    case notInCatalogue = "NOT_IN_CATALOGUE"
    case catalogueNotEffective = "CATALOGUE_NOT_EFFECTIVE"
    case selfPayItem = "SELF_PAY_ITEM"
    case restrictedUse = "RESTRICTED_USE"
    case overPriceCap = "OVER_PRICE_CAP"
    case classBSelfPay = "CLASS_B_SELF_PAY"
    // Funds (rules.md §3).
    case unfiledReduction = "UNFILED_REDUCTION"
    case annualCapReached = "ANNUAL_CAP_REACHED"

    /// Gates reject the whole claim; the others reduce what the funds pay.
    public var isRejection: Bool {
        switch self {
        case .invalidData, .duplicateInvoice, .notDesignated, .unknownPerson, .identityMismatch,
             .notCovered, .noPolicy, .lateSubmission, .missingDocuments, .notFiled,
             .invoiceTotalMismatch, .overlappingStay, .noBankAccount:
            return true
        default:
            return false
        }
    }

    public static func < (a: ReasonCode, b: ReasonCode) -> Bool { a.rawValue < b.rawValue }
}

public struct Reason: Hashable, Sendable, Codable {
    public var code: ReasonCode
    /// What happened, with the numbers: "pric 180.00 above cap 150.00: 300.00 over the cap".
    public var detail: String
    /// Where the rule comes from: "policy.yaml regions.130100.schemes.310.groups.inpatient",
    /// "catalogues/31/services.csv:12", "Social Insurance Law art. 28".
    public var basis: String

    public init(_ code: ReasonCode, detail: String, basis: String) {
        self.code = code
        self.detail = detail
        self.basis = basis
    }
}
