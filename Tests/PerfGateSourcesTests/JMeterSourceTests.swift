import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

@Suite struct JMeterSourceTests {
    let source = JMeterSource()
    let folder = Fixtures.folder(#filePath, "JMeter")

    func fetch(_ query: [(String, Node)], window: Window? = nil) async throws -> [Measurement] {
        try await source.fetch(.object(query), context: SourceContext(window: window, specDirectory: folder))
    }

    @Test func computesStatisticsPerLabelInFirstSeenOrder() async throws {
        let p95 = try await fetch([("file", .string("small.jtl")), ("stat", .string("p95"))])
        // JMeter's dashboard definition: a: 1..20 ms, position 0.95 × 21 = 19.95, between the 19th
        // and the 20th; "b, quoted": 100 and 200, position 2.85 ≥ n, the maximum.
        #expect(p95 == [Measurement(key: "a", value: 19.95), Measurement(key: "b, quoted", value: 200)])
        let stats = [
            "avg": [10.5, 150], "min": [1, 100], "max": [20, 200], "median": [10.5, 150], "p90": [18.9, 200],
            "p99": [20, 200], "count": [20, 2], "errorRate": [0, 0.5]
        ]
        for (stat, expected) in stats {
            let values = try await fetch([("file", .string("small.jtl")), ("stat", .string(stat))]).map(\.value)
            #expect(zip(values, expected).allSatisfy { abs(($0 ?? .nan) - $1) < 1e-9 } && values.count == expected.count, "\(stat): \(values)")
        }
    }

    /// Each definition against values computed independently (Python: Commons Math's legacy
    /// estimation by hand, JMeter's StatCalculator rounding, ceil for nearest rank, numpy.percentile
    /// for linear), on 16 samples whose tail makes them differ, as real labels do.
    @Test(arguments: [
        ("jmeter", [50: 230.0, 90: 7422.800000000005, 95: 12551, 99: 12551]),
        ("jmeter-aggregate", [50: 210, 90: 1500, 95: 5225, 99: 12551]),
        ("nearest-rank", [50: 210, 90: 5225, 95: 12551, 99: 12551]),
        ("linear", [50: 230.0, 90: 3362.5, 95: 7056.5, 99: 11452.099999999997])
    ])
    func percentileDefinitions(_ definition: String, _ expected: [Int: Double]) async throws {
        let folder = try Fixtures.temporaryFolder()
        let samples = [100, 120, 130, 150, 160, 180, 200, 210, 250, 300, 320, 400, 700, 1500, 5225, 12551].shuffled()
        let rows = samples.enumerated().map { "\(1_714_564_800_000 + $0.offset),\($0.element),checkout,true" }
        try Fixtures.write("timeStamp,elapsed,label,success\n" + rows.joined(separator: "\n") + "\n", to: folder + "/r.jtl")
        for (percent, value) in expected {
            let query = Node.object([("file", .string("r.jtl")), ("stat", .string("p\(percent)")), ("percentile", .string(definition))])
            let got = try await source.fetch(query, context: SourceContext(specDirectory: folder)).first?.value ?? .nan
            #expect(abs(got - value) < 1e-6, "\(definition) p\(percent): \(got), expected \(value)")
        }
        #expect(
            source.validate(.object([("stat", .string("p95")), ("percentile", .string("jmeter-agregate"))]), at: .root).map(\.message)
                == [
                    "unknown percentile definition 'jmeter-agregate' (did you mean 'jmeter-aggregate'?); use one of jmeter, jmeter-aggregate, nearest-rank, linear"
                ])
    }

    /// The spec's default (sources: {jmeter: {percentile: …}}), which a query's own choice overrides.
    @Test func theSpecSetsTheDefaultDefinition() async throws {
        var context = SourceContext(specDirectory: folder)
        context.sourceSettings = .object([("jmeter", .object([("percentile", .string("nearest-rank"))]))])
        let query = { (extra: [(String, Node)]) in
            Node.object([("file", .string("small.jtl")), ("label", .string("a")), ("stat", .string("p95"))] + extra)
        }
        #expect(try await source.fetch(query([]), context: context).first?.value == 19)
        #expect(try await source.fetch(query([("percentile", .string("jmeter"))]), context: context).first?.value == 19.95)
        context.sourceSettings = .object([("jmeter", .object([("percentile", .string("exact"))]))])
        await #expect(throws: SourceError.self) { _ = try await source.fetch(query([]), context: context) }
    }

    /// A real JMeter HTML dashboard (statistics.json) and the JTL it was made from.
    @Test(.enabled(if: Shared.enabled, Shared.skipped))
    func matchesJMetersOwnDashboard() async throws {
        let files = Shared.folder + "/realworld/files"
        let dashboard = try JSONParser.parse(Array(try Fixtures.read(files + "/j03_statistics.json").utf8))
        let context = SourceContext(specDirectory: files)
        var compared = 0
        // The Total row too: "label": "*" is every sample together (issue 36).
        for member in dashboard.members ?? [] {
            let fields = [
                ("median", "medianResTime"), ("p90", "pct1ResTime"), ("p95", "pct2ResTime"), ("p99", "pct3ResTime"),
                ("avg", "meanResTime"), ("min", "minResTime"), ("max", "maxResTime"), ("count", "sampleCount"),
                ("errorRate", "errorPct"), ("throughput", "throughput")
            ]
            for (stat, field) in fields {
                let label = member.key == "Total" ? "*" : member.key
                let query = Node.object([("file", .string("j03_reqres.jtl")), ("label", .string(label)), ("stat", .string(stat))])
                let results = try await source.fetch(query, context: context)
                #expect(results.map(\.key) == [member.key])
                let got = results.first?.value
                // The dashboard gives the error share in percent.
                let expected = member.value[field]?.numberValue.map { field == "errorPct" ? $0 / 100 : $0 }
                // Sums and divisions may differ in the last digit from Java's order of operations.
                let agrees = got == expected || (got != nil && expected != nil && abs(got! - expected!) <= 1e-9 * abs(expected!))
                #expect(agrees, "\(member.key) \(stat): \(String(describing: got)) vs \(String(describing: expected))")
                compared += 1
            }
        }
        #expect(compared >= 10)
    }

    @Test func theTotalIsEverySampleTogether() async throws {
        let all = try await fetch([("file", .string("small.jtl")), ("stat", .string("count"))])
        let total = try await fetch([("file", .string("small.jtl")), ("label", .string("*")), ("stat", .string("count"))])
        #expect(total == [Measurement(key: "Total", value: all.compactMap(\.value).reduce(0, +))])
        #expect(all.count > 1)
    }

    @Test func throughputUsesTheWindowOrTheSamplesOwnSpan() async throws {
        let query: [(String, Node)] = [("file", .string("small.jtl")), ("label", .string("a")), ("stat", .string("throughput"))]
        // First start 12:00:01.000, last end 12:00:20.020: 20 samples in 19.02 s.
        let bySpan = try await fetch(query)
        #expect(bySpan.first?.value == 20 / 19.02)
        let window = Window(start: 1_714_564_800, end: 1_714_564_840)
        #expect(try await fetch(query, window: window).first?.value == 0.5)
    }

    @Test func keepsOnlySamplesInsideTheWindow() async throws {
        // 12:00:05 to 12:00:10 inclusive: samples 5..10 of label a.
        let window = Window(start: 1_714_564_805, end: 1_714_564_810)
        let counts = try await fetch([("file", .string("small.jtl")), ("stat", .string("count"))], window: window)
        #expect(counts == [Measurement(key: "a", value: 6)])
    }

    /// A label the file does not have is a spec mistake, said with the labels it has: never "no values".
    @Test func aLabelNotInTheFileIsAnError() async throws {
        await #expect(throws: SourceError("\(folder)/small.jtl has no sample labelled \"nope\"; its labels: \"a\", \"b, quoted\"")) {
            _ = try await fetch([("file", .string("small.jtl")), ("label", .string("nope")), ("stat", .string("avg"))])
        }
    }

    @Test func resultsFlagOverridesTheQuerysFile() async throws {
        let context = SourceContext(specDirectory: "/nowhere", resultFiles: ["jmeter": folder + "/small.jtl"])
        let query = Node.object([("file", .string("missing.jtl")), ("label", .string("a")), ("stat", .string("max"))])
        #expect(try await source.fetch(query, context: context).first?.value == 20)
        let byFileName = SourceContext(specDirectory: "/nowhere", resultFiles: ["missing.jtl": folder + "/small.jtl"])
        #expect(try await source.fetch(query, context: byFileName).first?.value == 20)
    }

    @Test func explainsBadFiles() async throws {
        await #expect(throws: SourceError("cannot read \(folder)/absent.jtl: no such file or directory")) {
            _ = try await fetch([("file", .string("absent.jtl")), ("stat", .string("avg"))])
        }
        do {
            _ = try await fetch([("file", .string("no-header.jtl")), ("stat", .string("avg"))])
            Issue.record("expected an error")
        } catch let error as SourceError {
            #expect(error.message.contains("has no header line"))
        }
        do {
            _ = try await fetch([("file", .string("bad-elapsed.jtl")), ("stat", .string("avg"))])
            Issue.record("expected an error")
        } catch let error as SourceError {
            #expect(
                error.message
                    == "\(folder)/bad-elapsed.jtl:2: 'elapsed' must be a whole number of milliseconds from 0 to 1099511627776, found \"fast\"")
            #expect(error.isInvalidInput)
        }
    }

    @Test func validatesTheQuery() {
        #expect(source.validate(.object([("file", .string("r.jtl")), ("stat", .string("p99.9"))]), at: .root).isEmpty)
        #expect(source.validate(.string("x"), at: .root).map(\.severity) == [.error])
        let unknown = source.validate(.object([("stat", .string("p95")), ("lable", .string("x"))]), at: .root)
        #expect(unknown.map(\.message) == ["unknown key 'lable' is ignored (did you mean 'label'?)"])
        #expect(source.validate(.object([("file", .string("r.jtl"))]), at: .root).map(\.severity) == [.error])
    }

    @Test func parsesStatisticNames() {
        #expect(LoadTestStatistic("p99.9") == .percentile(99.9))
        #expect(LoadTestStatistic("P(95)") == .percentile(95))
        #expect(LoadTestStatistic("median") == .percentile(50))
        #expect(LoadTestStatistic("errorRate") == .errorRate)
        #expect(LoadTestStatistic("p0") == nil)
        #expect(LoadTestStatistic("p101") == nil)
        #expect(LoadTestStatistic("speed") == nil)
    }
}
