/// The earlier runs a run is compared with, chosen the way lighthouse chooses them: only runs
/// for the same project, stage and service; filtered by their overall result
/// (`include_result_with_score`); newest first; at most `number_of_comparison_results` (one for
/// `single_result`).
package struct ComparisonSet: Sendable {
    /// Newest first.
    package let runs: [HistoryRecord]
    package let aggregateFunction: SLOSpec.AggregateFunction
    /// Successful values by indicator and key, newest first: a spec with 100,000 keys stays linear.
    let index: [IndexKey: [Double]]

    struct IndexKey: Hashable, Sendable {
        var id: String
        var key: String
    }

    package init(runs: [HistoryRecord], aggregateFunction: SLOSpec.AggregateFunction = .avg) {
        self.runs = runs
        self.aggregateFunction = aggregateFunction
        var index: [IndexKey: [Double]] = [:]
        for run in runs {
            var seen = Set<IndexKey>()
            for entry in run.values {
                let key = IndexKey(id: entry.id, key: entry.key)
                // The first entry of a run for a key counts; failed ones never do (keptn/keptn#1263).
                guard seen.insert(key).inserted, entry.success, let value = entry.value else { continue }
                index[key, default: []].append(value)
            }
        }
        self.index = index
    }

    package static let empty = ComparisonSet(runs: [])

    /// Picks the runs from a history, oldest first as the file keeps it.
    package static func select(from history: [HistoryRecord], comparison: SLOSpec.Comparison, context: [String: String]) -> ComparisonSet {
        let eligible = history.reversed().filter { record in
            guard record.context == context else { return false }
            switch comparison.includeResultWithScore {
            case .pass: return record.result == .pass
            case .passOrWarn: return record.result == .pass || record.result == .warning
            case .all: return true
            }
        }
        return ComparisonSet(runs: Array(eligible.prefix(max(0, comparison.resultsToCompare))), aggregateFunction: comparison.aggregateFunction)
    }

    /// The successful earlier values of one indicator and key, newest first. Failed ones are
    /// never compared with (lighthouse's fix for keptn/keptn#1263).
    package func values(id: String, key: String) -> [Double] {
        index[IndexKey(id: id, key: key)] ?? []
    }

    /// The aggregate to compare with; nil when no earlier run has a usable value.
    package func aggregate(id: String, key: String) -> Double? {
        SLOAggregate.value(values(id: id, key: key), function: aggregateFunction)
    }
}
