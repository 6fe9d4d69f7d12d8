import Domain

/// The catalogues (`catalogues/national/*.csv`, `catalogues/NN/*.csv`) and
/// `facility_standards.csv`.
enum CatalogueLoaders {
    static let columns = [
        "hilist_code", "hilist_name", "list_type", "chrgitm_lv", "selfpay_prop", "pric_uplmt_amt",
        "lmt_used_flag", "lim_med_types", "lim_dise_prefixes", "begndate", "enddate",
    ]

    /// One catalogue folder: every file of it, `files` as (path to open, path relative to
    /// reference/). A code's validity periods must not overlap within the folder.
    static func catalogue(files: [(path: String, relative: String)], displayPrefix: String) throws -> Catalogue {
        var rows: [String: [CatalogueEntry]] = [:]
        for file in files {
            let table = try CSVTable(path: file.path, file: displayPrefix + file.relative, required: columns)
            while let row = try table.next() {
                let entry = try entry(row, source: "\(file.relative):\(row.line)")
                if let clash = rows[entry.code]?.first(where: { $0.validity.overlaps(entry.validity) }) {
                    throw row.fail("begndate", "hilist_code \(entry.code) valid \(entry.validity) overlaps its row \(clash.source) valid \(clash.validity)")
                }
                rows[entry.code, default: []].append(entry)
            }
        }
        for code in rows.keys { rows[code]!.sort { $0.validity.begin < $1.validity.begin } }
        return Catalogue(rowsByCode: rows)
    }

    private static func entry(_ row: CSVTable.Row, source: String) throws -> CatalogueEntry {
        let chargeClass = try row.code("chrgitm_lv", ChargeClass.self, expected: "01, 02, 03")
        // selfpay_prop: a fraction 0..1 with at most 6 decimals; empty means 0.
        var selfpay: PartsPerMillion = 0
        if !row.text("selfpay_prop").isEmpty {
            selfpay = try row.decimal("selfpay_prop", scale: Scale.proportion)
            if selfpay > 1_000_000 { throw row.fail("selfpay_prop", "selfpay_prop '\(row.text("selfpay_prop"))' is above 1") }
        }
        let cap: MicroYuan? = row.text("pric_uplmt_amt").isEmpty ? nil : try row.decimal("pric_uplmt_amt", scale: Scale.price)
        let flag = row.text("lmt_used_flag")
        guard flag == "0" || flag == "1" || flag.isEmpty else {
            throw row.fail("lmt_used_flag", "lmt_used_flag '\(flag)' is not 0 or 1")
        }
        var medTypes: [MedType] = []
        for token in row.text("lim_med_types").split(separator: " ") {
            guard let medType = MedType(rawValue: String(token)) else {
                throw row.fail("lim_med_types", "lim_med_types '\(token)' is not a med_type (11, 13, 14, 21)")
            }
            medTypes.append(medType)
        }
        var prefixes: [String] = []
        for token in row.text("lim_dise_prefixes").split(separator: " ") {
            let ok = token.utf8.first.map { (0x41...0x5A).contains($0) } == true
                && token.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || $0 == 0x2E }
            guard ok else {
                throw row.fail("lim_dise_prefixes", "lim_dise_prefixes '\(token)' is not an ICD-10 prefix (a capital letter, then digits, letters or '.')")
            }
            prefixes.append(String(token))
        }
        return CatalogueEntry(
            code: try row.required("hilist_code"), name: try row.required("hilist_name"),
            listType: try row.code("list_type", ListType.self, expected: "drug, herbal, service, material"),
            chargeClass: chargeClass, selfpayProportion: selfpay, priceCap: cap, restricted: flag == "1",
            limitedMedTypes: medTypes, limitedDiagnosisPrefixes: prefixes,
            validity: try row.period("begndate", "enddate"), source: source)
    }

    static func facilityStandards(path: String, file: String) throws -> FacilityStandards {
        let table = try CSVTable(path: path, file: file, required: ["hilist_code", "medins_lv", "pric_uplmt_amt"])
        var caps: [String: [InstitutionLevel: MicroYuan]] = [:]
        while let row = try table.next() {
            let code = try row.required("hilist_code")
            let levelText = row.text("medins_lv")
            guard let level = Int(levelText).flatMap(InstitutionLevel.init(rawValue:)) else {
                throw row.fail("medins_lv", "medins_lv '\(levelText)' is not 1, 2 or 3")
            }
            if caps[code]?[level] != nil {
                throw row.fail("hilist_code", "hilist_code \(code) has two standards for level \(level.rawValue)")
            }
            caps[code, default: [:]][level] = try row.decimal("pric_uplmt_amt", scale: Scale.price)
        }
        return FacilityStandards(caps: caps)
    }
}
