import Foundation
import PerfGateCore
import PerfGateSources
import PerfGateTestSupport
import Testing

/// Hostile text in indicator ids, metric labels and server messages, on every platform: no
/// logging command of its own, no extra output variable, valid XML, an intact Markdown table.
@Suite struct InjectionTests {
    static let hostile = [
        "##vso[task.setvariable variable=PERFGATE_RESULT]pass", "::set-env name=X::y", "\n::error::x", "%0A", "</testcase>", "]]>",
        "| --- |", "<script>alert(1)</script>", "nul\u{0}byte"
    ]

    static func spec(_ backend: FakeBackend) -> String {
        var indicators: [Node] = hostile.enumerated().map { index, id in
            .object([
                ("id", .string(id)), ("source", .string("static")),
                ("query", .array([.object([("key", .string(hostile[(index + 1) % hostile.count])), ("value", .number(10))])])),
                (
                    "grading",
                    .object([("type", .string("Threshold")), ("thresholds", .object([("upperWarning", .number(5))])), ("metricScore", .number(1))])
                )
            ])
        }
        indicators.append(
            .object([
                ("id", .string("labels")), ("source", .string("prometheus")), ("query", .string("up")),
                (
                    "grading",
                    .object([("type", .string("Threshold")), ("thresholds", .object([("upperSevere", .number(0.5))])), ("metricScore", .number(1))])
                )
            ]))
        indicators.append(
            .object([
                ("id", .string("message")), ("source", .string("static")), ("query", .object([("error", .string(hostile.joined(separator: " ")))])),
                ("grading", .object([("type", .string("Threshold")), ("thresholds", .object([])), ("metricScore", .number(1))]))
            ]))
        return JSONWriter.write(
            .object([
                ("indicators", .array(indicators)), ("objectives", .object([("pass", .number(11)), ("warning", .number(5))])),
                ("sources", .object([("prometheus", .object([("url", .string(backend.url + "/t/hostile-labels"))]))]))
            ]))
    }

    @Test(arguments: ["github", "azure", "jenkins", "gitlab", "none"])
    func hostileTextStaysText(_ platform: String) async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.spec(FakeBackend.shared), to: folder + "/perfspec.json")
        for file in ["output", "env", "summary"] { try Fixtures.write("", to: folder + "/gh-" + file) }
        let environment: [String: String] = [
            "github": [
                "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": folder, "GITHUB_OUTPUT": folder + "/gh-output", "GITHUB_ENV": folder + "/gh-env",
                "GITHUB_STEP_SUMMARY": folder + "/gh-summary"
            ],
            "azure": ["TF_BUILD": "True", "PIPELINE_WORKSPACE": folder],
            "jenkins": ["JENKINS_URL": "http://ci/", "WORKSPACE": folder],
            "gitlab": ["GITLAB_CI": "true", "CI_PROJECT_DIR": folder, "CI_PIPELINE_ID": "1", "CI_JOB_ID": "2"],
            "none": [:]
        ][platform]!
        // Earlier runs under the same hostile ids and keys: trend charts in the HTML and Mermaid in the summary.
        let history = (0..<3).map { run in
            HistoryRecord(
                time: 1_714_000_000 + Double(run) * 3600, window: nil, specKind: "perfspec", specPath: nil, specDigest: nil, context: [:],
                result: .pass,
                score: 11,
                values: Self.hostile.enumerated().map { index, id in
                    HistoryRecord.Value(
                        id: id, key: Self.hostile[(index + 1) % Self.hostile.count], value: Double(run), status: "pass", success: true)
                }
            ).line()
        }
        try Fixtures.write(history.joined(separator: "\n") + "\n", to: folder + "/h.jsonl")
        let output = try await InProcess.run(
            [
                "evaluate", "--start", "now-1m", "--json", folder + "/r.json", "--junit", folder + "/r.xml", "--markdown", folder + "/r.md",
                "--html", folder + "/r.html", "--history", folder + "/h.jsonl", "--summary-charts", "mermaid"
            ],
            environment: environment, in: folder)
        #expect(output.status == 2, "\(output.stderr)")
        Self.expectInertHTML(try Fixtures.read(folder + "/r.html"))
        Self.expectInertMermaid(try Fixtures.read(folder + "/r.md"))

        // Only perfgate's own commands, for the platform it is on.
        let ours: [String] =
            [
                "github": [
                    "::warning title=perfgate warning", "::error title=perfgate e", "::error title=perfgate f",
                    "::error title=perfgate::perfgate: result error (exit 2)"
                ],
                "azure": [
                    "##vso[task.logissue type=", "##vso[results.publish type=JUnit;", "##vso[task.uploadsummary]",
                    "##vso[artifact.upload containerfolder=perfgate-report;",
                    "##vso[task.setvariable variable=PERFGATE_RESULT;isOutput=true]error",
                    "##vso[task.setvariable variable=PERFGATE_SCORE;isOutput=true]",
                    "##vso[task.setvariable variable=perfgateResult;isOutput=true]error",
                    "##vso[task.setvariable variable=perfgateScore;isOutput=true]",
                    "##vso[task.complete result=Failed]perfgate: result error (exit 2)"
                ]
            ][platform] ?? []
        for line in (output.stdout + output.stderr).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.contains("##vso[") || line.contains("##[") || line.hasPrefix("::") {
                #expect(ours.contains { line.hasPrefix($0) }, "not ours: \(line)")
            }
            #expect(!line.contains("\u{0}"))
        }
        #expect(!output.stdout.contains("##vso[task.setvariable variable=PERFGATE_RESULT]pass"))
        if platform == "gitlab" {
            // Only perfgate's own section markers, one start and one end per indicator shown.
            let log = output.stdout + output.stderr
            let starts = log.components(separatedBy: "\u{1B}[0Ksection_start:").count - 1
            let ends = log.components(separatedBy: "\u{1B}[0Ksection_end:").count - 1
            #expect(starts > 0 && starts == ends)
            #expect(log.components(separatedBy: "\r").count - 1 == starts + ends)
            let metrics = try Fixtures.read(folder + "/.perfgate/metrics.txt")
            for line in metrics.split(separator: "\n") where !line.hasPrefix("#") {
                #expect(line.split(separator: " ").count == 2 && line.allSatisfy { $0.isASCII && $0 != "\"" && $0 != "'" }, "\(line)")
            }
        }
        if platform == "github" {
            let outputs = try Fixtures.read(folder + "/gh-output").split(separator: "\n").filter { $0.contains("<<perfgate_") }
                .map { String($0.prefix { $0 != "<" }) }
            #expect(Set(outputs) == ["result", "score", "json-report", "junit-report", "markdown-report", "html-report"])
            #expect(try Fixtures.read(folder + "/gh-env").isEmpty)
        }
        // Valid XML for both schemas.
        try Shared.expectValidJUnit(folder + "/r.xml")
        // Every table row keeps its five cells.
        for row in try Fixtures.read(folder + "/r.md").split(separator: "\n") where row.hasPrefix("| ") {
            var pipes = 0
            var escaped = false
            var inCode = false
            for scalar in row.unicodeScalars {
                if scalar == "`" && !escaped { inCode.toggle() }
                if scalar == "|" && !escaped { pipes += 1 }
                escaped = scalar == "\\" && !escaped
            }
            #expect(pipes == 6, "\(row)")
        }
        if platform == "github" { Self.expectInertMermaid(try Fixtures.read(folder + "/gh-summary")) }
        // The data itself is kept, escaped: the JSON still has every hostile id.
        let result = try JSONParser.parse(Fixtures.read(folder + "/r.json"))
        let ids = result["indicatorResults"]?.items?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(Array(ids.prefix(Self.hostile.count)) == Self.hostile)
    }

    /// Only the elements the HTML report draws, and no attribute that runs or fetches anything.
    static func expectInertHTML(_ html: String) {
        let allowed: Set<String> = [
            "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "dl", "dt", "dd", "code", "main", "section",
            "span", "ul", "li", "svg", "g", "rect", "line", "path", "circle", "text", "figure", "figcaption", "details", "summary", "table", "thead",
            "tbody", "tr", "th", "td"
        ]
        var tags = Set<String>()
        for piece in html.components(separatedBy: "<").dropFirst() {
            let name = String(piece.prefix { $0.isLetter || $0.isNumber || $0 == "!" || $0 == "/" || $0 == "-" }).replacingOccurrences(
                of: "/", with: "")
            tags.insert(name)
        }
        #expect(tags.isSubset(of: allowed), "\(tags.subtracting(allowed))")
        #expect(html.contains("trend-1"), "the trend charts were drawn")
        for forbidden in [" on", "src=", "href=", "javascript:", "url("] {
            // Attributes live inside tags: look only there.
            for piece in html.components(separatedBy: "<").dropFirst() {
                let tag = piece.prefix { $0 != ">" }
                #expect(!tag.lowercased().contains(forbidden), "\(tag)")
            }
        }
    }

    /// Every Mermaid block holds only perfgate's statements, its labels plain quoted text.
    static func expectInertMermaid(_ markdown: String) {
        let blocks = markdown.components(separatedBy: "```mermaid\n").dropFirst().map { $0.components(separatedBy: "\n```\n")[0] }
        #expect(!blocks.isEmpty, "the summary has its charts")
        for line in blocks.flatMap({ $0.split(separator: "\n") }) {
            let known = ["xychart-beta", "    title \"", "    x-axis [\"", "    y-axis \"", "    line ["].contains { line.hasPrefix($0) }
            #expect(known && line.split(separator: "\"", omittingEmptySubsequences: false).count % 2 == 1, "\(line)")
            for forbidden in ["%%", "#", "`", ";", "<", ">", "\u{0}"] { #expect(!line.contains(forbidden), "\(line)") }
        }
    }
}

/// The same hostile text stored by `perfgate serve`'s store: as indicator ids and keys, as the
/// service, the branch and an invalidation's reason. The API's JSON, the exports, the dashboard
/// and `perfgate history list` under a CI platform keep it text.
@Suite struct StoredInjectionTests {
    static let key = "inject-key-0123456789abcdef"

    @Test func hostileRunsStayText() async throws {
        let data = try Fixtures.temporaryFolder()
        try Fixtures.write("\(Self.key) evaluate,read,admin\n", to: data + "/keys")
        let service = try ServeProcess(["--api-key-file", data + "/keys", "--data-dir", data])
        // Provenance refuses control characters; everything else goes in as it is.
        let printable = InjectionTests.hostile.filter { !$0.unicodeScalars.contains { $0.properties.generalCategory == .control } }
        let indicators: [Node] = InjectionTests.hostile.enumerated().map { index, id in
            .object([
                ("id", .string(id)), ("source", .string("static")),
                (
                    "query",
                    .array([.object([("key", .string(InjectionTests.hostile[(index + 1) % InjectionTests.hostile.count])), ("value", .number(10))])])
                ),
                (
                    "grading",
                    .object([("type", .string("Threshold")), ("thresholds", .object([("upperWarning", .number(5))])), ("metricScore", .number(1))])
                )
            ])
        }
        let spec = JSONWriter.write(
            .object([("indicators", .array(indicators)), ("objectives", .object([("pass", .number(11)), ("warning", .number(5))]))]))
        for (index, branch) in printable.enumerated() {
            let body = JSONWriter.write(
                .object([
                    ("spec", .string(spec)), ("variables", .object([("SERVICE", .string(printable[(index + 2) % printable.count]))])),
                    ("provenance", .object([("runId", .string(branch)), ("branch", .string(branch))]))
                ]))
            let answer = try await Curl.post(service.url + "/api/v1/evaluate", json: body, headers: ["Authorization: Bearer \(Self.key)"])
            #expect(answer.status == 200, "\(answer.body.prefix(300))")
        }
        let reason = printable.joined(separator: " ")
        _ = try await Curl.run([
            "-X", "PATCH", "-H", "Authorization: Bearer \(Self.key)", "-H", "Content-Type: application/json", "--data",
            JSONWriter.write(.object([("invalidated", .bool(true)), ("reason", .string(reason))])), service.url + "/api/v1/runs/1"
        ])
        // The API: JSON that parses, with the text as it went in.
        let list = try await Curl.run(["-H", "Authorization: Bearer \(Self.key)", service.url + "/api/v1/runs?include=record&limit=200"])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(list.body.utf8)) as? [String: Any])
        let runs = try #require(root["runs"] as? [[String: Any]])
        #expect(runs.count == printable.count)
        #expect(Set(runs.compactMap { $0["branch"] as? String }) == Set(printable))
        let ids = (runs.first?["record"] as? [String: Any])?["indicators"] as? [[String: Any]] ?? []
        #expect(ids.compactMap { $0["id"] as? String } == InjectionTests.hostile)
        // Under GitHub Actions: list and export make no logging command, and the export is JSON Lines.
        let environment = ["GITHUB_ACTIONS": "true", "PERFGATE_SERVER": service.url, "PERFGATE_API_KEY": Self.key]
        let listed = try await InProcess.run(["history", "list", "--limit", "200"], environment: environment)
        let exported = try await InProcess.run(["history", "export", "--include-invalid"], environment: environment)
        for output in [listed.stdout, exported.stdout] {
            let commands = output.split(separator: "\n").filter { line in
                let trimmed = line.drop { $0 == " " }
                return trimmed.hasPrefix("::") && !trimmed.hasPrefix("::add-mask::") || trimmed.hasPrefix("##vso[")
            }
            #expect(commands.isEmpty, "\(commands)")
        }
        let lines = exported.stdout.split(separator: "\n")
        #expect(lines.count == printable.count)
        for line in lines { #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(line)") }
        // The dashboard: the text shown, never markup.
        for path in ["/", "/dashboard?service=" + (printable[2].addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")] {
            let page = try await Curl.run(["-H", "Authorization: Bearer \(Self.key)", service.url + path])
            #expect(page.status == 200 && !page.body.contains("<script>") && !page.body.contains("</testcase>"), "\(path)")
        }
        #expect(await service.stop() == 0)
    }

    /// The hostile spec (and mentions, links and references) in every comment and chat message:
    /// GitHub's, GitLab's and Azure DevOps' comments, Slack's and Teams' messages.
    @Test func hostileTextStaysTextInEveryCommentAndMessage() async throws {
        let folder = try Fixtures.temporaryFolder()
        let extra = ["@everyone", "[x](https://evil.example)", "#1 !2 ~bug", "<!channel>", "**bold**"]
        var root = try JSONParser.parse(Array(InjectionTests.spec(FakeBackend.shared).utf8))
        var indicators = root["indicators"]?.items ?? []
        let grading: Node = .object([
            ("type", .string("Threshold")), ("thresholds", .object([("upperSevere", .number(5))])), ("metricScore", .number(1))
        ])
        for (index, id) in extra.enumerated() {
            let result: Node = .object([("key", .string(extra[(index + 1) % extra.count])), ("value", .number(10))])
            indicators.append(.object([("id", .string(id)), ("source", .string("static")), ("query", .array([result])), ("grading", grading)]))
        }
        root = .object((root.members ?? []).map { $0.key == "indicators" ? ($0.key, Node.array(indicators)) : ($0.key, $0.value) })
        try Fixtures.write(JSONWriter.write(root), to: folder + "/perfspec.json")
        let review = FakeBackend.review.url
        try Fixtures.write(#"{"pull_request": {"number": 99}}"#, to: folder + "/event.json")
        let platforms: [String: [String: String]] = [
            "github": [
                "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": folder, "GITHUB_EVENT_PATH": folder + "/event.json",
                "GITHUB_REPOSITORY": "hostile/repo",
                "GITHUB_API_URL": review + "/github", "GITHUB_TOKEN": "ghs_TESTTOKEN0123456789abcdef"
            ],
            "gitlab": [
                "GITLAB_CI": "true", "CI_PROJECT_DIR": folder, "CI_PIPELINE_ID": "1", "CI_JOB_ID": "2", "CI_API_V4_URL": review + "/api/v4",
                "CI_PROJECT_ID": "999", "CI_MERGE_REQUEST_IID": "99", "PERFGATE_GITLAB_TOKEN": "glpat-TESTTOKEN0123456789"
            ],
            "azure": [
                "TF_BUILD": "True", "PIPELINE_WORKSPACE": folder, "SYSTEM_COLLECTIONURI": review + "/azure/hostile/", "SYSTEM_TEAMPROJECT": "p",
                "BUILD_REPOSITORY_ID": "r", "SYSTEM_PULLREQUEST_PULLREQUESTID": "99", "SYSTEM_ACCESSTOKEN": "azdo-ACCESSTOKEN-0123456789"
            ]
        ]
        let hooks = [
            "PERFGATE_SLACK_WEBHOOK_URL": review + "/services/T0001/B0001/slackSECRET0123456789",
            "PERFGATE_TEAMS_WEBHOOK_URL": review + "/workflows/teamsSECRET0123456789/triggers/manual/paths/invoke"
        ]
        for (_, environment) in platforms {
            let run = try await InProcess.run(
                ["evaluate", "--spec", "perfspec.json", "--comment", "auto", "--notify", "slack", "--notify", "teams"],
                environment: environment.merging(hooks) { a, _ in a }, in: folder)
            #expect(!run.stderr.contains("cannot comment") && !run.stderr.contains("webhook answered"), "\(run.stderr)")
        }
        let state = try JSONParser.parse(try await CurlHTTPClient().send(HTTPRequest(url: review + "/_state")).body)
        let comments = [
            state["github"]?["hostile/repo#99"]?.items?.first?["body"]?.stringValue,
            state["gitlab"]?["999!99"]?.items?.first?["body"]?.stringValue,
            state["azure"]?["hostile/p/r/99"]?.items?.first?["comments"]?.items?.first?["content"]?.stringValue
        ]
        #expect(comments.allSatisfy { $0 != nil })
        for body in comments.compactMap({ $0 }) {
            for raw in ["<script", "</testcase", "](https", "@everyone", "<!channel>", "##vso", "\n::", "#1 ", "!2 ", "~bug"] {
                #expect(!body.contains(raw), "\(raw) in a comment")
            }
            for row in body.split(separator: "\n") where row.hasPrefix("| ") {
                #expect(row.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count == 7, "\(row)")
            }
        }
        let messages: [Node] = (state["slack"]?.items ?? []) + (state["teams"]?.items ?? [])
        let sent = messages.map { JSONWriter.write($0) }.filter { $0.contains("everyone") }
        #expect(sent.count >= 6)
        for message in sent {
            for raw in ["<script", "<!channel>", "](https", "@everyone", "**bold**"] {
                #expect(!message.contains(raw), "\(raw) in \(message.prefix(200))")
            }
        }
    }
}
