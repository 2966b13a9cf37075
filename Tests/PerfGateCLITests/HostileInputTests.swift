import Foundation
import PerfGateCore
import PerfGateTestSupport
import Testing

/// Classes 2 to 8 of the hostile-input review, end to end through the binary: no leaked token, no
/// silently dropped rows, no trap on outside numbers, nothing that waits forever, no redirected
/// write, odd backend answers as errors, and the smaller ones.
@Suite struct HostileInputTests {
    static let token = "s3cret-HOSTILE-token-7f2a"

    static func spec(_ indicators: [String], pass: Int = 1) -> String {
        #"{"indicators": [\#(indicators.joined(separator: ","))], "objectives": {"pass": \#(pass), "warning": \#(pass)}}"#
    }

    static func indicator(_ id: String, _ source: String, _ query: String, thresholds: String = "{}", ignoreEmpty: Bool = false) -> String {
        #"{"id": "\#(id)", "source": "\#(source)", "query": \#(query), "grading": {"type": "Threshold", "thresholds": \#(thresholds), "metricScore": 1\#(ignoreEmpty ? #", "ignoreEmpty": true"# : "")}}"#
    }

    /// Every file a run wrote, and its output: none may hold the token outside the masking commands.
    static func leaks(_ output: PerfGateBinary.Output, folder: String, secret: String = token) throws -> [String] {
        var found: [String] = []
        for line in output.lines where line.contains(secret) {
            if !(line.hasPrefix("::add-mask::") || line.hasPrefix("##vso[task.setsecret]")) { found.append("log: " + line) }
        }
        let files = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
        for file in files {
            guard let text = try? Fixtures.read(folder + "/" + file) else { continue }
            if text.contains(secret) { found.append("file: " + file) }
        }
        return found
    }

    // MARK: 2. No secret reaches an output

    @Test(arguments: ["github", "azure", "none"])
    func aTokenEchoedByTheServerReachesNoOutput(_ platform: String) async throws {
        let backend = FakeBackend.shared
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(
            Self.spec([
                Self.indicator("echo", "prometheus", #""up""#)
            ]), to: folder + "/perfspec.json")
        for file in ["out", "env", "summary"] { try Fixtures.write("", to: folder + "/gh-" + file) }
        let environment: [String: String] = [
            "github": [
                "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": folder, "GITHUB_OUTPUT": folder + "/gh-out", "GITHUB_ENV": folder + "/gh-env",
                "GITHUB_STEP_SUMMARY": folder + "/gh-summary"
            ],
            "azure": ["TF_BUILD": "True", "PIPELINE_WORKSPACE": folder],
            "none": [:]
        ][platform]!
        for route in ["echo-auth", "echo-auth-label"] {
            let output = try await InProcess.run(
                [
                    "evaluate", "--spec", "perfspec.json", "--start", "now-5m", "--prometheus-url", backend.url + "/t/" + route,
                    "--json", "r.json", "--junit", "r.xml", "--markdown", "r.md", "--history", "h.jsonl"
                ],
                environment: environment.merging(["PROMETHEUS_TOKEN": Self.token]) { $1 }, in: folder)
            #expect(output.status == (route == "echo-auth" ? 2 : 0), "\(output.stderr)")
            let leaks = try Self.leaks(output, folder: folder)
            #expect(leaks.isEmpty, "\(route): \(leaks)")
            #expect(try Fixtures.read(folder + "/r.json").contains("***"))
        }
    }

    @Test func basicAuthAndURLPasswordsAreRedactedToo() async throws {
        let backend = FakeBackend.shared
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.spec([Self.indicator("echo", "prometheus", #""up""#)]), to: folder + "/perfspec.json")
        let basic = "Basic " + Data("perf:\(Self.token)".utf8).base64EncodedString()
        let output = try await InProcess.run(
            ["evaluate", "--spec", "perfspec.json", "--start", "now-5m", "--json", "r.json"],
            environment: ["PROMETHEUS_URL": backend.url + "/t/echo-auth", "PROMETHEUS_USERNAME": "perf", "PROMETHEUS_PASSWORD": Self.token],
            in: folder)
        #expect(output.status == 2)
        #expect(try Self.leaks(output, folder: folder).isEmpty)
        #expect(try Self.leaks(output, folder: folder, secret: String(basic.dropFirst(6))).isEmpty)
    }

    @Test func aResultFileFullOfSecretsIsQuotedShortAndRedacted() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(
            Self.spec([Self.indicator("env", "locust", #"{"file": "/proc/self/environ", "stat": "95%"}"#)]), to: folder + "/perfspec.json")
        let output = try await InProcess.run(
            ["evaluate", "--spec", "perfspec.json", "--json", "r.json", "--markdown", "r.md"],
            environment: ["DYNATRACE_API_TOKEN": Self.token, "UNRELATED_LONG_VARIABLE": String(repeating: "z", count: 500)], in: folder)
        #expect(output.status == 65, "\(output.stderr)")
        #expect(try Self.leaks(output, folder: folder).isEmpty)
        // An excerpt, not the environment: the long variable is cut.
        #expect(!output.stderr.contains(String(repeating: "z", count: 100)))
    }

    // MARK: 3. The readers never silently drop data

    @Test func aStrayQuoteInAJTLFailsInsteadOfPassing() async throws {
        let folder = try Fixtures.temporaryFolder()
        var rows = ["timeStamp,elapsed,label,responseCode,success"]
        for index in 0..<20 { rows.append("17145648\(String(format: "%05d", index)),100,home,200,true") }
        rows.append("1714564820000,120,\"home,200,true")  // the stray quote
        for index in 0..<20 { rows.append("17145648\(String(format: "%05d", 30 + index)),9000,home,200,true") }  // the slow samples
        try Fixtures.write(rows.joined(separator: "\n") + "\n", to: folder + "/r.jtl")
        try Fixtures.write(
            Self.spec([Self.indicator("p95", "jmeter", #"{"file": "r.jtl", "stat": "p95"}"#, thresholds: #"{"upperSevere": 1000}"#)]),
            to: folder + "/perfspec.json")
        let output = try await InProcess.run(["evaluate", "--spec", "perfspec.json", "--json", "r.json"], in: folder)
        #expect(output.status == 65, "\(output.stdout)")
        #expect(output.stdout.contains("r.jtl:22: a quoted field opens here and is never closed"))
        let report = try JSONParser.parse(Array(try Fixtures.read(folder + "/r.json").utf8))
        #expect(report["result"]?.stringValue == "error")
    }

    @Test(arguments: [
        ("1714564800000,9223372036854775808,a,true", "'elapsed' must be"),
        ("1714564800000,-5,a,true", "'elapsed' must be"),
        ("9223372036854775000,5,a,true", "'timeStamp' must be"),
        ("1714564800000,5,a,true,extra", "5 fields, but the header has 4")
    ])
    func numbersThatWouldTrapOrLieAreErrors(_ row: String, _ message: String) async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write("timeStamp,elapsed,label,success\n1714564800000,5,a,true\n\(row)\n", to: folder + "/r.jtl")
        for stat in ["p95", "throughput", "avg"] {
            try Fixtures.write(
                Self.spec([Self.indicator("x", "jmeter", #"{"file": "r.jtl", "stat": "\#(stat)"}"#, thresholds: #"{"upperSevere": 0}"#)]),
                to: folder + "/perfspec.json")
            let output = try await InProcess.run(["evaluate", "--spec", "perfspec.json"], in: folder)
            #expect(output.status == 65, "\(row) \(stat): \(output.stdout) \(output.stderr)")
            #expect(output.stdout.contains("r.jtl:3: " + message), "\(output.stdout)")
        }
    }

    @Test(arguments: [#"{"start": -1e300}"#, #"{"start": 1e300}"#, #"{"start": 0, "end": 1e19}"#, #"{"start": "99999-01-01T00:00:00Z"}"#])
    func windowFilesOutOfRangeAreUsageErrors(_ text: String) async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(text, to: folder + "/w.json")
        try Fixtures.write(Self.spec([Self.indicator("x", "static", "1")]), to: folder + "/perfspec.json")
        let output = try await InProcess.run(["evaluate", "--spec", "perfspec.json", "--window-file", "w.json"], in: folder)
        #expect(output.status == 64, "\(output.stderr)")
        #expect(output.stderr.contains("w.json"))
    }

    // MARK: 5. Nothing waits forever

    @Test func specialFilesAreRefusedAtOnce() async throws {
        let folder = try Fixtures.temporaryFolder()
        #expect(mkfifo(folder + "/fifo.json", 0o600) == 0)
        try FileManager.default.createDirectory(atPath: folder + "/dir.json", withIntermediateDirectories: true)
        for path in [folder + "/fifo.json", "/dev/zero", folder + "/dir.json"] {
            let validate = try PerfGateBinary.run(["validate", "--spec", path], in: folder, timeLimit: 10)
            #expect(!validate.timedOut && validate.status == 65, "\(path): \(validate.stderr)")
            #expect(validate.stderr.contains(path.hasSuffix("dir.json") ? "no spec found" : "not a regular file"))
            for (source, query) in [
                ("jmeter", #""stat": "p95""#), ("locust", #""stat": "95%""#), ("k6", #""metric": "m", "stat": "avg""#), ("json", #""pointer": "/a""#)
            ] {
                try Fixtures.write(Self.spec([Self.indicator("x", source, #"{"file": "\#(path)", \#(query)}"#)]), to: folder + "/perfspec.json")
                let output = try PerfGateBinary.run(["evaluate", "--spec", "perfspec.json"], in: folder, timeLimit: 10)
                #expect(!output.timedOut && output.status == 65, "\(source) \(path): \(output.stdout)")
            }
        }
    }

    @Test func discoveryDoesNotFollowFolderLinks() async throws {
        let folder = try Fixtures.temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/specs", withIntermediateDirectories: true)
        try Fixtures.write(Self.spec([Self.indicator("x", "static", "1")]), to: folder + "/specs/perfspec.json")
        for index in 0..<12 { #expect(symlink(".", folder + "/loop\(index)") == 0) }
        // A link to a file still counts, as the same file.
        #expect(symlink("specs/perfspec.json", folder + "/linked.perfspec.json") == 0)
        let output = try PerfGateBinary.run(["validate"], in: folder, timeLimit: 20)
        #expect(!output.timedOut && output.seconds < 5, "\(output.seconds) s")
        #expect(output.status == 0 && output.stderr.contains("using the spec"), "\(output.stderr)")
    }

    @Test func theDeadlineBoundsTheWholeRun() async throws {
        let backend = FakeBackend.shared
        let folder = try Fixtures.temporaryFolder()
        let indicators = (0..<24).map { Self.indicator("silent\($0)", "prometheus", #""up""#) }
        try Fixtures.write(Self.spec(indicators), to: folder + "/perfspec.json")
        let output = try PerfGateBinary.run(
            // Eight at a time: the later ones are still waiting when the deadline comes.
            [
                "evaluate", "--spec", "perfspec.json", "--prometheus-url", backend.url + "/t/slow/30/deadline", "--timeout", "2", "--deadline", "3",
                "--concurrency", "8",
                "--json", "r.json", "--junit", "r.xml"
            ],
            in: folder, timeLimit: 30)
        #expect(output.status == 2)
        let slack = PerfGateBinary.startupSlack()
        #expect(output.seconds < 3 * 1.1 + slack, "\(output.seconds) s")
        let report = try Fixtures.read(folder + "/r.json")
        #expect(report.contains("deadline exceeded"))
        #expect(FileManager.default.fileExists(atPath: folder + "/r.xml"))
    }

    // MARK: 7. Odd answers are errors

    @Test(arguments: ["odd-vector", "odd-series"])
    func aPrometheusAnswerNotOfItsOwnShapeIsAnError(_ route: String) async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.spec([Self.indicator("odd", "prometheus", #""up""#, ignoreEmpty: true)]), to: folder + "/perfspec.json")
        let output = try await InProcess.run(
            ["evaluate", "--spec", "perfspec.json", "--prometheus-url", FakeBackend.shared.url + "/t/" + route], in: folder)
        #expect(output.status == 2, "\(output.stdout)")
        #expect(output.stdout.contains("not what its resultType says"))
    }

    @Test func dynatracePagesAreFollowedAndBounded() async throws {
        let folder = try Fixtures.temporaryFolder()
        let query = { (selector: String) in #"{"metricSelector": "\#(selector)", "resolution": "Inf"}"# }
        try Fixtures.write(
            Self.spec([
                Self.indicator("paged", "dynatrace", query("paged"), thresholds: #"{"upperSevere": 500000}"#),
                Self.indicator("endless", "dynatrace", query("endless"))
            ]), to: folder + "/perfspec.json")
        let output = try await InProcess.run(
            [
                "evaluate", "--spec", "perfspec.json", "--start", "2024-05-01T12:00:00Z", "--end", "2024-05-01T12:10:00Z",
                "--dynatrace-url", FakeBackend.shared.url, "--json", "r.json"
            ],
            environment: ["DYNATRACE_API_TOKEN": FakeBackend.dynatraceToken], in: folder)
        let report = try JSONParser.parse(Array(try Fixtures.read(folder + "/r.json").utf8))
        let results = report["indicatorResults"]?.items ?? []
        // Page 2's slow service breaches: the gate fails on it rather than passing on page 1.
        #expect(results.first?["values"]?.items?.count == 2)
        #expect(results.first?["violations"]?.items?.count == 1)
        #expect(results.last?["error"]?.stringValue?.contains("more than 50 pages") == true)
        #expect(output.status == 2)
    }

    // MARK: 8. Smaller ones

    @Test func aWindowEndingInTheFutureIsAUsageError() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.spec([Self.indicator("x", "static", "1")]), to: folder + "/perfspec.json")
        let output = try await InProcess.run(["evaluate", "--spec", "perfspec.json", "--start", "now-5m", "--end", "now+10m"], in: folder)
        #expect(output.status == 64)
        #expect(output.stderr.contains("ends in the future"))
    }

    @Test func infinitiesAreStringsInTheJSONReport() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(
            Self.spec([Self.indicator("inf", "static", #"[{"key": "up", "value": "+Inf"}, {"key": "down", "value": "-Inf"}]"#)]),
            to: folder + "/perfspec.json")
        _ = try await InProcess.run(["evaluate", "--spec", "perfspec.json", "--json", "r.json"], in: folder)
        let text = try Fixtures.read(folder + "/r.json")
        #expect(text.contains("\"+Inf\"") && text.contains("\"-Inf\""), "\(text)")
    }
}
