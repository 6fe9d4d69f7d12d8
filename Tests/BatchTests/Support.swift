import Batch
import Domain
import Foundation
import Testing

/// The package root, found from this file.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
    .standardized.path

/// The real `medclaims` binary, built beside the test bundle.
let medclaimsBinary: String = {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("medclaims").path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    return packageRoot + "/.build/debug/medclaims"
}()

struct Outcome {
    var status: Int32
    var signalled: Bool
    var stdout: String
    var stderr: String
}

/// Runs the real binary and waits for it.
@discardableResult
func medclaims(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: medclaimsBinary)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["MEDCLAIMS_NOW"] = "2026-03-16T02:00:00"
    env.removeValue(forKey: "MEDCLAIMS_CRASH_AT")
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Outcome(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                   stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}

/// A fresh copy of the sample workspace in a temporary folder.
func sampleWorkspace(chunkClaims: Int? = nil, historyCacheEntries: Int? = nil) throws -> String {
    let root = NSTemporaryDirectory() + "medclaims-e2e-" + UUID().uuidString
    let fm = FileManager.default
    try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
    for item in ["medclaims.yaml", "reference", "inbox"] {
        try fm.copyItem(atPath: packageRoot + "/Samples/" + item, toPath: root + "/" + item)
    }
    var run = ""
    if let chunkClaims { run += "  chunk_claims: \(chunkClaims)\n" }
    if let historyCacheEntries { run += "  history_cache_entries: \(historyCacheEntries)\n" }
    if !run.isEmpty {
        let config = try String(contentsOfFile: root + "/medclaims.yaml", encoding: .utf8)
        try (config + "\nrun:\n" + run).write(toFile: root + "/medclaims.yaml", atomically: true, encoding: .utf8)
    }
    return root
}

func files(in folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
}

func results(_ path: String) throws -> [ClaimResult] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try text.split(separator: "\n").map { try JSONDecoder().decode(ClaimResult.self, from: Data($0.utf8)) }
}

func summary(_ folder: String) throws -> RunSummary {
    try JSONDecoder().decode(RunSummary.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json")))
}

let sampleRunId = "R20260316-0001"

/// The files a run publishes in its folder.
let runOutputs = ["results.jsonl", "rejected.jsonl", "summary.json", "report.html", "payments.pain001.xml", "payments.csv"]

/// Expects the sample run's `names` in workspace `ws` to be byte for byte those of `reference`
/// (a clean run of the same input); `when` says what made them, for the failure message.
func expectSameOutputs(_ ws: String, as reference: String, _ names: [String] = runOutputs, when: String,
                       sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    for name in names {
        let a = try Data(contentsOf: URL(fileURLWithPath: reference + "/out/runs/\(sampleRunId)/" + name))
        let b = try Data(contentsOf: URL(fileURLWithPath: ws + "/out/runs/\(sampleRunId)/" + name))
        #expect(a == b, "\(name) differs \(when)", sourceLocation: sourceLocation)
    }
}
