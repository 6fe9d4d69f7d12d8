import Domain
import Foundation

/// Loads `reference/` strictly (data.md, "Reference data"): anything malformed refuses the run
/// with a `ReferenceError` naming the file, the line and the field or key path.
public enum ReferenceLoader {
    static let policyFile = "policy.yaml"
    static let insuredFile = "insured.csv"
    static let filingsFile = "filings.csv"
    static let institutionsFile = "institutions.csv"
    static let facilityFile = "facility_standards.csv"
    static let cataloguesDir = "catalogues"

    /// Loads reference/ (layout in data.md): policy.yaml, insured.csv, filings.csv,
    /// institutions.csv, catalogues/national/*.csv, catalogues/NN/*.csv, facility_standards.csv.
    public static func load(directory: String) throws -> ReferenceData {
        func path(_ relative: String) -> String { directory + "/" + relative }
        let display = directory.hasSuffix("/") ? directory : directory + "/"

        let policyText: String
        do {
            policyText = try String(contentsOfFile: path(policyFile), encoding: .utf8)
        } catch {
            throw ReferenceError(file: display + policyFile, message: "cannot be read as UTF-8 text")
        }
        let policy = try load(policyYAML: policyText, file: display + policyFile)
        let persons = try RosterLoaders.persons(path: path(insuredFile), file: display + insuredFile)
        let filings = try RosterLoaders.filings(path: path(filingsFile), file: display + filingsFile, persons: persons)
        let institutions = try RosterLoaders.institutions(path: path(institutionsFile), file: display + institutionsFile)
        let standards = try CatalogueLoaders.facilityStandards(path: path(facilityFile), file: display + facilityFile)

        var national: Catalogue?
        var provinces: [String: Catalogue] = [:]
        for (folder, files) in try catalogueFolders(directory) {
            let catalogue = try CatalogueLoaders.catalogue(
                files: files.map { (path($0), $0) }, displayPrefix: display)
            if folder == "national" { national = catalogue } else { provinces[folder] = catalogue }
        }
        guard let national else {
            throw ReferenceError(file: display + cataloguesDir + "/national", message: "no national catalogue (*.csv)")
        }
        return ReferenceData(policy: policy, persons: persons, filings: filings, institutions: institutions,
                             catalogues: Catalogues(national: national, provinces: provinces),
                             facilityStandards: standards)
    }

    public static func load(policyYAML: String, file: String) throws -> Policy {
        try PolicyLoader(file: file).load(policyYAML)
    }

    /// The files load() reads, relative to `directory`, sorted (the batch run hashes them).
    public static func files(in directory: String) throws -> [String] {
        var files = [policyFile, insuredFile, filingsFile, institutionsFile, facilityFile]
        for (_, catalogueFiles) in try catalogueFolders(directory) { files += catalogueFiles }
        return files.sorted()
    }

    /// `catalogues/national` and `catalogues/NN` with their `*.csv` files (relative paths,
    /// sorted); any other folder there is an error, so a misnamed province is not ignored.
    static func catalogueFolders(_ directory: String) throws -> [(String, [String])] {
        let fm = FileManager.default
        let root = directory + "/" + cataloguesDir
        guard let folders = try? fm.contentsOfDirectory(atPath: root) else {
            throw ReferenceError(file: root, message: "is missing: expected catalogues/national/ and catalogues/NN/")
        }
        var result: [(String, [String])] = []
        for folder in folders.sorted() where !folder.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: root + "/" + folder, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let isProvince = folder.utf8.count == 2 && folder.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
            guard folder == "national" || isProvince else {
                throw ReferenceError(file: root + "/" + folder,
                                     message: "is not a catalogue folder: expected national or a 2-digit province code")
            }
            let names = (try? fm.contentsOfDirectory(atPath: root + "/" + folder)) ?? []
            let csvs = names.filter { $0.hasSuffix(".csv") && !$0.hasPrefix(".") }.sorted()
            result.append((folder, csvs.map { cataloguesDir + "/" + folder + "/" + $0 }))
        }
        return result
    }
}
