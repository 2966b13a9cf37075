import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

@Suite struct K6SourceTests {
    let context = SourceContext(specDirectory: Fixtures.folder(#filePath, "K6"))

    func fetch(_ file: String, _ metric: String, _ stat: String, tags: [(String, Node)]? = nil, window: Window? = nil) async throws -> [Measurement] {
        var query: [(String, Node)] = [("file", .string(file)), ("metric", .string(metric)), ("stat", .string(stat))]
        if let tags { query.append(("tags", .object(tags))) }
        var context = context
        context.window = window
        return try await K6Source().fetch(.object(query), context: context)
    }

    func value(_ file: String, _ metric: String, _ stat: String, tags: [(String, Node)]? = nil, window: Window? = nil) async throws -> Double? {
        try await fetch(file, metric, stat, tags: tags, window: window).first?.value
    }

    func error(_ file: String, _ metric: String, _ stat: String, tags: [(String, Node)]? = nil, window: Window? = nil) async -> SourceError? {
        do {
            _ = try await fetch(file, metric, stat, tags: tags, window: window)
            return nil
        } catch {
            return error as? SourceError
        }
    }

    // MARK: summaries

    @Test func readsSummaryExportAndHandleSummary() async throws {
        for file in ["summary-export.json", "handle-summary.json"] {
            #expect(try await fetch(file, "http_req_duration", "p(95)") == [Measurement(key: "http_req_duration", value: 302.18)])
            #expect(try await value(file, "http_req_duration", "p95") == 302.18)
            #expect(try await value(file, "http_req_duration", "median") == 96.33)
            #expect(try await value(file, "http_reqs", "rate") == 29.83)
        }
        #expect(try await value("summary-export.json", "http_req_duration{name:checkout}", "p(90)") == 452.6)
        // A rate's share is "value" in --summary-export: "rate" finds it too, as it does in a stream.
        #expect(try await value("summary-export.json", "http_req_failed", "rate") == 0.0011733154542406973)
    }

    @Test func findsASubMetricByItsTags() async throws {
        let tagged = try await fetch("summary-export.json", "http_req_duration", "p(90)", tags: [("name", .string("checkout"))])
        #expect(tagged == [Measurement(key: "http_req_duration{name:checkout}", value: 452.6)])
    }

    @Test func aMetricOrStatTheSummaryLacksIsAnIndicatorError() async {
        let folder = context.specDirectory
        #expect(
            await error("summary-export.json", "http_req_duratoin", "avg")
                == SourceError(
                    "\(folder)/summary-export.json has no metric 'http_req_duratoin' (did you mean 'http_req_duration'?); its metrics: http_req_duration, http_req_duration{name:checkout}, http_req_failed, http_reqs"
                ))
        #expect(
            await error("summary-export.json", "http_reqs", "p(95)")
                == SourceError(
                    "metric 'http_reqs' in \(folder)/summary-export.json has no stat 'p(95)'; it has: count, rate; k6 exports the trend stats its summaryTrendStats option lists: add 'p(95)' there (e.g. --summary-trend-stats=\"avg,min,med,max,p(90),p(95),p(99)\"), or read the --out json stream"
                ))
        let missingSub = await error("summary-export.json", "http_req_duration{name:login}", "avg")
        #expect(missingSub?.message.contains("only when the script sets a threshold on it") == true)
        #expect(missingSub?.isInvalidInput == false)
    }

    // MARK: point streams

    /// Values computed independently from the fixture's points with k6's TrendSink.P formula
    /// (a Python script: position p × (n−1), linear between the values around it).
    @Test func aStreamGivesK6sSummaryStats() async throws {
        #expect(try await fetch("points.json", "http_req_duration", "p(95)") == [Measurement(key: "http_req_duration", value: 708.7124999999996)])
        #expect(try await value("points.json", "http_req_duration", "p(90)") == 435.7750000000001)
        #expect(try await value("points.json", "http_req_duration", "med") == 136.5)
        #expect(try await value("points.json", "http_req_duration", "avg") == 244.15625)
        #expect(try await value("points.json", "http_req_duration", "min") == 77)
        #expect(try await value("points.json", "http_req_duration", "max") == 1024)
        #expect(try await value("points.json", "http_req_duration", "count") == 12)
        #expect(try await value("points.json", "http_reqs", "count") == 12)
        #expect(try await value("points.json", "http_reqs", "rate") == 12 / 11.75)  // first point to last
        #expect(try await value("points.json", "http_req_failed", "rate") == 2.0 / 12)
        #expect(try await value("points.json", "http_req_failed", "value") == 2.0 / 12)
        #expect(try await value("points.json", "http_req_failed", "passes") == 2)
        #expect(try await value("points.json", "http_req_failed", "fails") == 10)
        #expect(try await value("points.json", "vus", "value") == 3)
        #expect(try await value("points.json", "vus", "max") == 13)
        #expect(try await value("points.json", "vus", "min") == 3)
    }

    @Test func tagsSelectPoints() async throws {
        #expect(try await value("points.json", "http_req_duration", "p(95)", tags: [("name", .string("checkout"))]) == 909.3499999999999)
        #expect(try await value("points.json", "http_req_duration{name:checkout}", "avg") == 372.2)
        // YAML's `expected_response: true` is a boolean; it matches the tag "true".
        let ok = try await fetch("points.json", "http_req_duration{name:checkout}", "p(95)", tags: [("expected_response", .bool(true))])
        #expect(ok == [Measurement(key: "http_req_duration{expected_response:true,name:checkout}", value: 179.6)])
    }

    @Test func theWindowFiltersPoints() async throws {
        // 12:00:03 to 12:00:08 at +02:00, ends included: 6 of the 12 requests.
        let window = Window(start: 1_714_557_603, end: 1_714_557_608)
        #expect(try await value("points.json", "http_req_duration", "p(95)", window: window) == 880.6875)
        #expect(try await value("points.json", "http_reqs", "rate", window: window) == 6.0 / 5)
        let outside = await error("points.json", "http_req_duration", "avg", window: Window(start: 1_714_600_000, end: 1_714_600_600))
        #expect(outside?.message.contains("no point of 'http_req_duration'") == true)
        #expect(
            outside?.message.contains("its 12 points run from 2024-05-01T10:00:00Z to 2024-05-01T10:00:11.750Z") == true,
            "\(String(describing: outside))")
    }

    @Test func streamMistakesNameWhatTheStreamHas() async throws {
        let metric = await error("points.json", "http_req_duraton", "avg")
        #expect(
            metric?.message.hasSuffix(
                "has no metric 'http_req_duraton' (did you mean 'http_req_duration'?); its metrics: http_reqs, http_req_duration, http_req_failed, vus"
            ) == true, "\(String(describing: metric))")
        #expect(metric?.isInvalidInput == false)
        let tag = await error("points.json", "http_req_duration", "avg", tags: [("name", .string("Checkout"))])
        #expect(
            tag?.message.hasSuffix(
                "has 12 points of 'http_req_duration', none tagged name=\"Checkout\"; its points' 'name' tags: \"home\", \"checkout\"") == true,
            "\(String(describing: tag))")
        let stat = await error("points.json", "http_reqs", "p(95)")
        #expect(stat == SourceError("'http_reqs' is a k6 counter metric; its stats are count, rate"))
    }

    @Test func selectingBeyondTheMemoryLimitIsStillExact() throws {
        let path = context.specDirectory + "/points.json"
        for stat in [K6Stat.percentile(95), .percentile(90), .med, .percentile(0), .percentile(100), .percentile(99.9)] {
            let inMemory = try K6StreamStatistic(path: path, files: LocalFiles(), metric: K6MetricName("http_req_duration"), stat: stat, window: nil)
                .measure()
            for limit in [0, 1, 2, 5] {
                var narrowed = K6StreamStatistic(path: path, files: LocalFiles(), metric: K6MetricName("http_req_duration"), stat: stat, window: nil)
                narrowed.keepLimit = limit
                #expect(try narrowed.measure() == inMemory, "\(stat) at limit \(limit)")
            }
        }
    }

    @Test func oddButValidLines() async throws {
        let folder = try Fixtures.temporaryFolder()
        let context = SourceContext(specDirectory: folder)
        // Escaped names and tags, data before metric, an undeclared built-in metric, a null tag object.
        try Fixtures.write(
            #"""
            {"type":"Point","data":{"time":"2024-05-01T12:00:00Z","value":5,"tags":{"n\u0061me":"caf\u00e9"}},"metric":"http_req_\u0064uration"}
            {"metric":"http_req_duration","type":"Point","data":{"time":"2024-05-01T12:00:01Z","value":7,"tags":null}}
            {"metric":"my_trend","type":"Point","data":{"time":"2024-05-01T12:00:01Z","value":1,"tags":{}}}
            """#, to: folder + "/odd.json")
        func query(_ metric: String, _ stat: String) -> Node {
            .object([("file", .string("odd.json")), ("metric", .string(metric)), ("stat", .string(stat))])
        }
        #expect(try await K6Source().fetch(query("http_req_duration", "max"), context: context).first?.value == 7)
        #expect(try await K6Source().fetch(query("http_req_duration{name:café}", "max"), context: context).first?.value == 5)
        await #expect(throws: SourceError.self) { try await K6Source().fetch(query("my_trend", "avg"), context: context) }
    }

    @Test func filesThatAreNeitherSayWhatTheyAre() async throws {
        let folder = try Fixtures.temporaryFolder()
        let context = SourceContext(specDirectory: folder)
        let cases: [(String, String)] = [
            ("metric_name,timestamp,metric_value,check,error\nhttp_reqs,1714557600,1,,\n", "k6's CSV output (--out csv)"),
            ("<!DOCTYPE html><html><head><title>k6 report</title>", "is an HTML report"),
            ("<?xml version=\"1.0\"?>\n<testsuites><testsuite name=\"k6\"/></testsuites>", "is a JUnit XML report"),
            ("     data_received..............: 1.2 MB  20 kB/s\n     http_req_duration..............: avg=1ms\n", "k6's text summary"),
            ("", "is empty"),
            ("{\"stats\": {\"name\": \"All Requests\"}}", "has no 'metrics' object"),
            (
                "{\"metric\":\"vus\",\"type\":\"Point\",\"data\":{\"time\":\"2024-05-01T12:00:00Z\",\"value\":1,\"tags\":{}}}\n{\"metric\":\"vus\",\"type\":\"Point\",\"data\":{\"ti",
                ".json:2: not a k6 JSON line: unterminated string at column 40 (the last line ends early"
            ),
            ("{\"metric\":\"vus\",\"type\":\"Point\",\"data\":{\"time\":\"yesterday\",\"value\":1}}\n", "'yesterday' is not a time"),
            ("{\"metric\":\"vus\",\"type\":\"Point\",\"data\":{\"time\":\"2024-05-01T12:00:00Z\",\"value\":\"1\"}}\n", "expected a number")
        ]
        for (index, (text, expected)) in cases.enumerated() {
            try Fixtures.write(text, to: folder + "/f\(index).json")
            do {
                _ = try await K6Source().fetch(
                    .object([("file", .string("f\(index).json")), ("metric", .string("vus")), ("stat", .string("max"))]), context: context)
                Issue.record("case \(index) was read")
            } catch let error as SourceError {
                #expect(error.message.contains(expected) && error.isInvalidInput, "case \(index): \(error.message)")
            }
        }
    }

    @Test func validationChecksStatAndTags() {
        let bad: Node = .object([("file", .string("p.json")), ("metric", .string("m")), ("stat", .string("p(95")), ("tags", .array([]))])
        let messages = K6Source().validate(bad, at: SpecPath(), context: ValidationContext()).map(\.message)
        #expect(messages.count == 2, "\(messages)")
        let good: Node = .object([("metric", .string("m")), ("stat", .string("p(99.9)")), ("tags", .object([("expected_response", .bool(true))]))])
        #expect(K6Source().validate(good, at: SpecPath(), context: ValidationContext()).isEmpty)
    }

    /// A real `--out json` stream (../shared/realworld/files/k05_out_json.ndjson); the expected
    /// numbers were computed from its points with numpy's default percentile, k6's own definition.
    @Test(.enabled(if: Shared.enabled, Shared.skipped))
    func aRealStream() async throws {
        let context = SourceContext(specDirectory: Shared.folder + "/realworld/files")
        func value(_ metric: String, _ stat: String) async throws -> Double? {
            try await K6Source().fetch(
                .object([("file", .string("k05_out_json.ndjson")), ("metric", .string(metric)), ("stat", .string(stat))]), context: context
            ).first?.value
        }
        #expect(try await value("http_req_duration", "p(95)") == 13379.9773544)
        #expect(try await value("http_req_duration", "med") == 8814.489916999999)
        #expect(try await value("http_req_duration", "count") == 22)
        #expect(try await value("http_req_failed", "rate") == 0)
    }
}
