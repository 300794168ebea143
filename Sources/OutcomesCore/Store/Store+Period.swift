import GRDB

/// What months the store can report (OUTPUTS.md: `--period` for a month with no data exits 2
/// saying what the store holds).
extension Store {
    /// The first and last months of any date the store holds (episodes, outcomes, feedback,
    /// attendance); nil for an empty store.
    public func monthsHeld() throws -> (first: Month, last: Month)? {
        let columns = [("episodes", ["referral_date", "allocation_date", "first_contact_date", "assessment_date",
                                     "first_taf_date", "closure_date"]),
                       ("outcomes", ["assessment_date"]), ("feedback", ["received_date"])]
        return try queue.read { db in
            var lo: String?, hi: String?
            func see(_ v: String?) {
                guard let v, v.count >= 7 else { return }
                let m = String(v.prefix(7))
                if lo == nil || m < lo! { lo = m }
                if hi == nil || m > hi! { hi = m }
            }
            for (t, cols) in columns {
                for c in cols {
                    let r = try Row.fetchOne(db, sql: "SELECT min(\(c)), max(\(c)) FROM \(t)")
                    see(r?[0]); see(r?[1])
                }
            }
            let a = try Row.fetchOne(db, sql: "SELECT min(month), max(month) FROM attendance_months")
            see(a?[0]); see(a?[1])
            guard let lo, let hi, let first = Month(text: lo), let last = Month(text: hi) else { return nil }
            return (first, last)
        }
    }

    /// Whether the store holds an episode open in `month` or an attendance session in it: a month
    /// with neither would give tables of nothing, or figures carried past the data.
    public func holdsData(in month: Month) throws -> Bool {
        try queue.read { db in
            let open = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM episodes WHERE allocation_date <= ? AND (closure_date IS NULL OR closure_date >= ?))
                """, arguments: [Days.iso(month.lastDay), Days.iso(month.firstDay)]) ?? false
            if open { return true }
            return try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM attendance_months WHERE month = ? AND sessions_possible + sessions_not_possible > 0)
                """, arguments: [month.text]) ?? false
        }
    }
}
