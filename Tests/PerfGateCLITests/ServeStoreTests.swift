import Foundation
import PerfGateTestSupport
import Synchronization
import Testing

/// `perfgate serve` with its results store, through the binary: `evaluate --server` from a CI
/// job records and compares; `perfgate history` reads, pins, tags, invalidates, exports and
/// imports; a killed server loses no acknowledged run.
@Suite(.serialized) struct ServeStoreTests {
    static let admin = "admin-key-0123456789abcdef"
    static let window = ["--start", "2024-05-01T12:00:00Z", "--end", "2024-05-01T12:10:00Z"]

    static func spec(_ value: Int) -> String {
        """
        spec_version: '1.0'
        indicators:
          - id: p95
            source: static
            query: \(value)
            grading: {type: Threshold, metricScore: 100, thresholds: {upperSevere: 5000, upperSeverePerc: 10}}
        objectives: {pass: 90, warning: 50}
        comparison: {compare_with: single_result, include_result_with_score: pass, number_of_comparison_results: 1}
        """
    }

    /// A GitLab job of pipeline `pipeline` on `branch`.
    static func gitlab(_ service: ServeProcess, pipeline: String, branch: String = "main") -> [String: String] {
        [
            "GITLAB_CI": "true", "CI_PIPELINE_ID": pipeline, "CI_JOB_NAME": "perf", "CI_PROJECT_PATH": "acme/shop", "CI_COMMIT_BRANCH": branch,
            "CI_COMMIT_SHA": "c0ffee", "CI_PIPELINE_URL": "https://gitlab.example/acme/shop/-/pipelines/\(pipeline)",
            "PERFGATE_SERVER": service.url, "PERFGATE_API_KEY": admin, "PERFGATE_SERVICE": "checkout", "PERFGATE_PROJECT": "shop"
        ]
    }

    static func service(_ folder: String) throws -> ServeProcess {
        try Fixtures.write("\(admin) evaluate,read,admin name=ops\n", to: folder + "/keys")
        return try ServeProcess(["--api-key-file", folder + "/keys", "--data-dir", folder])
    }

    @Test func aPipelineRecordsComparesAndManagesItsRuns() async throws {
        let data = try Fixtures.temporaryFolder()
        let service = try Self.service(data)
        let folder = try Fixtures.temporaryFolder()
        func evaluate(_ value: Int, pipeline: String, extra: [String] = []) async throws -> PerfGateBinary.Output {
            try Fixtures.write(Self.spec(value), to: folder + "/spec.yaml")
            return try await InProcess.run(
                ["evaluate", "--spec", "spec.yaml"] + Self.window + extra, environment: Self.gitlab(service, pipeline: pipeline), in: folder)
        }
        func history(_ arguments: [String]) async throws -> PerfGateBinary.Output {
            try await InProcess.run(["history"] + arguments, environment: Self.gitlab(service, pipeline: "0"), in: folder)
        }
        let first = try await evaluate(900, pipeline: "101")
        #expect(first.status == 0 && first.stderr.contains("recorded as run 1"), "\(first.stderr)")
        // The job retried: the same pipeline and job record once.
        let retried = try await evaluate(900, pipeline: "101")
        #expect(retried.status == 0 && retried.stderr.contains("recorded before as run 1"))
        // 1000 is over 900 + 10 %.
        let worse = try await evaluate(1000, pipeline: "102")
        #expect(worse.status == 1 && worse.stdout.contains("compared with 1 earlier run"))
        let listed = try await history(["list"])
        #expect(listed.status == 0)
        let ids: [String] = listed.stdout.split(separator: "\n").map { line in String(line.prefix { $0 != " " }) }
        #expect(ids == ["2", "1"])
        #expect(listed.stdout.contains("shop/-/checkout  main"))
        // Invalidate run 1: nothing passing is left to compare with, so 1000 passes.
        #expect(try await history(["invalidate", "1", "--reason", "the load generator crashed"]).status == 0)
        #expect(try await history(["list"]).stdout.contains("INVALID: the load generator crashed"))
        #expect(try await evaluate(1000, pipeline: "103").status == 0)
        // Restore it, tag it, and name it as the baseline.
        #expect(try await history(["invalidate", "1", "--restore", "--reason", "it was fine"]).status == 0)
        #expect(try await history(["tag", "1", "release-1.4"]).status == 0)
        let tagged = try await evaluate(1000, pipeline: "104", extra: ["--baseline", "release-1.4"])
        #expect(tagged.status == 1 && tagged.stdout.contains("compared 900 → severe >= 990"), "\(tagged.stdout)")
        let unknown = try await evaluate(1000, pipeline: "105", extra: ["--baseline", "no-such-run"])
        #expect(unknown.status == 64 && unknown.stderr.contains("no-such-run"))
        // The latest passing run is 1000 (run 3): 1050 would pass. Pinned run 1 (900) allows 990 only.
        #expect(try await history(["pin", "1"]).status == 0)
        #expect(try await evaluate(1050, pipeline: "106").status == 1)
        #expect(try await history(["pin", "--unpin"]).status == 0)
        // Export, import into a second server, export again: the same lines.
        let exported = try await history(["export", "--output", "export.jsonl"])
        #expect(exported.status == 0)
        let lines = try Fixtures.read(folder + "/export.jsonl")
        #expect(lines.split(separator: "\n").count == 5)
        #expect(await service.stop() == 0)
        let other = try Self.service(try Fixtures.temporaryFolder())
        let environment = Self.gitlab(other, pipeline: "0")
        let imported = try await InProcess.run(["history", "import", "export.jsonl", "--branch", "main"], environment: environment, in: folder)
        #expect(imported.status == 0 && imported.stderr.contains("imported 5 runs"), "\(imported.stderr)")
        let again = try await InProcess.run(["history", "import", "export.jsonl", "--branch", "main"], environment: environment, in: folder)
        #expect(again.stderr.contains("imported 0 runs") && again.stderr.contains("5 were there already"))
        let roundTrip = try await InProcess.run(["history", "export"], environment: environment, in: folder)
        #expect(roundTrip.stdout == lines)
        // Without the admin scope, pinning is refused (64).
        try Fixtures.write("read-only-key-0123456789 read\n", to: folder + "/keys")
        let reader = try ServeProcess(["--api-key-file", folder + "/keys", "--data-dir", folder])
        var readOnly = Self.gitlab(reader, pipeline: "0")
        readOnly["PERFGATE_API_KEY"] = "read-only-key-0123456789"
        let refused = try await InProcess.run(["history", "pin", "1"], environment: readOnly, in: folder)
        #expect(refused.status == 64 && refused.stderr.contains("'admin' scope"))
        #expect(await other.stop() == 0)
        #expect(await reader.stop() == 0)
    }

    /// A store that cannot be opened stops the start with the reason and 64: SQLite in a folder
    /// that is not there, a data folder that is not there.
    @Test func anUnusableStoreStopsTheStart() throws {
        let sqlite = try PerfGateBinary.run(["serve", "--port", "0", "--store", "sqlite:/nonexistent/perfgate.db"], timeLimit: 20)
        #expect(sqlite.status == 64 && sqlite.stderr.contains("/nonexistent/perfgate.db"), "\(sqlite.stderr)")
        let folder = try PerfGateBinary.run(["serve", "--port", "0", "--data-dir", "/nonexistent"], timeLimit: 20)
        #expect(folder.status == 64 && folder.stderr.contains("the data folder /nonexistent"), "\(folder.stderr)")
    }

    /// `kill -9` during a stream of writes: after a restart the database opens, every run the
    /// server acknowledged is there with its report, and there are no others.
    @Test func aKilledServerKeepsEveryAcknowledgedRun() async throws {
        let data = try Fixtures.temporaryFolder()
        try await Self.killedDuringWrites { try Self.service(data) }
    }

    /// Starts a server with `start`, writes to it from 4 clients, kills it with SIGKILL after 40
    /// acknowledged runs, starts it again on the same store and reads every run back.
    static func killedDuringWrites(_ start: () throws -> ServeProcess) async throws {
        let service = try start()
        let acknowledged = Mutex<[String]>([])
        let refused = Mutex<[String]>([])
        let body =
            #"{"spec":"indicators:\n  - id: p95\n    source: static\n    query: 100\n    grading: {type: Threshold, thresholds: {upperSevere: 200}, metricScore: 100}\nobjectives: {pass: 90, warning: 50}\n","variables":{"SERVICE":"checkout"},"provenance":{"platform":"gitlab","runId":"RUN"}}"#
        let port = service.port
        let writers = (0..<4).map { writer in
            Thread.detachNewThreadWithResult {
                var index = 0
                while true {
                    index += 1
                    guard
                        let answer = post(
                            port: port, path: "/api/v1/evaluate", body: body.replacingOccurrences(of: "RUN", with: "\(writer)-\(index)"))
                    else {
                        return
                    }
                    guard answer.hasPrefix("HTTP/1.1 200"), let range = answer.range(of: #""runId":""#) else {
                        refused.withLock { $0.append(answer) }
                        return
                    }
                    let id = answer[range.upperBound...].prefix { $0 != "\"" }
                    acknowledged.withLock { $0.append(String(id)) }
                }
            }
        }
        let started = ContinuousClock.now
        while acknowledged.withLock({ $0.count }) < 40 && refused.withLock({ $0.count }) < 4 && ContinuousClock.now - started < .seconds(60) {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(refused.withLock { $0.isEmpty }, "\(refused.withLock { $0.first ?? "" })")
        _ = await service.stop(SIGKILL)
        await OwnThread.run { for writer in writers { writer.wait() } }
        let acked = Set(acknowledged.withLock { $0 })
        let restarted = try start()
        let stored = try await Self.storedRuns(restarted)
        #expect(acked.count >= 40)
        #expect(acked.isSubset(of: Set(stored.map(\.id))), "lost: \(acked.subtracting(stored.map(\.id)).sorted())")
        // At most the writes in flight at the kill were stored unacknowledged, and each stored run is whole.
        #expect(stored.count - acked.count <= 4)
        for run in stored.prefix(60) {
            let answer = try await Curl.run(["-H", "Authorization: Bearer \(Self.admin)", restarted.url + "/api/v1/runs/" + run.id])
            #expect(answer.status == 200 && answer.body.contains(#""indicatorResults""#), "run \(run.id)")
        }
        #expect(await restarted.stop() == 0)
    }

    /// Every stored run's id and summary, through the API's pages.
    static func storedRuns(_ service: ServeProcess) async throws -> [(id: String, run: [String: Any])] {
        var stored: [(id: String, run: [String: Any])] = []
        var cursor = ""
        repeat {
            let page = try await Curl.run([
                "-H", "Authorization: Bearer \(Self.admin)", service.url + "/api/v1/runs?limit=200&include=record" + cursor
            ])
            #expect(page.status == 200)
            let root = try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any]
            for run in root?["runs"] as? [[String: Any]] ?? [] { stored.append((run["id"] as? String ?? "", run)) }
            cursor = (root?["nextCursor"] as? String).map { "&cursor=" + $0 } ?? ""
        } while !cursor.isEmpty
        return stored
    }

    /// One POST with the admin key on a connection of its own; nil when the server is gone.
    static func post(port: Int, path: String, body: String) -> String? {
        guard let connection = try? RawConnection(port: port, timeout: 30) else { return nil }
        let head =
            "POST \(path) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(admin)\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        guard connection.send(head + body) else { return nil }
        let answer = connection.readAll()
        return answer.isEmpty ? nil : answer
    }
}

/// Two `perfgate serve` replicas on one PostgreSQL database, as behind a load balancer.
@Suite(.serialized, .enabled(if: PostgresTestServer.isAvailable, "no PostgreSQL server (CI starts one and sets PERFGATE_REQUIRE_SERVERS=1)"))
struct ServePostgresTests {
    static func replica(_ url: String, _ folder: String) throws -> ServeProcess {
        try Fixtures.write("\(ServeStoreTests.admin) evaluate,read,admin\n", to: folder + "/keys")
        return try ServeProcess(["--api-key-file", folder + "/keys", "--store", url, "--max-evaluations", "256"])
    }

    /// 200 evaluations at once, spread over both replicas, each step sent twice (a retry) with
    /// relative criteria: 100 runs stored, none lost, none doubled, each comparison drawn from
    /// stored runs and never from the run itself.
    @Test func twoReplicasShareOneStore() async throws {
        let url = try PostgresTestServer.freshDatabase()
        let folder = try Fixtures.temporaryFolder()
        let replicas = [try Self.replica(url, folder), try Self.replica(url, folder)]
        let answers = Mutex<[Int: [String]]>([:])
        @Sendable func body(_ run: Int) -> String {
            #"{"spec":"indicators:\n  - id: p95\n    source: static\n    query: VALUE\n    grading: {type: Threshold, thresholds: {upperSeverePerc: 50}, metricScore: 100}\nobjectives: {pass: 90, warning: 50}\ncomparison: {compare_with: several_results, include_result_with_score: all, number_of_comparison_results: 5}\n","variables":{"SERVICE":"checkout"},"provenance":{"platform":"github-actions","runId":"RUN","attempt":"1","branch":"main"},"start":START,"end":END}"#
                .replacingOccurrences(of: "VALUE", with: String(100 + run)).replacingOccurrences(of: "RUN", with: String(run))
                // Each run's own window: what identifies it among the runs compared with.
                .replacingOccurrences(of: "START", with: String(1_714_564_800 + run * 60))
                .replacingOccurrences(of: "END", with: String(1_714_564_830 + run * 60))
        }
        // Ten earlier runs, so that every one of the 200 has runs to compare with.
        for run in 1000..<1010 { _ = ServeStoreTests.post(port: replicas[run % 2].port, path: "/api/v1/evaluate", body: body(run)) }
        let threads = (0..<200).map { index in
            Thread.detachNewThreadWithResult {
                let run = index / 2
                let answer = ServeStoreTests.post(port: replicas[index % 2].port, path: "/api/v1/evaluate", body: body(run)) ?? ""
                answers.withLock { $0[run, default: []].append(answer) }
            }
        }
        await OwnThread.run { for thread in threads { thread.wait() } }
        let stored = try await ServeStoreTests.storedRuns(replicas[0])
        #expect(stored.count == 110)
        func start(_ record: Any?) -> String? { ((record as? [String: Any])?["window"] as? [String: Any])?["start"] as? String }
        let storedWindows = Set(stored.compactMap { start($0.run["record"]) })
        var problems: [String] = []
        for (run, pair) in answers.withLock({ $0 }) {
            let roots = pair.compactMap { answer -> [String: Any]? in
                guard answer.hasPrefix("HTTP/1.1 200"), let start = answer.range(of: "\r\n\r\n") else { return nil }
                return try? JSONSerialization.jsonObject(with: Data(answer[start.upperBound...].utf8)) as? [String: Any]
            }
            guard roots.count == 2 else {
                problems.append("run \(run): \(pair.map { String($0.prefix(200)) })")
                continue
            }
            let ids = Set(roots.compactMap { ($0["store"] as? [String: Any])?["runId"] as? String })
            if ids.count != 1 { problems.append("run \(run) recorded as \(ids.sorted())") }
            for root in roots {
                let own = start(root["historyRecord"])
                for compared in root["comparedRuns"] as? [[String: Any]] ?? [] {
                    let window = start(compared) ?? ""
                    if !storedWindows.contains(window) { problems.append("run \(run) compared with the run of \(window), which is not stored") }
                    if window == own { problems.append("run \(run) compared with itself") }
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        // Every run compared (with the ten earlier ones at least).
        let compared = answers.withLock { $0.values.flatMap { $0 } }.filter { $0.contains(#""comparedRuns""#) }.count
        #expect(compared == 200, "\(compared) of 200 answers compared with earlier runs")
        for replica in replicas {
            let status = await replica.stop()
            // A crash's first lines say why; a backtrace's last ones rarely do.
            let log = replica.stderr
            let crash = log.range(of: "Fatal error") ?? log.range(of: "crashed") ?? log.range(of: "BUG DETECTED")
            #expect(
                status == 0, "\(String(describing: status)): \(crash.map { String(log[$0.lowerBound...].prefix(1500)) } ?? String(log.suffix(2000)))")
        }
    }

    @Test func aKilledReplicaKeepsEveryAcknowledgedRun() async throws {
        let url = try PostgresTestServer.freshDatabase()
        let folder = try Fixtures.temporaryFolder()
        try await ServeStoreTests.killedDuringWrites { try Self.replica(url, folder) }
    }

    /// A store that cannot be reached at start: the reason, and exit 64 before listening.
    @Test func anUnreachableStoreStopsTheStart() throws {
        let output = try PerfGateBinary.run(
            ["serve", "--port", "0", "--store", "postgres://perfgate:sekrit-pw@127.0.0.1:1/perfgate?connect_timeout=2"], timeLimit: 20)
        #expect(output.status == 64)
        #expect(output.stderr.contains("cannot connect to the PostgreSQL store postgres://perfgate:***@127.0.0.1:1/perfgate"), "\(output.stderr)")
        #expect(!output.stderr.contains("sekrit-pw"))
    }
}

extension Thread {
    /// A thread running `body`, and a way to wait for it.
    static func detachNewThreadWithResult(_ body: @escaping @Sendable () -> Void) -> ThreadDone {
        let done = ThreadDone()
        Thread.detachNewThread {
            body()
            done.finish()
        }
        return done
    }
}

/// A thread's end, to wait for.
final class ThreadDone: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    func finish() { semaphore.signal() }
    func wait() { semaphore.wait() }
}
