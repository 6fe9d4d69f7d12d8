import CLibXML2
import Domain

/// What the XSD cannot say about a pain.001 file and a bank must be able to trust: every
/// amount is CNY with at most 2 decimals (the XSD allows 5 and any currency), and each
/// `NbOfTxs`/`CtrlSum`, in `GrpHdr` and in every `PmtInf`, equals the count and the exact
/// sum of the transactions under it. Reads the file with libxml2's streaming reader, the same
/// pass that validates it against the XSD (`PaymentSchema`), so memory stays flat however
/// many transfers there are.
enum PaymentTotals {
    /// Reads `reader` to its end (the caller made it, and may have it validate against the
    /// XSD on the way), and returns what does not add up. The reader's own errors, a file
    /// that is not well-formed among them, reach the caller's error handler; here they only
    /// end the reading.
    static func check(_ reader: xmlTextReaderPtr) -> [String] {
        var check = Check()
        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { break }
            if status < 0 {
                check.problem(Int(xmlTextReaderGetParserLineNumber(reader)), "the file could not be read to its end")
                break
            }
            // About 40 elements per transfer: names are compared in libxml2's own bytes, and a
            // line is looked up only for an element that may be reported.
            guard xmlTextReaderNodeType(reader) == elementType,
                  let name = xmlTextReaderConstLocalName(reader) else { continue }
            switch xmlTextReaderDepth(reader) {
            case 2 where name.is("GrpHdr"): check.section = .group
            case 2 where name.is("PmtInf"): check.startPaymentInfo()
            case 3 where name.is("CdtTrfTxInf"): check.transactionCount += 1
            case 3 where name.is("NbOfTxs"): check.announceCount(text(reader), line: line(reader))
            case 3 where name.is("CtrlSum"): check.announceSum(text(reader), line: line(reader))
            case _ where name.is("InstdAmt"):
                check.amount(text(reader), currency: attribute(reader, "Ccy"), line: line(reader))
            default: break
            }
        }
        check.endPaymentInfo()
        check.endGroup()
        return check.problems
    }

    /// Reconciles what the headers announce with what the transactions hold.
    private struct Check {
        enum Section { case none, group, paymentInfo }
        /// What a header announces, with the lines to point at when it is wrong.
        struct Announced {
            var count: Int?
            var countLine = 0
            var sum: Fen?
            var sumLine = 0
        }

        var section = Section.none
        var problems: [String] = []
        var group = Announced()
        var paymentInfo = Announced()
        var transactionCount = 0
        var transactionSum: Fen = 0
        var groupCount = 0
        var groupSum: Fen = 0
        var inPaymentInfo = false
        /// An amount could not be read: sums are unknown, and not compared (the amount's own
        /// error says what is wrong).
        var sumUnknown = false

        mutating func problem(_ line: Int, _ message: String) {
            if problems.count < PaymentSchema.maxReportedErrors { problems.append("line \(line): \(message)") }
        }

        mutating func startPaymentInfo() {
            endPaymentInfo()
            section = .paymentInfo
            inPaymentInfo = true
            paymentInfo = Announced()
        }

        mutating func announceCount(_ text: String, line: Int) {
            guard let count = Int(text) else { return problem(line, "NbOfTxs '\(text)' is not a number") }
            if section == .group { (group.count, group.countLine) = (count, line) }
            if section == .paymentInfo { (paymentInfo.count, paymentInfo.countLine) = (count, line) }
        }

        mutating func announceSum(_ text: String, line: Int) {
            guard case .success(let sum) = DecimalText.parse(text, scale: 2) else {
                return problem(line, "CtrlSum '\(text)' is not an amount in yuan with at most 2 decimals")
            }
            if section == .group { (group.sum, group.sumLine) = (sum, line) }
            if section == .paymentInfo { (paymentInfo.sum, paymentInfo.sumLine) = (sum, line) }
        }

        mutating func amount(_ text: String, currency: String?, line: Int) {
            if currency != "CNY" { problem(line, "InstdAmt currency '\(currency ?? "")' is not CNY") }
            switch DecimalText.parse(text, scale: 2) {
            case .success(let fen):
                // Two amounts of at most 10^18 fen cannot overflow; a sum past that is
                // already wrong, so it is capped rather than allowed to trap.
                transactionSum = min(transactionSum + min(fen, PaymentText.maxFen), PaymentText.maxFen + 1)
            case .failure(let failure):
                sumUnknown = true
                problem(line, "InstdAmt '\(text)' \(failure) (CNY amounts have 2 decimals)")
            }
        }

        mutating func endPaymentInfo() {
            guard inPaymentInfo else { return }
            inPaymentInfo = false
            if let count = paymentInfo.count, count != transactionCount {
                problem(paymentInfo.countLine, "PmtInf NbOfTxs is \(count) but it holds \(transactionCount) transactions")
            }
            if let sum = paymentInfo.sum, sum != transactionSum, !sumUnknown {
                problem(paymentInfo.sumLine, "PmtInf CtrlSum is \(sum.yuan) but its transactions add up to \(transactionSum.yuan)")
            }
            groupCount += transactionCount
            groupSum = min(groupSum + transactionSum, PaymentText.maxFen + 1)
            transactionCount = 0
            transactionSum = 0
        }

        mutating func endGroup() {
            if let count = group.count, count != groupCount {
                problem(group.countLine, "GrpHdr NbOfTxs is \(count) but the file holds \(groupCount) transactions")
            }
            if let sum = group.sum, sum != groupSum, !sumUnknown {
                problem(group.sumLine, "GrpHdr CtrlSum is \(sum.yuan) but the transactions add up to \(groupSum.yuan)")
            }
        }
    }

    private static let elementType = Int32(XML_READER_TYPE_ELEMENT.rawValue)

    /// The current node's own line: the parser's line is ahead, it reads in chunks.
    private static func line(_ reader: xmlTextReaderPtr) -> Int {
        xmlTextReaderCurrentNode(reader).map { Int(xmlGetLineNo($0)) } ?? 0
    }

    /// The text inside the current element (simple elements only).
    private static func text(_ reader: xmlTextReaderPtr) -> String {
        guard let value = xmlTextReaderReadString(reader) else { return "" }
        defer { medclaims_xmlFree(value) }
        return String(cString: value)
    }

    private static func attribute(_ reader: xmlTextReaderPtr, _ name: String) -> String? {
        guard let value = xmlTextReaderGetAttribute(reader, name) else { return nil }
        defer { medclaims_xmlFree(value) }
        return String(cString: value)
    }
}

private extension UnsafePointer<xmlChar> {
    /// Whether this NUL-terminated name is `name` (ASCII).
    func `is`(_ name: StaticString) -> Bool {
        // A shorter name differs at its NUL, and is not read past.
        let bytes = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        for (i, byte) in bytes.enumerated() where self[i] != byte { return false }
        return self[bytes.count] == 0
    }
}
