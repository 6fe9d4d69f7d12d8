import Domain
// Temporary stand-in for the ingest branch's API; deleted when it merges.
public struct IngestLimits: Sendable { public var maxFileBytes: Int64; public init(maxFileBytes: Int64 = 2048 << 20) { self.maxFileBytes = maxFileBytes } }
public enum SubmissionFormat: String, Sendable { case xml, csv; public init?(path: String) { if path.lowercased().hasSuffix(".xml") { self = .xml } else if path.lowercased().hasSuffix(".csv") { self = .csv } else { return nil } } }
public struct SubmissionSummary: Sendable, Hashable { public var submission: String; public var format: SubmissionFormat; public var mode: SettlementMode?; public var submitted: Day?; public var claims: Int; public var invalidClaims: Int; public var lines: Int }
public enum SubmissionReader {
    public static func read(path: String, displayName: String, limits: IngestLimits = IngestLimits(), skipClaims: Int = 0,
                            onClaim: (IngestedClaim) throws -> Void) throws -> SubmissionSummary { fatalError() }
}
