/// `summary.json` of a run (data.md): what went in with its hashes, what came out, counted
/// and totalled. `report.html` is drawn from this alone; its numbers are these.
public struct RunSummary: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable { case run, reprocess }

    public struct Input: Hashable, Sendable, Codable {
        public enum Outcome: String, Sendable, Codable {
            /// Read whole; its claims were adjudicated.
            case taken
            /// Refused whole, moved to quarantine with FILE.error.json.
            case refused
            /// The same content was taken in an earlier run: not taken twice.
            case alreadyTaken = "already_taken"
        }
        public var file: String
        public var sha256: String
        public var bytes: Int64
        public var outcome: Outcome
        public var claims: Int
        /// Why it was refused, or which run took it before.
        public var error: String?

        public init(file: String, sha256: String, bytes: Int64, outcome: Outcome, claims: Int, error: String?) {
            self.file = file
            self.sha256 = sha256
            self.bytes = bytes
            self.outcome = outcome
            self.claims = claims
            self.error = error
        }
    }

    public struct ReferenceFile: Hashable, Sendable, Codable {
        public var file: String
        public var sha256: String

        public init(file: String, sha256: String) {
            self.file = file
            self.sha256 = sha256
        }
    }

    public struct Counts: Hashable, Sendable, Codable {
        public var claims: Int = 0
        public var approved: Int = 0
        public var rejected: Int = 0
        /// Claims per rejection code (the gate that refused them).
        public var rejectedByReason: [String: Int] = [:]
        /// Occurrences of each reduction code on approved claims and their lines.
        public var reductionsByReason: [String: Int] = [:]

        public init() {}

        enum CodingKeys: String, CodingKey {
            case claims, approved, rejected
            case rejectedByReason = "rejected_by_reason", reductionsByReason = "reductions_by_reason"
        }
    }

    public struct Totals: Hashable, Sendable, Codable {
        /// What was asked for, over all claims.
        public var claimedAmt: Yuan = Yuan(0)
        /// What was asked for by the rejected claims.
        public var rejectedClaimedAmt: Yuan = Yuan(0)
        public var medfeeSumamt: Yuan = Yuan(0)
        public var fundPaySumamt: Yuan = Yuan(0)
        /// Fund code → amount.
        public var funds: [String: Yuan] = [:]
        public var acctPay: Yuan = Yuan(0)
        public var psnCashPay: Yuan = Yuan(0)
        public var payable: Yuan = Yuan(0)

        public init() {}

        enum CodingKeys: String, CodingKey {
            case claimedAmt = "claimed_amt", rejectedClaimedAmt = "rejected_claimed_amt"
            case medfeeSumamt = "medfee_sumamt", fundPaySumamt = "fund_pay_sumamt", funds
            case acctPay = "acct_pay", psnCashPay = "psn_cash_pay", payable
        }
    }

    public struct InstitutionLine: Hashable, Sendable, Codable {
        public var fixmedinsCode: String
        public var fixmedinsName: String?
        public var claims: Int
        public var rejected: Int
        public var rejectedClaimedAmt: Yuan
        public var payable: Yuan

        public init(fixmedinsCode: String, fixmedinsName: String?, claims: Int, rejected: Int,
                    rejectedClaimedAmt: Yuan, payable: Yuan) {
            self.fixmedinsCode = fixmedinsCode
            self.fixmedinsName = fixmedinsName
            self.claims = claims
            self.rejected = rejected
            self.rejectedClaimedAmt = rejectedClaimedAmt
            self.payable = payable
        }

        enum CodingKeys: String, CodingKey {
            case fixmedinsCode = "fixmedins_code", fixmedinsName = "fixmedins_name", claims, rejected
            case rejectedClaimedAmt = "rejected_claimed_amt", payable
        }
    }

    public struct Payments: Hashable, Sendable, Codable {
        public var transfers: Int = 0
        public var ctrlSum: Yuan = Yuan(0)
        /// The payment files written (names within the run folder); empty when nothing is payable.
        public var files: [String] = []
        public var msgId: String?

        public init() {}

        enum CodingKeys: String, CodingKey {
            case transfers, ctrlSum = "ctrl_sum", files, msgId = "msg_id"
        }
    }

    public var runId: String
    public var kind: Kind
    public var dryRun: Bool
    public var startedAt: String
    public var endedAt: String
    public var policyVersion: String
    public var inputs: [Input]
    public var reference: [ReferenceFile]
    public var counts: Counts
    public var totals: Totals
    /// Per institution, ordered by code.
    public var institutions: [InstitutionLine]
    public var payments: Payments

    public init(runId: String, kind: Kind, dryRun: Bool, startedAt: String, endedAt: String, policyVersion: String,
                inputs: [Input], reference: [ReferenceFile], counts: Counts, totals: Totals,
                institutions: [InstitutionLine], payments: Payments) {
        self.runId = runId
        self.kind = kind
        self.dryRun = dryRun
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.policyVersion = policyVersion
        self.inputs = inputs
        self.reference = reference
        self.counts = counts
        self.totals = totals
        self.institutions = institutions
        self.payments = payments
    }

    enum CodingKeys: String, CodingKey {
        case runId = "run_id", kind, dryRun = "dry_run", startedAt = "started_at", endedAt = "ended_at"
        case policyVersion = "policy_version", inputs, reference, counts, totals, institutions, payments
    }
}
