import PerfGateCore

/// The trend's earlier runs, indexed once per report: each run's value of an indicator and key
/// (the first, as a history keeps it), and each indicator's keys, newest run first. Looking them
/// up in the runs' lists instead costs every chart a pass over every value of every run.
struct TrendIndex {
    /// Oldest first.
    let runs: [HistoryRecord]
    private let values: [[Pair: HistoryRecord.Value]]
    private let keysByID: [String: [String]]

    private struct Pair: Hashable {
        var id: String
        var key: String
    }

    init(_ runs: [HistoryRecord]) {
        self.runs = runs
        values = runs.map { run in
            var byPair: [Pair: HistoryRecord.Value] = [:]
            for value in run.values where byPair[Pair(id: value.id, key: value.key)] == nil { byPair[Pair(id: value.id, key: value.key)] = value }
            return byPair
        }
        var keys: [String: [String]] = [:]
        var seen = Set<Pair>()
        for run in runs.reversed() {
            for value in run.values where seen.insert(Pair(id: value.id, key: value.key)).inserted { keys[value.id, default: []].append(value.key) }
        }
        keysByID = keys
    }

    var isEmpty: Bool { runs.isEmpty }

    /// The run's value of an indicator and key, if it has one.
    func value(run: Int, id: String, key: String) -> HistoryRecord.Value? {
        values[run][Pair(id: id, key: key)]
    }

    /// The keys an indicator had in the runs, newest run first, each once.
    func keys(of id: String) -> [String] { keysByID[id] ?? [] }
}
