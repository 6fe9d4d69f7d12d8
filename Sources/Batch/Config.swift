import Domain
import Payments
import Reference
import TextFormats
import Yams

/// Why a run cannot start or go on. The CLI maps each to its exit code.
public enum BatchError: Error, CustomStringConvertible {
    /// Config or reference data that does not load, or a usage problem: exit 2, nothing read.
    case refused(String)
    /// Another run holds the workspace: exit 75 (EX_TEMPFAIL), cron tries again later.
    case locked(String)
    /// The run could not finish (e.g. a payment file failed validation): exit 1.
    case failed(String)

    public var description: String {
        switch self {
        case .refused(let m), .locked(let m), .failed(let m): return m
        }
    }
}

/// The folders of a workspace (data.md), after the config's `paths` overrides.
public struct WorkspacePaths: Sendable {
    public var root: String
    public var inbox: String
    public var archive: String
    public var quarantine: String
    public var out: String
    public var state: String
    public var reference: String

    public init(root: String) {
        self.root = root
        inbox = root + "/inbox"
        archive = root + "/archive"
        quarantine = root + "/quarantine"
        out = root + "/out"
        state = root + "/state"
        reference = root + "/reference"
    }

    public var runs: String { out + "/runs" }
    public var dryRuns: String { out + "/dry-runs" }
}

/// `medclaims.yaml`: paths, the paying account, output options (data.md). Loaded strictly:
/// an unknown key is an error with its key path, like the policy.
public struct MedclaimsConfig: Sendable {
    public var paths: WorkspacePaths
    public var payer: PayerAccount
    public var paymentFormats: [PaymentFileFormat]
    public var csvEncoding: TextEncoding
    public var maxFileBytes: Int64
    /// Claims per checkpointed chunk (`run: {chunk_claims: N}`).
    public var chunkClaims: Int
    /// At most this many history entries (invoices, visits, stays, accumulators, balances) are
    /// kept in memory while a file is adjudicated; past it, the cache is dropped after the next
    /// checkpoint (`run: {history_cache_entries: N}`, default 50,000).
    public var historyCacheEntries: Int

    /// The workspace's config: `configPath`, or `WORKSPACE/medclaims.yaml`.
    public static func load(workspace: String, configPath: String?) throws -> MedclaimsConfig {
        try load(path: configPath ?? workspace + "/medclaims.yaml", workspace: workspace)
    }

    /// The reference data the config names. Data that does not load refuses the command
    /// (exit 2) with file, line or key path, before anything else is read.
    public func loadReference() throws -> ReferenceData {
        do {
            return try ReferenceLoader.load(directory: paths.reference)
        } catch {
            throw BatchError.refused("reference data does not load: \(error)")
        }
    }

    public static func load(path: String, workspace: String) throws -> MedclaimsConfig {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BatchError.refused("\(path): cannot read the config file")
        }
        var composed: Node?
        /// Refused with the key path and the line of the key, or of the nearest key above it
        /// that is there (`payer:` for a missing `payer.account`).
        func fail(_ key: String, _ message: String) -> BatchError {
            var node = composed
            var line = node?.mark?.line
            for part in key.split(separator: ".") {
                guard let pair = node?.mapping?.first(where: { $0.key.string == String(part) }) else { break }
                node = pair.value
                line = pair.key.mark?.line ?? line
            }
            return .refused("\(path):\(line.map { "\($0):" } ?? "") \(key): \(message)")
        }
        let node: Node
        do {
            guard let parsed = try Yams.compose(yaml: text) else { throw fail("(root)", "the file is empty") }
            node = parsed
            composed = parsed
        } catch let error as BatchError {
            throw error
        } catch {
            throw BatchError.refused("\(path): not valid YAML: \(error)")
        }
        guard let root = node.mapping else { throw fail("(root)", "expected a mapping") }
        try checkKeys(root, allowed: ["payer", "payments", "paths", "limits", "run"], at: "", fail: fail)

        var paths = WorkspacePaths(root: workspace)
        if let p = root["paths"] {
            guard let m = p.mapping else { throw fail("paths", "expected a mapping") }
            try checkKeys(m, allowed: ["inbox", "archive", "quarantine", "out", "state", "reference"], at: "paths.", fail: fail)
            func resolve(_ key: String) throws -> String? {
                guard let v = m[key] else { return nil }
                guard let s = v.string, !s.isEmpty else { throw fail("paths.\(key)", "expected a path") }
                return s.hasPrefix("/") ? s : workspace + "/" + s
            }
            paths.inbox = try resolve("inbox") ?? paths.inbox
            paths.archive = try resolve("archive") ?? paths.archive
            paths.quarantine = try resolve("quarantine") ?? paths.quarantine
            paths.out = try resolve("out") ?? paths.out
            paths.state = try resolve("state") ?? paths.state
            paths.reference = try resolve("reference") ?? paths.reference
        }

        guard let payerNode = root["payer"]?.mapping else { throw fail("payer", "is missing (the account the agency pays from)") }
        try checkKeys(payerNode, allowed: ["account", "name", "bank_name", "bank_code"], at: "payer.", fail: fail)
        func payerField(_ key: String) throws -> String {
            guard let s = payerNode[key]?.string, !s.isEmpty else { throw fail("payer.\(key)", "is missing") }
            return s
        }
        let payer = PayerAccount(account: try payerField("account"), name: try payerField("name"),
                                 bankName: try payerField("bank_name"), bankCode: try payerField("bank_code"))
        if let problem = payer.problem { throw fail("payer.\(problem.key)", problem.message) }

        var formats: [PaymentFileFormat] = [.pain001, .csv]
        var encoding = TextEncoding.utf8
        if let p = root["payments"] {
            guard let m = p.mapping else { throw fail("payments", "expected a mapping") }
            try checkKeys(m, allowed: ["formats", "csv_encoding"], at: "payments.", fail: fail)
            if let f = m["formats"] {
                guard let seq = f.sequence else { throw fail("payments.formats", "expected a list such as [pain001, csv]") }
                formats = try seq.map {
                    guard let s = $0.string, let format = PaymentFileFormat(rawValue: s) else {
                        throw fail("payments.formats", "unknown format '\($0.string ?? "?")' (pain001 or csv)")
                    }
                    return format
                }
                // With no format, transfers would be recorded as released with no file to send.
                guard !formats.isEmpty, Set(formats).count == formats.count else {
                    throw fail("payments.formats", "expected pain001, csv or both, each once")
                }
            }
            if let e = m["csv_encoding"] {
                switch e.string?.lowercased() {
                case "utf-8", "utf8": encoding = .utf8
                case "gb18030": encoding = .gb18030
                default: throw fail("payments.csv_encoding", "expected utf-8 or gb18030, found '\(e.string ?? "?")'")
                }
            }
        }

        var maxFileBytes: Int64 = 2048 << 20
        if let l = root["limits"] {
            guard let m = l.mapping else { throw fail("limits", "expected a mapping") }
            try checkKeys(m, allowed: ["max_file_mb"], at: "limits.", fail: fail)
            if let n = try positive(m, "max_file_mb", at: "limits.", fail: fail) { maxFileBytes = Int64(n) << 20 }
        }
        var chunkClaims = 2000
        var historyCacheEntries = 50_000
        if let r = root["run"] {
            guard let m = r.mapping else { throw fail("run", "expected a mapping") }
            try checkKeys(m, allowed: ["chunk_claims", "history_cache_entries"], at: "run.", fail: fail)
            chunkClaims = try positive(m, "chunk_claims", at: "run.", fail: fail) ?? chunkClaims
            historyCacheEntries = try positive(m, "history_cache_entries", at: "run.", fail: fail) ?? historyCacheEntries
        }
        return MedclaimsConfig(paths: paths, payer: payer, paymentFormats: formats, csvEncoding: encoding,
                               maxFileBytes: maxFileBytes, chunkClaims: chunkClaims,
                               historyCacheEntries: historyCacheEntries)
    }

    /// The positive whole number at `key`, if the key is there.
    static func positive(_ mapping: Node.Mapping, _ key: String, at prefix: String,
                         fail: (String, String) -> BatchError) throws -> Int? {
        guard let value = mapping[key] else { return nil }
        guard let n = value.int, n > 0 else { throw fail(prefix + key, "expected a positive whole number") }
        return n
    }

    static func checkKeys(_ mapping: Node.Mapping, allowed: Set<String>, at prefix: String,
                          fail: (String, String) -> BatchError) throws {
        for key in mapping.keys {
            guard let k = key.string, allowed.contains(k) else {
                throw fail(prefix + (key.string ?? "?"), "unknown key (expected one of \(allowed.sorted().joined(separator: ", ")))")
            }
        }
    }
}
