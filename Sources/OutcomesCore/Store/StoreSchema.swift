/// The store's schema, written for analysts as much as for the tool (see `docs/STORE.md`).
///
/// Dates are ISO `YYYY-MM-DD` text so SQLite's date functions work on them. Attendance is packed
/// one row per pupil, school and calendar month (a county year is ~250,000 rows instead of
/// 8 million); the `attendance_sessions` view unpacks it to one row per register session.
///
/// These statements are the first release's schema and are never edited: later changes are
/// migrations (`StoreMigrations`).
enum StoreSchema {
    static let statements: [String] = [
        """
        CREATE TABLE IF NOT EXISTS load_log (
          id INTEGER PRIMARY KEY,
          file_name TEXT NOT NULL,
          kind TEXT NOT NULL,
          sha256 TEXT NOT NULL,
          rows_read INTEGER NOT NULL,
          rows_loaded INTEGER NOT NULL,
          rows_rejected INTEGER NOT NULL,
          loaded_at TEXT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS load_log_sha ON load_log(sha256)",
        """
        CREATE TABLE IF NOT EXISTS episodes (
          episode_id TEXT PRIMARY KEY,
          child_id TEXT NOT NULL,
          family_id TEXT,
          service TEXT NOT NULL,
          locality TEXT NOT NULL,
          level TEXT NOT NULL,
          referral_date TEXT,
          allocation_date TEXT NOT NULL,
          first_contact_date TEXT,
          assessment_date TEXT,
          first_taf_date TEXT,
          closure_date TEXT,
          closure_reason TEXT,
          birth_month TEXT,
          gender TEXT NOT NULL,
          ethnicity TEXT,
          send INTEGER,
          school_urn TEXT,
          source_file TEXT NOT NULL) WITHOUT ROWID
        """,
        "CREATE INDEX IF NOT EXISTS episodes_child ON episodes(child_id)",
        """
        CREATE TABLE IF NOT EXISTS outcomes (
          episode_id TEXT NOT NULL,
          assessment_date TEXT NOT NULL,
          stage TEXT NOT NULL,
          domain TEXT NOT NULL,
          rated_by TEXT NOT NULL,
          score INTEGER NOT NULL,
          source_file TEXT NOT NULL,
          PRIMARY KEY (episode_id, assessment_date, stage, domain, rated_by)) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS feedback (
          response_id TEXT NOT NULL,
          question TEXT NOT NULL,
          episode_id TEXT,
          service TEXT NOT NULL,
          received_date TEXT NOT NULL,
          respondent TEXT NOT NULL,
          instrument TEXT NOT NULL,
          answer TEXT,
          answer_class INTEGER,
          source_file TEXT NOT NULL,
          PRIMARY KEY (response_id, question)) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS attendance_months (
          child_id TEXT NOT NULL,
          school_urn TEXT NOT NULL,
          month TEXT NOT NULL,
          marks TEXT NOT NULL,
          sessions_possible INTEGER NOT NULL,
          sessions_attended INTEGER NOT NULL,
          sessions_authorised INTEGER NOT NULL,
          sessions_unauthorised INTEGER NOT NULL,
          sessions_not_possible INTEGER NOT NULL,
          PRIMARY KEY (child_id, school_urn, month)) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS attendance_mark_codes (
          mark_number INTEGER PRIMARY KEY,
          mark TEXT NOT NULL,
          class TEXT NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS attendance_slots (
          slot INTEGER PRIMARY KEY,
          day INTEGER NOT NULL,
          session TEXT NOT NULL)
        """,
        """
        CREATE VIEW IF NOT EXISTS attendance_sessions AS
          SELECT a.child_id, a.school_urn,
                 a.month || '-' || printf('%02d', s.day) AS date, s.session, c.mark, c.class
          FROM attendance_months a
          JOIN attendance_slots s ON s.slot < length(a.marks)
          JOIN attendance_mark_codes c ON c.mark_number = unicode(substr(a.marks, s.slot + 1, 1)) - 48
        """,
    ]

    /// The mark characters of `attendance_months.marks`: slot `2 × (day − 1) + (PM ? 1 : 0)` holds
    /// `'0'` for no mark or `'0' + mark_number`.
    static let noMark: UInt8 = 48

    static func classLabel(_ c: MarkClass) -> String {
        switch c {
        case .present: return "present"
        case .approvedActivity: return "approved educational activity"
        case .authorised: return "authorised absence"
        case .unauthorised: return "unauthorised absence"
        case .notPossible: return "not a possible session"
        }
    }
}
