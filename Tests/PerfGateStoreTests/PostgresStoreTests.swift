import PerfGateCore
import PerfGateStore
import PerfGateTestSupport
import Testing

/// The PostgreSQL engine against the same contract as SQLite, on a real server (a new database
/// per test), and its schema's upgrades.
@Suite(.enabled(if: PostgresTestServer.isAvailable, "no PostgreSQL server (CI starts one and sets PERFGATE_REQUIRE_SERVERS=1)"))
struct PostgresStoreTests {
    static func store() throws -> PostgresStore { try PostgresStore(uri: try PostgresTestServer.freshDatabase(), password: nil) }

    @Test(arguments: RunStoreContract.Case.allCases)
    func contract(_ check: RunStoreContract.Case) async throws { try await check.run(on: try Self.store()) }

    /// PostgreSQL's text has no NUL: such a run is refused whole, never stored cut short.
    @Test func textWithNULIsRefusedNotCut() async throws {
        let store = try Self.store()
        let key = RunKey(project: "a\u{0}b", stage: "perf", service: "checkout")
        await #expect(throws: StoreError.self) { try await store.record(RunStoreContract.record(key, time: 1), retention: RunStoreContract.forever) }
        #expect(try await store.runs(RunFilter(limit: 10)).isEmpty)
    }

    /// Two stores on one database (two replicas): the same step recorded by both at once records once.
    @Test func twoReplicasRecordAStepOnce() async throws {
        let url = try PostgresTestServer.freshDatabase()
        let first = try PostgresStore(uri: url, password: nil)
        let second = try PostgresStore(uri: url, password: nil)
        let outcomes = try await withThrowingTaskGroup(of: RecordOutcome.self) { group in
            for index in 0..<100 {
                let store = index % 2 == 0 ? first : second
                group.addTask {
                    try await store.record(
                        RunStoreContract.record(time: Double(index), runId: String(index / 2)), retention: RunStoreContract.forever)
                }
            }
            var all: [RecordOutcome] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        #expect(Set(outcomes.map(\.id)).count == 50)
        #expect(outcomes.filter { if case .duplicate = $0 { return true } else { return false } }.count == 50)
        #expect(try await first.runs(RunFilter(limit: 1000)).count == 50)
    }

    /// A database made by the first schema upgrades at start, its runs kept.
    @Test func aDatabaseOfThePreviousSchemaUpgrades() async throws {
        let url = try PostgresTestServer.freshDatabase()
        let old = try PostgresStore(uri: url, password: nil, schemaVersion: 1)
        #expect(try await old.schemaVersion() == 1)
        let id = try await old.record(RunStoreContract.record(time: 1, runId: "1"), retention: RunStoreContract.forever).id
        let upgraded = try PostgresStore(uri: url, password: nil)
        #expect(try await upgraded.schemaVersion() == 2)
        #expect(try await upgraded.run(id: id)?.record.values.first?.value == 100)
        _ = try await upgraded.update(id: id, RunChange(validity: .invalid(Invalidation(reason: "r", by: nil, at: 1)), tag: "t"))
        #expect(try await upgraded.run(reference: "t", key: RunStoreContract.checkout)?.invalidation?.reason == "r")
        #expect(try await upgraded.pin(RunStoreContract.checkout, runId: id, by: nil, at: 1))
        #expect(try await PostgresStore(uri: url, password: nil).schemaVersion() == 2)
    }

    /// A wrong password or a server that is not there: the reason, the server without its password, and what to check.
    @Test func aStoreThatCannotBeReachedIsSaid() throws {
        let url = try #require(PostgresTestServer.url)
        let wrong = url.replacingOccurrences(of: "://perfgate:", with: "://perfgate:wrong-")
        #expect {
            _ = try PostgresStore(uri: wrong, password: nil)
        } throws: { error in
            let message = (error as? StoreError)?.message ?? ""
            return message.contains("password authentication failed") && !message.contains("wrong-") && message.contains("PGPASSWORD")
        }
        #expect {
            _ = try PostgresStore(uri: "postgres://perfgate@127.0.0.1:1/perfgate?connect_timeout=2", password: nil)
        } throws: { error in
            (error as? StoreError)?.message.contains("cannot connect to the PostgreSQL store postgres://perfgate@127.0.0.1:1/perfgate") == true
        }
    }
}
