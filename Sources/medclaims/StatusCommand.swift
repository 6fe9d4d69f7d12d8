import ArgumentParser
import Batch
import Foundation

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The runs of a workspace: state, counts and totals.")

    @OptionGroup var workspace: WorkspaceOptions

    @Flag(help: "JSON instead of a table.")
    var json = false

    func run() throws {
        do {
            let rows = try WorkspaceStatus.load(workspace: workspace.workspacePath, configPath: workspace.config)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
            } else {
                print(WorkspaceStatus.table(rows))
            }
        } catch let error as BatchError {
            throw batchExitCode(for: error)
        }
    }
}
