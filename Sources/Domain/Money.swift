/// Money inside medclaims is an integer number of fen (0.01 yuan). No binary floating point
/// ever touches an amount: decimals are parsed from text exactly and rounded only where a
/// rule says so (see `Rounding`).
public typealias Fen = Int64

/// A unit price in millionths of a yuan: prices carry at most 6 decimals (data.md).
public typealias MicroYuan = Int64

/// A quantity in ten-thousandths: quantities carry at most 4 decimals (data.md).
public typealias Quantity4 = Int64

/// A percentage in hundredths of a percent (basis points): ratios carry at most 2 decimals
/// (`87.5` is 8750). 100 % is `BasisPoints.whole`.
public typealias BasisPoints = Int64

/// A proportion in millionths (`selfpay_prop` `0.10` is 100_000).
public typealias PartsPerMillion = Int64

public enum Scale {
    public static let amount = 2      // yuan → fen
    public static let price = 6       // yuan → MicroYuan
    public static let quantity = 4    // units → Quantity4
    public static let percent = 2     // percent → BasisPoints
    public static let proportion = 6  // fraction → PartsPerMillion
}

extension BasisPoints {
    public static let whole: BasisPoints = 100_00
}

public enum Rounding {
    /// `numerator / denominator` rounded half away from zero (四舍五入), exactly.
    /// `denominator` must be positive.
    @inlinable
    public static func halfUp(_ numerator: Int128, _ denominator: Int128) -> Int64 {
        precondition(denominator > 0, "rounding by a non-positive denominator")
        let magnitude = numerator.magnitude
        let d = UInt128(denominator)
        var quotient = magnitude / d
        let remainder = magnitude % d
        if remainder * 2 >= d { quotient += 1 }
        let result = Int128(quotient)
        return Int64(numerator < 0 ? -result : result)
    }

    /// Fen × a proportion in ppm, rounded half up to the fen.
    @inlinable
    public static func fen(_ amount: Fen, timesPPM ppm: PartsPerMillion) -> Fen {
        halfUp(Int128(amount) * Int128(ppm), 1_000_000)
    }

    /// (price × quantity) in fen, rounded half up: MicroYuan × Quantity4 is 1e-10 yuan.
    @inlinable
    public static func fen(price: MicroYuan, quantity: Quantity4) -> Fen {
        halfUp(Int128(price) * Int128(quantity), 100_000_000)
    }
}

/// Bounds that keep every sum of a claim, a run and a transfer far inside `Int64` (9.2e18):
/// an amount above 10 billion yuan, or a claim of more than 100,000 lines, is not data a
/// hospital sends; it is `INVALID_DATA`, never an overflow trap that stops a night's run.
public enum AmountLimits {
    /// 10,000,000,000.00 yuan.
    public static let maxAmount: Fen = 1_000_000_000_000
    public static let maxLinesPerClaim = 100_000

    public static func contains(_ amount: Fen) -> Bool { amount >= -maxAmount && amount <= maxAmount }
}
