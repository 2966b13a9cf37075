import PerfGateCore
import PerfGateTestSupport
import Testing

/// `perfgate evaluate` with InfluxDB indicators against the real server: its flag comes from the
/// source's declaration alone, its password is a secret, and its curves are drawn.
@Suite(.enabled(if: InfluxDBServer.isAvailable, "influxdb is not installed (CI sets PERFGATE_REQUIRE_SERVERS=1)"))
struct InfluxDBEndToEndTests {
    static let spec = """
        indicators:
          - id: p95_per_request
            source: influxdb
            query: 'SELECT percentile("value", 95) FROM "http_req_duration" WHERE $timeFilter GROUP BY "name"'
            grading: {type: Threshold, thresholds: {upperWarning: 50, upperSevere: 200}, metricScore: 50}
          - id: stable_latency
            source: influxdb
            query: {query: 'SELECT mean("value") FROM "latency" WHERE $timeFilter AND "version" = ''stable'' GROUP BY time($interval) fill(none)', column: mean}
            grading: {type: Threshold, thresholds: {upperSevere: 1}, metricScore: 50}
        objectives: {pass: 100, warning: 50}
        """

    @Test func aRunGradesEveryRequestNameAndDrawsTheCurve() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.spec, to: folder + "/perfspec.yaml")
        let server = try InfluxDBServer.shared.get()
        let output = try await InProcess.run(
            [
                "evaluate", "--spec", "perfspec.yaml", "--start", "2024-05-01T12:00:00Z", "--end", "2024-05-01T12:10:00Z",
                "--influxdb-url=" + server.url, "--json", "result.json", "--html", "result.html", "--series", "--verbose"
            ], environment: ["INFLUXDB_DATABASE": "k6"], in: folder)
        // home's p95 (100) crosses the warning: 25 + 50 = 75.
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let result = try JSONParser.parse(Fixtures.read(folder + "/result.json"))
        #expect(result["result"]?.stringValue == "warning")
        let indicators = try #require(result["indicatorResults"]?.items)
        #expect(
            indicators[0]["values"]?.items?.map { $0["key"]?.stringValue } == [
                #"http_req_duration{name="home"}"#, #"http_req_duration{name="login"}"#
            ])
        #expect(indicators[0]["query"]?.stringValue?.contains("time >= 1714564800000ms AND time <= 1714565400000ms") == true)
        // The curve: the stable latency's 41 points, one bucket per 3 s step (the window over 200).
        let html = try Fixtures.read(folder + "/result.html")
        #expect(html.contains("<figure class=\"series\">"))
        #expect(html.contains("41 points, min 0.2, max 0.24"), "\(html.components(separatedBy: "points,").count - 1) curves")
    }

    /// Series names and tag values are the backend's text: on every platform they reach the
    /// log, the annotations and the reports without becoming a command.
    @Test(arguments: ["github", "azure", "jenkins", "none"])
    func hostileTagsForgeNoCommand(_ platform: String) async throws {
        let folder = try Fixtures.temporaryFolder()
        let server = try InfluxDBServer.shared.get()
        // Line protocol escapes a tag value's space, comma and equals sign with a backslash.
        let tags = [#"::error::forged"#, #"##vso[task.setvariable\ variable\=FORGED]yes"#, #"x\ ##[error]forged"#, "%0A::warning::y"]
        let points = tags.enumerated().map { "hostile,name=\($0.element) value=\($0.offset + 500) \((InfluxDBData.windowStart + 5) * 1000)" }
        let written = try await Curl.run(["-X", "POST", "--data-binary", points.joined(separator: "\n"), server.url + "/write?db=k6&precision=ms"])
        #expect(written.status == 204, "\(written.body)")
        try Fixtures.write(
            """
            indicators:
              - {id: hostile, source: influxdb, query: 'SELECT max("value") FROM "hostile" WHERE $timeFilter GROUP BY "name"', grading: {type: Threshold, thresholds: {upperSevere: 100}, metricScore: 1}}
            objectives: {pass: 1, warning: 1}
            """, to: folder + "/perfspec.yaml")
        let environment = [
            "INFLUXDB_DATABASE": "k6", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": folder, "TF_BUILD": "True", "JENKINS_URL": "http://ci/"
        ]
        let output = try await InProcess.run(
            [
                "evaluate", "--spec", "perfspec.yaml", "--start", "2024-05-01T12:00:00Z", "--end", "2024-05-01T12:10:00Z", "--influxdb-url",
                server.url,
                "--ci", platform, "--report-dir", "reports", "--verbose"
            ], environment: environment, in: folder)
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")  // every hostile value breaches
        #expect(AgentRules.forged(output.lines, platform: platform).isEmpty, "\(AgentRules.forged(output.lines, platform: platform))")
        #expect(output.stdout.contains("FORGED") || output.stderr.contains("FORGED"))  // said, as text
    }

    @Test func itsPasswordIsASecretEvenWhenTheServerEchoesIt() async throws {
        let folder = try Fixtures.temporaryFolder()
        let spec = """
            indicators:
              - {id: up, source: influxdb, query: 'SELECT count("value") FROM "up" WHERE $timeFilter AND "x" = ''\(InfluxDBData.password)''', grading: {type: Threshold, thresholds: {upperSevere: 5}, metricScore: 1}}
              - {id: wrong, source: influxdb, query: 'SELEC \(InfluxDBData.password)', grading: {type: Threshold, thresholds: {upperSevere: 5}, metricScore: 1}}
            objectives: {pass: 1, warning: 0}
            """
        try Fixtures.write(spec, to: folder + "/perfspec.yaml")
        let server = try InfluxDBServer.authenticated.get()
        let output = try await InProcess.run(
            [
                "evaluate", "--spec", "perfspec.yaml", "--start", "2024-05-01T12:00:00Z", "--end", "2024-05-01T12:10:00Z", "--influxdb-url",
                server.url,
                "--json", "result.json", "--verbose"
            ],
            environment: ["INFLUXDB_DATABASE": "k6", "INFLUXDB_USERNAME": InfluxDBData.user, "INFLUXDB_PASSWORD": InfluxDBData.password], in: folder)
        // The second statement fails, and InfluxDB's message quotes it: exit 2.
        #expect(output.status == 2, "\(output.stdout)\(output.stderr)")
        let report = try Fixtures.read(folder + "/result.json")
        #expect(report.contains("error parsing query"))
        for text in [output.stdout, output.stderr, report] { #expect(!text.contains(InfluxDBData.password)) }
    }
}
