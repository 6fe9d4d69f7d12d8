import Domain
import Foundation
import Ingest
import Logging
import RunState
import TextFormats

/// An error writing the staging file (the state's disk), as opposed to reading the submission.
struct StagingWriteFailure: Error {
    var underlying: Error

    /// Runs a write to a staging file: whatever it throws is our disk's failure.
    static func onFailure(_ write: () throws -> Void) throws {
        do {
            try write()
        } catch {
            throw StagingWriteFailure(underlying: error)
        }
    }
}

/// Reads submissions into their staging files on a second thread, up to `lookahead` files ahead
/// of the adjudication, so that parsing one file and adjudicating another keep both cores
/// busy. Files are staged strictly in the run's order; the adjudication waits for each in
/// turn. A file's content hash is taken here too (one more read, on this thread), and content
/// taken before is not staged at all.
final class Stager: @unchecked Sendable {
    private let store: StateStore
    private let limits: IngestLimits
    private let log: Logger
    private let rememberTaken: Bool
    private let stagingFolder: String
    private let runId: String
    /// How many files the stager may run ahead of the adjudication (bounds the disk used: a
    /// staging file is about half its XML's size). At nice 10 the stager stages in the gaps the
    /// adjudication leaves on the second core; two files ahead, it stopped at its bound while
    /// the gaps went unused, and at 1,000,000 claims the adjudication then waited 12 s for it.
    /// Six: 100,000 claims, median of 3, 8.09 s against 8.49 s (issue 7). Sixteen: no faster.
    private let lookahead = 6

    private let condition = NSCondition()
    private var files: [RunFileRecord]
    private var ready: Set<Int> = []
    private var consumed = -1
    private var failure: Error?
    private var cancelled = false

    init(store: StateStore, files: [RunFileRecord], limits: IngestLimits, log: Logger, rememberTaken: Bool,
         stagingFolder: String, runId: String) {
        self.store = store
        self.files = files
        self.limits = limits
        self.log = log
        self.rememberTaken = rememberTaken
        self.stagingFolder = stagingFolder
        self.runId = runId
        for file in files where file.outcome != .pending { ready.insert(file.position) }
    }

    func start() {
        SubmissionReader.prepareForThreads()
        let thread = Thread { [self] in
            // The adjudicating thread is the run's critical path, and its work on both cores
            // (decoding, pricing, the result lines) waits for the other core's stripes: with a
            // lower priority the stager yields the second core to them and stages in the gaps
            // (`lookahead` lets it bank them). On Linux the nice value of `who` 0 is this
            // thread's own; the threads libdispatch starts for its queues did not inherit it
            // (seen in /proc during a run: they run at 0, or at what their QoS asks).
            // Measured at 100,000 claims with the SQLite change of the same day: a median of
            // 7.9 s against 8.4 s (issue 7).
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            self.stageAll()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The file at `index`, once it is staged (or refused, or known to be taken before).
    func file(at index: Int) throws -> RunFileRecord {
        condition.lock()
        defer { condition.unlock() }
        while !ready.contains(index) && failure == nil { condition.wait() }
        if let failure { throw failure }
        return files[index]
    }

    /// The adjudication is done with the file at `index`: the stager may go further ahead.
    func consumed(_ index: Int) {
        condition.lock()
        consumed = index
        condition.broadcast()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    private func stageAll() {
        for index in files.indices {
            condition.lock()
            while index > consumed + lookahead && !cancelled { condition.wait() }
            let file = files[index]
            let stop = cancelled
            condition.unlock()
            if stop { return }
            guard file.outcome == .pending else { continue }
            do {
                let staged = try stage(file, earlier: Array(files[..<index]))
                condition.lock()
                files[index] = staged
                ready.insert(index)
                condition.broadcast()
                condition.unlock()
            } catch {
                condition.lock()
                failure = error
                condition.broadcast()
                condition.unlock()
                return
            }
        }
    }

    /// Reads a submission whole into its staging file. A file refused at any point (a truncated
    /// XML at its last byte included) stages nothing: it is taken whole or refused whole.
    private func stage(_ input: RunFileRecord, earlier: [RunFileRecord]) throws -> RunFileRecord {
        var file = input
        do {
            let digest = try SHA256.hexDigest(ofFileAt: file.sourcePath)
            file.sha256 = digest.sha256
            file.bytes = digest.bytes
        } catch {
            // A file that vanished or cannot be read is refused like a malformed one: the run
            // goes on, and the operator finds it in the run's summary and log.
            file.outcome = .refused
            file.error = "\(file.name): cannot be read: \(error)"
            file.refusal = FileRefusal(file: file.name, line: nil, expected: "a readable file", found: "\(error)")
        }
        if file.outcome == .refused {
            log.warning("submission refused", metadata: ["file": .string(file.name), "error": .string(file.error ?? "")])
        } else if rememberTaken, let taken = try store.takenContent(sha256: file.sha256) {
            file.outcome = .alreadyTaken
            file.error = "the same content was taken by run \(taken.runId) as \(taken.name)"
        } else if rememberTaken, let twin = earlier.first(where: { $0.sha256 == file.sha256 }) {
            file.outcome = .alreadyTaken
            file.error = "the same content is \(twin.name) in this run"
        } else {
            let path = RunExecution.stagingPath(folder: stagingFolder, runId: runId, position: file.position)
            let writer = try StagingWriter(path: path)
            do {
                let summary = try SubmissionReader.read(path: file.sourcePath, displayName: file.name, limits: limits) {
                    claim in try StagingWriteFailure.onFailure { try writer.append(claim) }
                }
                // The writes are handed to a thread of their own: a failed block is thrown by
                // the next hand-over, and the last blocks' failures by `finish`.
                try StagingWriteFailure.onFailure { try writer.finish() }
                CrashPoint.reached("staged-file-written")
                file.outcome = .staged
                file.claims = summary.claims
                log.info("submission staged", metadata: ["file": .string(file.name), "claims": "\(summary.claims)",
                                                         "invalid_claims": "\(summary.invalidClaims)"])
            } catch let refusal as FileRefusal {
                file.outcome = .refused
                file.error = refusal.description
                file.refusal = refusal
                log.warning("submission refused", metadata: ["file": .string(file.name), "error": .string(refusal.description)])
            } catch let failure as StagingWriteFailure {
                // Our own disk, not the hospital's file: the run stops and resumes later.
                throw failure.underlying
            } catch {
                file.outcome = .refused
                file.error = "\(file.name): cannot be read: \(error)"
                file.refusal = FileRefusal(file: file.name, line: nil, expected: "a readable file", found: "\(error)")
                log.warning("submission refused", metadata: ["file": .string(file.name), "error": .string(file.error ?? "")])
            }
        }
        if file.outcome == .alreadyTaken {
            log.warning("submission already taken", metadata: ["file": .string(file.name), "error": .string(file.error ?? "")])
        }
        try store.updateFile(file)
        CrashPoint.reached("file-staged")
        return file
    }
}
