import PerfGateCore
import PerfGateStore
import PerfGateTestSupport
import Testing

/// The SQLite engine against the store contract, and its schema's upgrades.
@Suite struct SQLiteStoreTests {
    static func store() throws -> SQLiteStore {
        try SQLiteStore(path: try Fixtures.temporaryFolder() + "/perfgate.db")
    }

    @Test(arguments: RunStoreContract.Case.allCases)
    func contract(_ check: RunStoreContract.Case) async throws { try await check.run(on: try Self.store()) }

    /// A database made by the first schema (runs only) upgrades at open: its runs stay, and what
    /// the second schema added (invalidation, tags, baselines) works on them.
    @Test func aDatabaseOfThePreviousSchemaUpgrades() async throws {
        let path = try Fixtures.temporaryFolder() + "/perfgate.db"
        let old = try SQLiteStore(path: path, schemaVersion: 1)
        #expect(try old.schemaVersion() == 1)
        let id = try await old.record(RunStoreContract.record(time: 1, runId: "1"), retention: RunStoreContract.forever).id
        let upgraded = try SQLiteStore(path: path)
        #expect(try upgraded.schemaVersion() == 2)
        #expect(try await upgraded.run(id: id)?.record.values.first?.value == 100)
        #expect(try await upgraded.record(RunStoreContract.record(time: 2, runId: "1"), retention: RunStoreContract.forever) == .duplicate(id: id))
        _ = try await upgraded.update(id: id, RunChange(validity: .invalid(Invalidation(reason: "r", by: nil, at: 1)), tag: "t"))
        #expect(try await upgraded.run(reference: "t", key: RunStoreContract.checkout)?.invalidation?.reason == "r")
        #expect(try await upgraded.pin(RunStoreContract.checkout, runId: id, by: nil, at: 1))
        // Opening again applies nothing more.
        #expect(try SQLiteStore(path: path).schemaVersion() == 2)
    }

    /// A file that is not a database, or a folder that cannot hold one: a message with the path and the fix.
    @Test func anUnusableFileIsSaidWithItsPath() throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write("not a database, just text that is long enough to fill a page header\n", to: folder + "/text.db")
        #expect {
            _ = try SQLiteStore(path: folder + "/text.db")
        } throws: { error in
            (error as? StoreError)?.message.contains(folder + "/text.db") == true
                && (error as? StoreError)?.message.contains("not a database") == true
        }
        #expect {
            _ = try SQLiteStore(path: folder + "/missing/perfgate.db")
        } throws: { error in
            (error as? StoreError)?.message.contains("folder exists") == true
        }
    }
}
