import Domain
import Foundation

public enum LogKind: String, Sendable, CaseIterable {
    /// `results.jsonl`: every claim of a run, approved and rejected.
    case results
    /// `rejected.jsonl`: the rejected claims only.
    case rejected

    public var fileName: String { "\(rawValue).jsonl" }
}

/// One claim read from a result log, with where it was read.
public struct ResultLogEntry: Sendable {
    /// The log's path.
    public var file: String
    /// 1-based line number in the log.
    public var line: Int
    public var result: ClaimResult

    public init(file: String, line: Int, result: ClaimResult) {
        self.file = file
        self.line = line
        self.result = result
    }
}

/// A line of a result log that could not be read (corrupted, truncated by a crash).
public struct LogProblem: CustomStringConvertible, Hashable, Sendable {
    public var file: String
    /// 1-based; 0 when the problem is with the file as a whole.
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, as compilers write it, so editors can jump to it.
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

public enum ReportingError: Error, CustomStringConvertible, Equatable {
    /// The runs directory is missing or unreadable.
    case noRunsDirectory(String)
    /// No run under the directory has the log asked for (or none could be opened).
    case noLogs(directory: String, file: String)

    public var description: String {
        switch self {
        case .noRunsDirectory(let d): return "\(d): no such runs directory"
        case .noLogs(let d, let f): return "\(d): no run has a readable \(f)"
        }
    }
}

public enum ResultLogs {
    /// The run ids under a runs directory (its subdirectories), in order. Run ids sort by
    /// the time they were started, so this is the order the runs happened in.
    public static func runIds(runsDirectory: String) throws -> [String] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: runsDirectory, isDirectory: &isDirectory), isDirectory.boolValue,
              let names = try? fm.contentsOfDirectory(atPath: runsDirectory) else {
            throw ReportingError.noRunsDirectory(runsDirectory)
        }
        return names.filter { name in
            var dir: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: runsDirectory + "/" + name, isDirectory: &dir)
                && dir.boolValue
        }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Reads the result logs of every run under `runsDirectory` (`out/runs/*/`), in run-id
    /// order then line order. A line that does not decode is returned as a problem and
    /// skipped; a run without the log (still running, or a dry run that failed early) is
    /// passed over. Throws when no run has a readable log at all.
    public static func read(runsDirectory: String, which: LogKind,
                            visit: (ResultLogEntry) throws -> Void) throws -> [LogProblem] {
        try read(runsDirectory: runsDirectory, which: which, runIds: nil, visit: visit)
    }

    /// As `read`, limited to the runs named (all runs when nil).
    public static func read(runsDirectory: String, which: LogKind, runIds wanted: Set<String>?,
                            visit: (ResultLogEntry) throws -> Void) throws -> [LogProblem] {
        try scan(runsDirectory: runsDirectory, which: which, runIds: wanted, prefilter: nil, visit: visit)
    }

    /// The claim with this settlement id, from the runs' results.jsonl; nil when no log has
    /// it. When a claim appears twice (it should not), the latest run's line wins.
    public static func find(setlId: String, runsDirectory: String) throws -> ClaimResult? {
        var found: ClaimResult?
        // A cheap byte test first: decoding every claim of a million-line log to compare
        // one field would be slow.
        let needle = Array("\"\(setlId)\"".utf8)
        _ = try scan(runsDirectory: runsDirectory, which: .results, runIds: nil, prefilter: needle) { entry in
            if entry.result.setlId == setlId { found = entry.result }
        }
        return found
    }

    /// Reads the logs, decoding only the lines that contain `prefilter` when there is one.
    static func scan(runsDirectory: String, which: LogKind, runIds wanted: Set<String>?, prefilter: [UInt8]?,
                     visit: (ResultLogEntry) throws -> Void) throws -> [LogProblem] {
        var problems: [LogProblem] = []
        var readAny = false
        let decoder = JSONDecoder()
        for runId in try runIds(runsDirectory: runsDirectory) where wanted?.contains(runId) ?? true {
            let path = runsDirectory + "/" + runId + "/" + which.fileName
            guard FileManager.default.fileExists(atPath: path) else { continue }
            guard let reader = LineReader(path: path) else {
                problems.append(LogProblem(file: path, line: 0, message: "cannot be opened"))
                continue
            }
            readAny = true
            var lineNumber = 0
            while let line = reader.next() {
                lineNumber += 1
                if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                if let needle = prefilter, !contains(line.bytes, needle) { continue }
                let result: ClaimResult
                do {
                    result = try decoder.decode(ClaimResult.self, from: Data(line.bytes))
                } catch {
                    let what = line.terminated ? "malformed line" : "truncated line (no newline at the end of the file)"
                    problems.append(LogProblem(file: path, line: lineNumber,
                                               message: "\(what), skipped: \(describe(error))"))
                    continue
                }
                try visit(ResultLogEntry(file: path, line: lineNumber, result: result))
            }
            if let error = reader.error {
                problems.append(LogProblem(file: path, line: lineNumber + 1, message: "read error: \(error)"))
            }
        }
        guard readAny else { throw ReportingError.noLogs(directory: runsDirectory, file: which.fileName) }
        return problems
    }

    private static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        var i = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// A decoding error in one line, without Foundation's noise.
    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \(path(context.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(path(context.codingPath))"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    private static func path(_ keys: [CodingKey]) -> String {
        let text = keys.map { key -> String in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
        return text.hasPrefix(".") ? String(text.dropFirst()) : text
    }
}

/// Reads a file line by line in blocks, so a log of a million claims is never in memory
/// whole. Lines end at `\n`; the last line may lack it (a truncated write).
final class LineReader {
    struct Line {
        var bytes: ArraySlice<UInt8>
        /// False for a last line without its newline.
        var terminated: Bool
    }

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private(set) var error: Error?

    init?(path: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        self.handle = handle
    }

    deinit { try? handle.close() }

    func next() -> Line? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = buffer[start..<newline]
                start = newline + 1
                return Line(bytes: line, terminated: true)
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                return Line(bytes: line, terminated: false)
            }
            // Keep the unfinished line, read the next block after it.
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            do {
                if let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
                    buffer.append(contentsOf: block)
                } else {
                    atEnd = true
                }
            } catch {
                self.error = error
                atEnd = true
            }
        }
    }
}
