import PerfGateCore
import PerfGateStore
import Testing

/// What every store engine must do, whatever it is: each engine's suite calls these with a new,
/// empty store of its own.
enum RunStoreContract {
    /// Each check, for an engine's suite to run on a new store: `@Test(arguments: Case.allCases)`.
    enum Case: String, CaseIterable, Sendable {
        case recordsAndReadsBack, aRetriedStepRecordsOnce, comparesWithTheKeysLatestValidRuns, aRetryDoesNotCompareWithItself,
            pinsAndTags, retentionKeepsPinnedRuns, listsInPages, concurrentWritersLoseNothing, summarizesEachKey, hostileTextRoundTrips

        func run(on store: any RunStore) async throws {
            switch self {
            case .recordsAndReadsBack: try await RunStoreContract.recordsAndReadsBack(store)
            case .aRetriedStepRecordsOnce: try await RunStoreContract.aRetriedStepRecordsOnce(store)
            case .comparesWithTheKeysLatestValidRuns: try await RunStoreContract.comparesWithTheKeysLatestValidRuns(store)
            case .aRetryDoesNotCompareWithItself: try await RunStoreContract.aRetryDoesNotCompareWithItself(store)
            case .pinsAndTags: try await RunStoreContract.pinsAndTags(store)
            case .retentionKeepsPinnedRuns: try await RunStoreContract.retentionKeepsPinnedRuns(store)
            case .listsInPages: try await RunStoreContract.listsInPages(store)
            case .concurrentWritersLoseNothing: try await RunStoreContract.concurrentWritersLoseNothing(store)
            case .summarizesEachKey: try await RunStoreContract.summarizesEachKey(store)
            case .hostileTextRoundTrips: try await RunStoreContract.hostileTextRoundTrips(store)
            }
        }
    }

    static let checkout = RunKey(project: "shop", stage: "perf", service: "checkout")

    static func record(
        _ key: RunKey = checkout, time: Double, result: Verdict = .pass, value: Double = 100, runId: String? = nil, attempt: String? = "1",
        branch: String? = "main"
    ) -> NewRun {
        let record = HistoryRecord(
            time: time, window: nil, specKind: "perfspec", specPath: "spec.yaml", specDigest: "sha256:aa", context: key.context, result: result,
            score: result == .pass ? 100 : 0,
            values: [HistoryRecord.Value(id: "p95", key: "p95", value: value, status: result.rawValue, success: true)])
        let provenance = RunProvenance(platform: "github-actions", pipeline: "acme/shop", runId: runId, attempt: attempt, branch: branch)
        return NewRun(
            record: record, report: #"{"result":"\#(result.rawValue)"}"#, provenance: provenance,
            idempotencyKey: provenance.idempotencyKey(specDigest: record.specDigest, context: record.context), recordedAt: time)
    }

    static func query(
        _ key: RunKey = checkout, branch: String = "main", results: [Verdict] = [.pass], limit: Int = 10, excluding: RunProvenance? = nil
    )
        -> ComparisonQuery
    {
        ComparisonQuery(key: key, branch: branch, results: results, limit: limit, excluding: excluding)
    }

    static let forever = Retention(now: 0)

    /// A run reads back as it was recorded, with its report, provenance and key.
    static func recordsAndReadsBack(_ store: any RunStore) async throws {
        let id = try await store.record(record(time: 1000, runId: "7"), retention: forever).id
        let run = try #require(try await store.run(id: id))
        #expect(run.record.values.first?.value == 100)
        #expect(run.key == checkout && run.branch == "main")
        #expect(run.provenance.runId == "7" && run.provenance.platform == "github-actions")
        #expect(run.report == #"{"result":"pass"}"#)
        #expect(try await store.run(id: id + 1000) == nil)
    }

    /// The same run, attempt and spec record once; another attempt records again.
    static func aRetriedStepRecordsOnce(_ store: any RunStore) async throws {
        let first = try await store.record(record(time: 1000, runId: "7"), retention: forever)
        let again = try await store.record(record(time: 1001, runId: "7"), retention: forever)
        #expect(again == .duplicate(id: first.id))
        let rerun = try await store.record(record(time: 1002, runId: "7", attempt: "2"), retention: forever)
        #expect(rerun != .duplicate(id: first.id))
        #expect(try await store.runs(RunFilter(limit: 10)).count == 2)
    }

    /// Lighthouse's choice: same key and branch, allowed results, valid, newest first, at most the limit.
    static func comparesWithTheKeysLatestValidRuns(_ store: any RunStore) async throws {
        _ = try await store.record(record(time: 1, value: 1), retention: forever)
        _ = try await store.record(record(time: 2, result: .fail, value: 2), retention: forever)
        let third = try await store.record(record(time: 3, value: 3), retention: forever).id
        _ = try await store.record(record(time: 4, value: 4), retention: forever)
        _ = try await store.record(record(RunKey(service: "cart"), time: 5, value: 5), retention: forever)
        _ = try await store.record(record(time: 6, value: 6, branch: "feature"), retention: forever)
        func values(_ query: ComparisonQuery) async throws -> [Double] {
            try await store.comparison(query).compactMap { $0.values.first?.value }
        }
        #expect(try await values(query()) == [4, 3, 1])
        #expect(try await values(query(limit: 2)) == [4, 3])
        #expect(try await values(query(results: [.pass, .fail])) == [4, 3, 2, 1])
        #expect(try await values(query(branch: "feature")) == [6])
        #expect(try await values(query(RunKey(service: "cart"))) == [5])
        #expect(try await values(query(limit: 0)) == [])
        _ = try await store.update(id: third, RunChange(validity: .invalid(Invalidation(reason: "crashed", by: "ops", at: 10))))
        #expect(try await values(query()) == [4, 1])
        let invalid = try #require(try await store.run(id: third))
        #expect(invalid.invalidation == Invalidation(reason: "crashed", by: "ops", at: 10))
        _ = try await store.update(id: third, RunChange(validity: .valid))
        #expect(try await values(query()) == [4, 3, 1])
        #expect(try await store.update(id: 999_999, RunChange(validity: .valid)) == nil)
    }

    /// A retried step does not compare with its own first try.
    static func aRetryDoesNotCompareWithItself(_ store: any RunStore) async throws {
        _ = try await store.record(record(time: 1, value: 1, runId: "6"), retention: forever)
        _ = try await store.record(record(time: 2, value: 2, runId: "7"), retention: forever)
        let retry = RunProvenance(platform: "github-actions", pipeline: "acme/shop", runId: "7", attempt: "1", branch: "main")
        #expect(try await store.comparison(query(excluding: retry)).compactMap { $0.values.first?.value } == [1])
        #expect(try await store.comparison(query(excluding: RunProvenance())).compactMap { $0.values.first?.value } == [2, 1])
    }

    /// Pins, tags and their lookups.
    static func pinsAndTags(_ store: any RunStore) async throws {
        let first = try await store.record(record(time: 1), retention: forever).id
        let second = try await store.record(record(time: 2), retention: forever).id
        #expect(try await store.baseline(checkout) == nil)
        #expect(try await store.pin(checkout, runId: first, by: "ops", at: 5))
        #expect(try await store.baseline(checkout)?.runId == first)
        #expect(try await store.pin(checkout, runId: second, by: nil, at: 6))
        #expect(try await store.baseline(checkout)?.runId == second)
        #expect(!(try await store.pin(checkout, runId: 999_999, by: nil, at: 7)))
        #expect(try await store.unpin(checkout))
        #expect(!(try await store.unpin(checkout)))
        _ = try await store.update(id: first, RunChange(tag: "release-1.4"))
        #expect(try await store.run(reference: "release-1.4", key: checkout)?.id == first)
        #expect(try await store.run(reference: "release-1.4", key: RunKey(service: "cart")) == nil)
        #expect(try await store.run(reference: String(second), key: RunKey())?.id == second)
        _ = try await store.update(id: first, RunChange(tag: ""))
        #expect(try await store.run(reference: "release-1.4", key: checkout) == nil)
    }

    /// Retention by count and by age, per key and branch; a pinned run stays.
    static func retentionKeepsPinnedRuns(_ store: any RunStore) async throws {
        let oldest = try await store.record(record(time: 1, value: 1), retention: forever).id
        #expect(try await store.pin(checkout, runId: oldest, by: nil, at: 1))
        _ = try await store.record(record(RunKey(service: "cart"), time: 1, value: 1), retention: forever)
        for time in 2...6 { _ = try await store.record(record(time: Double(time), value: Double(time)), retention: Retention(runs: 3, now: 0)) }
        let kept = try await store.runs(RunFilter(service: "checkout", limit: 100)).compactMap { $0.record.values.first?.value }
        #expect(kept == [6, 5, 4, 1])
        #expect(try await store.runs(RunFilter(service: "cart", limit: 100)).count == 1)
        _ = try await store.record(record(time: 86_400 * 10, value: 7), retention: Retention(days: 2, now: 86_400 * 10))
        let recent = try await store.runs(RunFilter(service: "checkout", limit: 100)).compactMap { $0.record.values.first?.value }
        #expect(recent == [7, 1])
    }

    /// The list's filters and pages: every run once, newest first.
    static func listsInPages(_ store: any RunStore) async throws {
        for time in 1...25 {
            _ = try await store.record(record(time: Double(time), result: time % 5 == 0 ? .fail : .pass), retention: forever)
        }
        var seen: [Int64] = []
        var filter = RunFilter(project: "shop", stage: "perf", service: "checkout", branch: "main", limit: 10)
        while true {
            let page = try await store.runs(filter)
            seen += page.map(\.id)
            guard page.count == 10, let last = page.last else { break }
            filter.before = last.id
        }
        #expect(seen.count == 25 && seen == seen.sorted(by: >))
        #expect(try await store.runs(RunFilter(result: .fail, limit: 100)).count == 5)
        #expect(try await store.runs(RunFilter(branch: "other", limit: 100)).isEmpty)
    }

    /// 200 writers at once, a quarter of them retries: no run lost, none doubled.
    static func concurrentWritersLoseNothing(_ store: any RunStore) async throws {
        let outcomes = try await withThrowingTaskGroup(of: RecordOutcome.self) { group in
            for index in 0..<200 {
                group.addTask { try await store.record(record(time: Double(index), runId: String(index % 150)), retention: forever) }
            }
            var all: [RecordOutcome] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        let recorded = outcomes.filter { if case .recorded = $0 { return true } else { return false } }
        #expect(recorded.count == 150)
        #expect(Set(outcomes.map(\.id)).count == 150)
        #expect(try await store.runs(RunFilter(limit: 1000)).count == 150)
    }

    /// Every key once, with its count and newest run, in key order.
    static func summarizesEachKey(_ store: any RunStore) async throws {
        #expect(try await store.services(limit: 10).isEmpty)
        _ = try await store.record(record(time: 1, value: 1), retention: forever)
        _ = try await store.record(record(time: 2, value: 2, branch: "feature"), retention: forever)
        _ = try await store.record(record(RunKey(service: "cart"), time: 3, value: 3), retention: forever)
        let services = try await store.services(limit: 10)
        #expect(services.map(\.key) == [RunKey(service: "cart"), checkout])
        #expect(services.map(\.runs) == [1, 2])
        #expect(services.map { $0.latest.record.values.first?.value } == [3, 2])
        #expect(try await store.services(limit: 1).count == 1)
    }

    /// Labels, ids and reasons of any bytes come back as they went in.
    static func hostileTextRoundTrips(_ store: any RunStore) async throws {
        let hostile = "x'); DROP TABLE runs; --$1 ? \u{7}<script>\"\\\u{202E}"
        let key = RunKey(project: hostile, stage: "perf", service: "checkout")
        let id = try await store.record(record(key, time: 1, branch: hostile), retention: forever).id
        let run = try #require(try await store.run(id: id))
        #expect(run.key == key && run.branch == hostile)
        _ = try await store.update(id: id, RunChange(validity: .invalid(Invalidation(reason: hostile, by: hostile, at: 1)), tag: hostile))
        #expect(try await store.run(reference: hostile, key: key)?.invalidation?.reason == hostile)
        #expect(try await store.comparison(query(key, branch: hostile)).isEmpty)
        #expect(try await store.runs(RunFilter(project: hostile, limit: 10)).count == 1)
    }
}
