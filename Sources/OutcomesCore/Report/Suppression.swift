/// Small-number suppression (METRICS.md "Rounding and small numbers", PRECISE.md 15-19).
///
/// Metric code builds a row's cells from true values, then applies the rules in order:
/// `applyRule1` for the base, `hide` for rule-2 counts and what is computed from them, and
/// `applyRule3` once per set of counts that add up to the base.
public struct Suppression: Sendable {
    /// Counts from 1 to `threshold` are hidden; 0 turns suppression off.
    public let threshold: Int

    public init(threshold: Int) { self.threshold = threshold }

    /// Whether a count must be hidden.
    @inlinable
    public func isSmall(_ n: Int) -> Bool { threshold > 0 && n >= 1 && n <= threshold }

    /// Rule 1: a base count from 1 to T turns every indicator of the row into `c` (even a `z`).
    /// Returns true when it applied, so the caller can skip the other rules.
    @discardableResult
    public func applyRule1(base: Int, cells: inout [Cell]) -> Bool {
        guard isSmall(base) else { return false }
        for i in cells.indices { cells[i] = .c }
        return true
    }

    /// Rule 2: when `count` is small, hides the count's cell and the cells computed from it;
    /// a `z` among the dependents stays `z` (PRECISE.md 15).
    public func applyRule2(count: Int, countIndex: Int, dependents: [Int] = [], cells: inout [Cell]) {
        guard isSmall(count) else { return }
        cells[countIndex] = .c
        for d in dependents where cells[d] != .z { cells[d] = .c }
    }

    /// Rule 3: in a set of counts that add up to the base, when exactly one is shown as `c`, also
    /// hides the smallest other non-zero shown count (first in indicator order on a tie) and its
    /// dependents. `members` lists each count's cell, true value and dependent cells, in indicator order.
    public func applyRule3(members: [(index: Int, value: Int, dependents: [Int])], cells: inout [Cell]) {
        guard threshold > 0 else { return }
        let hidden = members.filter { cells[$0.index] == .c }
        guard hidden.count == 1 else { return }
        var pick: (index: Int, value: Int, dependents: [Int])?
        for m in members where cells[m.index] != .c && m.value > 0 {
            if pick == nil || m.value < pick!.value { pick = m }
        }
        guard let p = pick else { return }
        cells[p.index] = .c
        for d in p.dependents where cells[d] != .z { cells[d] = .c }
    }
}
