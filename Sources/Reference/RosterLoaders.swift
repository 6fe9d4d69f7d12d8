import Domain

/// `insured.csv`, `filings.csv`, `institutions.csv` (data.md, "Reference data").
enum RosterLoaders {
    static func persons(path: String, file: String) throws -> Roster {
        let table = try CSVTable(path: path, file: file, required: [
            "psn_no", "psn_name", "certno", "insutype", "insu_admdvs", "psn_type", "coverage_begin",
            "coverage_end", "status", "acct_balc", "bank_acct", "bank_name", "bank_code",
        ])
        var persons = Roster()
        // Where each psn_no was first seen, for the message about a repeated one: kept as
        // the line numbers in roster order (an array, not one more map of Strings).
        var lines: [Int] = []
        while let row = try table.next() {
            let psnNo = try row.required("psn_no")
            if persons.contains(psnNo) {
                // Only on this error path is the roster read back to find the first line.
                let earlier = persons.values.firstIndex { $0.psnNo == psnNo }.map { lines[$0] } ?? 0
                throw row.fail("psn_no", "psn_no \(psnNo) appears twice (first on line \(earlier))")
            }
            let certno = ResidentID.normalised(try row.required("certno"))
            if let problem = ResidentID.problem(with: certno) {
                throw row.fail("certno", "certno \(ResidentID.masked(certno)) \(problem)")
            }
            let psnTypeText = row.text("psn_type")
            guard let psnType = PersonType(psnTypeText) else {
                throw row.fail("psn_type", "psn_type '\(psnTypeText)' is not a national person category (11xx, 12xx, 1300, 14xx, 15xx)")
            }
            // An empty account, or one that fails the Luhn check, loads: the NO_BANK_ACCOUNT gate
            // rejects that person's manual claims (rules.md §1). One bad card in a roster of
            // millions must not stop every payment of the night.
            let bankAcct = row.text("bank_acct")
            var bankCode = row.text("bank_code")
            if BankCard.isValid(bankAcct) {
                bankCode = try row.digits("bank_code", counts: 12...12)
            }
            let person = Person(
                psnNo: psnNo, psnName: try row.required("psn_name"), certno: certno,
                insutype: try row.code("insutype", Insutype.self, expected: "310, 390"),
                insuAdmdvs: try row.digits("insu_admdvs", counts: 6...6), psnType: psnType,
                coverage: try row.period("coverage_begin", "coverage_end"),
                status: try row.code("status", CoverageStatus.self, expected: "active, suspended"),
                accountBalance: try row.decimal("acct_balc", scale: Scale.amount),
                bankAccount: bankAcct, bankName: row.text("bank_name"), bankCode: bankCode)
            persons.insert(person)
            lines.append(row.line)
        }
        return persons
    }

    static func filings(path: String, file: String, persons: Roster) throws -> [String: [Filing]] {
        let table = try CSVTable(path: path, file: file,
                                 required: ["psn_no", "category", "dest_admdvs", "begndate", "enddate"])
        var filings: [String: [Filing]] = [:]
        while let row = try table.next() {
            let psnNo = try row.required("psn_no")
            guard persons.contains(psnNo) else { throw row.fail("psn_no", "psn_no \(psnNo) is not on the roster") }
            let dest = try row.digits("dest_admdvs", counts: 2...6)
            guard [2, 4, 6].contains(dest.utf8.count) else {
                throw row.fail("dest_admdvs", "dest_admdvs '\(dest)' is not a 2-, 4- or 6-digit division prefix")
            }
            filings[psnNo, default: []].append(Filing(
                psnNo: psnNo,
                category: try row.code("category", FilingCategory.self,
                                       expected: FilingCategory.allCases.map(\.rawValue).joined(separator: ", ")),
                destAdmdvs: dest, period: try row.period("begndate", "enddate")))
        }
        return filings
    }

    static func institutions(path: String, file: String) throws -> [String: Institution] {
        let table = try CSVTable(path: path, file: file, required: [
            "fixmedins_code", "fixmedins_name", "admdvs", "medins_lv", "designated_begin", "designated_end",
            "bank_acct", "bank_name", "bank_code",
        ])
        var institutions: [String: Institution] = [:]
        var firstLine: [String: Int] = [:]
        while let row = try table.next() {
            let code = try row.required("fixmedins_code")
            if let earlier = firstLine[code] {
                throw row.fail("fixmedins_code", "fixmedins_code \(code) appears twice (first on line \(earlier))")
            }
            let levelText = row.text("medins_lv")
            guard let level = Int(levelText).flatMap(InstitutionLevel.init(rawValue:)) else {
                throw row.fail("medins_lv", "medins_lv '\(levelText)' is not 1, 2 or 3")
            }
            institutions[code] = Institution(
                code: code, name: try row.required("fixmedins_name"),
                admdvs: try row.digits("admdvs", counts: 6...6), level: level,
                designation: try row.period("designated_begin", "designated_end"),
                // A corporate account: digits, no card check digit.
                bankAccount: try row.digits("bank_acct", counts: 8...32),
                bankName: try row.required("bank_name"), bankCode: try row.digits("bank_code", counts: 12...12))
            firstLine[code] = row.line
        }
        return institutions
    }
}
