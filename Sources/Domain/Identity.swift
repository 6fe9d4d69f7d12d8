/// Identifiers a person can check, and how they are shown: personal data is masked in logs
/// and reports (domain.md).
public enum ResidentID {
    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// The GB 11643 check character (ISO 7064 MOD 11-2) for the first 17 digits, or nil
    /// when they are not 17 ASCII digits.
    public static func checkCharacter(forFirst17 digits: some StringProtocol) -> Character? {
        let bytes = Array(digits.utf8)
        guard bytes.count == 17, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        var sum = 0
        for (i, b) in bytes.enumerated() { sum += Int(b - 0x30) * weights[i] }
        return checkCharacters[sum % 11]
    }

    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        case malformed
        case checkDigit(expected: Character)

        public var description: String {
            switch self {
            case .malformed: return "is not 17 digits and a check character"
            case .checkDigit(let c): return "has a wrong check character (expected \(c))"
            }
        }
    }

    /// nil when `certno` is an 18-character resident identity number with a valid check
    /// character (`X` for 10, upper case).
    public static func problem(with certno: some StringProtocol) -> Problem? {
        var copy = String(certno)
        return copy.withUTF8 { problem(bytes: $0) }
    }

    /// The same over UTF-8 bytes (the readers' hot path: no allocation, no generic code).
    public static func problem(bytes: UnsafeBufferPointer<UInt8>) -> Problem? {
        guard bytes.count == 18 else { return .malformed }
        var sum = 0
        for i in 0..<17 {
            let b = bytes[i]
            guard b >= 0x30, b <= 0x39 else { return .malformed }
            sum += Int(b - 0x30) * weights[i]
        }
        let expected = checkCharacters[sum % 11]
        // The 18th byte is a whole character: 17 ASCII digits leave one byte of valid UTF-8.
        return Character(Unicode.Scalar(bytes[17])) == expected ? nil : .checkDigit(expected: expected)
    }

    /// The number as GB 11643 writes it: a lower-case `x` check character becomes `X`.
    /// Hospital systems and rosters type it either way, and the person is the same; anything
    /// else is left as it is, for `problem` to judge. (The spec is silent: docs/ingest.md.)
    public static func normalised(_ certno: String) -> String {
        guard certno.utf8.count == 18, certno.utf8.last == UInt8(ascii: "x") else { return certno }
        return certno.dropLast() + "X"
    }

    /// `130102199001011237` → `1301**********1237`.
    public static func masked(_ certno: String) -> String { Masking.keep(certno, first: 4, last: 4) }
}

public enum BankCard {
    /// A card the agency pays to: 12 to 30 ASCII digits that pass the Luhn check.
    public static func isValid(_ number: some StringProtocol) -> Bool { problem(number) == nil }

    /// Why `number` is not a card the agency pays to, or nil. The length is the project's
    /// reading (docs/adjudication.md): Chinese bank cards have 16 to 19 digits, and a string
    /// of a few digits, such as "0", passes the Luhn check without being an account.
    public static func problem(_ number: some StringProtocol) -> String? {
        let bytes = Array(number.utf8)
        if bytes.isEmpty { return "is empty" }
        guard (12...30).contains(bytes.count), bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return "is not 12 to 30 digits"
        }
        var sum = 0
        for (i, b) in bytes.reversed().enumerated() {
            var d = Int(b - 0x30)
            if i % 2 == 1 {
                d *= 2
                if d > 9 { d -= 9 }
            }
            sum += d
        }
        return sum % 10 == 0 ? nil : "fails the Luhn check"
    }

    /// `6222021234567891234` → `6222***********1234`.
    public static func masked(_ account: String) -> String { Masking.keep(account, first: 4, last: 4) }
}

public enum Masking {
    /// Keeps the first and last characters and stars the rest; short values are starred whole
    /// but for their last character.
    public static func keep(_ value: String, first: Int, last: Int) -> String {
        // Certnos and card numbers are ASCII: one byte per character, masked without building
        // an array of Characters. (Below 0x20 is left to the general path: "\r\n" is one
        // Character of two bytes.)
        // Read in place (native Strings are contiguous UTF-8): every result line masks one or two.
        let ascii = value.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            let count = bytes.count
            guard count > first + last, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x80 }) else { return nil }
            return String(unsafeUninitializedCapacity: count) { out in
                for i in 0..<count { out[i] = i < first || i >= count - last ? bytes[i] : UInt8(ascii: "*") }
                return count
            }
        }
        if let ascii, let masked = ascii { return masked }
        let chars = Array(value)
        guard chars.count > first + last else {
            return String(repeating: "*", count: max(chars.count - 1, 0)) + String(chars.suffix(1))
        }
        return String(chars.prefix(first)) + String(repeating: "*", count: chars.count - first - last)
            + String(chars.suffix(last))
    }
}
