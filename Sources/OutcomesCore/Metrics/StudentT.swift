import Foundation
import Synchronization

/// Student's t distribution: the quantile the distance-travelled confidence interval needs
/// (METRICS.md 1: mean change ± t(0.975, n−1) × sd ÷ √n).
///
/// The quantile inverts the CDF through the regularized incomplete beta function,
/// `P(|T| > t) = I_x(df/2, 1/2)` with `x = df / (df + t²)`, solved for `x` by bisection, so it is
/// accurate to near double precision for every degree of freedom (no normal approximation).
public enum StudentT {
    /// The `p` quantile (0.5 < p < 1) of Student's t with `df` degrees of freedom (df ≥ 1).
    ///
    /// For example `StudentT.quantile(0.975, df: 10)` is 2.228139.
    public static func quantile(_ p: Double, df: Int) -> Double {
        precondition(df >= 1 && p > 0.5 && p < 1)
        let a = Double(df) / 2, target = 2 * (1 - p)
        // I_x(a, 1/2) rises from 0 at x = 0 to 1 at x = 1; find x with I_x = target.
        var lo = 0.0, hi = 1.0
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if mid <= lo || mid >= hi { break }
            if regularizedIncompleteBeta(mid, a, 0.5) < target { lo = mid } else { hi = mid }
        }
        let x = (lo + hi) / 2
        return (Double(df) * (1 - x) / x).squareRoot()
    }

    /// The 97.5% quantile, memoised for the small degrees of freedom most rows use, and for the
    /// larger ones once each is asked for (a county's distance-travelled table asks for
    /// thousands, many the same; each takes a bisection of about 60 incomplete-beta steps).
    public static func t975(df: Int) -> Double {
        if df < cache975.count { return cache975[df] }
        if let t = large975.withLock({ $0[df] }) { return t }
        let t = quantile(0.975, df: df)
        large975.withLock { $0[df] = t }
        return t
    }

    private static let large975 = Mutex<[Int: Double]>([:])

    private static let cache975: [Double] = [Double.nan] + (1...200).map { quantile(0.975, df: $0) }

    /// The regularized incomplete beta function `I_x(a, b)` (continued fraction, modified Lentz).
    static func regularizedIncompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        let front = exp(lnFront)
        // The fraction converges fast below the mean; above it use I_x(a,b) = 1 − I_{1−x}(b,a).
        if x < (a + 1) / (a + b + 2) {
            return front * continuedFraction(x, a, b) / a
        }
        return 1 - front * continuedFraction(1 - x, b, a) / b
    }

    private static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300, eps = 1e-16
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let del = d * c
            h *= del
            if abs(del - 1) < eps { break }
        }
        return h
    }
}
