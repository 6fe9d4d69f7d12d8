// The Payments module: the run's transfers as bank files (ISO 20022 pain.001.001.09 and a
// bank batch CSV), and the XSD check the batch runs before a file is released.
// See docs/payments.md for the layouts and the choices behind them.
import Domain
import TextFormats

/// The agency's account the transfers are paid from (`payer` in medclaims.yaml).
public struct PayerAccount: Sendable, Hashable {
    public var account: String
    public var name: String
    public var bankName: String
    /// CNAPS code of the account's branch, 12 digits.
    public var bankCode: String

    public init(account: String, name: String, bankName: String, bankCode: String) {
        self.account = account
        self.name = name
        self.bankName = bankName
        self.bankCode = bankCode
    }

    /// What the payment files would refuse in this account, by its key in medclaims.yaml
    /// (`account`, `name`, `bank_code`), or nil. Checked when the config loads,
    /// so that a run which could never pay is refused before it takes the inbox, and again
    /// when a file's header is made.
    public var problem: (key: String, message: String)? {
        if let p = PaymentText.accountProblem(account) { return ("account", p) }
        if let p = PaymentText.cnapsProblem(bankCode) { return ("bank_code", p) }
        if PaymentText.clean(name).isEmpty { return ("name", "is empty once cleaned for the bank (blanks only?)") }
        return nil
    }
}

public enum PaymentFileFormat: String, Sendable, CaseIterable {
    case pain001, csv

    /// The file name a run publishes for this format (data.md, "Outputs of a run").
    public var fileName: String {
        switch self {
        case .pain001: return "payments.pain001.xml"
        case .csv: return "payments.csv"
        }
    }
}

/// One credit transfer: everything a run owes one payee.
public struct PaymentTransfer: Sendable, Hashable {
    /// At most 35 characters, deterministic, made by the caller (the ledger).
    public var endToEndId: String
    public var payee: Payee
    /// In fen, greater than zero.
    public var amount: Fen
    /// Made by `Remittance.text`.
    public var remittance: String

    public init(endToEndId: String, payee: Payee, amount: Fen, remittance: String) {
        self.endToEndId = endToEndId
        self.payee = payee
        self.amount = amount
        self.remittance = remittance
    }
}

/// What a payment file says about itself before its first transfer: the writers stream,
/// so the count and the control sum are known up front (from the ledger) and checked at
/// `finish()` against what was actually appended.
public struct PaymentBatchHeader: Sendable, Hashable {
    /// At most 35 characters.
    public var messageId: String
    /// At most 35 characters.
    public var paymentInfoId: String
    /// Local time of the run record, `2026-03-02T02:00:00`.
    public var creationDateTime: String
    public var requestedExecutionDate: Day
    public var numberOfTransactions: Int
    public var controlSum: Fen
    public var payer: PayerAccount

    public init(messageId: String, paymentInfoId: String, creationDateTime: String, requestedExecutionDate: Day,
                numberOfTransactions: Int, controlSum: Fen, payer: PayerAccount) {
        self.messageId = messageId
        self.paymentInfoId = paymentInfoId
        self.creationDateTime = creationDateTime
        self.requestedExecutionDate = requestedExecutionDate
        self.numberOfTransactions = numberOfTransactions
        self.controlSum = controlSum
        self.payer = payer
    }
}

/// Why a payment file could not be written. Account numbers in messages are masked.
public enum PaymentFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The header cannot make a valid file (field and problem).
    case invalidHeader(field: String, problem: String)
    /// A transfer cannot be written (its EndToEndId, field and problem).
    case invalidTransfer(endToEndId: String, field: String, problem: String)
    /// More transfers were appended than the header announced.
    case tooManyTransfers(announced: Int)
    /// At `finish()`: the appended transfers do not add up to the header.
    case countMismatch(announced: Int, appended: Int)
    case sumMismatch(announced: Fen, appended: Fen)
    /// `append` or `finish` after `finish`.
    case finished

    public var description: String {
        switch self {
        case .invalidHeader(let field, let problem):
            return "payment header: \(field) \(problem)"
        case .invalidTransfer(let id, let field, let problem):
            return "transfer \(id): \(field) \(problem)"
        case .tooManyTransfers(let announced):
            return "more transfers appended than the \(announced) the header announces"
        case .countMismatch(let announced, let appended):
            return "the header announces \(announced) transfers but \(appended) were appended"
        case .sumMismatch(let announced, let appended):
            return "the header announces a control sum of \(announced.yuan) but the transfers add up to \(appended.yuan)"
        case .finished:
            return "the payment file is already finished"
        }
    }
}
