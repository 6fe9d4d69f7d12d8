public enum ClaimStatus: String, Sendable, Codable {
    case approved, rejected
}

/// Who receives a claim's `payable`: the person's card (manual) or the institution's account
/// (direct). Transfers are summed per payee.
public struct Payee: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable { case person, institution }
    public var kind: Kind
    /// `psn_no` or `fixmedins_code`.
    public var id: String
    public var name: String
    public var account: String
    public var bankName: String
    public var bankCode: String

    public init(kind: Kind, id: String, name: String, account: String, bankName: String, bankCode: String) {
        self.kind = kind
        self.id = id
        self.name = name
        self.account = account
        self.bankName = bankName
        self.bankCode = bankCode
    }
}

/// One fee line after netting, split into its four parts:
/// `amount = fulamtOwnpay + overlmt + preselfpay + inscp`.
public struct LineDecision: Hashable, Sendable {
    public var sn: Int
    public var code: String
    public var name: String
    public var amount: Fen
    public var fulamtOwnpay: Fen
    public var overlmt: Fen
    public var preselfpay: Fen
    public var inscp: Fen
    public var reasons: [Reason]

    public init(sn: Int, code: String, name: String, amount: Fen, fulamtOwnpay: Fen = 0, overlmt: Fen = 0,
                preselfpay: Fen = 0, inscp: Fen = 0, reasons: [Reason] = []) {
        self.sn = sn
        self.code = code
        self.name = name
        self.amount = amount
        self.fulamtOwnpay = fulamtOwnpay
        self.overlmt = overlmt
        self.preselfpay = preselfpay
        self.inscp = inscp
        self.reasons = reasons
    }
}

/// The amounts of one claim (rules.md), all in fen. A rejected claim has every one zero.
public struct ClaimAmounts: Hashable, Sendable {
    public var medfeeSumamt: Fen = 0
    public var fulamtOwnpayAmt: Fen = 0
    public var overlmtSelfpay: Fen = 0
    public var preselfpayAmt: Fen = 0
    public var inscpScpAmt: Fen = 0
    public var actPayDedc: Fen = 0
    /// Ordered by fund code; the personal account is never here.
    public var funds: [Fund: Fen] = [:]
    public var fundPaySumamt: Fen = 0
    public var acctPay: Fen = 0
    public var psnPartAmt: Fen = 0
    public var psnCashPay: Fen = 0
    public var payable: Fen = 0

    public init() {}

    /// The invariants of rules.md; the core asserts them for every claim.
    public var invariantsHold: Bool {
        medfeeSumamt == fulamtOwnpayAmt + overlmtSelfpay + preselfpayAmt + inscpScpAmt
            && psnPartAmt + fundPaySumamt == medfeeSumamt
            && acctPay + psnCashPay == psnPartAmt
            && fundPaySumamt == funds.values.reduce(0, +)
            && payable == fundPaySumamt + acctPay
            && [medfeeSumamt, fulamtOwnpayAmt, overlmtSelfpay, preselfpayAmt, inscpScpAmt, actPayDedc,
                fundPaySumamt, acctPay, psnPartAmt, psnCashPay, payable].allSatisfy { $0 >= 0 }
            && funds.values.allSatisfy { $0 >= 0 }
    }
}

/// What the core decides for one claim.
public struct Decision: Hashable, Sendable {
    public var status: ClaimStatus
    /// Claim-level reasons: the gate that rejected it, or reductions such as
    /// `UNFILED_REDUCTION` and `ANNUAL_CAP_REACHED`.
    public var reasons: [Reason]
    public var amounts: ClaimAmounts
    /// Empty for rejected claims.
    public var lines: [LineDecision]
    /// Who is paid `amounts.payable` (nil for rejected claims).
    public var payee: Payee?
    /// The accumulators after this claim (unchanged when rejected).
    public var year: YearAccumulators
    public var accountBalance: Fen?

    public init(status: ClaimStatus, reasons: [Reason], amounts: ClaimAmounts, lines: [LineDecision],
                payee: Payee?, year: YearAccumulators, accountBalance: Fen?) {
        self.status = status
        self.reasons = reasons
        self.amounts = amounts
        self.lines = lines
        self.payee = payee
        self.year = year
        self.accountBalance = accountBalance
    }
}
