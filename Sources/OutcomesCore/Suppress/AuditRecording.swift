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
    /// Events in order: `0 t r column` a count's node was asked for; `1 value` a constant;
    /// `2 kind count handle… [coefficient… constant]` a relation, over the handles (the
    /// numbers of the node events before it in this recording).
    var words: [Int] = []
    /// What the family read of the hidden state, `t r column hidden` each: the recording holds
    /// while every one of them still reads the same.
    var reads: [Int] = []
    /// The handle of each node asked for in this recording (by node number).
    private var handleOf: [Int: Int] = [:]
    private var handles = 0
    /// False when a relation named a node the recording did not ask for (never expected): such a
    /// recording is not kept.
    private(set) var complete = true

    mutating func touch(_ n: Int, _ ref: Audit.Ref) {
        words.append(0); words.append(ref.t); words.append(ref.r); words.append(ref.column)
        handleOf[n] = handles; handles += 1
    }

    mutating func constant(_ n: Int, _ v: Int) {
        words.append(1); words.append(v)
        handleOf[n] = handles; handles += 1
    }

    mutating func relation(_ r: Intervals.Relation) {
        words.append(2); words.append(r.kindCode); words.append(r.nodeCount)
        r.forEachNode { n in
            guard let h = handleOf[n] else { complete = false; words.append(-1); return }
            words.append(h)
        }
        if case let .linear(ts, k) = r {
            for t in ts { words.append(t.coefficient) }
            words.append(k)
        }
    }
}

/// Each family's last recording.
struct AuditRecordings {
    /// A family: what makes it (`AuditModel.Family`), the table and the set or row it covers.
    struct Key: Hashable { var kind: Int, t: Int, index: Int }
    var kept: [Key: AuditRecording] = [:]
}

extension AuditModel {
    /// Runs one family of `build`: replays its recording when everything it read of the hidden
    /// state reads the same, else builds it and records it.
    mutating func family(_ key: AuditRecordings.Key, _ body: (inout AuditModel) -> Void) {
        if let k = recordings.kept[key], stillHolds(k) {
            replay(k)
            return
        }
        capture = AuditRecording()
        body(&self)
        let made = capture!
        capture = nil
        recordings.kept[key] = made.complete ? made : nil
    }

    /// Whether a count is hidden, remembered by the family being recorded.
    mutating func readHidden(_ t: Int, _ r: Int, _ s: Slot) -> Bool {
        let h = work.isHidden(t, r, s)
        if capture != nil {
            let column: Int
            switch s { case .cell(let i): column = i; case .unshown(let j): column = 1000 + j }
            capture!.reads.append(contentsOf: [t, r, column, h ? 1 : 0])
        }
        return h
    }

    private func stillHolds(_ rec: AuditRecording) -> Bool {
        let w = rec.reads
        var i = 0
        while i < w.count {
            let s: Slot = w[i + 2] >= 1000 ? .unshown(w[i + 2] - 1000) : .cell(w[i + 2])
            if work.isHidden(w[i], w[i + 1], s) != (w[i + 3] == 1) { return false }
            i += 4
        }
        return true
    }

    private mutating func replay(_ rec: AuditRecording) {
        let w = rec.words
        var nodeOfHandle: [Int] = []
        var i = 0
        while i < w.count {
            switch w[i] {
            case 0:
                let t = w[i + 1], r = w[i + 2], column = w[i + 3]
                i += 4
                // Most counts were made by an earlier family: found by position, no name needed.
                if let n = nodeOf[Audit.Ref(t: t, r: r, name: "", column: column)] {
                    nodeOfHandle.append(n)
                    continue
                }
                let table = work.tables[t]
                let (name, slot): (String, Slot) = column >= 1000
                    ? (table.unshownCounts[column - 1000], .unshown(column - 1000))
                    : (table.indicators[column].name, .cell(column))
                // The count had a whole value when recorded, and values never change.
                guard let n = node(t, r, name, slot) else { preconditionFailure("audit replay: \(name) lost its value") }
                nodeOfHandle.append(n)
            case 1:
                nodeOfHandle.append(intervals.add(lo: w[i + 1], hi: w[i + 1], fixed: true))
                refOf.append(Audit.Ref(t: -1, r: -1, name: "", column: -1))
                i += 2
            default:
                let kind = w[i + 1], count = w[i + 2]
                let ns = w[(i + 3)..<(i + 3 + count)].map { nodeOfHandle[$0] }
                i += 3 + count
                switch kind {
                case 0: relate(.sum(parent: ns[0], members: Array(ns.dropFirst())))
                case 1: relate(.bounded(parent: ns[0], members: Array(ns.dropFirst())))
                case 2: relate(.atLeastSum(whole: ns[0], parts: Array(ns.dropFirst())))
                default:
                    let terms = (0..<count).map { (coefficient: w[i + $0], node: ns[$0]) }
                    relate(.linear(terms: terms, constant: w[i + count]))
                    i += count + 1
                }
            }
        }
    }
}
