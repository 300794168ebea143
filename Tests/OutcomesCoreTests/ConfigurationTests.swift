import Foundation
import Testing
@testable import OutcomesCore

/// The configuration file: defaults, every key, and errors that name the key (exit 2).
@Suite struct ConfigurationTests {
    @Test func emptyFileGivesTheDefaults() throws {
        let c = try OutcomesConfig.parse("")
        #expect(c == OutcomesConfig())
        #expect(c.suppressMax == 5 && c.maxRejectPct == 5 && c.geography.laName == "Devon")
    }

    @Test func everyKeyIsRead() throws {
        let c = try OutcomesConfig.parse("""
            geography: {la_name: Cornwall, old_la_code: "908", new_la_code: E06000052}
            suppress_max: 10
            max_reject_pct: 2.5
            extra_breakdowns: [[level, service], [gender]]
            extra_domains: [Wellbeing]
            extra_bank_holidays: [2026-12-29, "2027-01-04"]
            chne_group: Other ethnic group
            attendance_impact: {days_before: 60, min_possible_sessions: 10}
            data_quality: {pupils_with_no_school_pct: 2}
            """)
        #expect(c.geography.laName == "Cornwall" && c.geography.oldLACode == "908")
        #expect(c.suppressMax == 10 && c.maxRejectPct == 2.5)
        #expect(c.extraBreakdowns == [Breakdown([.service, .level]), Breakdown([.gender])])
        #expect(c.extraBreakdowns[0].name == "service_level")
        #expect(c.extraDomains == ["wellbeing"])
        #expect(c.extraBankHolidays == [Days.from(year: 2026, month: 12, day: 29), Days.from(year: 2027, month: 1, day: 4)])
        #expect(c.chineseGroup == "Other ethnic group")
        #expect(c.impactDaysBefore == 60 && c.impactMinSessions == 10)
        #expect(c.qualityThresholds["pupils_with_no_school_pct"] == 2)
    }

    @Test(arguments: [
        ("suppress_maximum: 5", ConfigError.unknownKey("suppress_maximum")),
        ("geography: {la: X}", ConfigError.unknownKey("geography.la")),
        ("attendance_impact: {days: 3}", ConfigError.unknownKey("attendance_impact.days")),
        ("data_quality: {nope: 3}", ConfigError.unknownKey("data_quality.nope")),
    ])
    func unknownKeysAreNamed(_ yaml: String, _ expected: ConfigError) {
        #expect(throws: expected) { try OutcomesConfig.parse(yaml) }
    }

    @Test(arguments: ["suppress_max: -1", "suppress_max: five", "max_reject_pct: 101",
                      "extra_breakdowns: [[colour]]", "extra_bank_holidays: [2026-02-30]",
                      "chne_group: Chinese", "attendance_impact: {days_before: 0}"])
    func badValuesNameTheKey(_ yaml: String) throws {
        let key = String(yaml.prefix { $0 != ":" })
        do {
            _ = try OutcomesConfig.parse(yaml)
            Issue.record("accepted \(yaml)")
        } catch let e as ConfigError {
            guard case .badValue(let k, _) = e else { Issue.record("\(e)"); return }
            #expect(k.hasPrefix(key))
            #expect(e.localizedDescription.contains(k))
        }
    }
}
