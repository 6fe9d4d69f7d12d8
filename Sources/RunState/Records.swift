#if canImport(Glibc)
import Glibc
#endif
import Domain

/// Where a run stands. A run moves forward only; an interrupted run resumes where it stands.
public enum RunPhase: String, Sendable {
    /// Submissions are staged and adjudicated in chunks.
    case adjudicating
    /// Results are published; the payment ledger and files are being made.
    case paying
    /// Payment files are released; the summary and report are being written.
    case reporting
    case completed
}

public struct RunRecord: Sendable, Hashable {
    public var id: String
    public var seq: Int
    public var kind: RunSummary.Kind
    public var phase: RunPhase
    public var startedAt: String
    public var endedAt: String?
    public var policyVersion: String
    /// The reference files and their hashes when the run started (JSON of [RunSummary.ReferenceFile]).
    public var referenceJSON: String
    /// Claims adjudicated and committed so far; the next claim's settlement number is this + 1.
    public var claimsDone: Int
    /// Committed lengths of the result logs, so a resumed run cuts off what a killed one wrote
    /// after its last checkpoint.
    public var resultsBytes: Int64
    public var rejectedBytes: Int64
    /// The run's running totals (JSON of `RunTotals`), committed with every chunk.
    public var totalsJSON: String

    public init(id: String, seq: Int, kind: RunSummary.Kind, phase: RunPhase, startedAt: String, endedAt: String?,
                policyVersion: String, referenceJSON: String, claimsDone: Int, resultsBytes: Int64,
                rejectedBytes: Int64, totalsJSON: String) {
        self.id = id
        self.seq = seq
        self.kind = kind
        self.phase = phase
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.policyVersion = policyVersion
        self.referenceJSON = referenceJSON
        self.claimsDone = claimsDone
        self.resultsBytes = resultsBytes
        self.rejectedBytes = rejectedBytes
        self.totalsJSON = totalsJSON
    }
}

public enum FileOutcome: String, Sendable {
    /// Planned, not yet read.
    case pending
    /// Read whole and staged; its claims are being adjudicated.
    case staged
    /// All its claims are adjudicated and committed.
    case taken
    /// Refused whole (quarantined).
    case refused
    /// The same content was taken before: not taken twice (quarantined).
    case alreadyTaken = "already_taken"
}

/// One submission file of a run, in the run's fixed order.
public struct RunFileRecord: Sendable, Hashable {
    public var runId: String
    public var position: Int
    /// The name people see: `inbox/a.xml`.
    public var name: String
    /// Where the file was when the run planned it.
    public var sourcePath: String
    public var sha256: String
    public var bytes: Int64
    public var outcome: FileOutcome
    public var error: String?
    /// Why the file was refused, field by field (for `FILE.error.json`).
    public var refusal: FileRefusal?
    public var claims: Int
    /// The checkpoint inside the staged claims: next record's byte offset and ordinal.
    public var nextOffset: Int64
    public var nextOrdinal: Int

    public init(runId: String, position: Int, name: String, sourcePath: String, sha256: String, bytes: Int64,
                outcome: FileOutcome = .pending, error: String? = nil, refusal: FileRefusal? = nil, claims: Int = 0,
                nextOffset: Int64 = 0, nextOrdinal: Int = 0) {
        self.refusal = refusal
        self.runId = runId
        self.position = position
        self.name = name
        self.sourcePath = sourcePath
        self.sha256 = sha256
        self.bytes = bytes
        self.outcome = outcome
        self.error = error
        self.claims = claims
        self.nextOffset = nextOffset
        self.nextOrdinal = nextOrdinal
    }
}

/// What the state keeps of each adjudicated claim (the full result is in the result logs).
public struct ClaimRecord: Sendable, Hashable {
    public var setlId: String
    public var runId: String
    public var filePosition: Int
    public var ordinal: Int
    public var fixmedinsCode: String?
    public var mdtrtId: String?
    public var invoiceNo: String?
    public var psnNo: String?
    public var status: ClaimStatus
    /// The rejecting reason code, for rejected claims.
    public var reason: String?
    public var payable: Fen
    public var payee: Payee?

    public init(setlId: String, runId: String, filePosition: Int, ordinal: Int, fixmedinsCode: String?,
                mdtrtId: String?, invoiceNo: String?, psnNo: String?, status: ClaimStatus, reason: String?,
                payable: Fen, payee: Payee?) {
        self.setlId = setlId
        self.runId = runId
        self.filePosition = filePosition
        self.ordinal = ordinal
        self.fixmedinsCode = fixmedinsCode
        self.mdtrtId = mdtrtId
        self.invoiceNo = invoiceNo
        self.psnNo = psnNo
        self.status = status
        self.reason = reason
        self.payable = payable
        self.payee = payee
    }
}

/// Everything one checkpointed chunk changes, written in one transaction.
public struct ChunkCommit: Sendable {
    public var claims: [ClaimRecord] = []
    public var approvedInvoices: [(fixmedinsCode: String, invoiceNo: String, setlId: String)] = []
    /// Each person an approved claim moved, as the chunk's last such claim left them; by the
    /// bytes of `psn_no`, as SQLite keys `person`.
    public var persons: [ByteText: PersonState] = [:]
    /// The checkpoint: the file's position in the staged claims, and the run's counters.
    public var file: RunFileRecord
    public var run: RunRecord
    /// Remember the file's content as taken (inbox runs, with the file's last chunk).
    public var rememberContent = false

    public init(file: RunFileRecord, run: RunRecord) {
        self.file = file
        self.run = run
    }
}

/// What the state keeps of one insured person between claims (a row of `person`): every claim
/// of theirs that is approved reads and rewrites it whole. One row, not a table each for the
/// accumulators, the account balance and the stays: a checkpoint then rewrites one random page
/// per person, not three (issue 7).
public struct PersonState: Sendable, Hashable {
    /// The accumulators of each calendar year (of a claim's `enddate`) that has any.
    public var years: [Int: YearAccumulators] = [:]
    /// The personal account's balance; nil until a claim moved it (the roster's is the start).
    public var accountBalance: Fen?
    /// Approved inpatient stays, by begin date, then settlement id by bytes: a reason names the
    /// first overlapping stay, and must name the same one whether this list grew in memory or
    /// was read back from the state after a drop or a resume.
    public private(set) var stays: [ApprovedStay] = []

    public init(years: [Int: YearAccumulators] = [:], accountBalance: Fen? = nil, stays: [ApprovedStay] = []) {
        self.years = years
        self.accountBalance = accountBalance
        self.stays = stays.sorted(by: Self.precedes)
    }

    public mutating func addStay(_ stay: ApprovedStay) {
        stays.insert(stay, at: stays.firstIndex { Self.precedes(stay, $0) } ?? stays.endIndex)
    }

    /// The stays' order: begin date, then settlement id by bytes.
    private static func precedes(_ a: ApprovedStay, _ b: ApprovedStay) -> Bool {
        a.begndate != b.begndate ? a.begndate < b.begndate : a.setlId.utf8.lexicographicallyPrecedes(b.setlId.utf8)
    }
}

/// One credit transfer of a run's payment file: the sum of one payee's payables.
public struct TransferRecord: Sendable, Hashable {
    public var endToEndId: String
    public var runId: String
    public var seq: Int
    public var payeeKind: Payee.Kind
    public var payeeId: String
    public var amount: Fen
    public var claims: Int

    public init(endToEndId: String, runId: String, seq: Int, payeeKind: Payee.Kind, payeeId: String, amount: Fen,
                claims: Int) {
        self.endToEndId = endToEndId
        self.runId = runId
        self.seq = seq
        self.payeeKind = payeeKind
        self.payeeId = payeeId
        self.amount = amount
        self.claims = claims
    }
}

/// Two strings that identify a row together, such as (fixmedins_code, invoice_no): a key
/// without building a joined string per lookup. Equal when their UTF-8 bytes are, as in
/// SQLite: Swift Strings would also equate canonically equivalent spellings (a composed and a
/// decomposed accent), and the cache must never answer for a row SQLite would not find.
public struct PairKey: Hashable, Sendable {
    public var first: String
    public var second: String

    public init(_ first: String, _ second: String) {
        self.first = first
        self.second = second
    }

    // By bytes, as SQLite compares them (see `ByteText`).
    public static func == (a: PairKey, b: PairKey) -> Bool {
        ByteText.sameBytes(a.first, b.first) && ByteText.sameBytes(a.second, b.second)
    }

    public func hash(into hasher: inout Hasher) {
        ByteText.combine(first, into: &hasher)
        hasher.combine(0xFF as UInt8)  // never in UTF-8: where the first ends
        ByteText.combine(second, into: &hasher)
    }
}

/// A text as a key by its UTF-8 bytes, as SQLite compares text (String's own == would equate
/// canonically equivalent texts). Both are whole-buffer operations: the run hashes and
/// compares a few keys per claim, and byte-by-byte loops over the UTF-8 views cost 5% of the
/// adjudicating thread at 1,000,000 claims (issue 7); so did an `Array(text.utf8)` per key.
public struct ByteText: Hashable, Sendable {
    public let text: String

    public init(_ text: String) { self.text = text }

    public static func == (a: ByteText, b: ByteText) -> Bool { sameBytes(a.text, b.text) }

    public func hash(into hasher: inout Hasher) { Self.combine(text, into: &hasher) }

    static func sameBytes(_ a: String, _ b: String) -> Bool {
        let compared = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in
                x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
        }
        return (compared ?? nil) ?? a.utf8.elementsEqual(b.utf8)
    }

    static func combine(_ text: String, into hasher: inout Hasher) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil {
            for byte in text.utf8 { hasher.combine(byte) }
        }
    }
}

extension Array {
    /// The array cut into consecutive pieces of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
