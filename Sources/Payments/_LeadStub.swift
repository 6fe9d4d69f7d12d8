import Domain
import TextFormats
public struct PayerAccount: Sendable, Hashable { public var account: String; public var name: String; public var bankName: String; public var bankCode: String
    public init(account: String, name: String, bankName: String, bankCode: String) { self.account = account; self.name = name; self.bankName = bankName; self.bankCode = bankCode } }
public enum PaymentFileFormat: String, Sendable, CaseIterable { case pain001, csv }
public struct PaymentTransfer: Sendable, Hashable { public var endToEndId: String; public var payee: Payee; public var amount: Fen; public var remittance: String
    public init(endToEndId: String, payee: Payee, amount: Fen, remittance: String) { self.endToEndId = endToEndId; self.payee = payee; self.amount = amount; self.remittance = remittance } }
public struct PaymentBatchHeader: Sendable, Hashable { public var messageId: String; public var paymentInfoId: String; public var creationDateTime: String; public var requestedExecutionDate: Day; public var numberOfTransactions: Int; public var controlSum: Fen; public var payer: PayerAccount
    public init(messageId: String, paymentInfoId: String, creationDateTime: String, requestedExecutionDate: Day, numberOfTransactions: Int, controlSum: Fen, payer: PayerAccount) { self.messageId = messageId; self.paymentInfoId = paymentInfoId; self.creationDateTime = creationDateTime; self.requestedExecutionDate = requestedExecutionDate; self.numberOfTransactions = numberOfTransactions; self.controlSum = controlSum; self.payer = payer } }
public final class Pain001Writer { public init(path: String, header: PaymentBatchHeader) throws {}; public func append(_ t: PaymentTransfer) throws {}; public func finish() throws {} }
public final class BankCSVWriter { public init(path: String, header: PaymentBatchHeader, encoding: TextEncoding) throws {}; public func append(_ t: PaymentTransfer) throws {}; public func finish() throws {} }
public enum PaymentSchema { public static func validate(fileAt path: String) throws -> [String] { [] } }
public enum Remittance { public static func text(setlIds: [String], totalClaims: Int) -> String { "" } }
