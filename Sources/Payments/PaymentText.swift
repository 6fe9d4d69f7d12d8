import Domain

/// Text as it goes into a payment file. Both writers put exactly the same cleaned values in
/// their files, so the XML and the CSV of one run always carry the same transfers.
enum PaymentText {
    /// ISO 20022 `Max140Text`, the limit on names and on the remittance line.
    static let max140 = 140

    /// Free text (a name, a bank name, the remittance) made safe for both files:
    /// - control characters (U+0000–U+001F, U+007F–U+009F: XML 1.0 forbids most of them, a
    ///   CSV row must not break on them) become a space, and U+FFFE/U+FFFF (not characters
    ///   at all) are dropped;
    /// - runs of ASCII spaces become one, and spaces at either end go;
    /// - the result is cut to `limit` Unicode scalars (what XSD `maxLength` counts) without
    ///   splitting a character (a grapheme cluster such as 👨‍👩‍👧 is kept whole or left out).
    static func clean(_ text: String, limit: Int = max140) -> String {
        isClean(text, limit: limit) ? text : rebuilt(text, limit: limit)
    }

    /// `clean` the long way, scalar by scalar.
    static func rebuilt(_ text: String, limit: Int) -> String {
        var spaced = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v == 0xFFFE || v == 0xFFFF { continue }
            if v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x20 {
                pendingSpace = !spaced.isEmpty
                continue
            }
            if pendingSpace {
                spaced.append(" ")
                pendingSpace = false
            }
            spaced.append(scalar)
        }
        let cleaned = String(spaced)
        if cleaned.unicodeScalars.count <= limit { return cleaned }
        var cut = ""
        var count = 0
        for character in cleaned {
            let size = character.unicodeScalars.count
            if count + size > limit { break }
            cut.append(character)
            count += size
        }
        // The cut may leave a space at the end.
        while cut.last == " " { cut.removeLast() }
        return cut
    }

    /// Whether `clean` would return the text unchanged: no control character, no U+FFFE or
    /// U+FFFF, no space at either end or next to another, at most `limit` scalars. Almost
    /// every name is, and this byte scan is far cheaper than rebuilding it (issue 7).
    static func isClean(_ text: String, limit: Int) -> Bool {
        var scalars = 0
        var previous: UInt8 = 0x20  // a space "before" the text: a leading space fails
        var beforePrevious: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F { return false }
            if byte == 0x20 && previous == 0x20 { return false }
            // U+0080–U+009F are C2 80–C2 9F; U+FFFE/U+FFFF are EF BF BE/BF.
            if previous == 0xC2 && byte >= 0x80 && byte <= 0x9F { return false }
            if beforePrevious == 0xEF && previous == 0xBF && (byte == 0xBE || byte == 0xBF) { return false }
            if byte & 0xC0 != 0x80 { scalars += 1 }
            beforePrevious = previous
            previous = byte
        }
        return (scalars == 0 || previous != 0x20) && scalars <= limit
    }

    /// Identifiers (MsgId, PmtInfId, EndToEndId): 1 to `limit` printable ASCII characters,
    /// no spaces. The caller makes them; a bad one is a bug there, so it is refused.
    static func identifierProblem(_ id: String, limit: Int = 35) -> String? {
        let bytes = id.utf8
        if bytes.isEmpty { return "is empty" }
        if bytes.count > limit { return "is longer than \(limit) characters" }
        if !bytes.allSatisfy({ (0x21...0x7E).contains($0) }) { return "has characters other than printable ASCII" }
        return nil
    }

    /// Account numbers (`Othr/Id`, Max34Text): 1 to 34 ASCII letters or digits. Chinese card
    /// and institution accounts are digits; anything else is a data error the bank would
    /// bounce after the money was released.
    static func accountProblem(_ account: String) -> String? {
        let bytes = account.utf8
        if bytes.isEmpty { return "is empty" }
        if bytes.count > 34 { return "\(BankCard.masked(account)) is longer than 34 characters" }
        if !bytes.allSatisfy(isASCIIAlphanumeric) {
            return "\(BankCard.masked(account)) has characters other than ASCII letters and digits"
        }
        return nil
    }

    /// A CNAPS bank code is 12 ASCII digits.
    static func cnapsProblem(_ code: String) -> String? {
        let bytes = code.utf8
        return bytes.count == 12 && bytes.allSatisfy({ (0x30...0x39).contains($0) })
            ? nil : "'\(code)' is not a 12-digit CNAPS code"
    }

    private static func isASCIIAlphanumeric(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
    }

    /// The largest amount the schema's `DecimalNumber`/`ActiveOrHistoricCurrencyAndAmount`
    /// (18 digits in total) can hold with 2 decimals: 9999999999999999.99 yuan.
    static let maxFen: Fen = 999_999_999_999_999_999
}

/// A transfer checked and cleaned once, for either file: a run writing both files prepares
/// each transfer once and appends it to each.
public struct PreparedTransfer {
    var endToEndId: String
    var name: String
    var account: String
    var bankCode: String
    /// May be empty (then the files leave it out).
    var bankName: String
    var amount: Fen
    /// May be empty (then the files leave it out).
    var remittance: String

    /// Throws `PaymentFileError.invalidTransfer` for a transfer no bank would take.
    public init(_ t: PaymentTransfer) throws {
        func refuse(_ field: String, _ problem: String) -> PaymentFileError {
            .invalidTransfer(endToEndId: t.endToEndId, field: field, problem: problem)
        }
        if let p = PaymentText.identifierProblem(t.endToEndId) { throw refuse("EndToEndId", p) }
        guard t.amount > 0 else { throw refuse("amount", "\(t.amount.yuan) is not positive") }
        guard t.amount <= PaymentText.maxFen else { throw refuse("amount", "\(t.amount.yuan) is too large") }
        if let p = PaymentText.accountProblem(t.payee.account) { throw refuse("payee account", p) }
        if let p = PaymentText.cnapsProblem(t.payee.bankCode) { throw refuse("payee bank code", p) }
        let name = PaymentText.clean(t.payee.name)
        // A Chinese bank matches the account holder's name: a transfer without one bounces.
        guard !name.isEmpty else { throw refuse("payee name", "is empty") }
        endToEndId = t.endToEndId
        self.name = name
        account = t.payee.account
        bankCode = t.payee.bankCode
        bankName = PaymentText.clean(t.payee.bankName)
        amount = t.amount
        remittance = PaymentText.clean(t.remittance)
    }
}

/// The header checked and cleaned once, for either file.
struct PreparedHeader {
    var messageId: String
    var paymentInfoId: String
    var creationDateTime: String
    var requestedExecutionDate: String
    var numberOfTransactions: Int
    var controlSum: Fen
    var payerName: String
    var payerAccount: String
    var payerBankName: String
    var payerBankCode: String

    init(_ h: PaymentBatchHeader) throws {
        func refuse(_ field: String, _ problem: String) -> PaymentFileError {
            .invalidHeader(field: field, problem: problem)
        }
        if let p = PaymentText.identifierProblem(h.messageId) { throw refuse("MsgId", p) }
        if let p = PaymentText.identifierProblem(h.paymentInfoId) { throw refuse("PmtInfId", p) }
        guard DateTime(h.creationDateTime) != nil else {
            throw refuse("CreDtTm", "'\(h.creationDateTime)' is not YYYY-MM-DDTHH:MM:SS")
        }
        // data.md: no payment file is written when nothing is payable, and the schema wants
        // at least one CdtTrfTxInf.
        guard h.numberOfTransactions > 0 else { throw refuse("NbOfTxs", "must be at least 1") }
        guard h.controlSum > 0 else { throw refuse("CtrlSum", "\(h.controlSum.yuan) is not positive") }
        guard h.controlSum <= PaymentText.maxFen else { throw refuse("CtrlSum", "\(h.controlSum.yuan) is too large") }
        if let p = h.payer.problem { throw refuse("payer \(p.key)", p.message) }
        let payerName = PaymentText.clean(h.payer.name)
        messageId = h.messageId
        paymentInfoId = h.paymentInfoId
        creationDateTime = h.creationDateTime
        requestedExecutionDate = h.requestedExecutionDate.description
        numberOfTransactions = h.numberOfTransactions
        controlSum = h.controlSum
        self.payerName = payerName
        payerAccount = h.payer.account
        payerBankName = PaymentText.clean(h.payer.bankName)
        payerBankCode = h.payer.bankCode
    }
}

/// Counts and sums what a writer appends, and holds it to the header.
struct TransferTally {
    let announcedCount: Int
    let announcedSum: Fen
    private(set) var count = 0
    private(set) var sum: Fen = 0
    private(set) var isFinished = false

    init(_ header: PreparedHeader) {
        announcedCount = header.numberOfTransactions
        announcedSum = header.controlSum
    }

    /// Called before a transfer is written, so a file never holds more than announced.
    mutating func admit(_ amount: Fen) throws {
        guard !isFinished else { throw PaymentFileError.finished }
        guard count < announcedCount else { throw PaymentFileError.tooManyTransfers(announced: announcedCount) }
        // Amounts are positive, so a sum past the announced one can only grow: refuse it
        // now. Both terms are at most maxFen (about 1e18), far from Int64's 9.2e18.
        let next = sum + amount
        guard next <= announcedSum else { throw PaymentFileError.sumMismatch(announced: announcedSum, appended: next) }
        count += 1
        sum = next
    }

    mutating func close() throws {
        guard !isFinished else { throw PaymentFileError.finished }
        isFinished = true
        guard count == announcedCount else {
            throw PaymentFileError.countMismatch(announced: announcedCount, appended: count)
        }
        guard sum == announcedSum else { throw PaymentFileError.sumMismatch(announced: announcedSum, appended: sum) }
    }
}
