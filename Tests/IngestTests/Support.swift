import Domain
import Ingest
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Folders found from this file, not from the working directory.
enum Paths {
    static let tests: String = {
        let file = "\(#filePath)"
        return String(file[..<file.lastIndex(of: "/")!])
    }()
    static let fixtures = tests + "/Fixtures"
    static let repository: String = {
        var path = tests
        for _ in 0..<2 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()
    static let samplesBad = repository + "/Samples/bad"
    static let schema = repository + "/docs/submission.xsd"

    static func fixture(_ name: String) -> String { fixtures + "/" + name }
    static func bad(_ name: String) -> String { samplesBad + "/" + name }

    /// A fresh temporary folder for generated files.
    static func temporaryFolder() -> String {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array((base + "/medclaims-ingest-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil)
        return String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    }

    static func write(_ text: String, to path: String) throws {
        let file = fopen(path, "wb")!
        defer { fclose(file) }
        var text = text
        _ = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) }
    }
}

/// Everything a read gives: the claims delivered, and the summary or the refusal.
struct ReadOutcome {
    var claims: [IngestedClaim] = []
    var summary: SubmissionSummary?
    var refusal: FileRefusal?

    var valid: [Claim] { claims.compactMap { if case .valid(let c) = $0 { c } else { nil } } }
    var invalid: [InvalidClaim] { claims.compactMap { if case .invalid(let c) = $0 { c } else { nil } } }

    func claim(_ ordinal: Int) -> IngestedClaim? { claims.first { $0.ordinal == ordinal } }
    func problems(_ ordinal: Int) -> [FieldProblem] {
        if case .invalid(let c)? = claim(ordinal) { return c.problems }
        return []
    }
}

func readSubmission(_ path: String, limits: IngestLimits = IngestLimits(), skipClaims: Int = 0) throws -> ReadOutcome {
    var outcome = ReadOutcome()
    do {
        outcome.summary = try SubmissionReader.read(path: path, displayName: "test/" + (path.split(separator: "/").last.map(String.init) ?? ""),
                                                    limits: limits, skipClaims: skipClaims) { outcome.claims.append($0) }
    } catch let refusal as FileRefusal {
        outcome.refusal = refusal
    }
    return outcome
}
