import Domain

/// Turns a `RawClaim` into a `Claim`, or into an `InvalidClaim` carrying every problem found
/// (data.md "Claim fields", "Fee line fields", "What bad input gets"; domain.md "Codes").
///
/// Refund netting and the invoice-total check are not done here: they belong to adjudication
/// (rules.md), which sees the lines as submitted.
struct Normaliser {
    let submission: String
    let format: SubmissionFormat

    func normalise(_ raw: RawClaim, ordinal: Int) -> IngestedClaim {
        var problems = raw.problems

        func problem(_ field: String, _ value: RawValue?, line: Int, _ message: String) {
            problems.append(FieldProblem(field: field, value: value?.text ?? "", line: value?.line ?? line,
                                         column: value?.column, message: message))
        }

        /// The trimmed text of a field; a missing or empty required field is a problem.
        func text(_ field: ClaimField) -> String? {
            let value = raw[field]
            let text = value.map { trimmedBlanks($0.text) } ?? ""
            if text.isEmpty {
                if field.isRequired { problem(field.name, value, line: raw.line, "is missing") }
                return nil
            }
            return text
        }

        func parsed<T>(_ field: ClaimField, _ expectation: String, _ parse: (String) -> T?) -> T? {
            guard let text = text(field) else { return nil }
            if let value = parse(text) { return value }
            problem(field.name, raw[field], line: raw.line, expectation)
            return nil
        }

        /// The same with the checks of Domain that read bytes: those of Strings are generic
        /// and, called from another module, cost a microsecond a claim.
        func parsedBytes<T>(_ field: ClaimField, _ expectation: String, _ parse: (UnsafeBufferPointer<UInt8>) -> T?) -> T? {
            parsed(field, expectation) { text in
                var text = text
                return text.withUTF8(parse)
            }
        }

        /// An id the state keys on (institution, visit, person, invoice): a control character
        /// in it is INVALID_DATA. No id has one, and a NUL would be cut off by SQLite's C
        /// strings in some lookups and not in others, so one claim could be approved twice.
        func identifier(_ field: ClaimField) -> String? {
            guard let text = text(field) else { return nil }
            if let byte = text.utf8.first(where: { $0 < 0x20 || $0 == 0x7F }) {
                let hex = String(byte, radix: 16, uppercase: true)
                problem(field.name, raw[field], line: raw.line,
                        "contains a control character (U+00\(byte < 0x10 ? "0" : "")\(hex))")
                return nil
            }
            return text
        }

        let fixmedinsCode = identifier(.fixmedinsCode)
        let mdtrtId = identifier(.mdtrtId)
        let psnNo = identifier(.psnNo)
        let psnName = text(.psnName)
        var certno = text(.certno).map(ResidentID.normalised)
        if var value = certno, let trouble = value.withUTF8({ ResidentID.problem(bytes: $0) }) {
            problem(ClaimField.certno.name, raw[.certno], line: raw.line, trouble.description)
            certno = nil
        }
        let insutype = parsed(.insutype, "is not a scheme code (310 or 390)") { Insutype(rawValue: $0) }
        let insuAdmdvs = parsed(.insuAdmdvs, "is not a 6-digit division code") { text in
            var copy = text
            return copy.withUTF8 { DivisionCode.isValid(bytes: $0) } ? text : nil
        }
        let medType = parsed(.medType, "is not a med_type code (11, 13, 14 or 21)") { MedType(rawValue: $0) }
        let begndate = parsedBytes(.begndate, "is not a date YYYY-MM-DD") { Day(bytes: $0) }
        let enddate = parsedBytes(.enddate, "is not a date YYYY-MM-DD") { Day(bytes: $0) }
        if let begndate, let enddate, enddate < begndate {
            problem(ClaimField.enddate.name, raw[.enddate], line: raw.line, "is before begndate \(begndate)")
        }
        let diseCodg = parsed(.diseCodg, "is not an ICD-10 code (a capital letter, two digits, optionally '.' and 1-8 letters or digits)") {
            var copy = $0
            return copy.withUTF8 { DiagnosisCode.isValid(bytes: $0) } ? $0 : nil
        }
        let emergency: Bool? = {
            // Absent, it is 0 (data.md), and so is an empty CSV cell, what a spreadsheet writes
            // for a value not set. An empty XML element is there but not 0 or 1: the shipped
            // XSD refuses it, and so does the reader.
            if format == .xml, let value = raw[.emergency], trimmedBlanks(value.text).isEmpty {
                problem(ClaimField.emergency.name, value, line: raw.line, "is not 0 or 1")
                return nil
            }
            guard let text = text(.emergency) else { return false }
            switch text {
            case "0": return false
            case "1": return true
            default:
                problem(ClaimField.emergency.name, raw[.emergency], line: raw.line, "is not 0 or 1")
                return nil
            }
        }()
        let invoiceNo = identifier(.invoiceNo)
        let invoiceDate = parsedBytes(.invoiceDate, "is not a date YYYY-MM-DD") { Day(bytes: $0) }
        let invoiceAmount: Fen? = {
            guard var text = text(.invoiceAmount) else { return nil }
            switch text.withUTF8({ DecimalText.parse(bytes: $0, scale: Scale.amount) }) {
            case .success(let fen) where !AmountLimits.contains(fen):
                problem(ClaimField.invoiceAmount.name, raw[.invoiceAmount], line: raw.line,
                        "is beyond \(AmountLimits.maxAmount.yuan), more than any claim")
                return nil
            case .success(let fen): return fen
            case .failure(let failure):
                problem(ClaimField.invoiceAmount.name, raw[.invoiceAmount], line: raw.line, "\(failure)")
                return nil
            }
        }()
        let documents: Set<DocumentCode>? = {
            guard let value = raw[.documents] else {
                problem(ClaimField.documents.name, nil, line: raw.line, "is missing (it may be empty, but must be there)")
                return nil
            }
            var codes = Set<DocumentCode>()
            var ok = true
            if let words = DocumentWords(value.text) {
                codes.reserveCapacity(words.all.count)  // not grown (and rehashed) code by code
                for word in words.all {
                    if let code = word.code {
                        codes.insert(code)
                    } else {
                        ok = false
                        problems.append(FieldProblem(field: ClaimField.documents.name, value: word.text, line: value.line,
                                                     column: value.column,
                                                     message: "is not a document code (invoice, fee_list, discharge_summary, diagnosis_cert, referral_cert)"))
                    }
                }
                return ok ? codes : nil
            }
            // "\r\n" is one Character, equal neither to "\r" nor to "\n": a CSV cell written
            // on Windows breaks its lines so.
            for word in value.text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
                if let code = DocumentCode(rawValue: String(word)) {
                    codes.insert(code)
                } else {
                    ok = false
                    problems.append(FieldProblem(field: ClaimField.documents.name, value: String(word), line: value.line,
                                                 column: value.column,
                                                 message: "is not a document code (invoice, fee_list, discharge_summary, diagnosis_cert, referral_cert)"))
                }
            }
            return ok ? codes : nil
        }()
        let submitted = parsedBytes(.submitted, "is not a date YYYY-MM-DD") { Day(bytes: $0) }
        let mode = parsed(.mode, "is not a mode (manual or direct)") { SettlementMode(rawValue: $0) }

        // Fee lines: checked by the reader while it was on them (`FeeLineChecker`); their
        // problems come after the claim's own.
        if raw.fees.count == 0 {
            problems.append(FieldProblem(field: format == .xml ? "fees" : "fee_sn", value: "", line: raw.line,
                                         message: "has no fee lines (a claim needs at least one)"))
        }
        problems += raw.fees.problems
        let lines = raw.fees.lines
        let linesOK = raw.fees.allValid

        if problems.isEmpty, linesOK, !lines.isEmpty,
           let fixmedinsCode, let mdtrtId, let psnNo, let psnName, let certno, let insutype, let insuAdmdvs,
           let medType, let begndate, let enddate, let diseCodg, let emergency, let invoiceNo, let invoiceDate,
           let invoiceAmount, let documents, let submitted, let mode
        {
            return .valid(Claim(
                submission: submission, ordinal: ordinal, sourceLine: raw.line, fixmedinsCode: fixmedinsCode,
                mdtrtId: mdtrtId, psnNo: psnNo, psnName: psnName, certno: certno, insutype: insutype,
                insuAdmdvs: insuAdmdvs, medType: medType, begndate: begndate, enddate: enddate, diseCodg: diseCodg,
                emergency: emergency, invoiceNo: invoiceNo, invoiceDate: invoiceDate, invoiceAmount: invoiceAmount,
                documents: documents, submitted: submitted, mode: mode, lines: lines))
        }
        // Identifying fields as far as they could be read, for the auditor.
        func shown(_ field: ClaimField) -> String? {
            raw[field].map { trimmedBlanks($0.text) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        return .invalid(InvalidClaim(
            submission: submission, ordinal: ordinal, sourceLine: raw.line, fixmedinsCode: shown(.fixmedinsCode),
            mdtrtId: shown(.mdtrtId), invoiceNo: shown(.invoiceNo), psnNo: shown(.psnNo), certno: shown(.certno),
            insuAdmdvs: shown(.insuAdmdvs), mode: mode,
            claimedAmount: invoiceAmount ?? raw.fees.amountSum,
            problems: problems))
    }
}

/// The words of a `documents` value, read as bytes when that gives the same words as
/// splitting the String by Characters (the general way, kept for the rest): ASCII without
/// CR LF, which is one Character, not a separator. Nearly every value is such, and then
/// makes no String.
struct DocumentWords {
    struct Word {
        var code: DocumentCode?
        var text: String
    }

    private(set) var all: [Word] = []

    init?(_ text: String) {
        var text = text
        let words: [Word]? = text.withUTF8 { bytes in
            var words: [Word] = []
            var start = 0
            var previous: UInt8 = 0
            for (i, b) in bytes.enumerated() {
                if b >= 0x80 || (previous == 0x0D && b == 0x0A) { return nil }
                previous = b
                if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                    if i > start { words.append(DocumentWords.word(UnsafeBufferPointer(rebasing: bytes[start..<i]))) }
                    start = i + 1
                }
            }
            if bytes.count > start { words.append(DocumentWords.word(UnsafeBufferPointer(rebasing: bytes[start...]))) }
            return words
        }
        guard let words else { return nil }
        all = words
    }

    private static let codes: [(bytes: [UInt8], code: DocumentCode)] = DocumentCode.allCases.map { (Array($0.rawValue.utf8), $0) }

    private static func word(_ bytes: UnsafeBufferPointer<UInt8>) -> Word {
        for entry in codes where entry.bytes.elementsEqual(bytes) { return Word(code: entry.code, text: "") }
        return Word(code: nil, text: String(decoding: bytes, as: UTF8.self))
    }
}
