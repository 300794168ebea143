/// The audit's relations in flat arrays: a kind, a run of nodes and, for a linear relation, its
/// coefficients and constant (PRECISE.md 41).
///
/// Why flat: a county audit walks about 40,000 relations several times a round for twenty rounds
/// a phase. Held as enums with an array each, every walk retained and released every array and
/// every round allocated them all again; here a relation is a range of one array of node numbers.
struct RelationList: ExpressibleByArrayLiteral {
    /// `Intervals.Relation.kindCode` of each relation.
    private(set) var kinds: [UInt8] = []
    /// Relation `i`'s nodes are `nodes[starts[i]..<starts[i + 1]]`, in `Relation.nodes` order.
    private(set) var starts: [Int] = [0]
    private(set) var nodes: [Int] = []
    /// A linear relation's coefficient of each of its nodes (0 for the other kinds).
    private(set) var coefficients: [Int] = []
    /// A linear relation's constant (0 for the other kinds).
    private(set) var constants: [Int] = []

    init() {}
    init(arrayLiteral elements: Intervals.Relation...) { for r in elements { append(r) } }

    var count: Int { kinds.count }
    var indices: Range<Int> { 0..<kinds.count }

    func kind(_ i: Int) -> Int { Int(kinds[i]) }
    func range(_ i: Int) -> Range<Int> { starts[i]..<starts[i + 1] }

    mutating func reserveCapacity(relations: Int, nodes n: Int) {
        kinds.reserveCapacity(relations); starts.reserveCapacity(relations + 1); constants.reserveCapacity(relations)
        nodes.reserveCapacity(n); coefficients.reserveCapacity(n)
    }

    mutating func append(_ r: Intervals.Relation) {
        kinds.append(UInt8(r.kindCode))
        r.forEachNode { nodes.append($0) }
        if case let .linear(ts, k) = r {
            for t in ts { coefficients.append(t.coefficient) }
            constants.append(k)
        } else {
            coefficients.append(contentsOf: repeatElement(0, count: nodes.count - coefficients.count))
            constants.append(0)
        }
        starts.append(nodes.count)
    }

    /// Appends every relation of `other`, in order.
    mutating func append(all other: RelationList) {
        let offset = nodes.count
        kinds.append(contentsOf: other.kinds)
        for s in other.starts.dropFirst() { starts.append(s + offset) }
        nodes.append(contentsOf: other.nodes)
        coefficients.append(contentsOf: other.coefficients)
        constants.append(contentsOf: other.constants)
    }

    /// Appends relations `range` of `other`, in order.
    mutating func append(_ range: Range<Int>, of other: RelationList) {
        guard !range.isEmpty else { return }
        let from = other.starts[range.lowerBound], to = other.starts[range.upperBound]
        let offset = nodes.count - from
        kinds.append(contentsOf: other.kinds[range])
        for i in (range.lowerBound + 1)...range.upperBound { starts.append(other.starts[i] + offset) }
        nodes.append(contentsOf: other.nodes[from..<to])
        coefficients.append(contentsOf: other.coefficients[from..<to])
        constants.append(contentsOf: other.constants[range])
    }

    /// Spells relation `i` into `words` as `kind count node… [coefficient… constant]` (the
    /// constant and coefficients for a linear relation only), each node through `node`: a
    /// part's description, a recording's relations over its handles.
    func spell(_ i: Int, into words: inout [Int], node: (Int) -> Int) {
        let r = range(i)
        words.append(Int(kinds[i])); words.append(r.count)
        for k in r { words.append(node(nodes[k])) }
        if kinds[i] == 3 {
            words.append(contentsOf: coefficients[r])
            words.append(constants[i])
        }
    }

    /// Appends the relation `spell` wrote at `words[i...]`, each node through `node`, and moves
    /// `i` past it.
    mutating func append(spelt words: [Int], at i: inout Int, node: (Int) -> Int) {
        let kind = words[i], count = words[i + 1]
        kinds.append(UInt8(kind))
        for k in (i + 2)..<(i + 2 + count) { nodes.append(node(words[k])) }
        i += 2 + count
        if kind == 3 {
            coefficients.append(contentsOf: words[i..<(i + count)])
            constants.append(words[i + count])
            i += count + 1
        } else {
            coefficients.append(contentsOf: repeatElement(0, count: count))
            constants.append(0)
        }
        starts.append(nodes.count)
    }

    /// Relation `i` as an enum (tests and descriptions; the hot paths read the arrays).
    subscript(i: Int) -> Intervals.Relation {
        let ns = Array(nodes[range(i)])
        switch kinds[i] {
        case 0: return .sum(parent: ns[0], members: Array(ns.dropFirst()))
        case 1: return .bounded(parent: ns[0], members: Array(ns.dropFirst()))
        case 2: return .atLeastSum(whole: ns[0], parts: Array(ns.dropFirst()))
        default:
            return .linear(terms: zip(coefficients[range(i)], ns).map { (coefficient: $0, node: $1) }, constant: constants[i])
        }
    }
}
