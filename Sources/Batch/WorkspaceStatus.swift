import Domain
import Foundation
import RunState

/// `medclaims status`: one row per run, from the state store.
public struct WorkspaceStatus: Codable, Sendable {
    public var runId: String
    public var kind: String
    public var phase: String
    public var startedAt: String
    public var endedAt: String?
    public var files: Int
    public var claims: Int
    public var approved: Int
    public var rejected: Int
    public var payable: String

    enum CodingKeys: String, CodingKey {
        case runId = "run_id", kind, phase, startedAt = "started_at", endedAt = "ended_at", files, claims, approved
        case rejected, payable
    }

    public static func load(workspace: String, configPath: String?) throws -> [WorkspaceStatus] {
        let config = try MedclaimsConfig.load(workspace: workspace, configPath: configPath)
        let path = config.paths.state + "/medclaims.sqlite"
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let store = try StateStore(path: path)
        return try store.runs().map { run in
            let totals = try RunTotals.from(json: run.totalsJSON)
            return WorkspaceStatus(runId: run.id, kind: run.kind.rawValue, phase: run.phase.rawValue,
                                   startedAt: run.startedAt, endedAt: run.endedAt, files: try store.files(of: run.id).count,
                                   claims: totals.counts.claims, approved: totals.counts.approved,
                                   rejected: totals.counts.rejected, payable: totals.totals.payable.description)
        }
    }

    public static func table(_ rows: [WorkspaceStatus]) -> String {
        if rows.isEmpty { return "no runs yet" }
        let header = ["run", "kind", "phase", "started", "ended", "files", "claims", "approved", "rejected", "payable"]
        let body = rows.map {
            [$0.runId, $0.kind, $0.phase, $0.startedAt, $0.endedAt ?? "-", String($0.files), String($0.claims),
             String($0.approved), String($0.rejected), $0.payable]
        }
        let widths = header.indices.map { i in ([header] + body).map { $0[i].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let padding = String(repeating: " ", count: widths[i] - cell.count)
                return i >= 5 ? padding + cell : cell + padding
            }.joined(separator: "  ")
        }
        return ([line(header)] + body.map(line)).joined(separator: "\n")
    }
}
