import Domain
import Yams

/// `policy.yaml` (rules.md): parsed to a node tree and walked, so every error names the key
/// path and line. Unknown keys are errors: a misspelt key must not silently fall back to a
/// default.
struct PolicyLoader {
    let file: String

    func load(_ yaml: String) throws -> Policy {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ReferenceError(file: file, message: "is not valid YAML: \(error)")
        }
        guard let root else { throw ReferenceError(file: file, line: 1, message: "is empty") }
        let top = try mapping(root, "", required: ["version", "regions"], optional: [])
        let version = try string(top["version"]!, "version")
        var regions: [String: RegionPolicy] = [:]
        for (code, node) in try entries(top["regions"]!, "regions") {
            let path = "regions.\(code)"
            guard DivisionCode.isValid(code) else { throw fail(path, node, "'\(code)' is not a 6-digit region code") }
            regions[code] = try region(code, node, path)
        }
        if regions.isEmpty { throw fail("regions", top["regions"]!, "no region") }
        return Policy(version: version, regions: regions)
    }

    // MARK: - The policy's parts

    private func region(_ code: String, _ node: Node, _ path: String) throws -> RegionPolicy {
        let m = try mapping(node, path, required: ["name", "deadline_days", "unfiled", "schemes"],
                            optional: ["cross_region_level"])
        let deadline = try integer(m["deadline_days"]!, path + ".deadline_days")
        var level = CrossRegionLevel.city
        if let node = m["cross_region_level"] {
            let text = try string(node, path + ".cross_region_level")
            guard let value = CrossRegionLevel(rawValue: text) else {
                throw fail(path + ".cross_region_level", node, "'\(text)' is not city or province")
            }
            level = value
        }
        var schemes: [Insutype: SchemePolicy] = [:]
        for (key, node) in try entries(m["schemes"]!, path + ".schemes") {
            let schemePath = path + ".schemes.\(key)"
            guard let insutype = Insutype(rawValue: key) else {
                throw fail(schemePath, node, "'\(key)' is not a scheme (310, 390)")
            }
            schemes[insutype] = try scheme(insutype, node, schemePath)
        }
        return RegionPolicy(code: code, name: try string(m["name"]!, path + ".name"), deadlineDays: deadline,
                            crossRegionLevel: level, unfiled: try unfiled(m["unfiled"]!, path + ".unfiled"),
                            schemes: schemes)
    }

    private func unfiled(_ node: Node, _ path: String) throws -> UnfiledAction {
        let m = try mapping(node, path, required: ["action"], optional: ["reduction_pct"])
        let action = try string(m["action"]!, path + ".action")
        switch action {
        case "reduce":
            guard let pct = m["reduction_pct"] else { throw fail(path, node, "action reduce needs reduction_pct") }
            return .reduce(try percent(pct, path + ".reduction_pct"))
        case "reject":
            if let pct = m["reduction_pct"] { throw fail(path + ".reduction_pct", pct, "reduction_pct goes with action reduce, not reject") }
            return .reject
        default:
            throw fail(path + ".action", m["action"]!, "'\(action)' is not reduce or reject")
        }
    }

    private func scheme(_ insutype: Insutype, _ node: Node, _ path: String) throws -> SchemePolicy {
        let m = try mapping(node, path, required: ["groups"],
                            optional: ["personal_account", "annual_caps", "critical_illness"])
        var covers = AccountCoverage.none
        if let node = m["personal_account"] {
            let pa = try mapping(node, path + ".personal_account", required: ["covers"], optional: [])
            let text = try string(pa["covers"]!, path + ".personal_account.covers")
            guard let value = AccountCoverage(rawValue: text) else {
                throw fail(path + ".personal_account.covers", pa["covers"]!, "'\(text)' is not none, in_scope_self_pay or all_self_pay")
            }
            if insutype == .resident && value != .none {
                throw fail(path + ".personal_account.covers", pa["covers"]!, "residents (390) have no personal account")
            }
            covers = value
        }
        var caps: [Fund: Fen] = [:]
        if let node = m["annual_caps"] {
            for (key, value) in try entries(node, path + ".annual_caps") {
                let capPath = path + ".annual_caps.\(key)"
                caps[try fund(key, value, capPath, scheme: insutype, allowCriticalIllness: true)] = try money(value, capPath)
            }
        }
        var groups: [CareGroup] = []
        var groupOfMedType: [MedType: String] = [:]
        for (name, node) in try entries(m["groups"]!, path + ".groups") {
            let groupPath = path + ".groups.\(name)"
            let group = try careGroup(name, node, groupPath, scheme: insutype)
            for code in group.codes {
                if let other = groupOfMedType[code] {
                    throw fail(groupPath + ".codes", node, "med_type \(code.rawValue) is already in group \(other)")
                }
                groupOfMedType[code] = name
            }
            groups.append(group)
        }
        var critical: CriticalIllness?
        if let node = m["critical_illness"] {
            if insutype != .resident {
                throw fail(path + ".critical_illness", node, "critical illness insurance is for residents (390)")
            }
            critical = try criticalIllness(node, path + ".critical_illness")
        }
        return SchemePolicy(personalAccount: covers, annualCaps: caps, groups: groups, criticalIllness: critical)
    }

    private func careGroup(_ name: String, _ node: Node, _ path: String, scheme: Insutype) throws -> CareGroup {
        let m = try mapping(node, path, required: ["codes", "deductible", "tiers"],
                            optional: ["retiree_bonus_pct", "required_documents"])
        var codes: [MedType] = []
        for (i, item) in try sequence(m["codes"]!, path + ".codes").enumerated() {
            let text = try string(item, path + ".codes[\(i)]")
            guard let code = MedType(rawValue: text) else {
                throw fail(path + ".codes[\(i)]", item, "'\(text)' is not a med_type (11, 13, 14, 21)")
            }
            if codes.contains(code) { throw fail(path + ".codes[\(i)]", item, "med_type \(text) is listed twice") }
            codes.append(code)
        }
        let d = try mapping(m["deductible"]!, path + ".deductible", required: ["scope", "by_level"], optional: [])
        let scopeText = try string(d["scope"]!, path + ".deductible.scope")
        guard let scope = DeductibleScope(rawValue: scopeText) else {
            throw fail(path + ".deductible.scope", d["scope"]!, "'\(scopeText)' is not per_admission or per_year")
        }
        let deductible = try byLevel(d["by_level"]!, path + ".deductible.by_level") { try money($0, $1) }

        var tiers: [Tier] = []
        var previous: Fen = 0
        let items = try sequence(m["tiers"]!, path + ".tiers")
        if items.isEmpty { throw fail(path + ".tiers", m["tiers"]!, "no tier") }
        for (i, item) in items.enumerated() {
            let tierPath = path + ".tiers[\(i)]"
            let t = try mapping(item, tierPath, required: ["fund", "upto", "ratio"], optional: [])
            let fundText = try string(t["fund"]!, tierPath + ".fund")
            let tierFund = try fund(fundText, t["fund"]!, tierPath + ".fund", scheme: scheme, allowCriticalIllness: false)
            let upto = try bound(t["upto"]!, tierPath + ".upto", above: previous, last: i == items.count - 1)
            if let upto { previous = upto }
            let ratio = try byLevel(t["ratio"]!, tierPath + ".ratio") { try percent($0, $1) }
            tiers.append(Tier(fund: tierFund, upto: upto, ratioByLevel: ratio))
        }

        var bonus: BasisPoints = 0
        if let node = m["retiree_bonus_pct"] { bonus = try percent(node, path + ".retiree_bonus_pct") }
        var documents: [DocumentCode] = []
        if let node = m["required_documents"] {
            for (i, item) in try sequence(node, path + ".required_documents").enumerated() {
                let text = try string(item, path + ".required_documents[\(i)]")
                guard let doc = DocumentCode(rawValue: text) else {
                    throw fail(path + ".required_documents[\(i)]", item,
                               "'\(text)' is not a document (" + DocumentCode.allCases.map(\.rawValue).joined(separator: ", ") + ")")
                }
                documents.append(doc)
            }
        }
        return CareGroup(name: name, codes: codes, deductibleScope: scope, deductibleByLevel: deductible, tiers: tiers,
                         retireeBonus: bonus, requiredDocuments: documents)
    }

    private func criticalIllness(_ node: Node, _ path: String) throws -> CriticalIllness {
        let m = try mapping(node, path, required: ["fund", "threshold", "tiers"], optional: ["annual_cap"])
        let fundText = try string(m["fund"]!, path + ".fund")
        guard fundText == Fund.residentsCriticalIllness.rawValue else {
            throw fail(path + ".fund", m["fund"]!, "'\(fundText)' is not the critical-illness fund 390200")
        }
        var tiers: [CriticalIllness.Tier] = []
        var previous: Fen = 0
        let items = try sequence(m["tiers"]!, path + ".tiers")
        if items.isEmpty { throw fail(path + ".tiers", m["tiers"]!, "no tier") }
        for (i, item) in items.enumerated() {
            let tierPath = path + ".tiers[\(i)]"
            let t = try mapping(item, tierPath, required: ["upto", "ratio"], optional: [])
            let upto = try bound(t["upto"]!, tierPath + ".upto", above: previous, last: i == items.count - 1)
            if let upto { previous = upto }
            tiers.append(.init(upto: upto, ratio: try percent(t["ratio"]!, tierPath + ".ratio")))
        }
        return CriticalIllness(fund: .residentsCriticalIllness, threshold: try money(m["threshold"]!, path + ".threshold"),
                               tiers: tiers, annualCap: try m["annual_cap"].map { try money($0, path + ".annual_cap") })
    }

    // MARK: - Values

    /// A tier bound: a positive amount above the previous bound, or null (no bound) for the last tier.
    private func bound(_ node: Node, _ path: String, above previous: Fen, last: Bool) throws -> Fen? {
        if isNull(node) {
            if !last { throw fail(path, node, "only the last tier may have no bound (null)") }
            return nil
        }
        let value = try money(node, path)
        if value <= previous {
            throw fail(path, node, "tier bounds must rise: \(value.yuan) is not above \(previous.yuan)")
        }
        return value
    }

    /// A by-level table: exactly the keys "1", "2", "3".
    private func byLevel<T>(_ node: Node, _ path: String, _ value: (Node, String) throws -> T) throws -> [InstitutionLevel: T] {
        let m = try mapping(node, path, required: ["1", "2", "3"], optional: [])
        var table: [InstitutionLevel: T] = [:]
        for level in InstitutionLevel.allCases {
            table[level] = try value(m[String(level.rawValue)]!, path + ".\(level.rawValue)")
        }
        return table
    }

    private func fund(_ code: String, _ node: Node, _ path: String, scheme: Insutype, allowCriticalIllness: Bool) throws -> Fund {
        guard let fund = Fund(rawValue: code) else {
            throw fail(path, node, "'\(code)' is not a fund code (310100, 330100, 390100, 390200)")
        }
        let allowed: [Fund]
        switch scheme {
        case .employee: allowed = [.employeePooled, .employeeLargeAmount]
        case .resident: allowed = allowCriticalIllness ? [.residentsBasic, .residentsCriticalIllness] : [.residentsBasic]
        }
        guard allowed.contains(fund) else {
            throw fail(path, node, "fund \(code) does not pay here (scheme \(scheme.rawValue) allows "
                       + allowed.map(\.rawValue).joined(separator: ", ") + ")")
        }
        return fund
    }

    private func money(_ node: Node, _ path: String) throws -> Fen {
        let text = try string(node, path)
        switch DecimalText.parse(text, scale: Scale.amount) {
        case .success(let value): return value
        case .failure(let failure): throw fail(path, node, "amount '\(text)' \(failure)")
        }
    }

    /// A percentage 0..100 with at most two decimals, in basis points.
    private func percent(_ node: Node, _ path: String) throws -> BasisPoints {
        let text = try string(node, path)
        switch DecimalText.parse(text, scale: Scale.percent) {
        case .success(let value):
            if value > BasisPoints.whole { throw fail(path, node, "percentage '\(text)' is above 100") }
            return value
        case .failure(let failure): throw fail(path, node, "percentage '\(text)' \(failure)")
        }
    }

    private func integer(_ node: Node, _ path: String) throws -> Int {
        let text = try string(node, path)
        guard !text.isEmpty, text.utf8.count <= 6, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(text) else {
            throw fail(path, node, "'\(text)' is not a whole number of days")
        }
        return value
    }

    // MARK: - Nodes

    private func fail(_ path: String, _ node: Node?, _ message: String) -> ReferenceError {
        ReferenceError(file: file, line: node?.mark?.line, keyPath: path.isEmpty ? nil : path, message: message)
    }

    private func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar else { return false }
        return scalar.style == .plain && ["null", "Null", "NULL", "~", ""].contains(scalar.string)
    }

    private func string(_ node: Node, _ path: String) throws -> String {
        guard let scalar = node.scalar else { throw fail(path, node, "expected a single value") }
        if isNull(node) { throw fail(path, node, "is empty") }
        return scalar.string
    }

    private func sequence(_ node: Node, _ path: String) throws -> [Node] {
        guard let seq = node.sequence else { throw fail(path, node, "expected a list") }
        return Array(seq)
    }

    /// A mapping's entries in file order, keys as text.
    private func entries(_ node: Node, _ path: String) throws -> [(String, Node)] {
        guard let map = node.mapping else { throw fail(path, node, "expected a mapping") }
        var seen = Set<String>()
        var result: [(String, Node)] = []
        for (key, value) in map {
            let name = try string(key, path)
            if !seen.insert(name).inserted { throw fail(path.isEmpty ? name : path + ".\(name)", key, "key '\(name)' appears twice") }
            result.append((name, value))
        }
        return result
    }

    /// A mapping with a fixed set of keys: unknown keys and missing required keys are errors.
    private func mapping(_ node: Node, _ path: String, required: [String], optional: [String]) throws -> [String: Node] {
        var values: [String: Node] = [:]
        let known = Set(required + optional)
        for (name, value) in try entries(node, path) {
            let keyPath = path.isEmpty ? name : path + ".\(name)"
            guard known.contains(name) else {
                throw fail(keyPath, value, "unknown key '\(name)' (expected " + (required + optional).joined(separator: ", ") + ")")
            }
            values[name] = value
        }
        for name in required where values[name] == nil {
            throw fail(path.isEmpty ? name : path + ".\(name)", node, "missing key '\(name)'")
        }
        return values
    }
}
