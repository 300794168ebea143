import Foundation

/// A Swift port of the checks of the DfE's open-data screener (`eesyscreener` 0.3.1, R) that apply
/// to this tool's tables: one local-authority data file and its `.meta.csv`, monthly time periods.
///
/// Written from the screener's R source (`R/check_*.R`, `R/precheck_*.R`, the reference values in
/// `data-raw/`), check by check and with the screener's check names, so a failure reads as the
/// screener would print it. Independent of the tool's own code: it reads the CSV text the tool
/// wrote with its own parser. The harmonised-variable and ethnicity lists and the API character
/// limits are the screener's bundled reference values (`harmonised_col_names`,
/// `acceptable_ethnicity_values`, `api_char_limits`). Left out, because they cannot arise here or
/// need the EES API data dictionary: the data-dictionary checks (API data sets only) and the
/// lower-level geography checks (`geog_na`, `geog_na_code`, `geog_other_dupes`: ward, MAT, school
/// levels). The geography lookups are taken from the DfE's own published attendance file (every
/// country, region and local authority code with its name), not typed in.
struct Screener {
    enum Level: String { case pass = "PASS", warning = "WARNING", fail = "FAIL" }
    struct Outcome: CustomStringConvertible {
        let check: String, level: Level, message: String
        var description: String { "\(check) \(level.rawValue): \(message)" }
    }

    /// Valid geography combinations (`acceptable_countries`, `acceptable_regions`, `acceptable_las`).
    struct Lookup {
        var countries: Set<[String]> = []     // [code, name]
        var regions: Set<[String]> = []       // [code, name]
        var las: Set<[String]> = []           // [old_la_code, new_la_code, la_name]

        /// From a DfE tidy file with country, region and local-authority columns.
        init(dfeFile path: String) throws {
            let t = try Frame(csv: String(contentsOfFile: path, encoding: .utf8))
            for r in t.rows.indices {
                let v = { (c: String) in t.value(r, c) ?? "" }
                countries.insert([v("country_code"), v("country_name")])
                if !v("region_code").isEmpty { regions.insert([v("region_code"), v("region_name")]) }
                if v("geographic_level") == "Local authority" { las.insert([v("old_la_code"), v("new_la_code"), v("la_name")]) }
            }
        }
    }

    /// A CSV file as text columns (RFC 4180, every value a string, as the screener reads data).
    struct Frame {
        var names: [String]
        var rows: [[String]]
        init(csv: String) throws {
            var records: [[String]] = []
            var field = "", record: [String] = [], inQuotes = false, sawAny = false
            var it = Array(csv.unicodeScalars), i = 0
            if it.first == "\u{FEFF}" { it.removeFirst() }
            while i < it.count {
                let c = it[i]
                if inQuotes {
                    if c == "\"" {
                        if i + 1 < it.count && it[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { inQuotes = false }
                    } else { field.unicodeScalars.append(c) }
                } else if c == "\"" { inQuotes = true; sawAny = true
                } else if c == "," { record.append(field); field = ""; sawAny = true
                } else if c == "\n" || c == "\r" {
                    if c == "\r" && i + 1 < it.count && it[i + 1] == "\n" { i += 1 }
                    record.append(field); records.append(record); record = []; field = ""; sawAny = false
                } else { field.unicodeScalars.append(c); sawAny = true }
                i += 1
            }
            if sawAny || !record.isEmpty { record.append(field); records.append(record) }
            guard let h = records.first else { throw NSError(domain: "screener", code: 1, userInfo: [NSLocalizedDescriptionKey: "empty file"]) }
            names = h
            rows = Array(records.dropFirst())
            for (n, r) in rows.enumerated() where r.count != h.count {
                throw NSError(domain: "screener", code: 2, userInfo: [NSLocalizedDescriptionKey: "line \(n + 2) has \(r.count) fields, the header \(h.count)"])
            }
        }
        func index(_ c: String) -> Int? { names.firstIndex(of: c) }
        func value(_ r: Int, _ c: String) -> String? { index(c).map { rows[r][$0] } }
        func column(_ c: String) -> [String] { index(c).map { i in rows.map { $0[i] } } ?? [] }
        func distinct(_ c: String) -> [String] {
            var seen = Set<String>(), out: [String] = []
            for v in column(c) where seen.insert(v).inserted { out.append(v) }
            return out
        }
    }

    // Reference values (data-raw/req_values.R, acceptable_values.R, geography_df.R,
    // potential_ob_units_regex.R).
    static let reqMetaCols = ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit",
                              "indicator_dp", "filter_hint", "filter_grouping_column"]
    static let optionalMetaCols = ["filter_default", "parent_filter"]
    static let reqDataCols = ["geographic_level", "time_period", "time_identifier", "country_code", "country_name"]
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                         "September", "October", "November", "December"]
    static let terms = ["Spring term", "Autumn term", "Summer term"]
    static let weeks = (1...52).map { "Week \($0)" }
    static let fq = (1...4).map { "Financial year Q\($0)" }
    static let fh = ["Part 1 (April to September)", "Part 2 (October to March)"]
    static let timeIDGroups: [[String]] = [["Autumn and spring term"], ["Calendar year"], ["Financial year"],
                                           ["Academic year"], ["Tax year"], ["Reporting year"], terms, weeks, months, fq, fh]
    static let fourDigit = ["Calendar year", "Reporting year"] + weeks + months
    static let sixDigit = ["Autumn and spring term"] + terms + ["Financial year", "Academic year", "Tax year"] + fq + fh
    static let indicatorUnits = ["%", "pp", "£", "£m", "numberstring"]
    static let legacySymbols = ["~", ":"]
    /// geography_df: level, code field, name field, secondary code field.
    static let geography: [(level: String, code: String?, name: String?, secondary: String?)] = [
        ("National", "country_code", "country_name", nil), ("Regional", "region_code", "region_name", nil),
        ("Local authority", "new_la_code", "la_name", "old_la_code"), ("Local authority district", "lad_code", "lad_name", nil),
        ("RSC region", nil, "rsc_region_lead_name", nil), ("Parliamentary constituency", "pcon_code", "pcon_name", nil),
        ("Local skills improvement plan area", "lsip_code", "lsip_name", nil),
        ("Local enterprise partnership", "local_enterprise_partnership_code", "local_enterprise_partnership_name", nil),
        ("English devolved area", "english_devolved_area_code", "english_devolved_area_name", nil),
        ("Opportunity area", "opportunity_area_code", "opportunity_area_name", nil), ("Ward", "ward_code", "ward_name", nil),
        ("MAT", "trust_id", "trust_name", nil), ("Sponsor", "sponsor_id", "sponsor_name", nil),
        ("School", "school_urn", "school_name", "school_laestab"), ("Provider", "provider_ukprn", "provider_name", nil),
        ("Institution", "institution_id", "institution_name", nil), ("Planning area", "planning_area_code", "planning_area_name", nil),
        ("Police force area", "pfa_code", "pfa_name", nil),
    ]
    static var geographyCols: [String] { geography.flatMap { [$0.code, $0.name, $0.secondary].compactMap { $0 } } }
    static var obUnits: [String] { ["time_period", "time_identifier", "geographic_level"] + geographyCols }
    static let obUnitPattern = try! NSRegularExpression(
        pattern: "(^(country|sch|prov|inst|estab|reg|la|local|rsc|pfa|pcon|lep|mca|oa|ward|mat).*(name|code|urn|ukprn|number|upin|id)$)|(^(laestab|estab|sch|school|schools|prov|provider|providers|inst|institution|institutions|name|code|urn|ukprn|number|upin|id|region|la|lad|rsc|pcon|lep|mca|oa|ward|mat)$)",
        options: [.caseInsensitive])
    static func looksLikeObUnit(_ s: String) -> Bool {
        obUnitPattern.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }
    static let harmonisedPatterns = ["sen_", "primary_need", "secondary_need", "establishment_type", "provider_type",
                                     "school_type", "ethnic"]
    static let harmonisedNames = ["sen_status", "sen_primary_need", "sen_secondary_need", "sen_provision", "establishment_type",
                                  "establishment_type_group", "provider_type", "ethnicity_major", "ethnicity_minor",
                                  "ethnicity_detailed", "minority_ethnic"]
    static let ethnicityMajor = ["Total", "White", "Mixed/Multiple ethnic groups", "Mixed / Multiple ethnic groups",
                                 "Asian/Asian British", "Asian / Asian British", "Black/African/Caribbean/Black British",
                                 "Black / African / Caribbean / Black British", "Other ethnic group", "Unknown"]
    static let smushed = ["male", "female", "asian", "chinese", "indian", "pakistani", "bangladeshi", "black", "african",
                          "caribbean", "white", "roma", "irish", "english", "british", "scottish", "welsh", "northern irish", "arab"]

    /// Every applicable check, in the screener's stage order; the screener stops at the first
    /// stage with a failure, this port runs them all so one run names every problem.
    static func screen(dataName: String, data: Frame, metaName: String, meta: Frame, lookup: Lookup) -> [Outcome] {
        var out: [Outcome] = []
        func add(_ check: String, _ ok: Bool, _ message: @autoclosure () -> String, level: Level = .fail) {
            out.append(Outcome(check: check, level: ok ? .pass : level, message: ok ? "" : message()))
        }
        let m = meta.rows.indices.map { r in Dictionary(uniqueKeysWithValues: meta.names.enumerated().map { ($1, meta.rows[r][$0]) }) }
        func col(_ r: [String: String], _ c: String) -> String { r[c] ?? "" }
        let filters = m.filter { col($0, "col_type") == "Filter" }.map { col($0, "col_name") }
        let indicators = m.filter { col($0, "col_type") == "Indicator" }.map { col($0, "col_name") }
        let groups = m.map { col($0, "filter_grouping_column") }.filter { !$0.isEmpty }

        // The screener stops with an error on a data file without rows (precheck_time_id_mix
        // reads the first time identifier); counted here as a failure.
        add("data_rows", !data.rows.isEmpty, "the data file has no rows")

        // Filenames (screen_filenames.R).
        for n in [dataName, metaName] {
            add("filename_spaces", !n.contains(" "), "spaces in '\(n)'")
            var stem = (n as NSString).deletingPathExtension
            if stem.hasSuffix(".meta") { stem = String(stem.dropLast(5)) }
            let bad = stem.unicodeScalars.filter { !(CharacterSet.alphanumerics.contains($0) && $0.isASCII) && !"-_ ".unicodeScalars.contains($0) }
            add("filename_special", bad.isEmpty, "special characters in \(n): \(String(String.UnicodeScalarView(bad)))")
        }
        add("filenames_match", metaName == dataName.replacingOccurrences(of: ".csv", with: ".meta.csv"),
            "the metadata file should be \(dataName.replacingOccurrences(of: ".csv", with: ".meta.csv"))")

        // Precheck columns.
        add("col_req_meta", reqMetaCols.allSatisfy(meta.names.contains), "meta lacks \(reqMetaCols.filter { !meta.names.contains($0) })")
        let invalid = meta.names.filter { !(reqMetaCols + optionalMetaCols).contains($0) }
        add("col_invalid_meta", invalid.isEmpty, "invalid meta columns \(invalid)")
        add("col_req_data", reqDataCols.allSatisfy(data.names.contains), "data lacks \(reqDataCols.filter { !data.names.contains($0) })")
        add("col_to_rows", data.names.count - 5 >= meta.rows.count, "more meta rows (\(meta.rows.count)) than non-mandatory data columns (\(data.names.count - 5))")

        // Precheck cross-file.
        let missing = (filters + groups).filter { !data.names.contains($0) }
        add("cross_meta_to_data", missing.isEmpty, "in the metadata but not the data: \(missing)")
        let metaCols = Set(m.map { col($0, "col_name") } + groups)
        let unexplained = data.names.filter { !obUnits.contains($0) && data.distinct($0).count != 1 && !metaCols.contains($0) }
        add("cross_data_to_meta", unexplained.isEmpty, "not in the metadata: \(unexplained)", level: .warning)

        // Check columns.
        add("col_names_spaces", !data.names.contains { $0.contains { $0.isWhitespace } }, "column names with spaces")
        let notSnake = data.names.filter { $0.unicodeScalars.contains { !("a"..."z").contains($0) && !("0"..."9").contains($0) && $0 != "_" } }
        add("col_snake_case", notSnake.isEmpty, "not snake_case: \(notSnake)", level: .warning)
        let badStart = data.names.filter { !($0.unicodeScalars.first.map { ("a"..."z").contains($0) } ?? false) }
        add("col_var_start", badStart.isEmpty, "not starting with a lower-case letter: \(badStart)", level: .warning)
        let sm = indicators.filter { i in smushed.contains { i.lowercased().contains($0) } }
        add("col_ind_smushed", sm.isEmpty, "indicators that look like filter values: \(sm)")
        add("col_var_characteristic", !(metaCols.contains("characteristic") || metaCols.contains("characteristic_group")),
            "characteristic columns", level: .warning)

        // Precheck meta.
        let types = Set(m.map { col($0, "col_type") })
        add("meta_col_type", types.isSubset(of: ["Filter", "Indicator"]), "col_type values \(types)")
        let obInMeta = metaCols.filter { obUnits.contains($0) && $0 != "school_name" && $0 != "provider_name" }
        add("meta_ob_unit", obInMeta.isEmpty, "observational units in the metadata: \(obInMeta.sorted())")
        add("meta_col_name", !m.contains { col($0, "col_name").trimmingCharacters(in: .whitespaces).isEmpty }, "blank col_name")

        // Check meta.
        let labels = m.map { col($0, "label") }
        let dupLabels = Set(labels.filter { l in labels.filter { $0 == l }.count > 1 })
        add("meta_dupe_label", dupLabels.isEmpty, "duplicated labels \(dupLabels.sorted())")
        add("meta_fil_grp", !m.contains { col($0, "col_type") == "Indicator" && !col($0, "filter_grouping_column").isEmpty },
            "indicators with a filter_grouping_column")
        add("meta_fil_grp_dupe", Set(groups).count == groups.count,
            "duplicate filter_group values: \(Set(groups.filter { g in groups.filter { $0 == g }.count > 1 }).sorted())")
        add("meta_fil_grp_is_fil", groups.allSatisfy { g in m.contains { col($0, "col_name") == g } }, "filter groups not in col_name", level: .warning)
        add("meta_fil_grp_match", groups.allSatisfy(data.names.contains), "filter groups not in the data")
        let stripped = groups.filter { g in
            let raw = data.distinct(g)
            return Set(raw.map { String($0.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }) }).count != raw.count
        }
        add("meta_fil_grp_stripped", stripped.isEmpty, "filter groups that collide once stripped: \(stripped)")
        add("meta_label", !labels.contains { $0.isEmpty || $0 == " " }, "blank labels")
        add("meta_filter_hint", !m.contains { col($0, "col_type") == "Indicator" && !col($0, "filter_hint").isEmpty }, "indicators with a filter_hint")
        let caught = (filters + groups).filter(looksLikeObUnit)
        add("meta_geog_catch", caught.isEmpty, "filters that look like geography columns: \(caught)")
        add("meta_indicator_dp", !m.contains { col($0, "col_type") == "Filter" && !col($0, "indicator_dp").isEmpty }, "filters with indicator_dp")
        add("meta_col_name_spaces", !m.contains { col($0, "col_name").contains { $0.isWhitespace } }, "col_name with spaces")
        let names = m.map { col($0, "col_name") }
        add("meta_col_name_dupe", Set(names).count == names.count, "duplicated col_name")
        add("meta_ind_dp_set", !m.contains { col($0, "col_type") == "Indicator" && col($0, "indicator_dp").trimmingCharacters(in: .whitespaces).isEmpty },
            "indicators without indicator_dp", level: .warning)
        add("meta_ind_dp_values", m.map { col($0, "indicator_dp") }.filter { !$0.isEmpty }.allSatisfy { Int($0).map { $0 >= 0 } ?? false },
            "indicator_dp must be blank, zero or a positive whole number")
        add("meta_ind_unit", !m.contains { col($0, "col_type") == "Filter" && !col($0, "indicator_unit").isEmpty }, "filters with indicator_unit")
        let units = Set(m.filter { col($0, "col_type") == "Indicator" }.map { col($0, "indicator_unit") }.filter { !$0.isEmpty })
        add("meta_ind_unit_validation", units.isSubset(of: Set(indicatorUnits)), "invalid units \(units.subtracting(indicatorUnits))")
        add("meta_indicator_grouping", !m.contains { col($0, "col_type") == "Filter" && !col($0, "indicator_grouping").isEmpty }, "filters with indicator_grouping")

        // Precheck time.
        let periods = data.distinct("time_period"), ids = data.distinct("time_identifier")
        add("time_period_num", periods.allSatisfy { ($0.count == 4 || $0.count == 6) && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) },
            "time_period must be 4 or 6 digits: \(periods)")
        add("time_id_valid", ids.allSatisfy { id in timeIDGroups.contains { $0.contains(id) } }, "invalid time_identifier \(ids)")
        let base = ids.first.flatMap { id in timeIDGroups.first { $0.contains(id) } } ?? []
        add("time_id_mix", ids.allSatisfy(base.contains), "mixed time identifiers \(ids)")

        // Precheck filters.
        let singular = filters.filter { data.distinct($0).count < 2 }
        add("filter_not_singular", singular.isEmpty, "filters with fewer than two levels: \(singular)")

        // Precheck geography.
        let levels = data.distinct("geographic_level")
        add("geog_level", levels.allSatisfy { l in geography.contains { $0.level == l } }, "invalid levels \(levels)")
        if !(levels.allSatisfy { $0 == "National" }) {
            let expected = geography.filter { g in g.level != "Planning area" && levels.contains(g.level) }
                .flatMap { [$0.code, $0.name, $0.secondary].compactMap { $0 } }
            add("geog_level_present", expected.allSatisfy(data.names.contains), "missing \(expected.filter { !data.names.contains($0) })")
        }

        // Check time.
        if let first = ids.first {
            if fourDigit.contains(first) { add("time_period", periods.allSatisfy { $0.count == 4 }, "time_period must be four digits for \(first)") }
            if sixDigit.contains(first) { add("time_period", periods.allSatisfy { $0.count == 6 }, "time_period must be six digits for \(first)") }
        }
        let six = periods.filter { $0.count == 6 }.allSatisfy { p in
            let a = Int(p.dropFirst(2).prefix(2)) ?? -1, b = Int(p.suffix(2)) ?? -1
            return (a == 99 && b == 0) || a + 1 == b
        }
        add("time_period_six", six, "six-digit periods must be consecutive years")

        // Check filters.
        let defaults = Dictionary(m.filter { col($0, "col_type") == "Filter" }.map { (col($0, "col_name"), col($0, "filter_default").isEmpty ? "Total" : col($0, "filter_default")) },
                                  uniquingKeysWith: { a, _ in a })
        let noDefault = filters.filter { !data.distinct($0).contains(defaults[$0] ?? "Total") }
            + groups.filter { g in !names.contains(g) && !data.distinct(g).contains("Total") }
        add("filter_defaults", noDefault.isEmpty, "no Total or default item in \(noDefault)", level: .warning)
        let pairs = m.filter { col($0, "col_type") == "Filter" && !col($0, "filter_grouping_column").isEmpty }
        let inverted = pairs.filter { data.distinct(col($0, "col_name")).count < data.distinct(col($0, "filter_grouping_column")).count }
        add("filter_group_level", inverted.isEmpty,
            "filter groups with more levels than their filters: \(inverted.map { col($0, "filter_grouping_column") + " > " + col($0, "col_name") })")
        add("filter_item_limit", (filters + groups).allSatisfy { data.distinct($0).count <= 25000 }, "over 25,000 items")
        let geoCols = geography.flatMap { [$0.code, $0.name, $0.secondary].compactMap { $0 } }.filter(data.names.contains)
        let spaced = (filters + geoCols).flatMap { c in data.distinct(c).filter { $0 != $0.trimmingCharacters(in: .whitespaces) } }
        add("filter_whitespace", spaced.isEmpty, "leading or trailing white space: \(spaced)")
        let obCols = Set(obUnits.filter { $0 != "school_name" && $0 != "provider_name" && data.names.contains($0) } + data.names.filter(looksLikeObUnit))
        let withTotal = obCols.filter { c in data.distinct(c).contains { ["Total", "total", "All", "all"].contains($0) } }
        add("filter_ob_total", withTotal.isEmpty, "Total or All in observational units \(withTotal.sorted())")
        let blanks = (filters + groups).filter { data.column($0).contains("") }
        add("filter_blanks", blanks.isEmpty, "blank filter cells in \(blanks)")

        // Check geography.
        func combos(_ check: String, _ cols: [String], _ valid: Set<[String]>, restricted: String?, na: String = "x") {
            guard cols.allSatisfy(data.names.contains) else { add(check, true, ""); return }
            let codeCol = cols[cols.count - 2]
            var bad: [[String]] = []
            for r in data.rows.indices {
                let v = cols.map { data.value(r, $0)! }
                let code = data.value(r, codeCol)!
                if restricted != nil ? (code.isEmpty || code == na) : code == na { continue }
                if !valid.contains(v) && !bad.contains(v) { bad.append(v) }
            }
            add(check, bad.isEmpty, "invalid \(cols.joined(separator: " / ")) combinations: \(bad)")
        }
        combos("geog_country_combos", ["country_code", "country_name"], lookup.countries, restricted: nil)
        combos("geog_region_combos", ["region_code", "region_name"], lookup.regions, restricted: "Regional")
        combos("geog_la_combos", ["old_la_code", "new_la_code", "la_name"], lookup.las, restricted: nil)
        var incomplete: [String] = []
        for g in geography where g.level != "Planning area" && levels.contains(g.level) {
            // new_la_code may be blank for old authorities (check_geog_level_completed.R).
            for c in [g.code == "new_la_code" ? nil : g.code, g.name, g.secondary].compactMap({ $0 }) where data.names.contains(c) {
                let rows = data.rows.indices.filter { data.value($0, "geographic_level") == g.level }
                if rows.contains(where: { data.value($0, c)!.isEmpty }) { incomplete.append(c) }
            }
        }
        add("geog_level_completed", incomplete.isEmpty, "incomplete geography columns \(incomplete)")
        add("geog_ignored_rows", !levels.allSatisfy { ["Institution", "Planning area"].contains($0) }, "only ignored levels")
        for (check, level) in [("geog_la_col_present", "Local authority"), ("geog_region_col_present", "Regional")] {
            let g = geography.first { $0.level == level }!
            let want = [g.code, g.name, g.secondary].compactMap { $0 }
            let present = want.filter(data.names.contains)
            add(check, present.isEmpty || present.count == want.count, "\(level) columns missing: \(want.filter { !data.names.contains($0) })")
        }
        if levels.contains("Local authority") {
            let laRows = data.rows.indices.filter { data.value($0, "geographic_level") == "Local authority" }
            let ok = data.names.contains("region_code") && data.names.contains("region_name")
                && laRows.allSatisfy { !data.value($0, "region_code")!.isEmpty && !data.value($0, "region_name")!.isEmpty }
            add("geog_region_for_la", ok, "region columns missing or empty for Local authority rows", level: .warning)
        }

        // Check general.
        let keyCols = (obUnits + filters + groups).filter(data.names.contains)
        let keys = data.rows.map { r in keyCols.map { r[data.index($0)!] } }
        add("general_dupes", Set(keys).count == keys.count, "\(keys.count - Set(keys).count) duplicate rows")
        let nulls = ["NULL", "Null", "null", "NA", "na"], legacy = ["N/A", "n/a", ".", "..", "-"]
        let cells = data.rows.flatMap { $0 }
        add("general_null", !cells.contains(where: nulls.contains) && !meta.rows.flatMap { $0 }.contains(where: nulls.contains),
            "null symbols in the data or metadata")
        add("general_null", !cells.contains(where: legacy.contains), "legacy no-data symbols", level: .warning)

        // Check indicators.
        let badInd = indicators.filter { i in data.column(i).contains { $0.isEmpty || legacySymbols.contains($0) } }
        add("ind_invalid_entry", badInd.isEmpty, "blank or legacy symbols in \(badInd)")

        // Check harmonised (check_harmonised.R).
        let nonStandard = metaCols.filter { c in harmonisedPatterns.contains { c.lowercased().contains($0) } && !harmonisedNames.contains(c) }
        add("harmonised_variables", nonStandard.isEmpty, "columns under the harmonised standards with other names: \(nonStandard.sorted())")
        if data.names.contains("ethnicity_major") {
            let odd = data.distinct("ethnicity_major").filter { !ethnicityMajor.contains($0) }
            add("harmonised_eth_vals", odd.isEmpty, "ethnicity values outside the GSS standards: \(odd)", level: .warning)
        }

        // Check API (check_api_char_limit.R): warnings that keep a file out of the API.
        add("api_char_col_name", data.names.allSatisfy { $0.count <= 50 }, "column names over 50 characters", level: .warning)
        add("api_char_col_label", labels.allSatisfy { $0.count <= 100 }, "labels over 100 characters: \(labels.filter { $0.count > 100 })", level: .warning)
        let codeCols = geography.flatMap { [$0.code, $0.secondary].compactMap { $0 } }.filter(data.names.contains)
        add("api_char_loc_code", codeCols.allSatisfy { data.distinct($0).allSatisfy { $0.count <= 30 } }, "location codes over 30 characters", level: .warning)
        let itemCols = Set(filters + groups + geography.compactMap(\.name)).filter(data.names.contains)
        let long = itemCols.flatMap { data.distinct($0).filter { $0.count > 120 } }
        add("api_char_filter_items", long.isEmpty, "filter items over 120 characters: \(long)", level: .warning)
        return out
    }
}
