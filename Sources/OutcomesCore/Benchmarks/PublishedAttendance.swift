import Foundation

/// The DfE's published pupil attendance figures (METRICS.md 6): the rows of the *Pupil attendance
/// in schools* year-to-date files in a `benchmarks/` folder that the national comparison uses.
///
/// Only rows with `time_identifier` `Academic year` and `education_phase` `Total` are kept
/// (PRECISE.md 39). Figures are kept as the text the file holds, so a published `c` stays `c`.
public struct PublishedAttendance: Sendable, Equatable {
    /// One published row of one geography.
    public struct Row: Sendable, Equatable {
        /// `time_period`, e.g. `202526`.
        public var year: String
        /// `National`, `Regional` or `Local authority`.
        public var level: String
        public var regionCode: String
        public var newLACode: String
        /// Figures as published, by column name (`possible_sessions`, `attendance_perc`, …).
        public var figures: [String: String]

        public init(year: String, level: String, regionCode: String = "", newLACode: String = "",
                    figures: [String: String]) {
            self.year = year; self.level = level; self.regionCode = regionCode
            self.newLACode = newLACode; self.figures = figures
        }
    }

    public var rows: [Row]
    /// Files ignored and why, for the run's log.
    public var warnings: [String]

    public init(rows: [Row], warnings: [String] = []) { self.rows = rows; self.warnings = warnings }

    /// The columns a file must have (METRICS.md 6); others are ignored. The DfE file of 2025/26
    /// has all of them (and `overall_attendance` counts present plus approved educational activity
    /// sessions, as our `sessions_attended` does).
    public static let requiredColumns = [
        "time_period", "time_identifier", "geographic_level", "region_code", "new_la_code", "la_name",
        "education_phase", "possible_sessions", "overall_attendance", "overall_absence", "authorised_absence",
        "unauthorised_absence", "attendance_perc", "overall_absence_perc", "authorised_absence_perc",
        "unauthorised_absence_perc", "pa_perc",
    ]

    /// The figure columns kept per row.
    static let figureColumns = Array(requiredColumns[7...])

    /// Reads every `*.csv` file of `folder` in name order (a missing folder gives no rows and a
    /// warning). A file that lacks a required column, or cannot be read, is ignored with a warning
    /// naming the file and what is missing.
    public static func load(folder: String) -> PublishedAttendance {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            return PublishedAttendance(rows: [], warnings: ["benchmarks folder \(folder) not found"])
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.lowercased().hasSuffix(".csv") && !$0.lowercased().hasSuffix(".meta.csv") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var out = PublishedAttendance(rows: [])
        for n in names {
            let path = (folder as NSString).appendingPathComponent(n)
            do {
                let r = try read(path: path)
                out.rows += r.rows
                out.warnings += r.warnings
            } catch {
                out.warnings.append("benchmark file \(path): \(error.localizedDescription); it is ignored")
            }
        }
        return out
    }

    /// Reads one file; a file without the required columns gives no rows and a warning.
    public static func read(path: String) throws -> PublishedAttendance {
        let reader = try CSVReader(path: path)
        var index: [String: Int] = [:]
        var missing: [String] = []
        var rows: [Row] = []
        var headerSeen = false
        try reader.forEachRecord { rec in
            if !headerSeen {
                headerSeen = true
                for i in 0..<rec.fieldCount {
                    let name = rec.string(i).trimmingCharacters(in: .whitespaces).lowercased()
                    if index[name] == nil { index[name] = i }
                }
                missing = requiredColumns.filter { index[$0] == nil }
                return
            }
            guard missing.isEmpty else { return }
            func field(_ name: String) -> String {
                let i = index[name]!
                return i < rec.fieldCount ? rec.string(i).trimmingCharacters(in: .whitespaces) : ""
            }
            guard field("time_identifier") == "Academic year", field("education_phase") == "Total" else { return }
            var figures: [String: String] = [:]
            for c in figureColumns { figures[c] = field(c) }
            rows.append(Row(year: field("time_period"), level: field("geographic_level"),
                            regionCode: field("region_code"), newLACode: field("new_la_code"), figures: figures))
        }
        if !missing.isEmpty {
            return PublishedAttendance(rows: [], warnings: [
                "benchmark file \(path) lacks the columns \(missing.joined(separator: ", ")); it is ignored"])
        }
        return PublishedAttendance(rows: rows)
    }

    /// The academic year the comparison uses for reporting month `m` (PRECISE.md 39): `m`'s own
    /// (`202627`) when the files hold it, else the latest earlier year they hold; nil when neither.
    public func year(for m: Month) -> String? {
        let target = ReportWindow.academicYearCode(for: m)
        let years = Set(rows.map(\.year)).filter { $0.utf8.count == 6 && $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
        if years.contains(target) { return target }
        return years.filter { $0 < target }.max()
    }

    /// The row of one geography in `year`, if the files have it (the first one in file order).
    public func national(_ year: String) -> Row? { rows.first { $0.year == year && $0.level == "National" } }
    public func region(_ code: String, _ year: String) -> Row? {
        rows.first { $0.year == year && $0.level == "Regional" && $0.regionCode == code }
    }
    public func localAuthority(_ code: String, _ year: String) -> Row? {
        rows.first { $0.year == year && $0.level == "Local authority" && $0.newLACode == code }
    }
}
