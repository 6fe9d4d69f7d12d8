import CLibXML2
import Domain

/// What the XSD cannot say about a pain.001 file and a bank must be able to trust: every
/// amount is CNY with at most 2 decimals (the XSD allows 5 and any currency), and each
/// `NbOfTxs`/`CtrlSum`, in `GrpHdr` and in every `PmtInf`, equals the count and the exact
/// sum of the transactions under it. Streams the file with libxml2's reader (no network,
/// no DTD), so memory stays flat however many transfers there are.
enum PaymentTotals {
    static func check(fileAt path: String) -> [String] {
        guard let reader = xmlReaderForFile(path, nil, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue)) else {
            return ["line 0: cannot open the file"]
        }
        defer { xmlFreeTextReader(reader) }
        var check = Check()
        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { break }
            if status < 0 {
                check.problem(Int(xmlTextReaderGetParserLineNumber(reader)), "the file could not be read to its end")
                break
            }
            guard xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_ELEMENT.rawValue) else { continue }
            let depth = xmlTextReaderDepth(reader)
            // The node's own line: the parser's line is ahead, it reads in chunks.
            let line = xmlTextReaderCurrentNode(reader).map { Int(xmlGetLineNo($0)) } ?? 0
            switch (localName(reader), depth) {
            case ("GrpHdr", 2): check.section = .group
            case ("PmtInf", 2): check.startPaymentInfo(line: line)
            case ("NbOfTxs", 3): check.announceCount(text(reader), line: line)
            case ("CtrlSum", 3): check.announceSum(text(reader), line: line)
            case ("CdtTrfTxInf", 3): check.transactionCount += 1
            case ("InstdAmt", _):
                check.amount(text(reader), currency: attribute(reader, "Ccy"), line: line)
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

        mutating func startPaymentInfo(line: Int) {
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

    private static func localName(_ reader: xmlTextReaderPtr) -> String {
        xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? ""
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
