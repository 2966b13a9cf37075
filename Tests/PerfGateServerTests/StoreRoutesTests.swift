import PerfGateCore
import PerfGateServer
import PerfGateStore
import PerfGateTestSupport
import Testing

/// A store that fails every call, as a lost database does.
struct FailingStore: RunStore {
    var description: String { "a failing store" }
    static let error = StoreError("connection to postgres://perfgate:store-secret-pw@db/perfgate lost")
    func record(_ run: NewRun, retention: Retention) async throws(StoreError) -> RecordOutcome { throw Self.error }
    func comparison(_ query: ComparisonQuery) async throws(StoreError) -> [HistoryRecord] { throw Self.error }
    func runs(_ filter: RunFilter) async throws(StoreError) -> [StoredRun] { throw Self.error }
    func run(id: Int64) async throws(StoreError) -> StoredRun? { throw Self.error }
    func run(reference: String, key: RunKey) async throws(StoreError) -> StoredRun? { throw Self.error }
    func update(id: Int64, _ change: RunChange) async throws(StoreError) -> StoredRun? { throw Self.error }
    func baseline(_ key: RunKey) async throws(StoreError) -> Baseline? { throw Self.error }
    func pin(_ key: RunKey, runId: Int64, by: String?, at: Double) async throws(StoreError) -> Bool { throw Self.error }
    func unpin(_ key: RunKey) async throws(StoreError) -> Bool { throw Self.error }
    func services(limit: Int) async throws(StoreError) -> [ServiceSummary] { throw Self.error }
}

/// The service with a results store: recording, comparing, the runs, baselines and trends routes, scopes.
@Suite struct StoreRoutesTests {
    static let admin = "admin-key-0123456789abcdef"
    static let reader = "read-key-0123456789abcdef"
    static let evaluator = "eval-key-0123456789abcdef"

    static func harness(store: (any RunStore)? = nil, required: Bool = false) throws -> ServiceHarness {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write("\(admin) admin,read,evaluate name=ops\n\(reader) read\n\(evaluator) evaluate\n", to: folder + "/keys")
        let store = try store ?? SQLiteStore(path: folder + "/perfgate.db")
        return ServiceHarness(apiKeys: try APIKeys.load(folder + "/keys"), store: StoreSettings(store: store, required: required))
    }

    /// A static PerfSpec whose p95 may grow 10 % over the latest passing run.
    static func evaluation(value: Double, runId: String?, service: String = "checkout", branch: String = "main", target: String? = nil) -> String {
        let spec = """
            spec_version: '1.0'
            indicators:
              - id: p95
                source: static
                query: \(NumberText.format(value))
                grading: {type: Threshold, metricScore: 100, thresholds: {upperSevere: 5000, upperSeverePerc: 10}}
            objectives: {pass: 90, warning: 50}
            comparison: {compare_with: single_result, include_result_with_score: pass, number_of_comparison_results: 1}
            """
        var provenance: [(String, Node)] = [("platform", .string("gitlab")), ("branch", .string(branch))]
        if let runId { provenance.append(("runId", .string(runId))) }
        if let target { provenance.append(("targetBranch", .string(target))) }
        return JSONWriter.write(
            .object([
                ("spec", .string(spec)), ("variables", .object([("SERVICE", .string(service)), ("PROJECT", .string("shop"))])),
                ("provenance", .object(provenance))
            ]))
    }

    static func send(_ harness: ServiceHarness, _ method: String, _ path: String, body: String = "", key: String = admin) async -> (
        status: Int, root: Node?, body: String, headers: [(String, String)]
    ) {
        let answer = await harness.send(method, path, body: body, headers: ["authorization": "Bearer " + key])
        return (answer.status, try? JSONParser.parse(answer.body), answer.body, answer.headers)
    }

    @Test func evaluationsAreRecordedOnceAndCompareWithTheBranchsRuns() async throws {
        let harness = try Self.harness()
        let first = await Self.send(harness, "POST", "/api/v1/evaluate", body: Self.evaluation(value: 900, runId: "1"))
        #expect(first.status == 200 && first.root?["result"]?.stringValue == "pass")
        #expect(first.root?["store"]?["recorded"]?.boolValue == true && first.root?["store"]?["runId"]?.stringValue == "1")
        #expect(first.headers.contains { $0.0 == "PerfGate-Run-Id" && $0.1 == "1" })
        // The retried step: the same verdict, not recorded again.
        let retried = await Self.send(harness, "POST", "/api/v1/evaluate", body: Self.evaluation(value: 900, runId: "1"))
        #expect(retried.root?["store"]?["duplicate"]?.boolValue == true && retried.root?["store"]?["runId"]?.stringValue == "1")
        // 1000 is more than 10 % over 900: the stored run is compared with.
        let worse = await Self.send(harness, "POST", "/api/v1/evaluate", body: Self.evaluation(value: 1000, runId: "2"))
        #expect(worse.root?["result"]?.stringValue == "fail")
        #expect(worse.root?["comparedRuns"]?.items?.count == 1)
        // Another branch has no earlier run; a merge request into main compares with main's.
        let feature = await Self.send(harness, "POST", "/api/v1/evaluate", body: Self.evaluation(value: 1000, runId: "3", branch: "feature"))
        #expect(feature.root?["result"]?.stringValue == "pass")
        let mergeRequest = await Self.send(
            harness, "POST", "/api/v1/evaluate", body: Self.evaluation(value: 1000, runId: "4", branch: "feature", target: "main"))
        #expect(mergeRequest.root?["result"]?.stringValue == "fail")
        // Another service never compares with checkout's runs.
        let cart = await Self.send(harness, "POST", "/api/v1/evaluate", body: Self.evaluation(value: 4000, runId: "5", service: "cart"))
        #expect(cart.root?["result"]?.stringValue == "pass")
        let list = await Self.send(harness, "GET", "/api/v1/runs?service=checkout", key: Self.reader)
        #expect(list.root?["runs"]?.items?.count == 4)
    }

    @Test func aPinnedBaselineOrAnInvalidatedRunChangesTheComparison() async throws {
        let harness = try Self.harness()
        func result(_ value: Double, _ runId: String) async -> String? {
            await Self.send(harness, "POST", "/api/v1/evaluate", body: Self.evaluation(value: value, runId: runId)).root?["result"]?.stringValue
        }
        #expect(await result(500, "1") == "pass")
        #expect(await result(540, "2") == "pass")
        // The latest passing run (540) allows 594; a pinned run 1 (500) allows 550.
        #expect(await result(590, "3") == "pass")
        let pin = await Self.send(harness, "PUT", "/api/v1/baselines/shop/-/checkout", body: #"{"run": "1"}"#)
        #expect(pin.status == 200 && pin.root?["runId"]?.stringValue == "1" && pin.root?["pinnedBy"]?.stringValue == "ops")
        #expect(await result(590, "4") == "fail")
        #expect(await Self.send(harness, "GET", "/api/v1/baselines/shop/-/checkout", key: Self.reader).root?["runId"]?.stringValue == "1")
        #expect(await Self.send(harness, "DELETE", "/api/v1/baselines/shop/-/checkout").status == 200)
        #expect(await Self.send(harness, "DELETE", "/api/v1/baselines/shop/-/checkout").status == 404)
        // Unpinned: 600 against run 3 (590) passes. Invalidate runs 3 and 5: then run 2 (540) is compared with, and 600 fails.
        #expect(await result(600, "5") == "pass")
        for id in ["3", "5"] {
            let invalidated = await Self.send(
                harness, "PATCH", "/api/v1/runs/\(id)", body: #"{"invalidated": true, "reason": "load generator crashed"}"#)
            #expect(invalidated.root?["invalidated"]?["reason"]?.stringValue == "load generator crashed")
            #expect(invalidated.root?["invalidated"]?["by"]?.stringValue == "ops")
        }
        #expect(await result(600, "6") == "fail")
        // A run of another key cannot be its baseline; a missing one is a 404.
        #expect(await Self.send(harness, "PUT", "/api/v1/baselines/shop/-/cart", body: #"{"run": "1"}"#).status == 400)
        #expect(await Self.send(harness, "PUT", "/api/v1/baselines/shop/-/checkout", body: #"{"run": "999"}"#).status == 404)
        // --baseline: a tag or an id of the store.
        _ = await Self.send(harness, "PATCH", "/api/v1/runs/1", body: #"{"tag": "release-1.4"}"#)
        var body = try #require(JSONParser.parse(Self.evaluation(value: 560, runId: "7")).members)
        body.append(Node.Member(key: "baseline", value: .string("release-1.4")))
        let tagged = await Self.send(harness, "POST", "/api/v1/evaluate", body: JSONWriter.write(Node(.object(body))))
        #expect(tagged.root?["result"]?.stringValue == "fail" && tagged.root?["comparedRuns"]?.items?.count == 1)
        body[body.count - 1] = Node.Member(key: "baseline", value: .string("no-such-tag"))
        let missing = await Self.send(harness, "POST", "/api/v1/evaluate", body: JSONWriter.write(Node(.object(body))))
        #expect(missing.status == 400 && missing.root?["exitCode"]?.numberValue == 64)
        #expect(missing.root?["message"]?.stringValue?.contains("no-such-tag") == true)
    }

    @Test func eachRouteNeedsItsScope() async throws {
        let harness = try Self.harness()
        _ = await Self.send(harness, "POST", "/api/v1/evaluate", body: Self.evaluation(value: 500, runId: "1"), key: Self.evaluator)
        #expect(await Self.send(harness, "GET", "/api/v1/runs", key: Self.evaluator).status == 403)
        #expect(await Self.send(harness, "GET", "/api/v1/runs", key: Self.reader).status == 200)
        #expect(await Self.send(harness, "GET", "/api/v1/runs/1", key: Self.reader).status == 200)
        #expect(await Self.send(harness, "GET", "/api/v1/trends?project=shop&service=checkout", key: Self.reader).status == 200)
        #expect(await Self.send(harness, "POST", "/api/v1/evaluate", body: Self.evaluation(value: 1, runId: "2"), key: Self.reader).status == 403)
        for (method, path, body) in [
            ("PATCH", "/api/v1/runs/1", #"{"invalidated": true, "reason": "x"}"#), ("PUT", "/api/v1/baselines/shop/-/checkout", #"{"run": "1"}"#),
            ("DELETE", "/api/v1/baselines/shop/-/checkout", ""), ("POST", "/api/v1/runs", #"{"history": ""}"#)
        ] {
            let refused = await Self.send(harness, method, path, body: body, key: Self.reader)
            #expect(refused.status == 403 && refused.body.contains("'admin' scope"), "\(method) \(path)")
        }
        #expect(await Self.send(harness, "GET", "/api/v1/runs", key: "wrong-key-0123456789abcdef").status == 401)
    }

    @Test func theRunsListPagesAndRefusesBadParameters() async throws {
        let harness = try Self.harness()
        for index in 1...5 { _ = await Self.send(harness, "POST", "/api/v1/evaluate", body: Self.evaluation(value: 100, runId: String(index))) }
        let first = await Self.send(harness, "GET", "/api/v1/runs?limit=2")
        #expect(first.root?["runs"]?.items?.compactMap { $0["id"]?.stringValue } == ["5", "4"])
        let cursor = try #require(first.root?["nextCursor"]?.stringValue)
        let second = await Self.send(harness, "GET", "/api/v1/runs?limit=2&cursor=\(cursor)")
        #expect(second.root?["runs"]?.items?.compactMap { $0["id"]?.stringValue } == ["3", "2"])
        let last = await Self.send(harness, "GET", "/api/v1/runs?limit=2&cursor=2")
        #expect(last.root?["runs"]?.items?.count == 1 && last.root?["nextCursor"] == nil)
        for query in ["limit=0", "limit=201", "limit=x", "cursor=abc", "result=maybe"] {
            #expect(await Self.send(harness, "GET", "/api/v1/runs?" + query).status == 400, "\(query)")
        }
        #expect(await Self.send(harness, "GET", "/api/v1/runs/abc").status == 404)
        #expect(await Self.send(harness, "GET", "/api/v1/runs/99").status == 404)
        #expect(await Self.send(harness, "PATCH", "/api/v1/runs/1", body: #"{"invalidated": true}"#).status == 400)
        #expect(await Self.send(harness, "PATCH", "/api/v1/runs/1", body: "{}").status == 400)
        #expect(await Self.send(harness, "DELETE", "/api/v1/runs/1").status == 405)
        let html = await harness.send("GET", "/api/v1/runs/1", headers: ["authorization": "Bearer " + Self.admin, "accept": "text/html"])
        #expect(html.status == 200 && html.body.hasPrefix("<!DOCTYPE html>"))
        #expect(html.headers.contains { $0.0 == "Content-Security-Policy" && $0.1.contains("default-src 'none'") })
        let trends = await Self.send(harness, "GET", "/api/v1/trends?project=shop&service=checkout&limit=3")
        #expect(trends.root?["runs"]?.items?.compactMap { $0["id"]?.stringValue } == ["3", "4", "5"])
    }

    /// Hostile labels and branches come back as JSON that parses, byte for byte.
    @Test func hostileLabelsStayData() async throws {
        let harness = try Self.harness()
        let hostile = "\"},{\"id\":\"9\u{2028}<script>alert(1)</script>\n::error::x"
        let body = Self.evaluation(value: 100, runId: hostile, service: hostile, branch: hostile)
        #expect(await Self.send(harness, "POST", "/api/v1/evaluate", body: body).status == 400)  // control characters in provenance
        let clean = hostile.replacingOccurrences(of: "\n", with: " ")
        let accepted = await Self.send(
            harness, "POST", "/api/v1/evaluate", body: Self.evaluation(value: 100, runId: clean, service: clean, branch: clean))
        #expect(accepted.status == 200)
        let list = await Self.send(harness, "GET", "/api/v1/runs?include=record")
        let run = try #require(list.root?["runs"]?.items?.first)
        #expect(run["service"]?.stringValue == clean && run["branch"]?.stringValue == clean && run["provenance"]?["runId"]?.stringValue == clean)
        #expect(list.root?["runs"]?.items?.count == 1)
    }

    @Test func importingAHistoryFileRecordsEachLineOnce() async throws {
        let harness = try Self.harness()
        let lines = [
            #"{"time":"2024-05-01T12:00:00Z","spec":{"kind":"perfspec"},"context":{"service":"checkout"},"result":"pass","score":100,"indicators":[{"id":"p95","key":"p95","value":100,"status":"pass","success":true}]}"#,
            "not json",
            #"{"time":"2024-05-02T12:00:00Z","spec":{"kind":"perfspec"},"context":{"service":"checkout"},"result":"fail","score":0,"indicators":[]}"#
        ].joined(separator: "\n")
        let body = JSONWriter.write(.object([("history", .string(lines)), ("branch", .string("main"))]))
        let first = await Self.send(harness, "POST", "/api/v1/runs", body: body)
        #expect(first.root?["imported"]?.numberValue == 2 && first.root?["skipped"]?.items?.count == 1)
        let again = await Self.send(harness, "POST", "/api/v1/runs", body: body)
        #expect(again.root?["imported"]?.numberValue == 0 && again.root?["duplicates"]?.numberValue == 2)
        let list = await Self.send(harness, "GET", "/api/v1/runs?service=checkout&branch=main")
        #expect(list.root?["runs"]?.items?.count == 2)
    }

    /// A store that fails: the verdict comes with a warning (never the store's password), counted in
    /// /metrics; with --store-required, a 503.
    @Test func aFailingStoreWarnsOrRefusesWhenRequired() async throws {
        let lenient = try Self.harness(store: FailingStore())
        let answer = await Self.send(lenient, "POST", "/api/v1/evaluate", body: Self.evaluation(value: 100, runId: "1"))
        #expect(answer.status == 200 && answer.root?["result"]?.stringValue == "pass")
        #expect(answer.root?["store"]?["recorded"]?.boolValue == false)
        let warning = try #require(answer.root?["store"]?["warning"]?.stringValue)
        #expect(warning.contains("not recorded") && warning.contains("could not be read"))
        let metrics = await Self.send(lenient, "GET", "/metrics")
        #expect(metrics.body.contains(#"perfgate_store_failures_total{operation="write"} 1"#))
        #expect(metrics.body.contains(#"perfgate_store_failures_total{operation="read"} 1"#))
        #expect(await Self.send(lenient, "GET", "/api/v1/runs").status == 503)

        let strict = try Self.harness(store: FailingStore(), required: true)
        let refused = await Self.send(strict, "POST", "/api/v1/evaluate", body: Self.evaluation(value: 100, runId: "1"))
        #expect(refused.status == 503 && refused.headers.contains { $0.0 == "Retry-After" })
        #expect(refused.root?["message"]?.stringValue?.contains("--store-required") == true)
    }

    @Test func aStatelessServiceHasNoRunsAndPitometerIsNeverRecorded() async throws {
        let stateless = ServiceHarness()
        let answer = await stateless.send("GET", "/api/v1/runs")
        #expect(answer.status == 404 && answer.body.contains("--store"))
        let harness = try Self.harness()
        _ = await Self.send(harness, "POST", "/api/pitometer", body: ServiceHarness.pitometerBody())
        #expect(await Self.send(harness, "GET", "/api/v1/runs").root?["runs"]?.items?.isEmpty == true)
    }
}

/// The dashboard's pages from the store: the services, a key's heatmap and trends, hostile labels as text.
@Suite struct DashboardRoutesTests {
    @Test func theServicesAndAServicesRunsAreShown() async throws {
        let harness = try StoreRoutesTests.harness()
        let hostile = "<script>alert(1)</script>\"&' ##vso[task.complete]"
        for (index, value) in [500.0, 540, 700].enumerated() {
            _ = await StoreRoutesTests.send(
                harness, "POST", "/api/v1/evaluate", body: StoreRoutesTests.evaluation(value: value, runId: String(index), branch: hostile))
        }
        _ = await StoreRoutesTests.send(
            harness, "POST", "/api/v1/evaluate", body: StoreRoutesTests.evaluation(value: 1, runId: "9", service: hostile))
        _ = await StoreRoutesTests.send(harness, "PATCH", "/api/v1/runs/2", body: #"{"invalidated": true, "reason": "<b>crashed</b>"}"#)
        let overview = await StoreRoutesTests.send(harness, "GET", "/", key: StoreRoutesTests.reader)
        #expect(overview.status == 200)
        #expect(overview.headers.contains { $0.0 == "Content-Security-Policy" && $0.1 == "default-src 'none'; style-src 'unsafe-inline'" })
        #expect(!overview.body.contains("<script>") && overview.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(overview.body.components(separatedBy: "<tr><td>").count - 1 == 2)
        #expect(overview.body.contains("/dashboard?project=shop&amp;stage=&amp;service=checkout"))
        #expect(overview.body.contains("✗ FAIL") && overview.body.contains(">3</td></tr>"))
        let page = await StoreRoutesTests.send(harness, "GET", "/dashboard?project=shop&service=checkout", key: StoreRoutesTests.reader)
        #expect(page.status == 200 && !page.body.contains("<script>") && !page.body.contains("<b>crashed"))
        // Three rows, newest first, one indicator column; run 2 struck through with its reason.
        #expect(page.body.components(separatedBy: "<td><a href=\"/api/v1/runs/").count - 1 == 3)
        #expect(page.body.contains("<tr class=\"invalid\"><td><a href=\"/api/v1/runs/2\">#2</a>"))
        #expect(page.body.contains("invalid: &lt;b&gt;crashed&lt;/b&gt;"))
        #expect(page.body.contains("<td class=\"g-fail\">700 ✗</td>") && page.body.contains("<td class=\"g-pass\">500 ✓</td>"))
        // One trend chart, over the two valid runs.
        #expect(page.body.components(separatedBy: "<svg class=\"chart\"").count - 1 == 1)
        #expect(page.body.contains("over 2 valid runs"))
        #expect(await StoreRoutesTests.send(harness, "GET", "/dashboard?limit=0").status == 400)
        #expect(await StoreRoutesTests.send(harness, "GET", "/", key: StoreRoutesTests.evaluator).status == 403)
        #expect(await StoreRoutesTests.send(harness, "POST", "/").status == 405)
    }
}
