import Foundation
import Testing
import Domain
@testable import Reference

private let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Samples/reference").standardized.path

/// A small valid reference directory written to a temporary folder; tests replace one file
/// to see one failure.
private struct Workspace {
    let root: String

    static let files: [String: String] = [
        "policy.yaml": """
            version: "t"
            regions:
              "130100":
                name: 石家庄市
                deadline_days: 180
                unfiled: {action: reduce, reduction_pct: 10}
                schemes:
                  "310":
                    personal_account: {covers: in_scope_self_pay}
                    groups:
                      inpatient:
                        codes: ["21"]
                        deductible: {scope: per_admission, by_level: {"1": "300.00", "2": "600.00", "3": "900.00"}}
                        tiers: [{fund: "310100", upto: null, ratio: {"1": 92, "2": 90, "3": 87.5}}]

            """,
        "insured.csv": """
            psn_no,psn_name,certno,insutype,insu_admdvs,psn_type,coverage_begin,coverage_end,status,acct_balc,bank_acct,bank_name,bank_code
            P1,张伟,130102199001011237,310,130100,1101,2020-01-01,,active,1000.00,6222021234567891233,工行,102121000011
            P2,李娜,130102195505052341,310,130100,1201,2020-01-01,2030-12-31,suspended,0.00,,,

            """,
        "filings.csv": "psn_no,category,dest_admdvs,begndate,enddate\nP1,resident_worker,31,2025-01-01,\n",
        "institutions.csv": """
            fixmedins_code,fixmedins_name,admdvs,medins_lv,designated_begin,designated_end,bank_acct,bank_name,bank_code
            H1,中山医院,310104,3,2015-01-01,,1001234509000012345,工行上海,102290000012

            """,
        "facility_standards.csv": "hilist_code,medins_lv,pric_uplmt_amt\nBED,3,60.00\n",
        "catalogues/national/drugs.csv": """
            hilist_code,hilist_name,list_type,chrgitm_lv,selfpay_prop,pric_uplmt_amt,lmt_used_flag,lim_med_types,lim_dise_prefixes,begndate,enddate
            D1,阿莫西林,drug,01,,,0,,,2020-01-01,2024-12-31
            D1,阿莫西林,drug,02,0.10,,0,,,2025-01-01,
            D2,曲妥珠单抗,drug,02,0.1,2100.123456,1,21 14,C50,2020-01-01,

            """,
        "catalogues/31/services.csv": """
            hilist_code,hilist_name,list_type,chrgitm_lv,selfpay_prop,pric_uplmt_amt,lmt_used_flag,lim_med_types,lim_dise_prefixes,begndate,enddate
            S1,CT,service,01,,150.00,0,,,2020-01-01,

            """,
    ]

    init(replacing overrides: [String: String] = [:]) {
        root = NSTemporaryDirectory() + "medclaims-ref-" + UUID().uuidString
        for (name, text) in Self.files.merging(overrides, uniquingKeysWith: { $1 }) {
            let path = root + "/" + name
            try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                     withIntermediateDirectories: true)
            try! text.write(toFile: path, atomically: false, encoding: .utf8)
        }
    }

    /// Replaces `line` (1-based) of a file with `text`.
    init(file: String, line: Int, with text: String) {
        var lines = Self.files[file]!.components(separatedBy: "\n")
        lines[line - 1] = text
        self.init(replacing: [file: lines.joined(separator: "\n")])
    }

    init(file: String, appending text: String) {
        self.init(replacing: [file: Self.files[file]! + text + "\n"])
    }

    func load() throws -> ReferenceData { try ReferenceLoader.load(directory: root) }
}

private func failure(_ body: () throws -> Any) -> ReferenceError? {
    do {
        _ = try body()
        return nil
    } catch let error as ReferenceError {
        return error
    } catch {
        return nil
    }
}

@Test func theSmallWorkspaceLoads() throws {
    let ref = try Workspace().load()
    #expect(ref.persons["P1"]?.accountBalance == 100_000)
    #expect(ref.persons["P2"]?.bankAccount == "")
    #expect(ref.persons["P2"]?.status == .suspended)
    #expect(ref.filings["P1"]?.first?.destAdmdvs == "31")
    #expect(ref.institutions["H1"]?.level == .three)
    #expect(ref.facilityStandards.cap(for: "BED", level: .three) == 60_000_000)
    #expect(ref.catalogues.national.rowsByCode["D1"]?.count == 2)
    let d2 = ref.catalogues.national.rowsByCode["D2"]?.first
    #expect(d2?.selfpayProportion == 100_000)
    #expect(d2?.priceCap == 2_100_123_456)
    #expect(d2?.limitedMedTypes == [.inpatient, .chronicOutpatient])
    #expect(d2?.source == "catalogues/national/drugs.csv:4")
    #expect(ref.catalogues.provinces["31"]?.rowsByCode["S1"]?.first?.source == "catalogues/31/services.csv:2")
    let tier = ref.policy.regions["130100"]?.schemes[.employee]?.groups.first?.tiers.first
    #expect(tier?.ratioByLevel[.three] == 8750)
    #expect(tier?.upto == nil)
}

/// A card that fails the Luhn check loads (the NO_BANK_ACCOUNT gate rejects that person's
/// manual claims); it must not refuse the whole run.
@Test func aCardFailingLuhnLoadsForTheGateToDecide() throws {
    let w = Workspace(file: "insured.csv", line: 2,
                      with: "P1,张伟,130102199001011237,310,130100,1101,2020-01-01,,active,1000.00,6222021234567891234,工行,102121000011")
    let ref = try w.load()
    #expect(ref.persons["P1"]?.bankAccount == "6222021234567891234")
    #expect(BankCard.isValid(ref.persons["P1"]!.bankAccount) == false)
}

/// GB 11643 writes the check character 10 as `X`; a roster that types `x` names the same
/// person, and a claim's `X` must match it (docs/ingest.md).
@Test func aLowerCaseXCheckCharacterLoadsAsUpperCase() throws {
    let w = Workspace(file: "insured.csv", line: 2,
                      with: "P1,张伟,13010219900101004x,310,130100,1101,2020-01-01,,active,1000.00,6222021234567891233,工行,102121000011")
    #expect(try w.load().persons["P1"]?.certno == "13010219900101004X")
}

@Test func filesAreListedSorted() throws {
    let files = try ReferenceLoader.files(in: Workspace().root)
    #expect(files == ["catalogues/31/services.csv", "catalogues/national/drugs.csv", "facility_standards.csv",
                      "filings.csv", "institutions.csv", "insured.csv", "policy.yaml"])
}

@Test func csvFailuresNameFileLineAndField() {
    func expectFailure(_ w: Workspace, file: String, line: Int, field: String?, _ text: String) {
        let e = failure { try w.load() }
        #expect(e != nil, "\(text)")
        #expect(e?.file.hasSuffix(file) == true, "\(text): \(String(describing: e))")
        #expect(e?.line == line, "\(text): \(String(describing: e))")
        if let field { #expect(e?.keyPath == field, "\(text): \(String(describing: e))") }
    }
    // Wrong field count.
    expectFailure(Workspace(file: "insured.csv", line: 2, with: "P1,张伟,130102199001011237,310"),
                  file: "insured.csv", line: 2, field: nil, "field count")
    // Bad check digit in the roster (certno and card).
    expectFailure(Workspace(file: "insured.csv", line: 2,
                            with: "P1,张伟,130102199001011238,310,130100,1101,2020-01-01,,active,1000.00,,,"),
                  file: "insured.csv", line: 2, field: "certno", "certno check")
    // Duplicate psn_no.
    expectFailure(Workspace(file: "insured.csv", line: 3,
                            with: "P1,李娜,130102195505052341,310,130100,1201,2020-01-01,,active,0.00,,,"),
                  file: "insured.csv", line: 3, field: "psn_no", "duplicate psn_no")
    // Bad date, bad code, bad decimal.
    expectFailure(Workspace(file: "insured.csv", line: 3,
                            with: "P2,李娜,130102195505052341,310,130100,1201,2020-02-30,,active,0.00,,,"),
                  file: "insured.csv", line: 3, field: "coverage_begin", "bad date")
    expectFailure(Workspace(file: "insured.csv", line: 3,
                            with: "P2,李娜,130102195505052341,320,130100,1201,2020-01-01,,active,0.00,,,"),
                  file: "insured.csv", line: 3, field: "insutype", "bad code")
    expectFailure(Workspace(file: "insured.csv", line: 3,
                            with: "P2,李娜,130102195505052341,310,130100,1201,2020-01-01,,active,0.001,,,"),
                  file: "insured.csv", line: 3, field: "acct_balc", "three decimals")
    // Institutions need a bank account.
    expectFailure(Workspace(file: "institutions.csv", line: 2, with: "H1,中山医院,310104,3,2015-01-01,,,工行上海,102290000012"),
                  file: "institutions.csv", line: 2, field: "bank_acct", "institution account")
    expectFailure(Workspace(file: "institutions.csv", line: 2, with: "H1,中山医院,310104,4,2015-01-01,,1001234509000012345,工行上海,102290000012"),
                  file: "institutions.csv", line: 2, field: "medins_lv", "level 4")
    // Filings: unknown category, unknown person.
    expectFailure(Workspace(file: "filings.csv", line: 2, with: "P1,holiday,31,2025-01-01,"),
                  file: "filings.csv", line: 2, field: "category", "category")
    expectFailure(Workspace(file: "filings.csv", line: 2, with: "P9,temporary,31,2025-01-01,"),
                  file: "filings.csv", line: 2, field: "psn_no", "unknown person")
    // Catalogue: overlapping validity of one code in one folder; selfpay_prop with 7 decimals or above 1.
    expectFailure(Workspace(file: "catalogues/national/drugs.csv", appending: "D1,阿莫西林,drug,01,,,0,,,2024-06-01,2024-06-30"),
                  file: "catalogues/national/drugs.csv", line: 5, field: "begndate", "overlap")
    expectFailure(Workspace(file: "catalogues/national/drugs.csv", line: 4, with: "D2,x,drug,02,0.1000001,,0,,,2020-01-01,"),
                  file: "catalogues/national/drugs.csv", line: 4, field: "selfpay_prop", "7 decimals")
    expectFailure(Workspace(file: "catalogues/national/drugs.csv", line: 4, with: "D2,x,drug,02,1.5,,0,,,2020-01-01,"),
                  file: "catalogues/national/drugs.csv", line: 4, field: "selfpay_prop", "above 1")
    expectFailure(Workspace(file: "catalogues/national/drugs.csv", line: 4, with: "D2,x,drug,04,,,0,,,2020-01-01,"),
                  file: "catalogues/national/drugs.csv", line: 4, field: "chrgitm_lv", "class 04")
    expectFailure(Workspace(file: "catalogues/national/drugs.csv", line: 4, with: "D2,x,drug,01,,12.1234567,0,,,2020-01-01,"),
                  file: "catalogues/national/drugs.csv", line: 4, field: "pric_uplmt_amt", "price 7 decimals")
    // A header without a required column.
    expectFailure(Workspace(replacing: ["facility_standards.csv": "hilist_code,medins_lv\nBED,3\n"]),
                  file: "facility_standards.csv", line: 1, field: "pric_uplmt_amt", "missing column")
}

@Test func theSameCodeInTwoFoldersIsNoOverlap() throws {
    // A province row overriding a national one is the point of province folders.
    let w = Workspace(replacing: ["catalogues/31/drugs.csv": """
        hilist_code,hilist_name,list_type,chrgitm_lv,selfpay_prop,pric_uplmt_amt,lmt_used_flag,lim_med_types,lim_dise_prefixes,begndate,enddate
        D1,阿莫西林,drug,01,,,0,,,2020-01-01,

        """])
    #expect(try w.load().catalogues.provinces["31"]?.rowsByCode["D1"]?.count == 1)
    let bad = Workspace(replacing: ["catalogues/3x/drugs.csv": Workspace.files["catalogues/national/drugs.csv"]!])
    #expect(failure { try bad.load() }?.file.hasSuffix("catalogues/3x") == true)
}

// MARK: - policy.yaml

private let policyBase = Workspace.files["policy.yaml"]!

private func policyFailure(_ yaml: String) -> ReferenceError? {
    failure { try ReferenceLoader.load(policyYAML: yaml, file: "policy.yaml") }
}

@Test func policyFailuresNameKeyPathAndLine() {
    // Unknown key.
    let unknown = policyFailure(policyBase.replacingOccurrences(of: "deadline_days: 180", with: "deadline_days: 180\n    deadline: 90"))
    #expect(unknown?.keyPath == "regions.130100.deadline")
    #expect(unknown?.line == 6)
    // A missing level in a by_level table.
    let level = policyFailure(policyBase.replacingOccurrences(of: #""2": "600.00", "#, with: ""))
    #expect(level?.keyPath == "regions.130100.schemes.310.groups.inpatient.deductible.by_level.2")
    #expect(level?.line == 13)
    // Tier bounds that do not rise.
    let tiers = policyFailure(policyBase.replacingOccurrences(
        of: #"tiers: [{fund: "310100", upto: null, ratio: {"1": 92, "2": 90, "3": 87.5}}]"#,
        with: #"tiers: [{fund: "310100", upto: "5000.00", ratio: {"1": 92, "2": 90, "3": 85}}, {fund: "310100", upto: "5000.00", ratio: {"1": 1, "2": 1, "3": 1}}]"#))
    #expect(tiers?.keyPath == "regions.130100.schemes.310.groups.inpatient.tiers[1].upto")
    // A null bound before the last tier.
    let nullFirst = policyFailure(policyBase.replacingOccurrences(
        of: #"tiers: [{fund: "310100", upto: null, ratio: {"1": 92, "2": 90, "3": 87.5}}]"#,
        with: #"tiers: [{fund: "310100", upto: null, ratio: {"1": 92, "2": 90, "3": 85}}, {fund: "330100", upto: null, ratio: {"1": 1, "2": 1, "3": 1}}]"#))
    #expect(nullFirst?.keyPath == "regions.130100.schemes.310.groups.inpatient.tiers[0].upto")
    // Ratios with more than two decimals.
    let ratio = policyFailure(policyBase.replacingOccurrences(of: "87.5", with: "87.555"))
    #expect(ratio?.keyPath == "regions.130100.schemes.310.groups.inpatient.tiers[0].ratio.3")
    // Bad fund codes: unknown, and the personal account's or another scheme's.
    #expect(policyFailure(policyBase.replacingOccurrences(of: #"fund: "310100""#, with: #"fund: "310900""#))?.keyPath
            == "regions.130100.schemes.310.groups.inpatient.tiers[0].fund")
    #expect(policyFailure(policyBase.replacingOccurrences(of: #"fund: "310100""#, with: #"fund: "310200""#)) != nil)
    #expect(policyFailure(policyBase.replacingOccurrences(of: #"fund: "310100""#, with: #"fund: "390100""#)) != nil)
    // A med_type in two groups.
    let twice = policyFailure(policyBase
        + "          day:\n"
        + "            codes: [\"11\", \"21\"]\n"
        + "            deductible: {scope: per_year, by_level: {\"1\": \"0\", \"2\": \"0\", \"3\": \"0\"}}\n"
        + "            tiers: [{fund: \"310100\", upto: null, ratio: {\"1\": 50, \"2\": 50, \"3\": 50}}]\n")
    #expect(twice?.keyPath == "regions.130100.schemes.310.groups.day.codes")
    // A missing required key, a bad action, a bad region code.
    #expect(policyFailure(policyBase.replacingOccurrences(of: "    deadline_days: 180\n", with: ""))?.keyPath
            == "regions.130100.deadline_days")
    #expect(policyFailure(policyBase.replacingOccurrences(of: "action: reduce", with: "action: refuse"))?.keyPath
            == "regions.130100.unfiled.action")
    #expect(policyFailure(policyBase.replacingOccurrences(of: #""130100":"#, with: #""1301":"#))?.keyPath == "regions.1301")
    #expect(policyFailure("regions: [") != nil)
}

// MARK: - The sample workspace

@Test func theSampleReferenceLoads() throws {
    let ref = try ReferenceLoader.load(directory: samples)
    #expect(ref.policy.regions.keys.sorted() == ["130100", "320500", "510100"])
    #expect(ref.persons.count >= 40)
    #expect(ref.institutions.count >= 12)
    #expect(ref.catalogues.national.count >= 200)
    #expect(ref.catalogues.provinces.keys.sorted() == ["31", "44"])
    #expect(ref.persons.values.contains { $0.bankAccount.isEmpty })
    #expect(ref.persons.values.contains { $0.status == .suspended })
    // The worked example's policy, exactly.
    let inpatient = ref.policy.regions["130100"]?.schemes[.employee]?.group(for: .inpatient)
    #expect(inpatient?.deductibleByLevel[.three] == 90_000)
    #expect(inpatient?.tiers.map(\.fund) == [.employeePooled, .employeeLargeAmount])
    #expect(inpatient?.tiers.first?.ratioByLevel[.three] == 8500)
    #expect(ref.policy.regions["320500"]?.unfiled == .reject)
    #expect(ref.policy.regions["510100"]?.crossRegionLevel == .province)
    #expect(try ReferenceLoader.files(in: samples).contains("catalogues/44/drugs.csv"))
}

/// With more than one thing wrong, the error is the first one met loading the files in order
/// (policy, roster, filings, institutions, standards, catalogues), each file's rows in order:
/// the operator mends them one after another and sees the same error again until it is mended.
@Test func theFirstErrorInTheOrderOfTheFilesIsReported() {
    let filingsHeader = "psn_no,category,dest_admdvs,begndate,enddate\n"
    let badPolicy = "version: \"t\"\nregions: 7\n"
    let badRoster = Workspace.files["insured.csv"]!.replacingOccurrences(of: ",310,130100,1201,", with: ",320,130100,1201,")
    // Each case: the files replaced, then the error expected (file, line, field).
    let cases: [([String: String], String, Int?, String?)] = [
        // The policy comes before a roster that does not load, and the roster before filings.
        (["policy.yaml": badPolicy, "insured.csv": badRoster], "policy.yaml", nil, nil),
        (["insured.csv": badRoster, "filings.csv": filingsHeader + "P1,holiday,31,2025-01-01,\n"],
         "insured.csv", 3, "insutype"),
        // In filings.csv: a person not on the roster on line 2 before a bad category on line 3,
        // before a row that is not CSV on line 3, and before a bad category in the same row.
        ([ "filings.csv": filingsHeader + "P9,temporary,31,2025-01-01,\nP1,holiday,31,2025-01-01,\n"],
         "filings.csv", 2, "psn_no"),
        (["filings.csv": filingsHeader + "P9,temporary,31,2025-01-01,\nP1,temporary\n"], "filings.csv", 2, "psn_no"),
        (["filings.csv": filingsHeader + "P9,holiday,31,2025-01-01,\n"], "filings.csv", 2, "psn_no"),
        // A bad category before a person not on the roster.
        (["filings.csv": filingsHeader + "P1,holiday,31,2025-01-01,\nP9,temporary,31,2025-01-01,\n"],
         "filings.csv", 2, "category"),
        // The filings before institutions that do not load.
        (["filings.csv": filingsHeader + "P9,temporary,31,2025-01-01,\n",
          "institutions.csv": "fixmedins_code\nH1\n"], "filings.csv", 2, "psn_no"),
    ]
    for (files, file, line, field) in cases {
        let e = failure { try Workspace(replacing: files).load() }
        #expect(e?.file.hasSuffix(file) == true, "\(files.keys.sorted()): \(String(describing: e))")
        if let line { #expect(e?.line == line, "\(files.keys.sorted()): \(String(describing: e))") }
        if let field { #expect(e?.keyPath == field, "\(files.keys.sorted()): \(String(describing: e))") }
    }
}
