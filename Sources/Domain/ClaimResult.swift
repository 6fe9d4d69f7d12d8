/// An amount as output files write it: a string in yuan with two decimals (`"3575.66"`).
public struct Yuan: Hashable, Sendable, Codable, CustomStringConvertible {
    public var fen: Fen

    public init(_ fen: Fen) { self.fen = fen }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch DecimalText.parse(text, scale: Scale.amount, allowNegative: true) {
        case .success(let fen): self.fen = fen
        case .failure(let failure):
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "amount '\(text)' \(failure)"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(fen.yuan)
    }

    public var description: String { fen.yuan }
}

/// One line of `results.jsonl` / `rejected.jsonl` (data.md): a claim, its decision, and enough
/// about both for an auditor who has only the logs. Personal data is masked.
public struct ClaimResult: Hashable, Sendable, Codable {
    public struct Line: Hashable, Sendable, Codable {
        public var sn: Int
        public var code: String
        public var name: String
        public var amount: Yuan
        public var fulamtOwnpay: Yuan
        public var overlmt: Yuan
        public var preselfpay: Yuan
        public var inscp: Yuan
        public var reasons: [Reason]

        enum CodingKeys: String, CodingKey {
            case sn, code, name, amount, reasons
            case fulamtOwnpay = "fulamt_ownpay"
            case overlmt, preselfpay, inscp
        }
    }

    /// The payee with the account masked.
    public struct PayeeView: Hashable, Sendable, Codable {
        public var kind: Payee.Kind
        public var id: String
        public var name: String
        public var account: String
        public var bankCode: String

        enum CodingKeys: String, CodingKey {
            case kind, id, name, account
            case bankCode = "bank_code"
        }
    }

    public var runId: String
    public var setlId: String
    public var submission: String
    /// The file and line where the claim starts.
    public var source: String
    public var fixmedinsCode: String?
    public var fixmedinsName: String?
    public var mdtrtId: String?
    public var invoiceNo: String?
    public var psnNo: String?
    public var psnName: String?
    /// Masked.
    public var certno: String?
    public var insutype: String?
    public var insuAdmdvs: String?
    public var medType: String?
    public var begndate: String?
    public var enddate: String?
    public var mode: String?
    public var status: ClaimStatus
    public var reasons: [Reason]
    public var claimedAmt: Yuan?
    public var medfeeSumamt: Yuan
    public var fulamtOwnpayAmt: Yuan
    public var overlmtSelfpay: Yuan
    public var preselfpayAmt: Yuan
    public var inscpScpAmt: Yuan
    public var actPayDedc: Yuan
    /// Fund code → amount.
    public var funds: [String: Yuan]
    public var fundPaySumamt: Yuan
    public var acctPay: Yuan
    public var psnPartAmt: Yuan
    public var psnCashPay: Yuan
    public var payable: Yuan
    public var payee: PayeeView?
    /// The earlier result of the same visit (`fixmedins_code` + `mdtrt_id`) that this one
    /// adjudicates again, when there was one.
    public var supersedes: String?
    public var lines: [Line]

    enum CodingKeys: String, CodingKey {
        case runId = "run_id", setlId = "setl_id", submission, source
        case fixmedinsCode = "fixmedins_code", fixmedinsName = "fixmedins_name", mdtrtId = "mdtrt_id"
        case invoiceNo = "invoice_no", psnNo = "psn_no", psnName = "psn_name", certno, insutype
        case insuAdmdvs = "insu_admdvs", medType = "med_type", begndate, enddate, mode, status, reasons
        case claimedAmt = "claimed_amt", medfeeSumamt = "medfee_sumamt", fulamtOwnpayAmt = "fulamt_ownpay_amt"
        case overlmtSelfpay = "overlmt_selfpay", preselfpayAmt = "preselfpay_amt", inscpScpAmt = "inscp_scp_amt"
        case actPayDedc = "act_pay_dedc", funds, fundPaySumamt = "fund_pay_sumamt", acctPay = "acct_pay"
        case psnPartAmt = "psn_part_amt", psnCashPay = "psn_cash_pay", payable, payee, supersedes, lines
    }
}

extension ClaimResult {
    /// The result of a claim that was read whole.
    public init(runId: String, setlId: String, claim: Claim, sourceFile: String, decision: Decision,
                reference: ReferenceData, supersedes: String?) {
        let a = decision.amounts
        self.runId = runId
        self.setlId = setlId
        submission = claim.submission
        source = "\(sourceFile):\(claim.sourceLine)"
        fixmedinsCode = claim.fixmedinsCode
        fixmedinsName = reference.institutions[claim.fixmedinsCode]?.name
        mdtrtId = claim.mdtrtId
        invoiceNo = claim.invoiceNo
        psnNo = claim.psnNo
        psnName = claim.psnName
        certno = ResidentID.masked(claim.certno)
        insutype = claim.insutype.rawValue
        insuAdmdvs = claim.insuAdmdvs
        medType = claim.medType.rawValue
        begndate = claim.begndate.description
        enddate = claim.enddate.description
        mode = claim.mode.rawValue
        status = decision.status
        reasons = decision.reasons
        claimedAmt = Yuan(claim.invoiceAmount)
        medfeeSumamt = Yuan(a.medfeeSumamt)
        fulamtOwnpayAmt = Yuan(a.fulamtOwnpayAmt)
        overlmtSelfpay = Yuan(a.overlmtSelfpay)
        preselfpayAmt = Yuan(a.preselfpayAmt)
        inscpScpAmt = Yuan(a.inscpScpAmt)
        actPayDedc = Yuan(a.actPayDedc)
        var funds: [String: Yuan] = [:]
        funds.reserveCapacity(a.funds.count)
        for (fund, amount) in a.funds { funds[fund.rawValue] = Yuan(amount) }
        self.funds = funds
        fundPaySumamt = Yuan(a.fundPaySumamt)
        acctPay = Yuan(a.acctPay)
        psnPartAmt = Yuan(a.psnPartAmt)
        psnCashPay = Yuan(a.psnCashPay)
        payable = Yuan(a.payable)
        payee = decision.payee.map {
            PayeeView(kind: $0.kind, id: $0.id, name: $0.name, account: BankCard.masked($0.account),
                      bankCode: $0.bankCode)
        }
        self.supersedes = supersedes
        lines = decision.lines.map {
            Line(sn: $0.sn, code: $0.code, name: $0.name, amount: Yuan($0.amount),
                 fulamtOwnpay: Yuan($0.fulamtOwnpay), overlmt: Yuan($0.overlmt), preselfpay: Yuan($0.preselfpay),
                 inscp: Yuan($0.inscp), reasons: $0.reasons)
        }
    }

    /// The result of a claim rejected `INVALID_DATA` on reading: zero amounts, what could be
    /// read, and one reason per problem.
    public init(runId: String, setlId: String, invalid: InvalidClaim, sourceFile: String,
                reference: ReferenceData?, supersedes: String?) {
        self.runId = runId
        self.setlId = setlId
        submission = invalid.submission
        source = "\(sourceFile):\(invalid.sourceLine)"
        fixmedinsCode = invalid.fixmedinsCode
        fixmedinsName = invalid.fixmedinsCode.flatMap { reference?.institutions[$0]?.name }
        mdtrtId = invalid.mdtrtId
        invoiceNo = invalid.invoiceNo
        psnNo = invalid.psnNo
        psnName = nil
        certno = invalid.certno.map(ResidentID.masked)
        insutype = nil
        insuAdmdvs = invalid.insuAdmdvs
        medType = nil
        begndate = nil
        enddate = nil
        mode = invalid.mode?.rawValue
        status = .rejected
        reasons = invalid.problems.map {
            Reason(.invalidData, detail: "\(sourceFile) \($0)", basis: "data.md: claim and fee line fields")
        }
        claimedAmt = invalid.claimedAmount.map(Yuan.init)
        let zero = Yuan(0)
        medfeeSumamt = zero
        fulamtOwnpayAmt = zero
        overlmtSelfpay = zero
        preselfpayAmt = zero
        inscpScpAmt = zero
        actPayDedc = zero
        funds = [:]
        fundPaySumamt = zero
        acctPay = zero
        psnPartAmt = zero
        psnCashPay = zero
        payable = zero
        payee = nil
        self.supersedes = supersedes
        lines = []
    }
}
