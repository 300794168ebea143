/// The relations of one audit family, kept between rounds (PRECISE.md 41).
///
/// Why: a county audit takes about twenty rounds a phase, and each round hides a few cells in a
/// few tables, yet working every relation out again from the tables (names looked up, rows
/// keyed, rates read) was most of the report's time. A family's relations depend on the hidden
/// state only through a few reads (a set is exact when its parent's two counts are shown and
/// equal; a percentage bounds its counts when it is shown), which the recording keeps: while they
/// all read the same, the family makes the same counts' nodes in the same order and the same
/// relations over them. Replaying the recording does exactly that: every node is made afresh from
/// the current state (its bounds may have changed through another table), and every relation goes
/// through `relate` as before, so the round's relations, nodes and their order are the ones
/// building from scratch gives, byte for byte.
struct AuditRecording {
    /// The family it records (checked on replay: families come in the same order every round).
    let key: AuditRecordings.Key
    /// The counts the family asked for, in order: `0 t r column` a count's node, `1 value` a
    /// constant. Their nodes are the recording's handles, numbered in that order.
    var touches: [Int] = []
    /// The family's relations over the handles: `kind count handle… [coefficient… constant]`.
    var relationWords: [Int] = []
    /// What the family read of the hidden state, `t r column hidden` each: the recording holds
    /// while every one of them still reads the same.
    var reads: [Int] = []
    /// The node of each handle when the relations were last made, and those relations (as
    /// `relate` was given them): a round whose handles get the same nodes reuses them as they are.
    var nodes: [Int] = []
    var relations = RelationList()
    /// The handle of each node asked for while recording (by node number).
    private var handleOf: [Int: Int] = [:]
    /// False when a relation named a node the recording did not ask for (never expected): such a
    /// recording is not kept.
    private(set) var complete = true

    init(key: AuditRecordings.Key) { self.key = key }

    mutating func touch(_ n: Int, _ ref: Audit.Ref) {
        touches.append(0); touches.append(ref.t); touches.append(ref.r); touches.append(ref.column)
        handleOf[n] = nodes.count; nodes.append(n)
    }

    mutating func constant(_ n: Int, _ v: Int) {
        touches.append(1); touches.append(v)
        handleOf[n] = nodes.count; nodes.append(n)
    }

    mutating func relation(_ r: Intervals.Relation) {
        relations.append(r)
        var missing = false
        relations.spell(relations.count - 1, into: &relationWords) { n in
            guard let h = handleOf[n] else { missing = true; return -1 }
            return h
        }
        if missing { complete = false }
    }

    /// Done recording: the handles are not needed again.
    mutating func finish() { handleOf = [:] }
}

/// Each family's last recording, by the family's place in the round's order.
struct AuditRecordings {
    /// A family: what makes it (`AuditModel.Family`), the table and the set or row it covers.
    struct Key: Equatable { var kind: Int, t: Int, index: Int }
    var kept: [AuditRecording?] = []
    /// The next family's place in this round.
    var next = 0
}

extension AuditModel {
    /// Runs one family of `build`: replays its recording when everything it read of the hidden
    /// state reads the same, else builds it and records it.
    mutating func family(_ key: AuditRecordings.Key, _ body: (inout AuditModel) -> Void) {
        let place = recordings.next
        recordings.next += 1
        if recordings.kept.count <= place { recordings.kept.append(nil) }
        if var k = recordings.kept[place].take(), k.key == key, stillHolds(k) {
            replay(&k)
            recordings.kept[place] = k
            return
        }
        capture = AuditRecording(key: key)
        body(&self)
        var made = capture!
        capture = nil
        made.finish()
        recordings.kept[place] = made.complete ? made : nil
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

    /// The family again: its nodes in order, then its relations. (Making every node before the
    /// first relation is the same as interleaving them: a relation only reads its own nodes,
    /// which come before it.)
    private mutating func replay(_ rec: inout AuditRecording) {
        let w = rec.touches
        var nodes: [Int] = []
        nodes.reserveCapacity(rec.nodes.count)
        var i = 0
        while i < w.count {
            if w[i] == 1 {
                nodes.append(intervals.add(lo: w[i + 1], hi: w[i + 1], fixed: true))
                refOf.append(Audit.Ref(t: -1, r: -1, name: "", column: -1))
                i += 2
                continue
            }
            let t = w[i + 1], r = w[i + 2], column = w[i + 3]
            i += 4
            // Most counts were made by an earlier family: found by position, no name needed.
            if let n = nodeOf[Audit.Ref(t: t, r: r, name: "", column: column)] {
                nodes.append(n)
                continue
            }
            let slot = Slot(column: column)
            let name: String
            switch slot {
            case .cell(let c): name = work.tables[t].indicators[c].name
            case .unshown(let u): name = work.tables[t].unshownCounts[u]
            }
            // The count had a whole value when recorded, and values never change.
            guard let n = node(t, r, name, slot) else { preconditionFailure("audit replay: \(name) lost its value") }
            nodes.append(n)
        }
        if nodes != rec.nodes {
            var list = RelationList(), i = 0
            while i < rec.relationWords.count { list.append(spelt: rec.relationWords, at: &i) { nodes[$0] } }
            rec.relations = list
            rec.nodes = nodes
        }
        relate(all: rec.relations)
    }
}
