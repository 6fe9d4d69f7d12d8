import ArgumentParser
import Batch
import Foundation

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take the inbox through ingest, adjudication, payment and report (what cron runs).",
        discussion: """
            Finishes an interrupted run first, then takes every complete file in inbox/ in name order. \
            Prints nothing when there was nothing to do. Exit 0 when the run completed (whatever it \
            rejected), 2 when config or reference data do not load, 75 when another run holds the workspace, \
            1 when the run could not finish.
            """)

    @OptionGroup var workspace: WorkspaceOptions

    @Flag(help: "Adjudicate into out/dry-runs/ on a copy of the state: commit nothing, move nothing, pay nothing.")
    var dryRun = false

    @Option(help: "With --dry-run: another reference folder (try a new policy on real submissions).")
    var reference: String?

    func run() throws {
        try runBatch(RunRequest(workspace: workspace.workspacePath, configPath: workspace.config, source: .inbox,
                                dryRun: dryRun, referenceOverride: reference, showProgress: true))
    }
}

struct Reprocess: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every submission in a folder through the same stages, seen before or not.",
        discussion: """
            Claims approved before come out DUPLICATE_INVOICE; claims rejected before are adjudicated again \
            and their new result names the earlier one (supersedes). The files stay where they are.
            """)

    @Argument(help: "The folder of corrected submissions.")
    var directory: String

    @OptionGroup var workspace: WorkspaceOptions

    @Flag(help: "Adjudicate into out/dry-runs/ on a copy of the state: commit nothing, pay nothing.")
    var dryRun = false

    @Option(help: "With --dry-run: another reference folder.")
    var reference: String?

    func run() throws {
        let dir = URL(fileURLWithPath: directory).standardizedFileURL.path
        try runBatch(RunRequest(workspace: workspace.workspacePath, configPath: workspace.config,
                                source: .directory(dir), dryRun: dryRun, referenceOverride: reference,
                                showProgress: true))
    }
}
