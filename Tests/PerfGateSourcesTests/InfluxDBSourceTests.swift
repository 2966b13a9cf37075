import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

/// The `influxdb` source against a real InfluxDB 1.6 (Debian's `influxdb`) holding k6-like points.
@Suite(.enabled(if: InfluxDBServer.isAvailable, "influxdb is not installed (CI sets PERFGATE_REQUIRE_SERVERS=1)"))
struct InfluxDBSourceTests {
    let window = Window(start: Double(InfluxDBData.windowStart), end: Double(InfluxDBData.windowEnd))

    func source(environment: [String: String] = ["INFLUXDB_DATABASE": "k6"], server: Result<LoopbackServer, any Error> = InfluxDBServer.shared) throws
        -> InfluxDBSource
    {
        InfluxDBSource(configuration: SourceConfiguration(environment: environment, flags: ["influxdb-url": try server.get().url]))
    }

    func answer(_ query: Node, window: Window? = nil) async throws -> SourceAnswer {
        try await source().answer(query, context: SourceContext(window: window ?? self.window))
    }

    @Test func k6sPercentilesPerRequestName() async throws {
        let answer = try await answer(.string(#"SELECT percentile("value", 95) FROM "http_req_duration" WHERE $timeFilter GROUP BY "name""#))
        // InfluxDB's percentile is the nearest rank: 10 of 1..10, 100 of 10..100.
        #expect(answer.measurements.map(\.key) == [#"http_req_duration{name="home"}"#, #"http_req_duration{name="login"}"#])
        #expect(answer.measurements.map(\.value) == [100, 10])
        // A placeholder's value comes with the run, not with the query.
        let login = try await source().answer(
            .string(#"SELECT max("value") FROM "http_req_duration" WHERE $timeFilter AND "name" = '$NAME'"#),
            context: SourceContext(window: window, variables: ["NAME": "login"]))
        #expect(login.measurements.map(\.value) == [10])
    }

    @Test func theWindowBoundsThePoints() async throws {
        let query = Node.string(#"SELECT max("value") FROM "http_req_duration" WHERE $timeFilter AND "name" = 'login'"#)
        #expect(try await answer(query).measurements.map(\.value) == [10])
        // 12:00:01 to 12:00:05 holds login's 1 to 5, both ends included.
        #expect(try await answer(query, window: Window(start: 1_714_564_801, end: 1_714_564_805)).measurements.map(\.value) == [5])
        // Nothing in the window: no values, never zero.
        #expect(try await answer(query, window: Window(start: 1_714_560_000, end: 1_714_560_600)).measurements.isEmpty)
    }

    @Test func aColumnIsNamedWhenThereAreSeveral() async throws {
        let statement = #"SELECT percentile("value", 50) AS p50, mean("value") AS mean FROM "http_req_duration" WHERE $timeFilter GROUP BY "name""#
        let picked = try await answer(.object([("query", .string(statement)), ("column", .string("mean"))]))
        #expect(picked.measurements.map(\.value) == [55, 5.5])
        await #expect(throws: SourceError.self) { try await answer(.string(statement)) }
        do {
            _ = try await answer(.string(statement))
        } catch let error as SourceError {
            #expect(error.message.contains("has 2 value columns (p50, mean); name the one to grade with the query's 'column'"), "\(error.message)")
        }
    }

    @Test func theDatabaseComesFromTheQueryTheSpecOrTheEnvironment() async throws {
        let statement = Node.string(#"SELECT count("value") FROM "http_req_duration" WHERE $timeFilter"#)
        let bare = try source(environment: [:])
        let fromSpec = try await bare.answer(
            statement, context: SourceContext(window: window, sourceSettings: .object([("influxdb", .object([("database", .string("k6"))]))])))
        #expect(fromSpec.measurements.map(\.value) == [20])
        let fromQuery = try await bare.answer(
            .object([("query", statement), ("database", .string("k6")), ("retentionPolicy", .string("autogen"))]),
            context: SourceContext(window: window))
        #expect(fromQuery.measurements.map(\.value) == [20])
    }

    @Test func itsErrorsFailTheQuery() async throws {
        let url = try InfluxDBServer.shared.get().url
        // HTTP 200 with the statement's error.
        await #expect(throws: SourceError("influxdb: POST \(url)/query: database not found: nodb")) {
            try await answer(.object([("query", .string(#"SELECT "value" FROM "x""#)), ("database", .string("nodb"))]))
        }
        await #expect(throws: SourceError("influxdb: POST \(url)/query: retention policy not found: nope")) {
            try await answer(.object([("query", .string(#"SELECT "value" FROM "x""#)), ("retentionPolicy", .string("nope"))]))
        }
        // HTTP 400.
        do {
            _ = try await answer(.string("SELEC 1"))
            Issue.record("a broken statement was answered")
        } catch let error as SourceError {
            #expect(error.message.hasPrefix("influxdb: POST \(url)/query: HTTP 400: error parsing query: found SELEC"), "\(error.message)")
        }
    }

    @Test func curvesAndACanarysSamplesUseTheStep() async throws {
        let source = try source()
        let context = SourceContext(window: window)
        let statement = #"SELECT mean("value") FROM "latency" WHERE $timeFilter AND "version" = '$VERSION' GROUP BY time($interval) fill(none)"#
        let stable = InfluxDBQuery(statement: statement)
        var stableContext = context
        stableContext.variables = ["VERSION": "stable"]
        let curve = try await source.series(stable, context: stableContext, step: 60)
        #expect(curve.count == 11, "\(curve.count) points")  // a bucket a minute, 12:00 to 12:10
        #expect(curve.first?.timestamp == Double(InfluxDBData.windowStart))
        let samples = try await source.samples(stable, context: stableContext, step: 15)
        #expect(samples.count == 41)
        var slowContext = context
        slowContext.variables = ["VERSION": "canary-slow"]
        let slow = try await source.samples(stable, context: slowContext, step: 15)
        #expect(slow.count == 41 && slow.compactMap { $0 }.min()! >= 0.28)
        // Grading, $interval is the window's length, and every bucket is graded. InfluxDB aligns
        // buckets to multiples of the interval since the epoch: this window is one, and its
        // included end (12:10:00) opens a second.
        #expect(try await source.answer(stable, context: stableContext).measurements.map(\.timestamp) == [1_714_564_800, 1_714_565_400])
        // One value over the window is an aggregate without GROUP BY time.
        let overall = InfluxDBQuery(statement: #"SELECT max("value") FROM "latency" WHERE $timeFilter AND "version" = 'stable'"#)
        #expect(try await source.answer(overall, context: context).measurements.map(\.value) == [0.2 + 10 * 0.004])
    }

    @Test func basicAuthGoesToTheConfiguredServerAndA401SaysWhatToSet() async throws {
        let server = InfluxDBServer.authenticated
        let statement = Node.string(#"SELECT count("value") FROM "up" WHERE $timeFilter"#)
        let anonymous = try source(server: server)
        do {
            _ = try await anonymous.answer(statement, context: SourceContext(window: window))
            Issue.record("an anonymous query was answered")
        } catch let error as SourceError {
            #expect(error.message.contains("HTTP 401: unable to parse authentication credentials (check INFLUXDB_USERNAME"), "\(error.message)")
        }
        let credentials = ["INFLUXDB_DATABASE": "k6", "INFLUXDB_USERNAME": InfluxDBData.user, "INFLUXDB_PASSWORD": InfluxDBData.password]
        let signedIn = try source(environment: credentials, server: server)
        #expect(try await signedIn.answer(statement, context: SourceContext(window: window)).measurements.map(\.value) == [1])
        // A server only the spec names gets no credentials.
        let url = try server.get().url
        let specOnly = InfluxDBSource(configuration: SourceConfiguration(environment: credentials))
        let settings = Node.object([("influxdb", .object([("url", .string(url))]))])
        await #expect(throws: SourceError.self) {
            try await specOnly.answer(statement, context: SourceContext(window: window, sourceSettings: settings))
        }
    }

    @Test func queriesAreCheckedWhenTheSpecLoads() {
        let source = InfluxDBSource()
        #expect(source.validate(.number(1), at: .root).map(\.message).first?.hasPrefix("an InfluxDB query must be an InfluxQL string") == true)
        #expect(source.validate(.object([("database", .string("k6"))]), at: .root).map(\.message).first?.hasPrefix("missing 'query'") == true)
        #expect(
            source.validate(.string("SELECT 1 WHERE $timeFilter"), at: .root, context: ValidationContext(hasWindow: false)).map(\.message) == [
                "$timeFilter and $interval need the load test's window: give --start (and --end)"
            ])
        #expect(
            source.validate(.string("SELECT 1 WHERE $timeFilter AND x = '$SERVICE'"), at: .root).map(\.message) == [
                "unknown placeholder $SERVICE: define it with --var SERVICE=VALUE or in the spec's 'variables'"
            ])
        #expect(source.validate(.string("SELECT 1 WHERE $timeFilter GROUP BY time($interval)"), at: .root).isEmpty)
    }
}
