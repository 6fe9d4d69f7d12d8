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

    /// The sample config with `old` replaced by `new`: the refusal's text, or nil if it loads.
    func refusal(replacing old: String, with new: String) throws -> String? {
        let ws = try sampleWorkspace()
        let config = try String(contentsOfFile: ws + "/medclaims.yaml", encoding: .utf8)
        #expect(config.contains(old))
        try config.replacingOccurrences(of: old, with: new).write(toFile: ws + "/medclaims.yaml", atomically: true, encoding: .utf8)
        do {
            _ = try MedclaimsConfig.load(workspace: ws, configPath: nil)
            return nil
        } catch let error as BatchError {
            return error.description
        }
    }

    /// Found by review: an account the payment files refuse was taken by the config, so a run
    /// took the inbox, adjudicated it and only then failed to pay. It is refused at load now
    /// (exit 2, nothing read), by the payment files' own rule.
    @Test func aPayerTheBankFilesWouldRefuseIsRefusedAtLoad() throws {
        let dashes = try refusal(replacing: "\"0402020109300012345\"", with: "\"0402-0201-0930\"")
        #expect(dashes?.contains("medclaims.yaml:3: payer.account: 0402******0930 has characters other than ASCII letters and digits") == true)
        let blankName = try refusal(replacing: "name: 石家庄市医疗保障事务中心", with: "name: \"   \"")
        #expect(blankName?.contains("medclaims.yaml:4: payer.name: is empty once cleaned for the bank") == true)
        let shortCode = try refusal(replacing: "\"102121000011\"", with: "\"10212100001\"")
        #expect(shortCode?.contains("medclaims.yaml:6: payer.bank_code: '10212100001' is not a 12-digit CNAPS code") == true)
    }

    /// Found by review: config errors named the key but not the line. The line is the value's,
    /// or the mapping's above a key that is missing.
    @Test func aRefusalNamesTheLine() throws {
        let format = try refusal(replacing: "formats: [pain001, csv]", with: "formats: [pain001, xml]")
        #expect(format?.contains("medclaims.yaml:8: payments.formats: unknown format 'xml'") == true)
        let missing = try refusal(replacing: "  bank_name: 中国工商银行石家庄分行\n", with: "")
        #expect(missing?.contains("medclaims.yaml:2: payer.bank_name: is missing") == true)
        #expect(try refusal(replacing: "payments:", with: "payments:") == nil)
    }
}
