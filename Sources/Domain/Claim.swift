/// Where something came from: a file and a 1-based line (and column where known).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int?

    public init(file: String, line: Int, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        column.map { "\(file):\(line):\($0)" } ?? "\(file):\(line)"
    }
}

/// One fee line (费用明细) as submitted.
public struct FeeLine: Hashable, Sendable {
    public var sn: Int
    /// The catalogue code (`hilist_code`).
    public var code: String
    public var name: String
    /// When the charge arose; its date selects the catalogue version.
    public var time: DateTime
    /// Negative for a refund line (退费).
    public var cnt: Quantity4
    public var pric: MicroYuan
    /// The line's value everywhere (rules.md): `cnt × pric` within 0.01 was checked on ingest.
    public var amount: Fen
    /// The line of the submission file it came from.
    public var sourceLine: Int

    public init(sn: Int, code: String, name: String, time: DateTime, cnt: Quantity4, pric: MicroYuan,
                amount: Fen, sourceLine: Int) {
        self.sn = sn
        self.code = code
        self.name = name
        self.time = time
        self.cnt = cnt
        self.pric = pric
        self.amount = amount
        self.sourceLine = sourceLine
    }
}

/// A normalised claim: one visit or admission with its invoice and fee lines, whatever the
/// submission format. Every field here has passed the checks of data.md.
public struct Claim: Hashable, Sendable {
    /// The submission id (XML root `id`, or the CSV file name without extension).
    public var submission: String
    /// Position of the claim in its file, from 0: with the file order this fixes the
    /// adjudication order (rules.md §0).
    public var ordinal: Int
    /// The line where the claim starts in its file.
    public var sourceLine: Int

    public var fixmedinsCode: String
    public var mdtrtId: String
    public var psnNo: String
    public var psnName: String
    public var certno: String
    public var insutype: Insutype
    public var insuAdmdvs: String
    public var medType: MedType
    public var begndate: Day
    public var enddate: Day
    public var diseCodg: String
    public var emergency: Bool
    public var invoiceNo: String
    public var invoiceDate: Day
    public var invoiceAmount: Fen
    public var documents: Set<DocumentCode>
    public var submitted: Day
    public var mode: SettlementMode
    public var lines: [FeeLine]

    public init(submission: String, ordinal: Int, sourceLine: Int, fixmedinsCode: String, mdtrtId: String,
                psnNo: String, psnName: String, certno: String, insutype: Insutype, insuAdmdvs: String,
                medType: MedType, begndate: Day, enddate: Day, diseCodg: String, emergency: Bool,
                invoiceNo: String, invoiceDate: Day, invoiceAmount: Fen, documents: Set<DocumentCode>,
                submitted: Day, mode: SettlementMode, lines: [FeeLine]) {
        self.submission = submission
        self.ordinal = ordinal
        self.sourceLine = sourceLine
        self.fixmedinsCode = fixmedinsCode
        self.mdtrtId = mdtrtId
        self.psnNo = psnNo
        self.psnName = psnName
        self.certno = certno
        self.insutype = insutype
        self.insuAdmdvs = insuAdmdvs
        self.medType = medType
        self.begndate = begndate
        self.enddate = enddate
        self.diseCodg = diseCodg
        self.emergency = emergency
        self.invoiceNo = invoiceNo
        self.invoiceDate = invoiceDate
        self.invoiceAmount = invoiceAmount
        self.documents = documents
        self.submitted = submitted
        self.mode = mode
        self.lines = lines
    }
}

/// One thing wrong with a claim's data: which field, what value, where, and what was expected.
public struct FieldProblem: Hashable, Sendable, CustomStringConvertible {
    public var field: String
    /// The value as found (may be empty when the field is missing).
    public var value: String
    public var line: Int
    public var column: Int?
    /// What is wrong, as a phrase: "is missing", "has a wrong check character (expected 7)".
    public var message: String

    public init(field: String, value: String, line: Int, column: Int? = nil, message: String) {
        self.field = field
        self.value = value
        self.line = line
        self.column = column
        self.message = message
    }

    /// The value as logs and reports may show it: an identity number masked (domain.md).
    public var shownValue: String { field == "certno" ? ResidentID.masked(value) : value }

    public var description: String {
        let shown = value.isEmpty ? "" : " '\(shownValue)'"
        return "line \(line): \(field)\(shown) \(message)"
    }
}

/// A claim whose data is not usable: it is rejected `INVALID_DATA` with these problems, and
/// carries whatever identifying fields could be read so an auditor can find it.
public struct InvalidClaim: Hashable, Sendable {
    public var submission: String
    public var ordinal: Int
    public var sourceLine: Int
    public var fixmedinsCode: String?
    public var mdtrtId: String?
    public var invoiceNo: String?
    public var psnNo: String?
    public var certno: String?
    public var insuAdmdvs: String?
    public var mode: SettlementMode?
    /// The invoice amount, or the readable lines' sum where that is unreadable (data.md).
    public var claimedAmount: Fen?
    public var problems: [FieldProblem]

    public init(submission: String, ordinal: Int, sourceLine: Int, fixmedinsCode: String? = nil,
                mdtrtId: String? = nil, invoiceNo: String? = nil, psnNo: String? = nil, certno: String? = nil,
                insuAdmdvs: String? = nil, mode: SettlementMode? = nil, claimedAmount: Fen? = nil,
                problems: [FieldProblem]) {
        self.submission = submission
        self.ordinal = ordinal
        self.sourceLine = sourceLine
        self.fixmedinsCode = fixmedinsCode
        self.mdtrtId = mdtrtId
        self.invoiceNo = invoiceNo
        self.psnNo = psnNo
        self.certno = certno
        self.insuAdmdvs = insuAdmdvs
        self.mode = mode
        self.claimedAmount = claimedAmount
        self.problems = problems
    }
}

/// What a reader yields for each claim of a file, in file order.
public enum IngestedClaim: Hashable, Sendable {
    case valid(Claim)
    case invalid(InvalidClaim)

    public var ordinal: Int {
        switch self {
        case .valid(let c): return c.ordinal
        case .invalid(let c): return c.ordinal
        }
    }
}

/// Why a whole file is refused (moved to quarantine with `FILE.error.json`).
public struct FileRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var expected: String
    public var found: String

    public init(file: String, line: Int?, column: Int? = nil, expected: String, found: String) {
        self.file = file
        self.line = line
        self.column = column
        self.expected = expected
        self.found = found
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return "\(place): expected \(expected), found \(found)"
    }
}
