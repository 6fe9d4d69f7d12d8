import Adjudication
import Domain
import Ingest

/// `medclaims explain FILE`: adjudicates the claims of a submission against the workspace's
/// reference data with empty accumulators, changing nothing. Each claim is decided on its own
/// (as if it were the person's first claim of the year), which is the statement a claims
/// officer can show before a run; after a run, `explain SETL_ID` shows what was really decided.
public enum SubmissionExplainer {
    public static func explain(file: String, mdtrtId: String?, workspace: String, configPath: String?) throws -> [ClaimResult] {
        let config = try MedclaimsConfig.load(workspace: workspace, configPath: configPath)
        let reference = try config.loadReference()
        let adjudicator = Adjudicator(reference: reference)
        var results: [ClaimResult] = []
        var number = 0
        do {
            _ = try SubmissionReader.read(path: file, displayName: file,
                                          limits: IngestLimits(maxFileBytes: config.maxFileBytes)) { ingested in
                number += 1
                let setlId = "EXPLAIN-" + pad(number, 6)
                switch ingested {
                case .valid(let claim):
                    guard mdtrtId == nil || claim.mdtrtId == mdtrtId else { return }
                    let decision = adjudicator.adjudicate(claim, history: .empty)
                    results.append(ClaimResult(runId: "explain", setlId: setlId, claim: claim, sourceFile: file,
                                               decision: decision, reference: reference, supersedes: nil))
                case .invalid(let invalid):
                    guard mdtrtId == nil || invalid.mdtrtId == mdtrtId else { return }
                    results.append(ClaimResult(runId: "explain", setlId: setlId, invalid: invalid, sourceFile: file,
                                               reference: reference, supersedes: nil))
                }
            }
        } catch let refusal as FileRefusal {
            throw BatchError.failed("the file is refused whole: \(refusal)")
        }
        return results
    }
}
