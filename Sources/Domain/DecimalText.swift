/// Exact parsing and formatting of the decimal strings in files.
///
/// Grammar (data.md): `-?[0-9]+(\.[0-9]+)?`, ASCII digits only, no `+`, no exponent.
/// More fraction digits than the field allows are malformed even when they are zeros:
/// `12.300` is not an amount. Nothing is ever rounded silently.
public enum DecimalText {
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case malformed
        case tooManyFractionDigits(allowed: Int)
        case negative
        case outOfRange

        public var description: String {
            switch self {
            case .empty: return "is empty"
            case .malformed: return "is not a decimal number (expected digits, optionally '-' and '.')"
            case .tooManyFractionDigits(let n): return "has more than \(n) decimal places"
            case .negative: return "must not be negative"
            case .outOfRange: return "is out of range"
            }
        }
    }

    /// Parses `text` into an integer scaled by 10^`scale`.
    public static func parse(_ text: some StringProtocol, scale: Int, allowNegative: Bool = false)
        -> Result<Int64, Failure>
    {
        var copy = String(text)
        return copy.withUTF8 { parse(bytes: $0, scale: scale, allowNegative: allowNegative) }
    }

    /// The same over raw UTF-8 bytes (the readers' hot path; no allocation).
    public static func parse(bytes: UnsafeBufferPointer<UInt8>, scale: Int, allowNegative: Bool = false)
        -> Result<Int64, Failure>
    {
        var index = 0
        let count = bytes.count
        if count == 0 { return .failure(.empty) }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        }
        var value: Int64 = 0
        var integerDigits = 0
        while index < count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(bytes[index] - 0x30))
            if o1 || o2 { return .failure(.outOfRange) }
            value = a
            integerDigits += 1
            index += 1
        }
        if integerDigits == 0 { return .failure(.malformed) }
        var fractionDigits = 0
        if index < count {
            guard bytes[index] == UInt8(ascii: ".") else { return .failure(.malformed) }
            index += 1
            while index < count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fractionDigits += 1
                if fractionDigits <= scale {
                    let (m, o1) = value.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(Int64(bytes[index] - 0x30))
                    if o1 || o2 { return .failure(.outOfRange) }
                    value = a
                }
                index += 1
            }
            if fractionDigits == 0 || index != count { return .failure(.malformed) }
            if fractionDigits > scale { return .failure(.tooManyFractionDigits(allowed: scale)) }
        }
        var remaining = scale - fractionDigits
        while remaining > 0 {
            let (m, o) = value.multipliedReportingOverflow(by: 10)
            if o { return .failure(.outOfRange) }
            value = m
            remaining -= 1
        }
        if negative {
            if !allowNegative && value != 0 { return .failure(.negative) }
            value = -value
        }
        return .success(value)
    }

    /// Formats a scaled integer with exactly `scale` decimals: `format(357566, scale: 2)` is
    /// `"3575.66"`.
    public static func format(_ value: Int64, scale: Int) -> String {
        withDigits(value, scale: scale, keepingDecimals: scale) { String(decoding: $0, as: UTF8.self) }
    }

    /// Formats a scaled integer with at most `scale` decimals, trailing zeros dropped
    /// (`format(8750, trimmingScale: 2)` is `"87.5"`): for ratios and prices in prose.
    public static func format(_ value: Int64, trimmingScale scale: Int) -> String {
        withDigits(value, scale: scale, keepingDecimals: 0) { String(decoding: $0, as: UTF8.self) }
    }

    /// The ASCII text of a scaled integer, written right to left into a stack buffer (the
    /// longest is a sign, 19 digits, a leading zero and a point, whatever the scale up to 18).
    /// A String of at most 15 ASCII bytes is stored inline, so `body` building one allocates
    /// nothing. Inlinable: called from other modules, an unspecialized generic cost several
    /// hundred instructions a number (issue 7).
    @inlinable @inline(__always)
    public static func withDigits<R>(_ value: Int64, scale: Int, keepingDecimals: Int,
                                     _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        precondition((0...18).contains(scale) && keepingDecimals <= scale, "scale out of range")
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
            var magnitude = value.magnitude
            var end = buffer.count
            var start = end
            func put(_ byte: UInt8) {
                start -= 1
                buffer[start] = byte
            }
            if scale > 0 {
                for _ in 0..<scale {
                    put(UInt8(ascii: "0") + UInt8(magnitude % 10))
                    magnitude /= 10
                }
                // Trailing zeros beyond the decimals to keep go, then the point if bare.
                var decimals = scale
                while decimals > keepingDecimals, buffer[end - 1] == UInt8(ascii: "0") {
                    end -= 1
                    decimals -= 1
                }
                if decimals == 0 { end -= 1 }  // the point is written next, at `end - 1`
                put(UInt8(ascii: "."))
            }
            repeat {
                put(UInt8(ascii: "0") + UInt8(magnitude % 10))
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { put(UInt8(ascii: "-")) }
            return body(UnsafeBufferPointer(rebasing: buffer[start..<end]))
        }
    }
}

extension Fen {
    /// The amount as yuan with two decimals, as every output file writes it: `"3575.66"`.
    public var yuan: String { DecimalText.format(self, scale: Scale.amount) }
}
