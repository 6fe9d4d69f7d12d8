import Domain

/// What the gates found out about a claim that passed them all: the reference rows and policy
/// entry the rest of the adjudication works with.
struct AdmittedClaim {
    let institution: Institution
    let person: Person
    let region: RegionPolicy
    let scheme: SchemePolicy
    let group: CareGroup
    /// The hospital's region and the person's differ in their first 4 digits (2 with
    /// `cross_region_level: province`).
    let crossRegion: Bool
    /// A filing of the person covers `begndate` and the hospital's region.
    let filed: Bool
    let emergency: Bool

    /// Cross-region, not filed and not emergency: reduced or rejected as `unfiled` says.
    var unfiledCare: Bool { crossRegion && !filed && !emergency }
}

/// The gates of rules.md §1, checked in this order; the first that fails rejects the claim.
/// (`INVALID_DATA` from refund netting is checked before these, in `Netting`.)
struct Gates {
    let reference: ReferenceData

    enum Outcome {
        case admitted(AdmittedClaim)
        case rejected(Reason)
    }

    func check(_ claim: Claim, history: ClaimHistory) -> Outcome {
        // DUPLICATE_INVOICE
        if let setlId = history.approvedInvoiceSetlId {
            return .rejected(Reason(
                .duplicateInvoice,
                detail: "invoice \(claim.invoiceNo) of \(claim.fixmedinsCode) was already approved as \(setlId)",
                basis: "approved claim \(setlId)"))
        }

        // NOT_DESIGNATED: designation is checked on begndate only.
        guard let institution = reference.institutions[claim.fixmedinsCode] else {
            return .rejected(Reason(
                .notDesignated,
                detail: "institution \(claim.fixmedinsCode) is not in the list of designated institutions",
                basis: "institutions.csv"))
        }
        if !institution.designation.contains(claim.begndate) {
            return .rejected(Reason(
                .notDesignated,
                detail: "\(institution.code) \(institution.name) is designated \(institution.designation), not on begndate \(claim.begndate)",
                basis: "institutions.csv fixmedins_code \(institution.code)"))
        }

        // UNKNOWN_PERSON
        guard let person = reference.persons[claim.psnNo] else {
            return .rejected(Reason(
                .unknownPerson, detail: "psn_no \(claim.psnNo) is not on the roster", basis: "insured.csv"))
        }

        // IDENTITY_MISMATCH
        if let mismatch = identityMismatch(claim, person) {
            return .rejected(Reason(
                .identityMismatch, detail: mismatch, basis: "insured.csv psn_no \(person.psnNo)"))
        }

        // NOT_COVERED: suspended, or the coverage must hold both begndate and enddate.
        if person.status == .suspended {
            return .rejected(Reason(
                .notCovered, detail: "psn_no \(person.psnNo) is suspended",
                basis: "insured.csv psn_no \(person.psnNo) status"))
        }
        if !person.coverage.contains(claim.begndate) || !person.coverage.contains(claim.enddate) {
            return .rejected(Reason(
                .notCovered,
                detail: "care \(claim.begndate)..\(claim.enddate) is not inside the coverage \(person.coverage)",
                basis: "insured.csv psn_no \(person.psnNo) coverage_begin, coverage_end"))
        }

        // NO_POLICY
        // Basis paths are computed only when a gate fails: building them costs more than the checks.
        var regionPath: String { PolicyPath.region(claim.insuAdmdvs) }
        guard let region = reference.policy.regions[claim.insuAdmdvs] else {
            return .rejected(Reason(
                .noPolicy, detail: "no policy for insured region \(claim.insuAdmdvs)", basis: regionPath))
        }
        guard let scheme = region.schemes[claim.insutype] else {
            return .rejected(Reason(
                .noPolicy, detail: "no policy for scheme \(claim.insutype.rawValue) in region \(region.code)",
                basis: PolicyPath.scheme(region.code, claim.insutype)))
        }
        guard let group = scheme.group(for: claim.medType) else {
            return .rejected(Reason(
                .noPolicy,
                detail: "no care group of scheme \(claim.insutype.rawValue) in region \(region.code) holds med_type \(claim.medType.rawValue)",
                basis: PolicyPath.scheme(region.code, claim.insutype) + ".groups"))
        }

        // LATE_SUBMISSION: exactly deadline_days is in time.
        let daysAfter = claim.submitted.days(since: claim.enddate)
        if daysAfter > region.deadlineDays {
            return .rejected(Reason(
                .lateSubmission,
                detail: "submitted \(claim.submitted), \(daysAfter) days after enddate \(claim.enddate); the deadline is \(region.deadlineDays) days",
                basis: regionPath + ".deadline_days"))
        }

        // Cross-region and filed (rules.md §1, below the table).
        let prefix = region.crossRegionLevel.prefixLength
        let crossRegion = institution.admdvs.prefix(prefix) != claim.insuAdmdvs.prefix(prefix)
        let covering = (reference.filings[person.psnNo] ?? []).filter {
            $0.covers(hospitalAdmdvs: institution.admdvs, begndate: claim.begndate)
        }
        let filed = !covering.isEmpty

        // MISSING_DOCUMENTS
        var groupPath: String { PolicyPath.group(region.code, claim.insutype, group.name) }
        let missing = group.requiredDocuments.filter { !claim.documents.contains($0) }
        if !missing.isEmpty {
            return .rejected(Reason(
                .missingDocuments,
                detail: "missing " + missing.map(\.rawValue).joined(separator: ", ") + " required for \(group.name) care",
                basis: groupPath + ".required_documents"))
        }
        // The referral certificate: only when some filing covers the care and all of those are
        // referrals (docs/adjudication.md: with no covering filing the care is unfiled, which
        // NOT_FILED or the reduction handles).
        if crossRegion, !claim.emergency, filed, covering.allSatisfy({ $0.category == .referral }),
           !claim.documents.contains(.referralCert) {
            let filing = covering[0]
            return .rejected(Reason(
                .missingDocuments,
                detail: "missing referral_cert: the care is covered only by a referral filing (to \(filing.destAdmdvs), \(filing.period))",
                basis: "filings.csv psn_no \(person.psnNo) category referral"))
        }

        let admitted = AdmittedClaim(
            institution: institution, person: person, region: region, scheme: scheme, group: group,
            crossRegion: crossRegion, filed: filed, emergency: claim.emergency)

        // NOT_FILED
        if admitted.unfiledCare, region.unfiled == .reject {
            return .rejected(Reason(
                .notFiled,
                detail: "care in \(institution.admdvs) is cross-region from \(claim.insuAdmdvs), not emergency, and no filing covers \(claim.begndate)",
                basis: regionPath + ".unfiled.action"))
        }

        // INVOICE_TOTAL_MISMATCH: the lines as submitted, before netting.
        let submittedSum = claim.lines.reduce(Fen(0)) { $0 + $1.amount }
        if submittedSum != claim.invoiceAmount {
            return .rejected(Reason(
                .invoiceTotalMismatch,
                detail: "the fee lines sum to \(submittedSum.yuan), the invoice \(claim.invoiceNo) says \(claim.invoiceAmount.yuan)",
                basis: "invoice \(claim.invoiceNo)"))
        }

        // OVERLAPPING_STAY: more than one shared calendar date, both ends inclusive.
        if claim.medType == .inpatient {
            for stay in history.approvedStays {
                let from = max(stay.begndate, claim.begndate)
                let to = min(stay.enddate, claim.enddate)
                let shared = to.days(since: from) + 1
                if shared > 1 {
                    return .rejected(Reason(
                        .overlappingStay,
                        detail: "stay \(claim.begndate)..\(claim.enddate) shares \(shared) days with the approved stay \(stay.begndate)..\(stay.enddate)",
                        basis: "approved claim \(stay.setlId)"))
                }
            }
        }

        // NO_BANK_ACCOUNT: manual claims are paid to the person's card.
        if claim.mode == .manual, let problem = BankCard.problem(person.bankAccount) {
            let what = person.bankAccount.isEmpty ? "has no bank account" : "has a bank account that \(problem)"
            return .rejected(Reason(
                .noBankAccount, detail: "psn_no \(person.psnNo) \(what); a manual claim is paid to the person's card",
                basis: "insured.csv psn_no \(person.psnNo) bank_acct"))
        }

        return .admitted(admitted)
    }

    private func identityMismatch(_ claim: Claim, _ person: Person) -> String? {
        var fields: [String] = []
        if claim.certno != person.certno {
            fields.append("certno \(ResidentID.masked(claim.certno)) (roster \(ResidentID.masked(person.certno)))")
        }
        if claim.psnName != person.psnName { fields.append("psn_name \(claim.psnName) (roster \(person.psnName))") }
        if claim.insutype != person.insutype {
            fields.append("insutype \(claim.insutype.rawValue) (roster \(person.insutype.rawValue))")
        }
        if claim.insuAdmdvs != person.insuAdmdvs {
            fields.append("insu_admdvs \(claim.insuAdmdvs) (roster \(person.insuAdmdvs))")
        }
        return fields.isEmpty ? nil : "the claim disagrees with the roster: " + fields.joined(separator: "; ")
    }
}
