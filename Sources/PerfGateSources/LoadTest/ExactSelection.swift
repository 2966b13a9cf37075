import PerfGateCore

/// Exact order statistics of a stream of numbers that can be read again, in bounded memory.
///
/// The caller keeps up to `limit` values from its first pass and sorts them. When a stream has
/// more, each rank is found by narrowing instead: a pass counts the values by the next 16 bits of
/// an order-preserving key (the number's bits, sign-adjusted), the bucket holding the rank is
/// kept, and the next pass narrows again or, once that bucket holds at most `limit` values,
/// collects and sorts them. The answer is exact; it costs one to five more passes, typically two,
/// and at most `limit` numbers plus 512 KiB of counts per rank.
package struct ExactSelection {
    var limit: Int

    package init(limit: Int) { self.limit = limit }

    /// The values at 0-based `ranks` (each below `count`) of what `pass` yields. `pass` calls its
    /// argument with every value of the stream, the same ones on every call.
    package func values(
        atRanks ranks: [Int], count: Int,
        pass: (_ visit: (Double) -> Void) throws(SourceError) -> Void
    ) throws(SourceError) -> [Double] {
        var states = ranks.map { State(rank: $0, candidates: count) }
        while states.contains(where: { $0.result == nil }) {
            var histograms = states.map { $0.result == nil && $0.candidates > limit ? [Int](repeating: 0, count: 1 << 16) : [] }
            var collected = states.map { _ in [Double]() }
            try pass { value in
                let key = Self.key(value)
                for index in states.indices where states[index].result == nil && states[index].holds(key) {
                    if histograms[index].isEmpty {
                        collected[index].append(value)
                    } else {
                        histograms[index][Int((key << states[index].bits) >> 48)] += 1
                    }
                }
            }
            for index in states.indices where states[index].result == nil {
                if histograms[index].isEmpty {
                    guard collected[index].count == states[index].candidates else { throw Self.changed }
                    collected[index].sort()
                    states[index].result = collected[index][states[index].rank]
                } else {
                    try states[index].narrow(by: histograms[index])
                }
            }
        }
        return states.map { $0.result ?? 0 }
    }

    static let changed = SourceError("the file changed while perfgate read it; run the gate again once the load test has finished writing it")

    /// One rank being looked for: the values whose key starts with `prefix` (its top `bits` bits)
    /// are the candidates, and the answer is the `rank`-th of them.
    private struct State {
        var rank: Int
        var candidates: Int
        var prefix: UInt64 = 0
        var bits = 0
        var result: Double?

        func holds(_ key: UInt64) -> Bool { bits == 0 || key >> (64 - bits) == prefix }

        mutating func narrow(by histogram: [Int]) throws(SourceError) {
            guard histogram.reduce(0, +) == candidates else { throw ExactSelection.changed }
            var below = 0
            for (bucket, hits) in histogram.enumerated() {
                if below + hits > rank {
                    rank -= below
                    prefix = prefix << 16 | UInt64(bucket)
                    bits += 16
                    candidates = hits
                    // All 64 bits known: every candidate is this one value.
                    if bits == 64 { result = ExactSelection.value(prefix) }
                    return
                }
                below += hits
            }
            throw ExactSelection.changed
        }
    }

    /// A key whose unsigned order is the numbers' order: the sign bit flipped for positive
    /// numbers, all bits for negative ones.
    static func key(_ value: Double) -> UInt64 {
        let bits = value.bitPattern
        return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
    }

    static func value(_ key: UInt64) -> Double {
        Double(bitPattern: key >> 63 == 1 ? key & ~(1 << 63) : ~key)
    }
}
