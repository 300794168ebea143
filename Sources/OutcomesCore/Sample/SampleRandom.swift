/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator, so the same seed gives the same
/// sample bytes on every run and platform. Only integer arithmetic and exact double scaling are
/// used (no `log`/`cos` from the C library), so results do not depend on libm either.
struct SampleRNG: RandomNumberGenerator {
    private var state: UInt64

    /// `stream` separates the generators of different parts (episodes, attendance, …), so changing
    /// how one file is made does not shift the random numbers of another.
    init(seed: UInt64, stream: UInt64) {
        state = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        _ = next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    @inline(__always) mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in 0..<n (n > 0); multiply-shift, bias negligible for the sizes used here.
    @inline(__always) mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: ((next() >> 32) &* UInt64(UInt32(truncatingIfNeeded: n))) >> 32)
    }

    mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + below(r.upperBound - r.lowerBound + 1) }

    @inline(__always) mutating func chance(_ p: Double) -> Bool { unit() < p }

    mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }

    /// Roughly normal (Irwin–Hall sum of four uniforms), mean 0, sd 1.
    mutating func normal() -> Double {
        (unit() + unit() + unit() + unit() - 2.0) * 1.7320508075688772
    }
}

/// Items with relative weights, picked by a cumulative table.
struct Weighted<T> {
    let items: [T]
    private let cumulative: [Double]

    init(_ pairs: [(T, Double)]) {
        items = pairs.map(\.0)
        var c: [Double] = []
        var t = 0.0
        for p in pairs { t += p.1; c.append(t) }
        cumulative = c.map { $0 / t }
    }

    func pick(_ rng: inout SampleRNG) -> T {
        let u = rng.unit()
        var i = 0
        while i < cumulative.count - 1 && u >= cumulative[i] { i += 1 }
        return items[i]
    }
}

/// Immutable after `init`, so as safe to share as its items (the generator's tables are statics).
extension Weighted: Sendable where T: Sendable {}
