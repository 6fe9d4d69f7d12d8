import Domain

/// What a reason code means, for the person who got it and for the auditor who checks it.
/// docs/reason-codes.md holds the same texts (a test keeps the two together).
public struct ReasonText: Hashable, Sendable, Codable {
    /// A few words: "Invoice already paid".
    public var title: String
    /// What makes the rule apply.
    public var trigger: String
    /// Where the rule comes from: the step of rules.md, the law, the policy key.
    public var basis: String
    /// What the submitter can do about it.
    public var remedy: String

    public init(title: String, trigger: String, basis: String, remedy: String) {
        self.title = title
        self.trigger = trigger
        self.basis = basis
        self.remedy = remedy
    }
}

public enum ReasonTexts {
    public static func entry(for code: ReasonCode) -> ReasonText {
        switch code {
        // Gates (rules.md §1): the whole claim is rejected and nothing is paid.
        case .invalidData:
            return ReasonText(
                title: "Invalid data",
                trigger: "A required field of the claim or a fee line is missing or malformed: a code outside the lists, a bad identity-number check digit, a line amount that is not quantity × price within 0.01, a claim without fee lines, refunds that net an item below zero.",
                basis: "rules.md §1 gate 1; data.md \"What bad input gets\"",
                remedy: "Correct the field named in the detail (file, line, field and value) in the hospital's export and submit the claim again.")
        case .duplicateInvoice:
            return ReasonText(
                title: "Invoice already paid",
                trigger: "An approved claim with the same institution and invoice number exists, in an earlier run or earlier in the same run.",
                basis: "rules.md §1 gate 2; domain.md \"never twice\"",
                remedy: "Nothing to resubmit: the invoice was reimbursed once. If the earlier claim was wrong, ask the agency to reprocess it instead of sending the invoice again.")
        case .notDesignated:
            return ReasonText(
                title: "Institution not designated",
                trigger: "The institution is not in the list of designated medical institutions, or its designation did not cover the admission or visit date (begndate).",
                basis: "rules.md §1 gate 3; Social Insurance Law art. 28 and 31 (designated institutions)",
                remedy: "Check the institution code on the invoice. If the institution was designated on that date, ask the agency to correct its institution list; care at a non-designated institution is not reimbursable.")
        case .unknownPerson:
            return ReasonText(
                title: "Person not insured here",
                trigger: "The personal number (psn_no) is not on the roster of persons insured in this region.",
                basis: "rules.md §1 gate 4",
                remedy: "Check the personal number on the claim; if it is right, the person should apply to the agency of the region where they are insured.")
        case .identityMismatch:
            return ReasonText(
                title: "Identity does not match the roster",
                trigger: "The identity number, name, scheme (insutype) or insured region on the claim differs from the roster entry of the person.",
                basis: "rules.md §1 gate 5",
                remedy: "Correct the field the detail names in the submission, or have the roster corrected if the person's data changed, then submit again.")
        case .notCovered:
            return ReasonText(
                title: "Not covered on those dates",
                trigger: "The person's insurance is suspended, or the treatment dates (begndate to enddate) are not inside the coverage period.",
                basis: "rules.md §1 gate 6",
                remedy: "Check the treatment dates. If contributions were paid for that period, ask the agency to restore the coverage, then submit again.")
        case .noPolicy:
            return ReasonText(
                title: "No policy for this care",
                trigger: "The insured region's policy has no entry for the person's region, scheme and kind of care (med_type).",
                basis: "rules.md §1 gate 7; policy.yaml regions.REGION.schemes.SCHEME.groups",
                remedy: "Check the kind of care on the claim. If it is right, the agency must add the missing policy entry; the claim can then be reprocessed.")
        case .lateSubmission:
            return ReasonText(
                title: "Submitted after the deadline",
                trigger: "More days passed between the end of treatment (enddate) and the date the application was received than the policy allows (deadline_days; exactly the deadline is in time).",
                basis: "rules.md §1 gate 8; policy.yaml regions.REGION.deadline_days",
                remedy: "A late application is not paid. If it was received in time and the submitted date is wrong, have the submission corrected and sent again.")
        case .missingDocuments:
            return ReasonText(
                title: "Documents missing",
                trigger: "A document the policy requires for this kind of care is not with the claim (invoice, fee list, discharge summary, diagnosis certificate; a referral certificate when the only filing is a referral).",
                basis: "rules.md §1 gate 9; policy.yaml groups.GROUP.required_documents",
                remedy: "Add the documents the detail lists and submit the claim again.")
        case .notFiled:
            return ReasonText(
                title: "Cross-region care not filed",
                trigger: "The care was outside the insured region, was not an emergency, no filing (异地就医备案) covered it, and the insured region's policy refuses unfiled care.",
                basis: "rules.md §1 gate 10; policy.yaml regions.REGION.unfiled.action = reject",
                remedy: "File the cross-region treatment with the insured region's agency (a retroactive filing where the policy allows it), then submit again; emergency care counts as filed if the emergency flag is set.")
        case .invoiceTotalMismatch:
            return ReasonText(
                title: "Invoice total does not match the fee lines",
                trigger: "The fee lines as submitted, before refunds are netted, do not add up to the invoice amount.",
                basis: "rules.md §1 gate 11",
                remedy: "Send the complete fee list that belongs to the invoice (or the corrected invoice amount) and submit again.")
        case .overlappingStay:
            return ReasonText(
                title: "Overlaps an approved stay",
                trigger: "An inpatient claim (med_type 21) shares more than one calendar date with an approved inpatient claim of the same person; a same-day transfer shares one date and passes.",
                basis: "rules.md §1 gate 12",
                remedy: "Check the admission and discharge dates of both stays. If they are wrong, correct them and submit again; a person cannot be in two hospitals on the same nights.")
        case .noBankAccount:
            return ReasonText(
                title: "No valid bank account",
                trigger: "A manual reimbursement is paid to the person's bank card, and the roster has no card number for the person of 12 to 30 digits that passes the Luhn check.",
                basis: "rules.md §1 gate 13",
                remedy: "Register a valid bank card with the agency, then ask for the claim to be submitted again.")
        // Lines (rules.md §2): a fee line, or part of it, is left to the person.
        case .notInCatalogue:
            return ReasonText(
                title: "Item not in the catalogue",
                trigger: "The item's code is in neither the treatment province's catalogue nor the national one, so the whole line is paid by the person (fulamt_ownpay).",
                basis: "rules.md §2 step 1; Social Insurance Law art. 28 (the fund pays catalogue items only)",
                remedy: "Check the item code on the fee list; if the hospital used a wrong or local code, ask it to correct the export and submit again.")
        case .catalogueNotEffective:
            return ReasonText(
                title: "Catalogue entry not valid on that date",
                trigger: "The item is in the catalogue, but no entry for it was valid on the date of the charge, so the whole line is paid by the person (fulamt_ownpay).",
                basis: "rules.md §2 step 1 (catalogue rows have validity periods)",
                remedy: "Check the date of the charge on the fee list; if it is wrong, have it corrected and submit again.")
        case .selfPayItem:
            return ReasonText(
                title: "Self-pay item (class C)",
                trigger: "The catalogue classes the item as self-pay (chrgitm_lv 03, 丙类), so the whole line is paid by the person (fulamt_ownpay).",
                basis: "rules.md §2 step 2; the treatment province's catalogue",
                remedy: "None: class C items are not covered by the basic insurance.")
        case .restrictedUse:
            return ReasonText(
                title: "Restricted item used outside its limits",
                trigger: "The catalogue restricts the item to certain kinds of care or diagnoses (lmt_used_flag 1), and the claim's kind of care or main diagnosis is not among them, so the whole line is paid by the person (fulamt_ownpay).",
                basis: "rules.md §2 step 3; the catalogue's lim_med_types and lim_dise_prefixes",
                remedy: "If the diagnosis or kind of care on the claim is wrong, have the hospital correct it and submit again.")
        case .overPriceCap:
            return ReasonText(
                title: "Price above the cap",
                trigger: "The unit price is above the catalogue's price cap, or the facility standard for the hospital's level (beds, nursing); the part above the cap times the quantity is paid by the person (overlmt).",
                basis: "rules.md §2 step 4; the catalogue's pric_uplmt_amt or facility_standards.csv",
                remedy: "The amount above the cap is not reimbursable; ask the hospital about its pricing if the price seems wrong.")
        case .classBSelfPay:
            return ReasonText(
                title: "Class B self-pay share",
                trigger: "The item is class B (chrgitm_lv 02, 乙类): the catalogue's self-pay share (selfpay_prop) of the line is paid by the person first (preselfpay); the rest is in scope.",
                basis: "rules.md §2 step 5; the catalogue's selfpay_prop",
                remedy: "None: this is the normal share for class B items. Employees may pay it from the personal account.")
        // Funds (rules.md §3): the funds pay less than they otherwise would.
        case .unfiledReduction:
            return ReasonText(
                title: "Reduced: cross-region care not filed",
                trigger: "The care was outside the insured region, not an emergency, and no filing covered it; the policy pays unfiled care at a ratio lowered by reduction_pct points.",
                basis: "rules.md §3 step 2; policy.yaml regions.REGION.unfiled.reduction_pct",
                remedy: "File cross-region treatment before the next one. If a filing existed on the admission date, ask the agency to correct the filings and reprocess the claim.")
        case .annualCapReached:
            return ReasonText(
                title: "Annual fund cap reached",
                trigger: "The fund has already paid up to its annual cap for the person this year; its payment for this claim was cut to what was left of the cap.",
                basis: "rules.md §3 steps 3–4; policy.yaml annual_caps and critical_illness.annual_cap",
                remedy: "None for this year's care under this fund; other funds (large-amount supplement, critical illness) may still pay.")
        }
    }

    /// Every code with its text as a markdown section, in the order of `ReasonCode`:
    /// docs/reason-codes.md is made of these.
    public static func markdown(for code: ReasonCode) -> String {
        let t = entry(for: code)
        let effect = code.isRejection ? "rejects the claim" : "reduces what the funds pay"
        return """
        ### `\(code.rawValue)` — \(t.title)
        - **Effect:** \(effect)
        - **Trigger:** \(t.trigger)
        - **Basis:** \(t.basis)
        - **What the submitter can do:** \(t.remedy)

        """
    }
}
