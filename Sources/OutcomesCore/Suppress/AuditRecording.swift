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
/// needs its nodes looked up again.
struct AuditRecording {
    /// The family it records (checked each round: families come in the same order every round).
    let key: AuditRecordings.Key
    /// The nodes the family asked for, in order (the order of first use gives `hiddenNodes`).
    var touches: [Int] = []
    /// The family's relations, every one as `relate` was given it.
    var relations = RelationList()
    /// What the family read of the hidden state, `t r column hidden` each: the recording holds
    /// while every one of them still reads the same.
    var reads: [Int] = []

    init(key: AuditRecordings.Key) { self.key = key }
}

/// Each family's last recording, by the family's place in the round's order.
struct AuditRecordings {
    /// A family: what makes it (`AuditModel.Family`), the table and the set or row it covers.
    struct Key: Equatable { var kind: Int, t: Int, index: Int }
    var kept: [AuditRecording?] = []
    /// The next family's place in this round.
    var next = 0
    /// Families built (not kept) this round.
    var built = 0
}

extension AuditModel {
    /// Runs one family of `build`: keeps its recording when everything it read of the hidden
    /// state reads the same, else builds it and records it.
    mutating func family(_ key: AuditRecordings.Key, _ body: (inout AuditModel) -> Void) {
        let place = recordings.next
        recordings.next += 1
        if recordings.kept.count <= place { recordings.kept.append(nil) }
        if let k = recordings.kept[place], k.key == key, stillHolds(k) { return }
        capture = AuditRecording(key: key)
        recordings.built += 1
        body(&self)
        recordings.kept[place] = capture.take()
    }

    /// Whether a count is hidden, remembered by the family being recorded.
    mutating func readHidden(_ t: Int, _ r: Int, _ s: Slot) -> Bool {
        let h = work.isHidden(t, r, s)
        capture?.reads.append(contentsOf: [t, r, s.column, h ? 1 : 0])
        return h
    }

    private func stillHolds(_ rec: AuditRecording) -> Bool {
        let w = rec.reads
        var i = 0
        while i < w.count {
            if work.isHidden(w[i], w[i + 1], Slot(column: w[i + 2])) != (w[i + 3] == 1) { return false }
            i += 4
        }
        return true
    }
}
