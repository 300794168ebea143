/// The relations of one audit family, kept between rounds (PRECISE.md 41).
///
/// Why: a county audit takes about twenty rounds a phase, and each round hides a few cells in a
/// few tables, yet working every relation out again from the tables (names looked up, rows
/// keyed, rates read) was most of the report's time. A family's relations depend on the hidden
/// state only through a few reads (a set is exact when its parent's two counts are shown and
/// equal; a percentage bounds its counts when it is shown), which the recording keeps: while they
/// all read the same, the family asks for the same counts in the same order and makes the same
/// relations over them, so the recording stands for it. A count's node keeps its number for the
/// whole phase (`AuditModel.node`), and a node's bounds follow its row, so a kept recording never
/// needs its nodes looked up again; and a hidden state changes only with its row, so a round looks
/// again only at the families that read a row changed since the last round.
struct AuditRecording {
    /// The family it records.
    let key: AuditRecordings.Key
    /// The nodes the family asked for, in order (the order of first use gives `hiddenNodes`),
    /// and its relations, every one as `relate` was given it; once gathered into the round's
    /// lists (`AuditModel.gather`) they are kept there.
    var touches: [Int] = []
    var relations = RelationList()
    /// What the family read of the hidden state, `t r column hidden` each: the recording holds
    /// while every one of them still reads the same.
    var reads: [Int] = []
    /// Whether it asked for a previous-window figure (`prev_*`): phase 2 builds it again.
    var askedPrevious = false

    init(key: AuditRecordings.Key) { self.key = key }
}

/// Each family's last recording, in the round's order.
struct AuditRecordings {
    /// A family: what makes it (`AuditModel.Family`), the table and the set or row it covers.
    struct Key: Equatable { var kind: Int, t: Int, index: Int }
    var kept: [AuditRecording] = []
    /// Families built (not kept) in the last round.
    var built = 0
    /// The families that read each row (by `AuditModel.rowBase`), ascending.
    var readers: [[Int]] = []
}

extension AuditModel {
    /// Builds the family at `place` (appended when it is the next one) and records it.
    mutating func record(_ key: AuditRecordings.Key, at place: Int) {
        capture = AuditRecording(key: key)
        recordings.built += 1
        switch Family(rawValue: key.kind)! {
        case .set: setRelations(key.t, work.sets(key.t)[key.index], counts(key.t))
        case .row: rowRelations(key.t, key.index)
        case .window: windowRelations(key.t)
        case .bands: bandIdentities()
        case .bandRates: bandRateRelations()
        case .acrossTables:
            timelinessIdentities()
            closureIdentities()
            attendanceTrendIdentities()
        }
        let made = capture.take()!
        var i = 0
        while i < made.reads.count {
            let row = rowBase[made.reads[i]] + made.reads[i + 1]
            if recordings.readers[row].last != place { recordings.readers[row].append(place) }
            i += 4
        }
        if place == recordings.kept.count { recordings.kept.append(made) } else { recordings.kept[place] = made }
        rebuilt.append(place)
    }

    /// Whether a count is hidden, remembered by the family being recorded.
    mutating func readHidden(_ t: Int, _ r: Int, _ s: Slot) -> Bool {
        let h = work.isHidden(t, r, s)
        capture?.reads.append(contentsOf: [t, r, s.column, h ? 1 : 0])
        return h
    }

    /// Whether everything the family at `place` read of the hidden state reads the same.
    func stillHolds(_ place: Int) -> Bool {
        let w = recordings.kept[place].reads
        var i = 0
        while i < w.count {
            if work.isHidden(w[i], w[i + 1], Slot(column: w[i + 2])) != (w[i + 3] == 1) { return false }
            i += 4
        }
        return true
    }
}
