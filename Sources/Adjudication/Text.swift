import Domain

/// How numbers appear in a reason's detail, and the basis strings that point into policy.yaml.
enum Text {
    /// As `ShortText.appendPrice`, which says how a price is written.
    static func price(_ value: MicroYuan) -> String { ShortText.make { $0.appendPrice(value) } }

    static func quantity(_ value: Quantity4) -> String { ShortText.make { $0.appendQuantity(value) } }

    /// `8750` → `87.5%`.
    static func percent(_ value: BasisPoints) -> String { DecimalText.format(value, trimmingScale: Scale.percent) + "%" }
}

/// A reason's detail of bounded length, written into stack memory and made a String once:
/// the line rules write one for about half the lines of a run, and building it from String
/// appends (each number a String of its own first) cost more than the rules themselves
/// (issue 7). A detail longer than `capacity` traps: only texts of numbers and fixed words,
/// whose longest is known, are written here.
struct ShortText {
    static let capacity = 256

    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var count = 0

    /// The String that `body` writes.
    static func make(_ body: (inout ShortText) -> Void) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var text = ShortText(buffer: buffer)
            body(&text)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<text.count]), as: UTF8.self)
        }
    }

    private init(buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append(bytes: $0) }
    }

    mutating func append(_ number: Int) {
        DecimalText.withDigits(Int64(number), scale: 0, keepingDecimals: 0) { append(bytes: $0) }
    }

    /// A unit price with at least two and at most six decimals: `180.00`, `12.3456`.
    mutating func appendPrice(_ value: MicroYuan) { appendDecimal(value, scale: Scale.price, keeping: 2) }

    mutating func appendQuantity(_ value: Quantity4) { appendDecimal(value, scale: Scale.quantity, keeping: 0) }

    mutating func appendProportion(_ value: PartsPerMillion) {
        appendDecimal(value, scale: Scale.proportion, keeping: 0)
    }

    /// As `Fen.yuan`.
    mutating func appendYuan(_ value: Fen) { appendDecimal(value, scale: Scale.amount, keeping: Scale.amount) }

    private mutating func appendDecimal(_ value: Int64, scale: Int, keeping: Int) {
        DecimalText.withDigits(value, scale: scale, keepingDecimals: keeping) { append(bytes: $0) }
    }

    private mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        precondition(bytes.count <= buffer.count - count, "a reason's detail longer than \(Self.capacity) bytes")
        UnsafeMutableBufferPointer(rebasing: buffer[count...]).baseAddress!.update(from: bytes.baseAddress!, count: bytes.count)
        count += bytes.count
    }
}

/// Key paths into policy.yaml, as an auditor would look them up.
enum PolicyPath {
    static func region(_ region: String) -> String { "policy.yaml regions.\(region)" }

    static func scheme(_ code: String, _ insutype: Insutype) -> String {
        region(code) + ".schemes.\(insutype.rawValue)"
    }

    static func group(_ code: String, _ insutype: Insutype, _ name: String) -> String {
        scheme(code, insutype) + ".groups.\(name)"
    }
}
