import CLibXML2
import Domain

/// What the XSD cannot say about a pain.001 file and a bank must be able to trust: every
/// amount is CNY with at most 2 decimals (the XSD allows 5 and any currency), and each
/// `NbOfTxs`/`CtrlSum`, in `GrpHdr` and in every `PmtInf`, equals the count and the exact
/// sum of the transactions under it. Read from libxml2's SAX events, the same events the XSD
/// validator follows (`PaymentSchema`), so memory stays flat however many transfers there are.
enum PaymentTotals {
    /// Follows one file's SAX events (the parser's user data) and reconciles as they come.
    /// The parser's own errors, a file that is not well-formed among them, reach the caller's
    /// error handler; here they only end the events.
    final class Reading {
        /// The parser whose events these are: the line an element starts on is its line.
        var parser: xmlParserCtxtPtr?
        private var check = Check()
        /// How many elements are open: `Document`'s children are at depth 1.
        private var depth = 0
        /// The element whose text is being gathered, at `fieldDepth`, from `fieldLine`.
        private var field: Field?
        private var fieldDepth = 0
        private var fieldLine = 0
        private var currency: String?
        private var text: [UInt8] = []

        private enum Field { case count, sum, amount }

        /// About 40 elements per transfer: names are compared in libxml2's own bytes, and a
        /// line is looked up only for an element that may be reported.
        func startElement(_ name: UnsafePointer<xmlChar>, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
                          attributeCount: Int) {
            let at = depth
            depth += 1
            // Text inside one of the three is gathered whole, whatever is nested in it.
            guard field == nil else { return }
            switch at {
            case 2 where name.is("GrpHdr"): check.section = .group
            case 2 where name.is("PmtInf"): check.startPaymentInfo()
            case 3 where name.is("CdtTrfTxInf"): check.transactionCount += 1
            case 3 where name.is("NbOfTxs"): gather(.count, at: at)
            case 3 where name.is("CtrlSum"): gather(.sum, at: at)
            case _ where name.is("InstdAmt"):
                gather(.amount, at: at)
                currency = Self.attribute("Ccy", in: attributes, count: attributeCount)
            default: break
            }
        }

        func characters(_ bytes: UnsafePointer<xmlChar>, count: Int) {
            guard field != nil else { return }
            text.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
        }

        func endElement() {
            depth -= 1
            guard let field, depth == fieldDepth else { return }
            self.field = nil
            let value = String(decoding: text, as: UTF8.self)
            switch field {
            case .count: check.announceCount(value, line: fieldLine)
            case .sum: check.announceSum(value, line: fieldLine)
            case .amount: check.amount(value, currency: currency, line: fieldLine)
            }
        }

        /// What does not add up, once the events have ended.
        func problems() -> [String] {
            check.endPaymentInfo()
            check.endGroup()
            return check.problems
        }

        private func gather(_ field: Field, at depth: Int) {
            self.field = field
            fieldDepth = depth
            fieldLine = Int(xmlSAX2GetLineNumber(parser))
            text.removeAll(keepingCapacity: true)
        }

        /// An attribute without a namespace, from SAX2's (localname, prefix, URI, value, end)
        /// quintuples; the value runs from `value` to `end`, not NUL-terminated.
        private static func attribute(_ name: StaticString, in attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
                                      count: Int) -> String? {
            guard let attributes else { return nil }
            for i in 0..<count {
                let base = i * 5
                guard let localName = attributes[base], localName.is(name), attributes[base + 1] == nil,
                      let value = attributes[base + 3], let end = attributes[base + 4] else { continue }
                return String(decoding: UnsafeBufferPointer(start: value, count: end - value), as: UTF8.self)
            }
            return nil
        }
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
