import Domain

/// The claim fields of data.md, by their names in both formats (XML element / CSV column).
/// `invoice_no`, `invoice_date` and `invoice_amount` are the attributes `no`, `date`,
/// `amount` of `<invoice/>` in XML; `submitted` and `mode` are root attributes there.
enum ClaimField: Int, CaseIterable {
    case fixmedinsCode, mdtrtId, psnNo, psnName, certno, insutype, insuAdmdvs, medType
    case begndate, enddate, diseCodg, emergency, invoiceNo, invoiceDate, invoiceAmount, documents
    case submitted, mode

    var name: String {
        switch self {
        case .fixmedinsCode: return "fixmedins_code"
        case .mdtrtId: return "mdtrt_id"
        case .psnNo: return "psn_no"
        case .psnName: return "psn_name"
        case .certno: return "certno"
        case .insutype: return "insutype"
        case .insuAdmdvs: return "insu_admdvs"
        case .medType: return "med_type"
        case .begndate: return "begndate"
        case .enddate: return "enddate"
        case .diseCodg: return "dise_codg"
        case .emergency: return "emergency"
        case .invoiceNo: return "invoice_no"
        case .invoiceDate: return "invoice_date"
        case .invoiceAmount: return "invoice_amount"
        case .documents: return "documents"
        case .submitted: return "submitted"
        case .mode: return "mode"
        }
    }

    /// `emergency` may be absent (0); every other field must be there (`documents` may be empty).
    var isRequired: Bool { self != .emergency }

    static let byName: [String: ClaimField] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.name, $0) })
}

/// The fields of a fee line, by their CSV column and XML attribute names.
enum FeeField: Int, CaseIterable {
    case sn, code, name, time, cnt, pric, amount

    var csvName: String {
        switch self {
        case .sn: return "fee_sn"
        case .code: return "fee_code"
        case .name: return "fee_name"
        case .time: return "fee_time"
        case .cnt: return "cnt"
        case .pric: return "pric"
        case .amount: return "amount"
        }
    }

    var xmlName: String {
        switch self {
        case .sn: return "sn"
        case .code: return "code"
        case .name: return "name"
        case .time: return "time"
        case .cnt: return "cnt"
        case .pric: return "pric"
        case .amount: return "amount"
        }
    }

    static let byXMLName: [String: FeeField] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.xmlName, $0) })
    static let byCSVName: [String: FeeField] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.csvName, $0) })
}

/// A value as read from the file, with where it was.
struct RawValue {
    var text: String
    var line: Int
    var column: Int?
}

/// A claim as read from either format, before normalisation: the text of each field, the
/// fee lines (already checked, from the reader's bytes: see `FeeLineChecker`), and the
/// problems of structure the reader already saw (an unknown element, a repeated field, claim
/// columns that disagree between rows, a row with the wrong number of fields).
struct RawClaim {
    var line: Int
    var fields: [RawValue?] = Array(repeating: nil, count: ClaimField.allCases.count)
    var fees = CheckedFeeLines()
    var problems: [FieldProblem] = []

    init(line: Int) { self.line = line }

    subscript(field: ClaimField) -> RawValue? {
        get { fields[field.rawValue] }
        set { fields[field.rawValue] = newValue }
    }
}

/// Field values are compared and checked without surrounding blanks: pretty-printed XML and
/// spreadsheets put spaces and line breaks around values that mean nothing.
func trimmedBlanks(_ text: String) -> String {
    let utf8 = text.utf8
    func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    // Nearly every value has nothing to trim: its first and last bytes tell, read where the
    // String has its bytes in one piece (the UTF8View's indices cost more than the check).
    let untouched = utf8.withContiguousStorageIfAvailable { bytes in
        bytes.count > 0 && !isBlank(bytes[0]) && !isBlank(bytes[bytes.count - 1])
    }
    if untouched == true { return text }
    guard let first = utf8.firstIndex(where: { !isBlank($0) }) else { return "" }
    let last = utf8.lastIndex(where: { !isBlank($0) })!
    if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return text }
    return String(text[first...last])
}
