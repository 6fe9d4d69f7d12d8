// The Ingest module: hospital submissions (XML through libxml2's streaming reader, CSV
// through TextFormats' CSV reader) into normalised claims, or a refusal of the whole file.
// docs/ingest.md describes the formats and the choices made where data.md is silent.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain

public struct IngestLimits: Sendable {
    /// Files larger than this are refused whole (config `limits.max_file_mb`).
    public var maxFileBytes: Int64

    public init(maxFileBytes: Int64 = 2048 << 20) {
        self.maxFileBytes = maxFileBytes
    }
}

public enum SubmissionFormat: String, Sendable, Codable {
    case xml, csv

    /// By extension, `.xml` or `.csv` in any case; nil for any other name.
    public init?(path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "xml": self = .xml
        case "csv": self = .csv
        default: return nil
        }
    }
}

/// What one submission file held.
public struct SubmissionSummary: Sendable, Hashable {
    /// The XML root `id`, or the CSV file name without extension.
    public var submission: String
    public var format: SubmissionFormat
    /// The XML root `mode`; for CSV the mode every claim states, nil when they differ or
    /// none can be read.
    public var mode: SettlementMode?
    /// Likewise for `submitted`.
    public var submitted: Day?
    /// Claims in the file, skipped ones included.
    public var claims: Int
    /// Invalid claims among those delivered (claims skipped on resume are not judged).
    public var invalidClaims: Int
    /// Fee lines (XML `<fee/>` elements, CSV data rows) in the file, skipped claims included.
    public var lines: Int

    public init(submission: String, format: SubmissionFormat, mode: SettlementMode?, submitted: Day?, claims: Int,
                invalidClaims: Int, lines: Int) {
        self.submission = submission
        self.format = format
        self.mode = mode
        self.submitted = submitted
        self.claims = claims
        self.invalidClaims = invalidClaims
        self.lines = lines
    }
}

public enum SubmissionReader {
    /// Streams the claims of one submission file in file order. Throws `FileRefusal` (Domain) when the file is refused whole;
    /// errors thrown by `onClaim` propagate unchanged. `displayName` is the name used in messages (e.g. "inbox/a.xml").
    /// Claims with ordinal < skipClaims are parsed for structure but not normalised nor delivered (used when resuming).
    ///
    /// A refusal may come after some claims were delivered (a file cut short): callers use
    /// the claims only when the whole file was read.
    public static func read(path: String, displayName: String, limits: IngestLimits = IngestLimits(), skipClaims: Int = 0,
                            onClaim: (IngestedClaim) throws -> Void) throws -> SubmissionSummary {
        guard let format = SubmissionFormat(path: path) else {
            throw FileRefusal(file: displayName, line: nil, expected: "a file named *.xml or *.csv",
                              found: "\(path.split(separator: "/").last.map(String.init) ?? path)")
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw FileRefusal(file: displayName, line: nil, expected: "a readable file",
                              found: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FileRefusal(file: displayName, line: nil, expected: "a regular file", found: "something else (a folder?)")
        }
        if Int64(info.st_size) > limits.maxFileBytes {
            throw FileRefusal(file: displayName, line: nil,
                              expected: "a file of at most \(limits.maxFileBytes) bytes (limits.max_file_mb)",
                              found: "\(info.st_size) bytes")
        }
        switch format {
        case .xml:
            return try XMLSubmissionReader(path: path, displayName: displayName, skipClaims: skipClaims)
                .read(onClaim: onClaim)
        case .csv:
            return try CSVSubmissionReader(path: path, displayName: displayName, skipClaims: skipClaims)
                .read(onClaim: onClaim)
        }
    }
}
