import Batch
import Foundation
import Testing

/// `medclaims.yaml`'s numbers: read where given, refused with their key path where wrong.
@Suite struct ConfigTests {
    func load(_ extra: String) throws -> MedclaimsConfig {
        let ws = try sampleWorkspace()
        let config = try String(contentsOfFile: ws + "/medclaims.yaml", encoding: .utf8)
        try (config + "\n" + extra).write(toFile: ws + "/medclaims.yaml", atomically: true, encoding: .utf8)
        return try MedclaimsConfig.load(workspace: ws, configPath: nil)
    }

    @Test func runAndLimitsNumbersAreRead() throws {
        let defaults = try load("")
        #expect(defaults.chunkClaims == 2000)
        #expect(defaults.historyCacheEntries == 50_000)
        #expect(defaults.maxFileBytes == 2048 << 20)
        let given = try load("run: {chunk_claims: 7, history_cache_entries: 9}\nlimits: {max_file_mb: 3}\n")
        #expect(given.chunkClaims == 7)
        #expect(given.historyCacheEntries == 9)
        #expect(given.maxFileBytes == 3 << 20)
    }

    @Test(arguments: [("run: {history_cache_entries: 0}", "run.history_cache_entries"),
                      ("run: {chunk_claims: two}", "run.chunk_claims"),
                      ("limits: {max_file_mb: -1}", "limits.max_file_mb")])
    func aNumberThatIsNotPositiveIsRefusedWithItsKey(yaml: String, key: String) throws {
        do {
            _ = try load(yaml + "\n")
            Issue.record("\(yaml) was accepted")
        } catch let error as BatchError {
            #expect(error.description.contains(key))
            #expect(error.description.contains("expected a positive whole number"))
        }
    }
}
