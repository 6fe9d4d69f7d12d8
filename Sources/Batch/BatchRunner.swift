#if canImport(Glibc)
import Glibc
#endif
import Adjudication
import Domain
import Foundation
import Ingest
import Logging
import Reference
import RunState
import TextFormats

/// What `medclaims run` and `medclaims reprocess` ask for.
public struct RunRequest: Sendable {
    public enum Source: Sendable, Equatable {
        /// The workspace's inbox: files are taken once, then moved to archive/ or quarantine/.
        case inbox
        /// `reprocess DIR`: every submission in DIR, seen before or not; the files stay where they are.
        case directory(String)
    }

    public var workspace: String
    public var configPath: String?
    public var source: Source
    /// Adjudicate on a copy of the state into out/dry-runs/, commit nothing, move nothing, pay nothing.
    public var dryRun: Bool
    /// Another reference folder (a policy analyst's "what if"), only with `dryRun`.
    public var referenceOverride: String?
    public var showProgress: Bool

    public init(workspace: String, configPath: String? = nil, source: Source = .inbox, dryRun: Bool = false,
                referenceOverride: String? = nil, showProgress: Bool = false) {
        self.workspace = workspace
        self.configPath = configPath
        self.source = source
        self.dryRun = dryRun
        self.referenceOverride = referenceOverride
        self.showProgress = showProgress
    }
}

/// A run that reached its end in this invocation.
public struct CompletedRun: Sendable {
    public var summary: RunSummary
    public var folder: String
    public var resumed: Bool
}

/// The batch run: takes the workspace through ingest → adjudicate → record → pay → report over
/// the durable state, finishing an interrupted run first. See docs/batch.md.
public final class BatchRunner {
    let request: RunRequest
    let config: MedclaimsConfig
    let reference: ReferenceData
    let referenceFiles: [RunSummary.ReferenceFile]
    let adjudicator: Adjudicator
    let progress: Progress?

    public init(request: RunRequest) throws {
        self.request = request
        var config = try MedclaimsConfig.load(workspace: request.workspace, configPath: request.configPath)
        if let override = request.referenceOverride {
            guard request.dryRun else { throw BatchError.refused("--reference is only for --dry-run") }
            config.paths.reference = override
        }
        self.config = config
        reference = try config.loadReference()
        referenceFiles = try ReferenceLoader.files(in: config.paths.reference).map {
            RunSummary.ReferenceFile(file: $0, sha256: try SHA256.hexDigest(ofFileAt: config.paths.reference + "/" + $0).sha256)
        }
        adjudicator = Adjudicator(reference: reference)
        progress = request.showProgress ? Progress() : nil
    }

    /// Runs to the end: the interrupted run first, then a new one over what is waiting.
    public func run() throws -> [CompletedRun] {
        let paths = config.paths
        for folder in [paths.state, paths.out, paths.runs] { try makeFolder(folder) }
        if case .inbox = request.source, !request.dryRun {
            for folder in [paths.inbox, paths.archive, paths.quarantine] { try makeFolder(folder) }
        }
        let lock = try WorkspaceLock(path: paths.state + "/medclaims.lock",
                                     holder: "pid \(getpid()) since \(RunClock.now())")
        defer { withExtendedLifetime(lock) {} }

        var store = try StateStore(path: paths.state + "/medclaims.sqlite")
        var scratch: String?
        if request.dryRun {
            // A dry run works on a consistent copy of the state and throws it away.
            let folder = paths.state + "/.dry-run-\(getpid())"
            try makeFolder(folder)
            try store.backup(to: folder + "/medclaims.sqlite")
            store = try StateStore(path: folder + "/medclaims.sqlite")
            scratch = folder
        }
        defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }

        var completed: [CompletedRun] = []
        if !request.dryRun, let unfinished = try store.unfinishedRun() {
            completed.append(try RunExecution(runner: self, store: store, record: unfinished, resumed: true).execute())
        }
        if let planned = try plan(store: store) {
            completed.append(try RunExecution(runner: self, store: store, record: planned, resumed: false).execute())
        }
        return completed
    }

    // MARK: Planning

    /// The complete submission files waiting in a folder, in name order: `*.xml` and `*.csv`,
    /// never dotfiles or `*.part` (data.md).
    static func submissions(in folder: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        return names.filter { name in
            !name.hasPrefix(".") && !name.hasSuffix(".part") && SubmissionFormat(path: name) != nil
                && !isDirectory(folder + "/" + name)
        }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// Records a new run with its files in a fixed order, or nil when nothing is waiting.
    func plan(store: StateStore) throws -> RunRecord? {
        let folder: String
        let kind: RunSummary.Kind
        switch request.source {
        case .inbox:
            folder = config.paths.inbox
            kind = .run
        case .directory(let dir):
            folder = dir
            kind = .reprocess
            guard isDirectory(dir) else { throw BatchError.refused("\(dir) is not a folder") }
        }
        guard FileManager.default.fileExists(atPath: folder) else { return nil }
        let names = try Self.submissions(in: folder)
        if names.isEmpty { return nil }

        let now = RunClock.now()
        let seq = try store.nextRunSequence()
        let day = now.prefix(10).replacingOccurrences(of: "-", with: "")
        var id = (request.dryRun ? "DRY-" : "") + "R\(day)-" + pad(seq, 4)
        if request.dryRun {
            // Dry runs work on a throwaway copy of the state, whose sequence never advances:
            // number them by the folders already there, so one never overwrites another.
            var n = 1
            while FileManager.default.fileExists(atPath: config.paths.dryRuns + "/" + id + (n == 1 ? "" : "-\(n)")) { n += 1 }
            if n > 1 { id += "-\(n)" }
        }
        let label = kind == .run ? "inbox" : (folder as NSString).lastPathComponent
        // Content hashes are taken when each file is staged (on the stager's thread), so
        // planning only lists the files.
        // An inbox run takes ownership of its files: they move to `inbox/.taking/RUN_ID/` (same
        // folder, so the rename is atomic) before anything is read, so a file replaced or
        // removed in the inbox afterwards cannot change what this run reads or archives.
        let owned = kind == .run && !request.dryRun
        let files = try names.enumerated().map { position, name -> RunFileRecord in
            let path = owned ? Self.takingFolder(inbox: folder, runId: id) + "/" + name : folder + "/" + name
            let original = folder + "/" + name
            let bytes = (try FileManager.default.attributesOfItem(atPath: original)[.size] as? NSNumber)?.int64Value ?? 0
            return RunFileRecord(runId: id, position: position, name: label + "/" + name, sourcePath: path,
                                 sha256: "", bytes: bytes)
        }
        let record = RunRecord(
            id: id, seq: seq, kind: kind, phase: .adjudicating, startedAt: now, endedAt: nil,
            policyVersion: reference.policy.version,
            referenceJSON: String(decoding: try sortedJSON(referenceFiles), as: UTF8.self),
            claimsDone: 0, resultsBytes: 0, rejectedBytes: 0, totalsJSON: try RunTotals().json())
        try store.createRun(record, files: files)
        CrashPoint.reached("planned")
        return record
    }
}

extension BatchRunner {
    /// Where an inbox run keeps the files it has taken until they are archived or quarantined.
    static func takingFolder(inbox: String, runId: String) -> String { inbox + "/.taking/" + runId }
}

func makeFolder(_ path: String) throws {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
}

func isDirectory(_ path: String) -> Bool {
    var isDir: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
}

func pad(_ value: Int, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// A progress line on a terminal only (stderr), never in cron's mail.
final class Progress {
    private let enabled = isatty(STDERR_FILENO) == 1

    func show(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }

    func done() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
