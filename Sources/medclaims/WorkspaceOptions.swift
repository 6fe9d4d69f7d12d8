import ArgumentParser
import Batch
import Foundation

/// `--workspace` and `--config`, shared by every command that works on a workspace.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .long, help: "The workspace folder (default: the current directory).")
    var workspace: String = "."

    @Option(name: .long, help: "The config file (default: WORKSPACE/medclaims.yaml).")
    var config: String?

    var workspacePath: String {
        let url = URL(fileURLWithPath: workspace, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return url.standardizedFileURL.path
    }
}

/// Maps a batch error to its exit code, with the message on stderr.
func batchExitCode(for error: BatchError) -> ExitCode {
    FileHandle.standardError.write(Data("medclaims: \(error.description)\n".utf8))
    switch error {
    case .refused: return ExitCode(ExitCodes.refused)
    case .locked: return ExitCode(ExitCodes.locked)
    case .failed: return ExitCode(ExitCodes.failure)
    }
}

/// Runs a batch request and prints one line per completed run (nothing when there was nothing to do).
func runBatch(_ request: RunRequest) throws {
    do {
        let runner = try BatchRunner(request: request)
        for run in try runner.run() {
            let s = run.summary
            let taken = s.inputs.filter { $0.outcome == .taken }.count
            let refused = s.inputs.count - taken
            print("""
                \(s.dryRun ? "dry run" : s.kind.rawValue) \(s.runId)\(run.resumed ? " (resumed)" : "") completed: \
                \(s.inputs.count) files (\(taken) taken, \(refused) refused), \(s.counts.claims) claims \
                (\(s.counts.approved) approved, \(s.counts.rejected) rejected), payable \(s.totals.payable) \
                in \(s.payments.transfers) transfers → \(run.folder)
                """)
        }
    } catch let error as BatchError {
        throw batchExitCode(for: error)
    } catch {
        // Anything else is the run failing (a disk, the state): say so plainly; the next run
        // resumes where this one stood.
        throw batchExitCode(for: .failed("the run stopped: \(error); the next run resumes where it stands"))
    }
}

extension WorkspaceOptions {
    /// Where the workspace's runs are: `paths.out` of its config when there is one that
    /// loads, else `WORKSPACE/out/runs` (a copy of `out/` on another machine needs no config).
    var runsDirectory: String {
        let root = workspacePath
        if let loaded = try? MedclaimsConfig.load(workspace: root, configPath: config) { return loaded.paths.runs }
        return root + "/out/runs"
    }
}
