import Foundation

/// Rounding and number text (METRICS.md "Rounding and small numbers").
public enum NumberFormat {
    /// Rounds half away from zero to `dp` places and prints without exponent or trailing noise.
    ///
    /// Figures are ratios of whole counts, so a value that is a decimal half (6.25, 0.05) may sit a
    /// hair below it in binary; a relative tolerance of 1e-9 treats those as the half they are,
    /// as decimal arithmetic would.
    public static func rounded(_ v: Double, dp: Int) -> String {
        if v.isNaN || v.isInfinite { return "z" }
        let f = roundedMagnitude(v, dp: dp)
        let neg = v < 0 && f != 0
        var digits = String(f)
        if dp > 0 {
            if digits.count <= dp { digits = String(repeating: "0", count: dp - digits.count + 1) + digits }
            let cut = digits.index(digits.endIndex, offsetBy: -dp)
            digits = digits[..<cut] + "." + digits[cut...]
        }
        return neg ? "-" + digits : digits
    }

    /// |v| rounded half away from zero to `dp` places, in units of the last place: the digits
    /// `rounded` prints (the disclosure audit reads a shown percentage's tenths from it without
    /// printing and parsing text). `v` must be finite.
    static func roundedMagnitude(_ v: Double, dp: Int) -> Int64 {
        let scale = pow(10.0, Double(dp))
        let a = abs(v) * scale
        var f = a.rounded(.down)
        if a - f >= 0.5 - 1e-9 * max(1, a) { f += 1 }
        return Int64(f)
    }

    /// The text of a cell in a column with `dp` decimal places.
    public static func text(_ cell: Cell, dp: Int) -> String {
        switch cell {
        case .int(let n): return String(n)
        case .num(let v): return rounded(v, dp: dp)
        case .c: return "c"
        case .z: return "z"
        case .x: return "x"
        }
    }
}
