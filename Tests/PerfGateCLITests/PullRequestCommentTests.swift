import Foundation
import PerfGateCore
import PerfGateSources
import PerfGateTestSupport
import Testing

/// `--comment` and `--notify` against the scripted review APIs (Servers/fake_review.py): one
/// comment per spec, created then edited, on GitHub, GitLab, Azure DevOps and from Jenkins; a
/// fork's 403, rate limits and a 5xx are warnings, never a failed gate; hostile keys stay text;
/// chat webhooks hear about failures only; tokens and webhook URLs never show.
@Suite struct PullRequestCommentTests {
    static var url: String { FakeBackend.review.url }
    static let githubToken = "ghs_TESTTOKEN0123456789abcdef"
    static let hostileKey =
        "@octocat [x](javascript:alert(1)) <img src=x onerror=alert(1)> #1 !2 ~bug | ::warning::x ##vso[task.complete result=Succeeded]"

    /// A spec whose one indicator gives `value` for a hostile key and a plain one.
    static func spec(_ value: Double) -> String {
        """
        {"indicators": [{"id": "p95", "source": "static", "query": [{"key": "checkout", "value": \(value)}, {"key": \(JSONWriter.write(.string(hostileKey))), "value": 1}],
          "grading": {"type": "Threshold", "thresholds": {"upperSevere": 300}, "metricScore": 10}}], "objectives": {"pass": 9, "warning": 5}}
        """
    }

    static func state() async throws -> Node {
        let response = try await CurlHTTPClient().send(HTTPRequest(url: url + "/_state"))
        return try JSONParser.parse(response.body)
    }

    static func github(_ folder: String, repository: String, number: Int, fork: Bool = false) throws -> [String: String] {
        let head = fork ? "someone/\(repository.split(separator: "/").last!)" : repository
        try Fixtures.write(
            #"{"action": "synchronize", "pull_request": {"number": \#(number), "head": {"repo": {"full_name": "\#(head)"}}, "base": {"repo": {"full_name": "\#(repository)"}}}}"#,
            to: folder + "/event.json")
        for file in ["output", "env", "summary"] { try Fixtures.write("", to: folder + "/gh-" + file) }
        return [
            "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": folder, "GITHUB_OUTPUT": folder + "/gh-output", "GITHUB_ENV": folder + "/gh-env",
            "GITHUB_STEP_SUMMARY": folder + "/gh-summary", "GITHUB_EVENT_PATH": folder + "/event.json", "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_REPOSITORY": repository, "GITHUB_API_URL": url + "/github", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "42",
            "GITHUB_TOKEN": githubToken
        ]
    }

    static let evaluate = [
        "evaluate", "--spec", "perfspec.json", "--json", "r.json", "--markdown", "r.md", "--history", "h.jsonl", "--comment", "auto"
    ]

    static func comments(_ key: String, in state: Node, platform: String = "github") -> [Node] { state[platform]?[key]?.items ?? [] }

    @Test func aGateRunTwiceKeepsOneCommentEditedWithTheChangeAndHostileKeysInert() async throws {
        let folder = try Fixtures.temporaryFolder()
        let environment = try Self.github(folder, repository: "acme/shop", number: 7)
        try Fixtures.write(Self.spec(200), to: folder + "/perfspec.json")
        let first = try await InProcess.run(Self.evaluate, environment: environment, in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("perfgate commented on pull request #7"), "\(first.stderr)")
        try Fixtures.write(Self.spec(400), to: folder + "/perfspec.json")
        let second = try await InProcess.run(Self.evaluate, environment: environment, in: folder)
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stderr.contains("perfgate updated its comment on pull request #7"), "\(second.stderr)")

        let comments = Self.comments("acme/shop#7", in: try await Self.state())
        try #require(comments.count == 1)
        let body = comments[0]["body"]?.stringValue ?? ""
        #expect(comments[0]["edits"]?.numberValue == 1)
        #expect(body.hasPrefix("<!-- perfgate-comment: perfspec.json -->\n### ❌ perfgate: FAIL"))
        // The change against the first run, failures first.
        #expect(body.contains("| p95 | checkout | 400 | 200 | +100% | ❌ fail |"), "\(body)")
        #expect(body.contains("[the run](https://github.com/acme/shop/actions/runs/42)"))
        // The hostile key: a code span, so no mention, link, HTML, reference or command.
        // The hostile key: escaped, so no mention, link, HTML, reference or command even in the
        // raw text; the table keeps its columns.
        let row = body.split(separator: "\n").first { $0.contains("octocat") }.map(String.init) ?? ""
        #expect(
            row.hasPrefix(
                "| p95 | @\u{200B}octocat \\[x\\]\\(javascript:alert\\(1\\)\\) &lt;img src=x onerror=alert\\(1\\)&gt; \\#\u{200B}1 \\!\u{200B}2 \\~\u{200B}bug \\| ::warning::x"
            ), "\(row)")
        #expect(row.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count == 7)
        for raw in ["<img", "](javascript", "@octocat", "##vso"] { #expect(!body.contains(raw), "\(raw)") }
        for output in [first, second] {
            let log = (output.stdout + output.stderr).split(separator: "\n").filter { !$0.hasPrefix("::add-mask::") }.joined(separator: "\n")
            #expect(!log.contains(Self.githubToken))
        }
    }

    @Test func twoSpecsInOnePullRequestKeepTwoComments() async throws {
        let folder = try Fixtures.temporaryFolder()
        let environment = try Self.github(folder, repository: "acme/two", number: 3)
        try Fixtures.write(Self.spec(100), to: folder + "/perfspec.json")
        try Fixtures.write(Self.spec(100), to: folder + "/api-spec.json")
        for spec in ["perfspec.json", "api-spec.json", "perfspec.json"] {
            let run = try await InProcess.run(["evaluate", "--spec", spec, "--comment", "github"], environment: environment, in: folder)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let comments = Self.comments("acme/two#3", in: try await Self.state())
        #expect(
            comments.compactMap { $0["body"]?.stringValue?.split(separator: "\n").first.map(String.init) } == [
                "<!-- perfgate-comment: perfspec.json -->", "<!-- perfgate-comment: api-spec.json -->"
            ])
        #expect(comments.map { $0["edits"]?.numberValue ?? 0 } == [1, 0])
    }

    @Test func aForksReadOnlyTokenIsAWarningNotAFailedGate() async throws {
        let folder = try Fixtures.temporaryFolder()
        let environment = try Self.github(folder, repository: "acme/forked", number: 9, fork: true)
        try Fixtures.write(Self.spec(100), to: folder + "/perfspec.json")
        let run = try await InProcess.run(Self.evaluate, environment: environment, in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            (run.stdout + run.stderr).contains(
                "cannot comment on pull request #9: GitHub answered 403 to POST /repos/acme/forked/issues/9/comments: Resource not accessible by integration. This pull request comes from a fork"
            ), "\(run.stdout)")
        let report = try JSONParser.parse(Fixtures.read(folder + "/r.json"))
        #expect(report["warnings"]?.items?.first?.stringValue?.contains("Resource not accessible by integration") == true)
        #expect(try Fixtures.read(folder + "/r.md").contains("Resource not accessible by integration"))
    }

    @Test(arguments: ["limited", "flaky", "throttled"])
    func aRateLimitOrA5xxIsRetried(_ repository: String) async throws {
        let folder = try Fixtures.temporaryFolder()
        let environment = try Self.github(folder, repository: "acme/\(repository)", number: 4)
        try Fixtures.write(Self.spec(100), to: folder + "/perfspec.json")
        let run = try await InProcess.run(Self.evaluate, environment: environment, in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("::warning::cannot comment"), "\(run.stdout)")
        #expect(Self.comments("acme/\(repository)#4", in: try await Self.state()).count == 1)
    }

    @Test func gitLabKeepsOneNoteAndSaysTheJobTokenCannotWriteOne() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.spec(100), to: folder + "/perfspec.json")
        var environment = [
            "GITLAB_CI": "true", "CI_PIPELINE_ID": "1", "CI_JOB_ID": "2", "CI_PROJECT_DIR": folder, "CI_API_V4_URL": Self.url + "/api/v4",
            "CI_PROJECT_ID": "4242", "CI_MERGE_REQUEST_IID": "12", "CI_JOB_URL": "https://gitlab.example.com/acme/shop/-/jobs/2",
            "CI_JOB_TOKEN": "glcbt-JOBTOKEN-0123"
        ]
        let noToken = try await InProcess.run(Self.evaluate, environment: environment, in: folder)
        #expect(noToken.status == 0)
        #expect(noToken.stderr.contains("GitLab's job token (CI_JOB_TOKEN) cannot write notes"), "\(noToken.stderr)")
        environment["PERFGATE_GITLAB_TOKEN"] = "glpat-TESTTOKEN0123456789"
        for spec in [Self.spec(100), Self.spec(500)] {
            try Fixtures.write(spec, to: folder + "/perfspec.json")
            _ = try await InProcess.run(Self.evaluate, environment: environment, in: folder)
        }
        let notes = Self.comments("4242!12", in: try await Self.state(), platform: "gitlab")
        try #require(notes.count == 1)
        let body = notes[0]["body"]?.stringValue ?? ""
        #expect(body.contains("### ❌ perfgate: FAIL") && body.contains("| 500 | 100 | +400% |"), "\(body)")
        #expect(body.contains("[the run](https://gitlab.example.com/acme/shop/-/jobs/2)"))
    }

    static func azure(_ folder: String, organization: String, pullRequest: Int) -> [String: String] {
        [
            "TF_BUILD": "True", "PIPELINE_WORKSPACE": folder, "SYSTEM_COLLECTIONURI": Self.url + "/azure/\(organization)/",
            "SYSTEM_TEAMPROJECT": "Shop Project", "SYSTEM_TEAMPROJECTID": "6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c", "BUILD_REPOSITORY_ID": "repo-1",
            "BUILD_REPOSITORY_PROVIDER": "TfsGit", "SYSTEM_PULLREQUEST_PULLREQUESTID": "\(pullRequest)", "BUILD_BUILDID": "77",
            "SYSTEM_ACCESSTOKEN": "azdo-ACCESSTOKEN-0123456789"
        ]
    }

    @Test(arguments: ["org", "limited"])
    func azureDevOpsKeepsOneThreadAndAStatusThatFollowsTheVerdict(_ organization: String) async throws {
        let folder = try Fixtures.temporaryFolder()
        let environment = Self.azure(folder, organization: organization, pullRequest: 31)
        for value in [500.0, 100] {
            try Fixtures.write(Self.spec(value), to: folder + "/perfspec.json")
            let run = try await InProcess.run(Self.evaluate, environment: environment, in: folder)
            #expect(run.status == (value > 300 ? 1 : 0), "\(run.stdout)\(run.stderr)")
        }
        let state = try await Self.state()
        let key = "\(organization)/6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c/repo-1/31"
        let threads = Self.comments(key, in: state, platform: "azure")
        try #require(threads.count == 1)
        #expect(threads[0]["status"]?.stringValue == "closed")
        let comment = threads[0]["comments"]?.items?.first
        #expect(comment?["edits"]?.numberValue == 1)
        #expect(comment?["content"]?.stringValue?.contains("### ✅ perfgate: PASS") == true)
        #expect(!(comment?["content"]?.stringValue?.contains("```mermaid") ?? true))
        let statuses = state["statuses"]?[key]?.items ?? []
        #expect(statuses.map { $0["state"]?.stringValue ?? "" } == ["failed", "succeeded"])
        #expect(statuses.first?["context"]?["name"]?.stringValue == "perfspec.json")
        #expect(statuses.first?["context"]?["genre"]?.stringValue == "perfgate")
        #expect(statuses.first?["targetUrl"]?.stringValue == Self.url + "/azure/\(organization)/Shop%20Project/_build/results?buildId=77")
    }

    @Test func jenkinsCommentsWhereChangeURLPointsWithTheJobsCredential() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.spec(100), to: folder + "/perfspec.json")
        let environment = [
            "JENKINS_URL": "http://ci/", "WORKSPACE": folder, "BUILD_URL": "https://ci.example.com/job/shop/PR-5/3/", "CHANGE_ID": "5",
            "CHANGE_URL": "https://github.example.com/acme/jenkins/pull/5", "PERFGATE_COMMENT_API_URL": Self.url + "/github",
            "PERFGATE_COMMENT_TOKEN": Self.githubToken
        ]
        let run = try await InProcess.run(Self.evaluate, environment: environment, in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let comments = Self.comments("acme/jenkins#5", in: try await Self.state())
        #expect(comments.count == 1)
        #expect(comments.first?["body"]?.stringValue?.contains("[the run](https://ci.example.com/job/shop/PR-5/3/)") == true)
    }

    @Test func theCommentCommandPostsALaterStepsCommentFromTheReport() async throws {
        let folder = try Fixtures.temporaryFolder()
        var environment = try Self.github(folder, repository: "acme/later", number: 11)
        try Fixtures.write(Self.spec(350), to: folder + "/perfspec.json")
        environment["GITHUB_TOKEN"] = nil
        let evaluated = try await InProcess.run(["evaluate", "--spec", "perfspec.json", "--json", "r.json"], environment: environment, in: folder)
        #expect(evaluated.status == 1)
        environment["GITHUB_TOKEN"] = Self.githubToken
        for _ in 0..<2 {
            let posted = try await InProcess.run(["comment", "--report", "r.json"], environment: environment, in: folder)
            #expect(posted.status == 0, "\(posted.stderr)")
        }
        let comments = Self.comments("acme/later#11", in: try await Self.state())
        try #require(comments.count == 1)
        #expect(comments[0]["body"]?.stringValue?.contains("| p95 | checkout | 350 | – | – | ❌ fail |") == true)
        let missing = try await InProcess.run(["comment", "--report", "nothing.json"], environment: environment, in: folder)
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("cannot read the report nothing.json"))
    }

    @Test func chatWebhooksHearOfFailuresOnlyAndTheirURLsNeverShow() async throws {
        let folder = try Fixtures.temporaryFolder()
        let slack = Self.url + "/services/T0001/B0001/slackSECRET0123456789"
        let teams = Self.url + "/workflows/teamsSECRET0123456789/triggers/manual/paths/invoke"
        try Fixtures.write(teams + "\n", to: folder + "/teams-url")
        let environment = ["PERFGATE_SLACK_WEBHOOK_URL": slack, "PERFGATE_SERVICE": "checkout <!channel> @here"]
        let notify = ["evaluate", "--spec", "perfspec.json", "--notify", "slack", "--notify", "teams=teams-url", "--json", "r.json"]
        try Fixtures.write(Self.spec(100), to: folder + "/perfspec.json")
        let passed = try await InProcess.run(notify, environment: environment, in: folder)
        #expect(passed.status == 0)
        try Fixtures.write(Self.spec(900), to: folder + "/perfspec.json")
        let failed = try await InProcess.run(notify, environment: environment, in: folder)
        #expect(failed.status == 1, "\(failed.stderr)")
        // Other tests post to the same fake: this test's messages are those for its service.
        let after = try await Self.state()
        let slackBodies = (after["slack"]?.items ?? []).filter { JSONWriter.write($0).contains("checkout &lt;!channel&gt;") }
        let teamsBodies = (after["teams"]?.items ?? []).filter { JSONWriter.write($0).contains("checkout") }
        try #require(slackBodies.count == 1 && teamsBodies.count == 1)
        let slackText = JSONWriter.write(slackBodies[0])
        #expect(slackText.contains("perfgate: FAIL for checkout &lt;!channel&gt; @\u{200B}here"), "\(slackText)")
        #expect(!slackText.contains("<!channel>") && !slackText.contains("<img"))
        let teamsText = JSONWriter.write(teamsBodies[0])
        #expect(teamsText.contains("application/vnd.microsoft.card.adaptive"))
        #expect(!teamsText.contains("](javascript"))
        for output in [passed, failed] {
            let log = output.stdout + output.stderr + (try Fixtures.read(folder + "/r.json"))
            #expect(!log.contains("slackSECRET") && !log.contains("teamsSECRET"))
        }
    }

    /// With a perfgate server's store, the baseline of a merge request's comment is the target
    /// branch's latest run, which the server sends back with the evaluation.
    @Test func aMergeRequestsBaselineIsItsTargetBranchsRunInTheStore() async throws {
        let folder = try Fixtures.temporaryFolder()
        let service = try ServeStoreTests.service(folder)
        try Fixtures.write(Self.spec(120), to: folder + "/perfspec.json")
        let main = try await InProcess.run(
            ["evaluate", "--spec", "perfspec.json"], environment: ServeStoreTests.gitlab(service, pipeline: "1"), in: folder)
        #expect(main.status == 0, "\(main.stderr)")
        try Fixtures.write(Self.spec(180), to: folder + "/perfspec.json")
        var request = ServeStoreTests.gitlab(service, pipeline: "2", branch: "feature")
        request.merge([
            "CI_MERGE_REQUEST_IID": "8", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature",
            "CI_API_V4_URL": Self.url + "/api/v4", "CI_PROJECT_ID": "5150", "PERFGATE_GITLAB_TOKEN": "glpat-TESTTOKEN0123456789",
            "CI_PROJECT_DIR": folder, "CI_JOB_ID": "3"
        ]) { _, new in new }
        let merge = try await InProcess.run(["evaluate", "--spec", "perfspec.json", "--comment", "auto"], environment: request, in: folder)
        #expect(merge.status == 0, "\(merge.stderr)")
        let body = Self.comments("5150!8", in: try await Self.state(), platform: "gitlab").first?["body"]?.stringValue ?? ""
        #expect(body.contains("| p95 | checkout | 180 | 120 | +50% | ✅ pass |"), "\(body)")
        #expect(await service.stop() == 0)
    }
}
