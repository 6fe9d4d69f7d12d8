#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain
import TextFormats

/// The seven values of one fee line as the reader holds them: UTF-8 bytes in the parser's
/// own buffer (a libxml2 attribute, a CSV field), valid only while the reader stays on that
/// line. nil when the attribute or column is absent.
///
/// Fee lines are checked straight from these bytes, while the reader is on them: a claim
/// of 20 lines would otherwise make 140 Strings, most of them only to be parsed into
/// numbers and dates (issue 7).
struct FeeLineBytes {
    var sn: UnsafeBufferPointer<UInt8>?
    var code: UnsafeBufferPointer<UInt8>?
    var name: UnsafeBufferPointer<UInt8>?
    var time: UnsafeBufferPointer<UInt8>?
    var cnt: UnsafeBufferPointer<UInt8>?
    var pric: UnsafeBufferPointer<UInt8>?
    var amount: UnsafeBufferPointer<UInt8>?

    subscript(field: FeeField) -> UnsafeBufferPointer<UInt8>? {
        get {
            switch field {
            case .sn: return sn
            case .code: return code
            case .name: return name
            case .time: return time
            case .cnt: return cnt
            case .pric: return pric
            case .amount: return amount
            }
        }
        set {
            switch field {
            case .sn: sn = newValue
            case .code: code = newValue
            case .name: name = newValue
            case .time: time = newValue
            case .cnt: cnt = newValue
            case .pric: pric = newValue
            case .amount: amount = newValue
            }
        }
    }
}

/// The fee lines of one claim, checked as they were read (data.md "Fee line fields").
struct CheckedFeeLines {
    /// Fee lines read (`<fee/>` elements, CSV rows of the right width), good or bad.
    var count = 0
    /// The lines that passed every check, in file order.
    var lines: [FeeLine] = []
    /// The problems of the lines that did not, in file order.
    var problems: [FieldProblem] = []
    var allValid = true
    /// The sum of the line amounts, the claimed amount of an invalid claim whose invoice
    /// amount is unreadable (data.md): nil when a line's amount could not be read (the sum of
    /// the others would understate what was refused), when there is no line, or on overflow.
    var amountSum: Fen? { unreadableAmount || count == 0 ? nil : sum }
    private var sum: Fen? = 0
    private var unreadableAmount = false

    mutating func add(amount: Fen?) {
        guard let amount else {
            unreadableAmount = true
            return
        }
        if let sum {
            let (total, overflow) = sum.addingReportingOverflow(amount)
            self.sum = overflow ? nil : total
        }
    }
}

/// Checks fee lines from their bytes, one claim after the other. One per reader: its table
/// of serial numbers is reused from claim to claim.
struct FeeLineChecker {
    let format: SubmissionFormat
    private var serialNumbers = SerialNumbers()
    private let codes = StringCache()
    private let names = StringCache()

    init(format: SubmissionFormat) { self.format = format }

    private func fieldName(_ field: FeeField) -> String { format == .xml ? field.xmlName : field.csvName }

    /// Lines of the last claim: room for as many is made in the next one at its first line,
    /// rather than growing its array line by line (claims of one file tend to be alike).
    private var lastClaimLines = 0

    /// Serial numbers start afresh with each claim.
    mutating func startClaim() { serialNumbers.removeAll() }

    /// Checks one line: a `FeeLine` into `fees.lines` when it is good, its problems into
    /// `fees.problems` otherwise (fields in the order sn, code, name, time, cnt, pric, amount).
    mutating func check(_ values: FeeLineBytes, line: Int, into fees: inout CheckedFeeLines) {
        fees.count += 1
        if fees.count == 1 { fees.lines.reserveCapacity(min(max(lastClaimLines, 4), 256)) }
        lastClaimLines = fees.count
        var ok = true
        func problem(_ field: FeeField, _ message: String) {
            // The value as found, untrimmed: the auditor sees what the file holds.
            let shown = values[field].map { String(decoding: $0, as: UTF8.self) } ?? ""
            fees.problems.append(FieldProblem(field: fieldName(field), value: shown, line: line, message: message))
            ok = false
        }
        /// The value without surrounding blanks; absent or blank is "is missing".
        func text(_ field: FeeField) -> UnsafeBufferPointer<UInt8>? {
            let trimmed = values[field].map(trimmingBlanks) ?? UnsafeBufferPointer(start: nil, count: 0)
            if trimmed.isEmpty {
                problem(field, "is missing")
                return nil
            }
            return trimmed
        }
        func decimal(_ field: FeeField, scale: Int, allowNegative: Bool) -> Int64? {
            guard let bytes = text(field) else { return nil }
            switch DecimalText.parse(bytes: bytes, scale: scale, allowNegative: allowNegative) {
            case .success(let value): return value
            case .failure(let failure):
                problem(field, "\(failure)")
                return nil
            }
        }

        var sn: Int?
        if let bytes = text(.sn) {
            if bytes.count <= 9, let value = digitsValue(bytes) {
                if let earlier = serialNumbers.firstLine(of: value) {
                    problem(.sn, "is used twice in the claim (also on line \(earlier))")
                } else {
                    serialNumbers.record(value, line: line)
                    sn = value
                }
            } else {
                problem(.sn, "is not a line number (digits only)")
            }
        }
        let code = text(.code)
        let name = text(.name)
        // The Strings the claim keeps, first: their lookups wait on memory, and the parsing
        // below can run meanwhile (measured: 2% of the reading). A bad line wastes them.
        let codeString = code.map { codes.string($0) }
        let nameString = name.map { names.string($0) }
        var time: DateTime?
        if let bytes = text(.time) {
            time = DateTime(bytes: bytes)
            if time == nil { problem(.time, "is not a time YYYY-MM-DDTHH:MM:SS") }
        }
        let cnt = decimal(.cnt, scale: Scale.quantity, allowNegative: true)
        let pric = decimal(.pric, scale: Scale.price, allowNegative: false)
        let amount = decimal(.amount, scale: Scale.amount, allowNegative: true)
        fees.add(amount: amount)
        if let cnt, let pric, let amount {
            // cnt is 1e-4, pric 1e-6: their product is in 1e-10 yuan; amount (1e-2) × 1e8
            // is too. The tolerance, 0.01 yuan, is 1e8 of those units.
            let product = Int128(cnt) * Int128(pric)
            let difference = product - Int128(amount) * 100_000_000
            if difference.magnitude > 100_000_000 {
                var shownProduct = "\(DecimalText.format(cnt, trimmingScale: Scale.quantity)) × \(DecimalText.format(pric, trimmingScale: Scale.price))"
                if (product / 100_000_000).magnitude < UInt128(Int64.max) {
                    shownProduct += " = \(Rounding.halfUp(product, 100_000_000).yuan)"
                }
                problem(.amount, "is not cnt × pric within 0.01 (\(shownProduct))")
            } else if (amount < 0 && cnt >= 0) || (amount > 0 && cnt <= 0) {
                // Within the tolerance of a zero product, but a charge and a refund at once.
                problem(.amount, "has the opposite sign of cnt \(DecimalText.format(cnt, trimmingScale: Scale.quantity))")
            }
        }
        if let amount, !AmountLimits.contains(amount) {
            problem(.amount, "is beyond \(AmountLimits.maxAmount.yuan), more than any claim")
        }
        if ok, let sn, let codeString, let nameString, let time, let cnt, let pric, let amount {
            fees.lines.append(FeeLine(sn: sn, code: codeString, name: nameString, time: time,
                                      cnt: cnt, pric: pric, amount: amount, sourceLine: line))
        } else {
            fees.allValid = false
        }
    }

    /// The value of a run of ASCII digits; nil when anything else is there.
    private func digitsValue(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var value = 0
        for b in bytes {
            guard b >= 0x30, b <= 0x39 else { return nil }
            value = value * 10 + Int(b - 0x30)
        }
        return value
    }
}

/// The line where each fee serial number of the current claim was first seen. Serial
/// numbers are small in practice (1, 2, 3, ...): those index a table kept from claim to
/// claim, so no claim builds a dictionary; the rare large one goes to a dictionary.
struct SerialNumbers {
    private static let tableSize = 4096
    /// 0 where the number is unused (lines start at 1).
    private var lineOfSmall = [Int](repeating: 0, count: SerialNumbers.tableSize)
    private var usedSmall: [Int] = []
    private var lineOfLarge: [Int: Int] = [:]

    func firstLine(of sn: Int) -> Int? {
        if sn < SerialNumbers.tableSize {
            let line = lineOfSmall[sn]
            return line == 0 ? nil : line
        }
        return lineOfLarge[sn]
    }

    mutating func record(_ sn: Int, line: Int) {
        if sn < SerialNumbers.tableSize {
            lineOfSmall[sn] = line
            usedSmall.append(sn)
        } else {
            lineOfLarge[sn] = line
        }
    }

    mutating func removeAll() {
        for sn in usedSmall { lineOfSmall[sn] = 0 }
        usedSmall.removeAll(keepingCapacity: true)
        if !lineOfLarge.isEmpty { lineOfLarge.removeAll() }
    }
}

/// Bytes without surrounding blanks (space, tab, CR, LF), as `trimmedBlanks` does for Strings.
@inline(__always)
func trimmingBlanks(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    @inline(__always) func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    var start = 0, end = bytes.count
    while start < end, isBlank(bytes[start]) { start += 1 }
    while end > start, isBlank(bytes[end - 1]) { end -= 1 }
    if start == 0 && end == bytes.count { return bytes }
    return UnsafeBufferPointer(rebasing: bytes[start..<end])
}
