import ArgumentParser

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Not built yet.")

    func run() throws {
        throw CleanExit.message("not built yet")
    }
}
