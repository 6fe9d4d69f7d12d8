import Adjudication
import Domain
import Foundation
import Ingest
import Logging
import Payments
import Reporting
import RunState
import TextFormats

/// One run, from wherever its record stands to completed. Every step is either inside a
/// checkpoint transaction or idempotent, so a kill at any instant and a rerun end exactly as
/// one clean run would (docs/batch.md, "Exactly once").
final class RunExecution {
    let runner: BatchRunner
    let store: StateStore
    var record: RunRecord
    let resumed: Bool
    let folder: String
    let stagingFolder: String
    let log: Logger
    /// The String caches of the threads that decode staged claims, kept for the whole run.
    let feeLineStrings = FeeLineStringsPool()

    init(runner: BatchRunner, store: StateStore, record: RunRecord, resumed: Bool) throws {
        self.runner = runner
        self.store = store
        self.record = record
        self.resumed = resumed
        let paths = runner.config.paths
        folder = (runner.request.dryRun ? paths.dryRuns : paths.runs) + "/" + record.id
        stagingFolder = (runner.request.dryRun ? paths.dryRuns + "/" + record.id : paths.state) + "/staging"
        try makeFolder(folder)
        try makeFolder(stagingFolder)
        let handler = try JSONLinesLogHandler(path: folder + "/run.log.jsonl")
        var logger = Logger(label: "medclaims.run", factory: { _ in handler })
        logger[metadataKey: "run_id"] = .string(record.id)
        log = logger
    }

    func execute() throws -> CompletedRun {
        if resumed {
            let stored = record.referenceJSON
            let current = String(decoding: try sortedJSON(runner.referenceFiles), as: UTF8.self)
            guard stored == current else {
                throw BatchError.refused("""
                    run \(record.id) was interrupted and its reference data has changed since it started; \
                    restore the reference files it started with (hashes in the state) and run again
                    """)
            }
            log.info("resuming interrupted run", metadata: ["phase": .string(record.phase.rawValue)])
        } else {
            log.info("run started", metadata: ["kind": .string(record.kind.rawValue), "started_at": .string(record.startedAt)])
        }
        if record.phase == .adjudicating {
            let files = try runFiles()
            try takeOwnership(files)
            try adjudicateFiles(files)
        }
        if record.phase == .paying { try pay() }
        if record.phase == .reporting { try report() }
        runner.progress?.done()
        let summary = try JSONDecoder().decode(RunSummary.self,
                                               from: Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json")))
        return CompletedRun(summary: summary, folder: folder, resumed: resumed)
    }

    // MARK: Ingest and adjudicate

    /// Moves the run's planned files from the inbox into its taking folder. Idempotent: after a
    /// kill, the files already moved stay, the rest move now; a file that has vanished in
    /// between is refused by the stager as unreadable.
    func takeOwnership(_ files: [RunFileRecord]) throws {
        guard record.kind == .run, !runner.request.dryRun else { return }
        let inbox = runner.config.paths.inbox
        try makeFolder(BatchRunner.takingFolder(inbox: inbox, runId: record.id))
        for file in files where file.outcome == .pending {
            let original = inbox + "/" + (file.sourcePath as NSString).lastPathComponent
            let fm = FileManager.default
            if !fm.fileExists(atPath: file.sourcePath) && fm.fileExists(atPath: original) {
                try AtomicFile.publish(original, as: file.sourcePath)
            }
        }
        CrashPoint.reached("files-taken")
    }

    /// The run's files, an inbox run's each read from where it is now. The state records the
    /// absolute path each file was taken to; a workspace moved or copied elsewhere between a
    /// kill and its resume holds its taken files in the taking folder of its own inbox. Read
    /// from the recorded path, they were refused as unreadable and left in a taking folder no
    /// later run looks in (claims lost), or read from the copy's original. So a file is looked
    /// for in the taking folder of the inbox configured now first, and at the recorded path
    /// only when it is not there and the recorded path still holds it (`paths.inbox` changed
    /// between a kill and its resume: the files already taken stay in the old inbox's taking
    /// folder).
    func runFiles() throws -> [RunFileRecord] {
        let files = try store.files(of: record.id)
        guard record.kind == .run, !runner.request.dryRun else { return files }
        let taking = BatchRunner.takingFolder(inbox: runner.config.paths.inbox, runId: record.id)
        let fm = FileManager.default
        return files.map { file in
            var file = file
            let here = taking + "/" + (file.sourcePath as NSString).lastPathComponent
            if fm.fileExists(atPath: here) || !fm.fileExists(atPath: file.sourcePath) { file.sourcePath = here }
            return file
        }
    }

    var resultsPath: String { folder + "/results.jsonl" }
    var rejectedPath: String { folder + "/rejected.jsonl" }

    /// `files` as `runFiles` found them (taking the pending ones moves them to where it
    /// looked first, so it would find them the same again).
    func adjudicateFiles(_ files: [RunFileRecord]) throws {
        // The result logs grow under temporary names; a checkpoint records their committed
        // length, and what a killed run wrote after it is cut off here. (A run killed right
        // after publishing them takes them back: the phase change had not been committed.)
        for path in [resultsPath, rejectedPath] where FileManager.default.fileExists(atPath: path) {
            try AtomicFile.publish(path, as: AtomicFile.temporaryPath(for: path))
        }
        let results = try ResultLog(path: AtomicFile.temporaryPath(for: resultsPath), committed: record.resultsBytes)
        let rejected = try ResultLog(path: AtomicFile.temporaryPath(for: rejectedPath), committed: record.rejectedBytes)
        var totals = try RunTotals.from(json: record.totalsJSON)
        let stager = Stager(store: store, files: files, limits: IngestLimits(maxFileBytes: runner.config.maxFileBytes),
                            log: log, rememberTaken: record.kind == .run, stagingFolder: stagingFolder, runId: record.id)
        stager.start()
        defer { stager.cancel() }
        for index in files.indices {
            runner.progress?.show("[\(record.id)] reading \(files[index].name)")
            var file = try stager.file(at: index)
            if file.outcome == .staged {
                file = try adjudicate(file, results: results, rejected: rejected, totals: &totals, fileCount: files.count)
            }
            try settle(file)
            stager.consumed(index)
        }
        if record.kind == .run, !runner.request.dryRun {
            // Empty by now (every file was archived or quarantined): rmdir removes only that.
            // Also the taking folder the files were recorded in, when `paths.inbox` changed
            // after a kill (see `runFiles`).
            let taking = BatchRunner.takingFolder(inbox: runner.config.paths.inbox, runId: record.id)
            for folder in Set([taking] + files.map { ($0.sourcePath as NSString).deletingLastPathComponent }) {
                _ = rmdir(folder)
                _ = rmdir((folder as NSString).deletingLastPathComponent)
            }
        }
        try results.writer.sync()
        try rejected.writer.sync()
        CrashPoint.reached("results-synced")
        try AtomicFile.publish(results.writer.path, as: resultsPath)
        CrashPoint.reached("results-published")
        try AtomicFile.publish(rejected.writer.path, as: rejectedPath)
        CrashPoint.reached("rejected-published")
        record.phase = .paying
        try store.updateRun(record)
        log.info("results published", metadata: ["claims": "\(record.claimsDone)"])
    }

    /// Where a submission's claims are staged (the stager writes there too).
    func stagingPath(_ file: RunFileRecord) -> String {
        Self.stagingPath(folder: stagingFolder, runId: record.id, position: file.position)
    }

    static func stagingPath(folder: String, runId: String, position: Int) -> String {
        folder + "/\(runId)-\(position).claims"
    }

    /// At most this many claims are read ahead (and held in memory) at a time, whatever the
    /// chunk size.
    static let readAhead = 1000

    func adjudicate(_ input: RunFileRecord, results: ResultLog, rejected: ResultLog, totals: inout RunTotals,
                    fileCount: Int) throws -> RunFileRecord {
        var file = input
        let reader = try StagingReader(path: stagingPath(file), offset: file.nextOffset)
        let history = HistoryCache(store: store, limit: runner.config.historyCacheEntries)
        var chunk = ChunkCommit(file: file, run: record)

        // A chunk's checkpoint runs on a thread of its own while the next batch is read,
        // decoded, priced, looked up and decided: the history is read on the store's reader
        // connection, which does not wait for the commit. That is safe because every key the
        // uncommitted claims changed is answered by the cache, never read from the state; a
        // key read from the state is one no uncommitted claim touched, the same before and
        // after the commit. Checkpoints stay in order: one is waited for before the next.
        var committing: Background<Void>?
        // Leaving early (an error): the checkpoint in flight still ends before anything else
        // touches the state.
        defer { _ = try? committing?.value() }

        func awaitCommit() throws {
            guard let inFlight = committing else { return }
            committing = nil
            try inFlight.value()
            CrashPoint.reached("chunk-committed")
        }

        func commit() throws {
            try awaitCommit()
            // The logs' bytes go to their writing threads now; the checkpoint thread waits for
            // them to reach the OS and makes them durable before it commits the lengths that
            // count them.
            try results.writer.flush()
            try rejected.writer.flush()
            record.resultsBytes = results.writer.offset
            record.rejectedBytes = rejected.writer.offset
            record.totalsJSON = try totals.json()
            chunk.file = file
            chunk.run = record
            CrashPoint.reached("chunk-written")
            let (store, work) = (store, chunk)
            let logs = (results.writer.durability, rejected.writer.durability)
            committing = Background {
                try logs.0.sync()
                try logs.1.sync()
                SlowCommit.wait()
                try store.commit(work)
            }
            chunk = ChunkCommit(file: file, run: record)
            // The cache holds what uncommitted claims changed: it is dropped (when large) only
            // once the checkpoint that holds all of them has ended.
            if history.isLarge {
                try awaitCommit()
                history.drop()
            }
            runner.progress?.show("[\(record.id)] \(file.name) (\(file.position + 1)/\(fileCount)): "
                                  + "\(file.nextOrdinal)/\(file.claims) claims")
        }

        // A chunk's claims are read ahead, so that what they look up in the state is read in
        // one go. They are decided one by one, in order (each sees the history the previous
        // ones left); their results and JSON lines are then made on both cores, and written
        // in order.
        var records: [[UInt8]] = []
        var offsets: [Int64] = []
        let lines = ResultLines()
        while true {
            records.removeAll(keepingCapacity: true)
            offsets.removeAll(keepingCapacity: true)
            let room = min(runner.config.chunkClaims - chunk.claims.count, Self.readAhead)
            while records.count < room, let record = try reader.nextRecord() {
                records.append(record)
                offsets.append(reader.offset)
            }
            if records.isEmpty { break }
            // Staged records are read in order, then decoded and priced on both cores in one
            // go: the fee lines need no history (one meeting of the threads, not two).
            var ahead: [IngestedClaim] = []
            var priced: [PricedClaim?] = []
            do {  // `prepared` ends here: the claims are then held by `ahead` alone.
                let (adjudicator, pool) = (runner.adjudicator, feeLineStrings)
                let prepared = records.mapOnBothCores { record in
                    Result { () throws -> (IngestedClaim, PricedClaim?) in
                        let ingested = try pool.lend { try StagingReader.decode(record: record, strings: $0) }
                        guard case .valid(let claim) = ingested else { return (ingested, nil) }
                        return (ingested, adjudicator.price(claim))
                    }
                }
                ahead.reserveCapacity(prepared.count)
                priced.reserveCapacity(prepared.count)
                for outcome in prepared {
                    let (ingested, pricing) = try outcome.get()
                    ahead.append(ingested)
                    priced.append(pricing)
                }
            }
            try history.prefetch(ahead)
            let layout = Stripes(batch: ahead.count)
            let stripes = (0..<layout.count).map { _ in DecidedClaims() }
            for (n, ingested) in ahead.enumerated() {
                let setlId = record.id + "-" + pad(record.claimsDone + n + 1, 6)
                let decided = try decide(ingested, priced: priced[n], setlId: setlId, file: file, history: history,
                                         chunk: &chunk)
                stripes[layout.stripe(of: n)].claims.append(decided)
            }
            // From here the decided claims are the workers' alone: they are freed there too.
            // `priced` goes as well: it shares the approved claims' fee lines, and holding it
            // past `make` would make this thread the one that frees them.
            ahead.removeAll()
            priced.removeAll()
            lines.make(stripes, layout: layout, runId: record.id, sourceFile: file.name, reference: runner.reference)
            for n in offsets.indices {
                let (json, isRejected) = lines[n]
                try results.writer.write(json)
                if isRejected { try rejected.writer.write(json) }
                CrashPoint.reached("claim-written")
                record.claimsDone += 1
                file.nextOffset = offsets[n]
                file.nextOrdinal += 1
            }
            totals.add(lines.totals)
            if chunk.claims.count >= runner.config.chunkClaims { try commit() }
        }
        // The last chunk's transaction also marks the file taken (and, for inbox runs, its
        // content as taken, so it is never taken twice).
        file.outcome = .taken
        chunk.rememberContent = record.kind == .run
        try commit()
        try awaitCommit()
        try? FileManager.default.removeItem(atPath: stagingPath(file))
        log.info("submission adjudicated", metadata: ["file": .string(file.name), "claims": "\(file.claims)"])
        return file
    }

    /// Adjudicates one staged claim against the history, and queues what it changes.
    func decide(_ ingested: IngestedClaim, priced: PricedClaim?, setlId: String, file: RunFileRecord,
                history: HistoryCache, chunk: inout ChunkCommit) throws -> DecidedClaim {
        func keep(ordinal: Int, fixmedinsCode: String?, mdtrtId: String?, invoiceNo: String?, psnNo: String?,
                  status: ClaimStatus, reason: ReasonCode?, payable: Fen, payee: Payee?) {
            let claimRecord = ClaimRecord(
                setlId: setlId, runId: record.id, filePosition: file.position, ordinal: ordinal,
                fixmedinsCode: fixmedinsCode, mdtrtId: mdtrtId, invoiceNo: invoiceNo, psnNo: psnNo, status: status,
                reason: reason?.rawValue, payable: payable, payee: payee)
            history.recordResult(claimRecord)
            chunk.claims.append(claimRecord)
        }
        switch ingested {
        case .invalid(let invalid):
            let earlier = history.supersededResult(fixmedinsCode: invalid.fixmedinsCode, mdtrtId: invalid.mdtrtId)
            keep(ordinal: invalid.ordinal, fixmedinsCode: invalid.fixmedinsCode, mdtrtId: invalid.mdtrtId,
                 invoiceNo: invalid.invoiceNo, psnNo: invalid.psnNo, status: .rejected, reason: .invalidData,
                 payable: 0, payee: nil)
            return DecidedClaim(ingested: ingested, setlId: setlId, decision: nil, supersedes: earlier)
        case .valid(let claim):
            let year = claim.enddate.year
            var person = history.person(claim.psnNo)
            let past = ClaimHistory(
                approvedInvoiceSetlId: history.approvedInvoice(fixmedinsCode: claim.fixmedinsCode, invoiceNo: claim.invoiceNo),
                approvedStays: claim.medType == .inpatient ? person.stays : [],
                year: person.years[year] ?? .empty,
                accountBalance: person.accountBalance)
            // Every valid claim of the batch was priced before the batch was decided.
            let decision = runner.adjudicator.adjudicate(claim, priced: priced!, history: past)
            let earlier = history.supersededResult(fixmedinsCode: claim.fixmedinsCode, mdtrtId: claim.mdtrtId)
            keep(ordinal: claim.ordinal, fixmedinsCode: claim.fixmedinsCode, mdtrtId: claim.mdtrtId,
                 invoiceNo: claim.invoiceNo, psnNo: claim.psnNo, status: decision.status,
                 reason: decision.status == .rejected ? decision.reasons.first?.code : nil,
                 payable: decision.amounts.payable, payee: decision.payee)
            if decision.status == .approved {
                // Rejected claims change no accumulator (rules.md §0).
                history.approve(invoice: PairKey(claim.fixmedinsCode, claim.invoiceNo), setlId: setlId)
                chunk.approvedInvoices.append((claim.fixmedinsCode, claim.invoiceNo, setlId))
                if claim.medType == .inpatient {
                    person.addStay(ApprovedStay(setlId: setlId, begndate: claim.begndate, enddate: claim.enddate))
                }
                person.years[year] = decision.year
                if let balance = decision.accountBalance { person.accountBalance = balance }
                history.setPerson(claim.psnNo, person)
                chunk.persons[ByteText(claim.psnNo)] = person
            }
            return DecidedClaim(ingested: ingested, setlId: setlId, decision: decision, supersedes: earlier)
        }
    }

    /// Moves a finished inbox file to archive/ or quarantine/. Idempotent: a resumed run calls
    /// it again for every file, and only files still in the inbox move.
    func settle(_ file: RunFileRecord) throws {
        guard record.kind == .run, !runner.request.dryRun,
              FileManager.default.fileExists(atPath: file.sourcePath) else { return }
        let name = (file.sourcePath as NSString).lastPathComponent
        let paths = runner.config.paths
        switch file.outcome {
        case .pending, .staged:
            return
        case .taken:
            CrashPoint.reached("archive")
            let target = paths.archive + "/" + record.id
            try makeFolder(target)
            try AtomicFile.publish(file.sourcePath, as: target + "/" + name)
        case .refused, .alreadyTaken:
            let target = paths.quarantine + "/" + record.id
            try makeFolder(target)
            let error = QuarantineNote(file: file.name, run_id: record.id, sha256: file.sha256,
                                       outcome: file.outcome.rawValue, line: file.refusal?.line,
                                       column: file.refusal?.column, expected: file.refusal?.expected,
                                       found: file.refusal?.found, error: file.error ?? "")
            try AtomicFile.write(sortedJSON(error) + [UInt8(ascii: "\n")], to: target + "/" + name + ".error.json")
            CrashPoint.reached("quarantine")
            try AtomicFile.publish(file.sourcePath, as: target + "/" + name)
        }
    }

    // MARK: Pay

    func pay() throws {
        try PaymentStage(execution: self).run()
        CrashPoint.reached("paid")
        record.phase = .reporting
        record.endedAt = RunClock.now()
        try store.updateRun(record)
    }

    // MARK: Report

    func report() throws {
        let summary = try makeSummary()
        try AtomicFile.write(sortedJSON(summary, pretty: true) + [UInt8(ascii: "\n")], to: folder + "/summary.json")
        CrashPoint.reached("summary-written")
        try AtomicFile.write(RunReport.html(summary: summary), to: folder + "/report.html")
        CrashPoint.reached("report-written")
        record.phase = .completed
        try store.updateRun(record)
        if runner.request.dryRun { _ = rmdir(stagingFolder) }
        log.info("run completed", metadata: ["claims": "\(summary.counts.claims)", "approved": "\(summary.counts.approved)",
                                             "rejected": "\(summary.counts.rejected)",
                                             "payable": .string(summary.totals.payable.description)])
    }

    func makeSummary() throws -> RunSummary {
        let totals = try RunTotals.from(json: record.totalsJSON)
        let files = try store.files(of: record.id)
        let inputs = files.map { file -> RunSummary.Input in
            let outcome: RunSummary.Input.Outcome
            switch file.outcome {
            case .refused: outcome = .refused
            case .alreadyTaken: outcome = .alreadyTaken
            default: outcome = .taken
            }
            return RunSummary.Input(file: file.name, sha256: file.sha256, bytes: file.bytes, outcome: outcome,
                                    claims: file.claims, error: file.error)
        }
        let reference = try JSONDecoder().decode([RunSummary.ReferenceFile].self, from: Data(record.referenceJSON.utf8))
        let transfers = try store.transferTotals(runId: record.id)
        var payments = RunSummary.Payments()
        payments.transfers = transfers.count
        payments.ctrlSum = Yuan(transfers.total)
        if transfers.count > 0 {
            payments.msgId = PaymentStage.messageId(runId: record.id)
            if !runner.request.dryRun {
                payments.files = runner.config.paymentFormats.map(\.fileName)
            }
        }
        return RunSummary(
            runId: record.id, kind: record.kind, dryRun: runner.request.dryRun, startedAt: record.startedAt,
            endedAt: record.endedAt ?? record.startedAt, policyVersion: record.policyVersion, inputs: inputs,
            reference: reference, counts: totals.counts, totals: totals.totals,
            institutions: totals.institutions.values.sorted { $0.fixmedinsCode < $1.fixmedinsCode },
            payments: payments)
    }
}

/// A claim as decided, before its result is written: the decision (nil for a claim that
/// could not be read) and the earlier result of the same visit it supersedes.
struct DecidedClaim: Sendable {
    var ingested: IngestedClaim
    var setlId: String
    var decision: Decision?
    var supersedes: String?

    func result(runId: String, sourceFile: String, reference: ReferenceData) -> ClaimResult {
        switch ingested {
        case .invalid(let invalid):
            return ClaimResult(runId: runId, setlId: setlId, invalid: invalid, sourceFile: sourceFile,
                               reference: reference, supersedes: supersedes)
        case .valid(let claim):
            return ClaimResult(runId: runId, setlId: setlId, claim: claim, sourceFile: sourceFile,
                               decision: decision!, reference: reference, supersedes: supersedes)
        }
    }
}

/// How a batch of claims is cut for the work on both cores: into stripes of at most 64
/// claims that the worker threads (one per core) take as each is free, and never fewer than
/// two, so that a small batch still uses both cores. With fixed halves, the deciding thread
/// waited for the other half whenever the second core was busy elsewhere (staging, a commit,
/// a write): at 100,000 claims about 0.8 s of a 9 s run (decoding and pricing 0.5 s, the
/// result lines 0.27 s).
struct Stripes {
    static let largest = 64

    let batch: Int
    /// Claims per stripe (the last stripe may have fewer).
    let size: Int
    var count: Int { (batch + size - 1) / size }

    init(batch: Int) {
        self.batch = batch
        size = max(1, min(Self.largest, (batch + 1) / 2))
    }

    func stripe(of claim: Int) -> Int { claim / size }

    func claims(of stripe: Int) -> Range<Int> {
        stripe * size..<min(batch, (stripe + 1) * size)
    }
}

/// A stripe of a batch of decided claims, on its way to the worker that writes their results.
final class DecidedClaims: @unchecked Sendable {
    // Filled by the deciding thread, then taken whole by exactly one worker.
    var claims: [DecidedClaim] = []
}

/// The JSON lines of a batch of decided claims, and their totals, made on both cores: pure
/// work with nothing shared, stripe by stripe, each into its own buffer. The run writes the
/// lines in claim order afterwards, so the logs are the same bytes as a one-core run's, and
/// adds the totals (sums, so the order of adding does not matter). One instance serves a
/// whole file, batch after batch: its buffers keep their capacity.
final class ResultLines {
    private struct Stripe {
        var bytes: [UInt8] = []
        /// Where each claim's line ends in `bytes`.
        var ends: [Int] = []
        var rejected: [Bool] = []
        var totals = RunTotals()
    }

    /// Stripes in memory the workers write in place, each only its own; enough for the largest
    /// batch (`RunExecution.readAhead` claims).
    private let stripes: UnsafeMutableBufferPointer<Stripe>
    private var layout = Stripes(batch: 0)
    private(set) var totals = RunTotals()

    init() {
        // No batch is cut into more stripes than one of the read-ahead's size.
        stripes = .allocate(capacity: Stripes(batch: RunExecution.readAhead).count)
        stripes.initialize(repeating: Stripe())
    }

    deinit {
        stripes.baseAddress!.deinitialize(count: stripes.count)
        stripes.deallocate()
    }

    /// Each stripe is taken by its worker whole: the worker then holds the last reference to
    /// those claims, so their memory is freed there, not on the deciding thread.
    func make(_ decided: [DecidedClaims], layout: Stripes, runId: String, sourceFile: String,
              reference: ReferenceData) {
        precondition(decided.count == layout.count && decided.count <= stripes.count, "a batch larger than the read-ahead")
        self.layout = layout
        let output = SendablePointer(stripes.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: decided.count) { index in
            var claims: [DecidedClaim] = []
            swap(&claims, &decided[index].claims)
            let stripe = output.pointer + index
            stripe.pointee.bytes.removeAll(keepingCapacity: true)
            stripe.pointee.ends.removeAll(keepingCapacity: true)
            stripe.pointee.rejected.removeAll(keepingCapacity: true)
            stripe.pointee.totals = RunTotals()
            // The lines are written straight into the stripe's bytes (lent to the writer).
            var json = JSONLineWriter()
            swap(&json.bytes, &stripe.pointee.bytes)
            for claim in claims {
                let result = claim.result(runId: runId, sourceFile: sourceFile, reference: reference)
                result.jsonLine(into: &json)
                stripe.pointee.ends.append(json.bytes.count)
                stripe.pointee.rejected.append(result.status == .rejected)
                stripe.pointee.totals.add(result)
            }
            swap(&json.bytes, &stripe.pointee.bytes)
        }
        totals = RunTotals()
        for index in decided.indices { totals.add(stripes[index].totals) }
    }

    /// The JSON line of the batch's `n`th claim, newline included, and whether it was rejected.
    subscript(n: Int) -> (ArraySlice<UInt8>, Bool) {
        let stripe = layout.stripe(of: n)
        let i = n % layout.size
        let start = i == 0 ? 0 : stripes[stripe].ends[i - 1]
        return (stripes[stripe].bytes[start..<stripes[stripe].ends[i]], stripes[stripe].rejected[i])
    }
}

/// The decoding threads' String caches (`FeeLineStrings`), lent for one claim at a time: a
/// cache serves one thread at a time, and the run keeps as many as decode at once (one per
/// core), so that they stay filled from batch to batch. They are there for memory, not speed
/// (`StagingCodec.decode`).
final class FeeLineStringsPool: @unchecked Sendable {  // `idle` is only touched under `lock`
    private let lock = NSLock()
    private var idle: [FeeLineStrings] = []

    func lend<T>(_ body: (FeeLineStrings) throws -> T) rethrows -> T {
        lock.lock()
        let strings = idle.popLast() ?? FeeLineStrings()
        lock.unlock()
        defer {
            lock.lock()
            idle.append(strings)
            lock.unlock()
        }
        return try body(strings)
    }
}

extension Array where Element: Sendable {
    /// `transform` applied to every element on both cores, stripe by stripe (whichever thread
    /// is free takes the next); the results in the order of the elements. For pure work only:
    /// the stripes run at the same time.
    func mapOnBothCores<Result>(_ transform: @Sendable (Element) -> Result) -> [Result] {
        guard !isEmpty else { return [] }
        return withUnsafeBufferPointer { input in
            let source = SendableBuffer(input)
            return [Result](unsafeUninitializedCapacity: count) { output, initialized in
                let target = SendablePointer(output.baseAddress!)
                let layout = Stripes(batch: source.buffer.count)
                DispatchQueue.concurrentPerform(iterations: layout.count) { stripe in
                    for i in layout.claims(of: stripe) {
                        (target.pointer + i).initialize(to: transform(source.buffer[i]))
                    }
                }
                initialized = layout.batch
            }
        }
    }
}

/// Elements only read by the workers while the array is alive and unchanged.
private struct SendableBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<T>
    init(_ buffer: UnsafeBufferPointer<T>) { self.buffer = buffer }
}

/// Each worker writes only its own slots, and the slots are read after all have finished
/// (`concurrentPerform` returns then).
private struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

/// `FILE.error.json` beside a quarantined submission: file, line and column where known, what
/// was expected and what was found (data.md), and the whole message.
struct QuarantineNote: Codable {
    var file: String
    var run_id: String
    var sha256: String
    var outcome: String
    var line: Int?
    var column: Int?
    var expected: String?
    var found: String?
    var error: String
}

/// A result log open for appending, cut back to its committed length.
final class ResultLog {
    let writer: BufferedFileWriter

    init(path: String, committed: Int64) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard committed == 0 else { throw BatchError.failed("\(path) is missing but the state says \(committed) bytes were committed") }
            // Created in place: `FileManager.createFile` writes through a temporary
            // `.dat.nosync…` file, which a kill at that instant left in the run's folder (the
            // crash test's random kills found one).
            let created = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
            guard created >= 0 else {
                throw BatchError.failed("cannot create \(path): \(String(cString: strerror(errno)))")
            }
            close(created)
        }
        guard truncate(path, off_t(committed)) == 0 else {
            throw BatchError.failed("cannot cut \(path) back to its checkpoint")
        }
        // Written behind: the kernel's copy of the lines runs beside the adjudication. The run
        // does not read its logs back, so what a checkpoint made durable leaves the file cache.
        writer = try BufferedFileWriter(path: path, mode: .append, capacity: 1 << 20, writeBehind: true,
                                        dropsSyncedPages: true)
    }
}

func sortedJSON<T: Encodable>(_ value: T, pretty: Bool = false) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(value))
}
