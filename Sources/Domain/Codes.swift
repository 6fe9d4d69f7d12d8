/// The code lists of domain.md. A submission carrying a code outside them is `INVALID_DATA`.

/// `insutype`: the insurance scheme.
public enum Insutype: String, CaseIterable, Sendable, Codable {
    case employee = "310"  // 职工基本医疗保险
    case resident = "390"  // 城乡居民基本医疗保险
}

/// `med_type`: the kind of care.
public enum MedType: String, CaseIterable, Sendable, Codable {
    case generalOutpatient = "11"
    case emergency = "13"
    case chronicOutpatient = "14"  // 门诊慢特病
    case inpatient = "21"
}

/// `mode`: who is paid. Manual: the person paid in full and is reimbursed to their card.
/// Direct: the person paid their share; the institution is paid what the funds owe.
public enum SettlementMode: String, CaseIterable, Sendable, Codable {
    case manual
    case direct
}

public enum DocumentCode: String, CaseIterable, Sendable, Codable, Comparable {
    case invoice
    case feeList = "fee_list"
    case dischargeSummary = "discharge_summary"
    case diagnosisCert = "diagnosis_cert"
    case referralCert = "referral_cert"

    public static func < (a: DocumentCode, b: DocumentCode) -> Bool { a.rawValue < b.rawValue }
}

/// `chrgitm_lv`: the catalogue class of an item.
public enum ChargeClass: String, CaseIterable, Sendable, Codable {
    case classA = "01"   // 甲类: fully in scope
    case classB = "02"   // 乙类: a self-pay share first
    case selfPay = "03"  // 丙类: not covered
}

/// `list_type` of a catalogue row.
public enum ListType: String, CaseIterable, Sendable, Codable {
    case drug, herbal, service, material
}

/// `fund_pay_type`. The personal account (`310200`) is reported as `acct_pay`, never among
/// the funds; its code appears in payment remarks only.
public enum Fund: String, CaseIterable, Sendable, Codable, Comparable {
    case employeePooled = "310100"
    case employeeAccount = "310200"
    case employeeLargeAmount = "330100"
    case residentsBasic = "390100"
    case residentsCriticalIllness = "390200"

    public static func < (a: Fund, b: Fund) -> Bool { a.rawValue < b.rawValue }
}

/// `medins_lv`: 一级, 二级, 三级.
public enum InstitutionLevel: Int, CaseIterable, Sendable, Codable, Comparable {
    case one = 1, two = 2, three = 3
    public static func < (a: InstitutionLevel, b: InstitutionLevel) -> Bool { a.rawValue < b.rawValue }
}

/// Categories of cross-region filing (异地就医备案).
public enum FilingCategory: String, CaseIterable, Sendable, Codable {
    case relocatedRetiree = "relocated_retiree"
    case longTermResident = "long_term_resident"
    case residentWorker = "resident_worker"
    case referral
    case temporary
}

/// The national 4-digit person category (`psn_type`).
public struct PersonType: Hashable, Sendable, CustomStringConvertible {
    public let code: String

    /// Four ASCII digits in the families of domain.md: 11xx, 12xx, 1300, 14xx, 15xx.
    public init?(_ code: String) {
        guard code.utf8.count == 4, code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let family = code.prefix(2)
        guard ["11", "12", "14", "15"].contains(family) || code == "1300" else { return nil }
        self.code = code
    }

    /// Retired (`12xx`) and 离休 veteran cadres (`1300`) get the retiree bonus.
    public var isRetired: Bool { code.hasPrefix("12") || code == "1300" }

    public var description: String { code }
}

/// Six-digit GB/T 2260 administrative division codes and their prefixes.
public enum DivisionCode {
    public static func isValid(_ code: some StringProtocol) -> Bool {
        code.utf8.count == 6 && code.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// The same over UTF-8 bytes (the readers' hot path: no generic code).
    public static func isValid(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count == 6 && bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// The province: the first two digits.
    public static func province(of code: String) -> String { String(code.prefix(2)) }
}

/// ICD-10 main diagnosis: a capital letter, two digits, optionally `.` and 1–8 letters or
/// digits (`I21.9`, `J18.900`).
public enum DiagnosisCode {
    public static func isValid(_ code: some StringProtocol) -> Bool {
        var copy = String(code)
        return copy.withUTF8 { isValid(bytes: $0) }
    }

    /// The same over UTF-8 bytes (the readers' hot path: no allocation, no generic code).
    public static func isValid(bytes b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count >= 3, (0x41...0x5A).contains(b[0]), isDigit(b[1]), isDigit(b[2]) else { return false }
        if b.count == 3 { return true }
        guard b[3] == UInt8(ascii: "."), (5...12).contains(b.count) else { return false }
        return b[4...].allSatisfy { isDigit($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
}
