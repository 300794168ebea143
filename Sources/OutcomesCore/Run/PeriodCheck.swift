import Foundation

/// `--period` must name a month that has ended and that the store has data for (OUTPUTS.md
/// "Behaviour a scheduled monthly run relies on"): otherwise exit 2, saying what the store holds,
/// with nothing written. The default period (PRECISE.md 26) satisfies both by construction.
extension Pipeline {
    /// Before anything is opened or written.
    func checkPeriodHasEnded() throws {
        guard let p = options.period, p.lastDay >= options.today else { return }
        let held = FileManager.default.fileExists(atPath: options.db)
            ? try? Store(path: options.db, readOnly: true).monthsHeld() : nil
        throw RunError.periodNotEnded(p, today: options.today, first: held?.first, last: held?.last)
    }

    /// After loading, before the output folder is made.
    func checkPeriodHasData(_ p: Month, store: Store) throws {
        if try store.holdsData(in: p) { return }
        let held = try store.monthsHeld()
        throw RunError.periodWithoutData(p, first: held?.first, last: held?.last)
    }

    static func holdings(_ first: Month?, _ last: Month?) -> String {
        guard let first, let last else { return "the store holds no data yet" }
        return "the store holds data from \(first.text) to \(last.text)"
    }
}
