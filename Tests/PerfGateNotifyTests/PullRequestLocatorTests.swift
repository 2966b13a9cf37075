import Glibc
import PerfGateCore
@testable import PerfGateNotify
import PerfGateSources
import Synchronization
import Testing

/// Which pull request a run belongs to, from each platform's variables, and where its token
/// goes: only to the API origin built from the environment, the ids in the path encoded.
@Suite struct PullRequestLocatorTests {
    /// Keeps every request; answers an empty listing, then "created".
    final class Recorder: HTTPClient {
        let sent = Mutex<[HTTPRequest]>([])
        func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
            sent.withLock { $0.append(request) }
            let body = request.method == "GET" ? (request.url.contains("/threads") ? #"{"value": [], "count": 0}"# : "[]") : #"{"id": 1}"#
            return HTTPResponse(status: request.method == "POST" ? 201 : 200, body: Array(body.utf8), url: request.url)
        }
    }

    struct NoFiles: Files {
        func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] { throw FileError(path: path, reason: "no such file") }
        func exists(_ path: String) -> Bool { false }
        func openRegular(_ path: String) throws(FileError) -> UnsafeMutablePointer<FILE> { throw FileError(path: path, reason: "no such file") }
    }

    /// Posts through the located thread and gives the first request (the listing) and its auth header.
    func post(_ environment: [String: String], ci: String, choice: String = "auto") async throws -> (url: String, auth: String)? {
        let recorder = Recorder()
        let locator = PullRequestLocator(environment: environment, files: NoFiles(), http: recorder)
        guard case .thread(let thread, _, _) = locator.locate(choice, ci: ci, azureStatus: 1) else { return nil }
        _ = try await thread.upsert("<!-- m -->\nbody", marker: "<!-- m -->")
        guard let first = recorder.sent.withLock({ $0.first }) else { return nil }
        return (first.url, first.header("Authorization") ?? first.header("PRIVATE-TOKEN") ?? "")
    }

    @Test(arguments: [
        ("https://github.com/acme/shop/pull/5", "https://api.github.com/repos/acme/shop/issues/5/comments?per_page=100&page=1", "Bearer T0KEN"),
        (
            "https://ghe.example.com/acme/shop/pull/5", "https://ghe.example.com/api/v3/repos/acme/shop/issues/5/comments?per_page=100&page=1",
            "Bearer T0KEN"
        ),
        (
            "https://gitlab.example.com/group/sub/shop/-/merge_requests/8",
            "https://gitlab.example.com/api/v4/projects/group%2Fsub%2Fshop/merge_requests/8/notes?per_page=100&page=1&sort=asc&order_by=created_at",
            "T0KEN"
        ),
        (
            "https://dev.azure.com/fabrikam/Shop%20Project/_git/shop/pullrequest/12",
            "https://dev.azure.com/fabrikam/Shop%20Project/_apis/git/repositories/shop/pullRequests/12/threads?api-version=7.1", "Basic OlQwS0VO"
        ),
        (
            "https://fabrikam.visualstudio.com/Shop/_git/shop/pullrequest/12",
            "https://fabrikam.visualstudio.com/Shop/_apis/git/repositories/shop/pullRequests/12/threads?api-version=7.1", "Basic OlQwS0VO"
        )
    ])
    func jenkinsFollowsChangeURLToItsPlatform(_ change: String, _ listed: String, _ auth: String) async throws {
        let sent = try await post(["CHANGE_ID": "5", "CHANGE_URL": change, "PERFGATE_COMMENT_TOKEN": "T0KEN"], ci: "jenkins")
        #expect(sent?.url == listed)
        #expect(sent?.auth == auth)
    }

    @Test(arguments: [
        ["CHANGE_ID": "5", "CHANGE_URL": "https://bitbucket.example.com/projects/P/repos/r/pull-requests/5", "PERFGATE_COMMENT_TOKEN": "T"],
        ["CHANGE_ID": "5", "CHANGE_URL": "https://github.com/acme/shop/pull/5/../../../../evil/pull/1", "PERFGATE_COMMENT_TOKEN": "T"],
        ["CHANGE_ID": "5", "CHANGE_URL": "https://user@github.com/acme/shop/pull/5", "PERFGATE_COMMENT_TOKEN": "T"],
        ["CHANGE_ID": "5", "CHANGE_URL": "https://github.com/acme/shop/pull/5"]
    ])
    func jenkinsWithoutAKnownChangeOrATokenIsAProblemNotARequest(_ environment: [String: String]) async throws {
        let locator = PullRequestLocator(environment: environment, files: NoFiles(), http: Recorder())
        guard case .problem(let why) = locator.locate("auto", ci: "jenkins", azureStatus: 1) else {
            Issue.record("located a thread for \(environment)")
            return
        }
        #expect(why.hasPrefix("cannot comment on change 5"))
    }

    @Test func gitHubIdsAreEncodedPathSegments() async throws {
        let environment = [
            "GITHUB_REPOSITORY": "acme/sh?op#x", "GITHUB_EVENT_PATH": "/event.json", "GITHUB_API_URL": "https://api.github.com", "GITHUB_TOKEN": "T"
        ]
        struct Event: Files {
            func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] { Array(#"{"pull_request": {"number": 3}}"#.utf8) }
            func exists(_ path: String) -> Bool { true }
            func openRegular(_ path: String) throws(FileError) -> UnsafeMutablePointer<FILE> { throw FileError(path: path, reason: "no") }
        }
        let recorder = Recorder()
        guard
            case .thread(let thread, .github, nil) = PullRequestLocator(environment: environment, files: Event(), http: recorder).locate(
                "auto", ci: "github", azureStatus: 1)
        else {
            Issue.record("no thread")
            return
        }
        _ = try await thread.upsert("x", marker: "m")
        #expect(
            recorder.sent.withLock { $0.map(\.url) } == [
                "https://api.github.com/repos/acme/sh%3Fop%23x/issues/3/comments?per_page=100&page=1",
                "https://api.github.com/repos/acme/sh%3Fop%23x/issues/3/comments"
            ])
    }

    @Test func withoutAnEventFileTheMergeRefNamesThePullRequest() async throws {
        let environment = ["GITHUB_REPOSITORY": "acme/shop", "GITHUB_REF": "refs/pull/12/merge", "GITHUB_TOKEN": "T"]
        let sent = try await post(environment, ci: "github")
        #expect(sent?.url == "https://api.github.com/repos/acme/shop/issues/12/comments?per_page=100&page=1")
        let push = PullRequestLocator(
            environment: ["GITHUB_REPOSITORY": "acme/shop", "GITHUB_REF": "refs/heads/main"], files: NoFiles(), http: Recorder())
        guard case .none = push.locate("auto", ci: "github", azureStatus: 1) else {
            Issue.record("a push found a pull request")
            return
        }
    }

    @Test func runsWithoutAPullRequestAreNotesNotWarnings() {
        let cases: [(String, [String: String])] = [
            ("gitlab", ["CI_PROJECT_ID": "1", "CI_API_V4_URL": "https://gitlab.com/api/v4"]),
            ("azure", ["SYSTEM_COLLECTIONURI": "https://dev.azure.com/o/"]),
            ("jenkins", ["BUILD_URL": "https://ci/"]), ("none", [:])
        ]
        for (ci, environment) in cases {
            guard case .none = PullRequestLocator(environment: environment, files: NoFiles(), http: Recorder()).locate("auto", ci: ci, azureStatus: 1)
            else {
                Issue.record("\(ci): not a note")
                continue
            }
        }
    }

    @Test func theJobTokenAndAGitHubRepositoryOnAzureAreSaidPlainly() {
        let gitlab = PullRequestLocator(
            environment: ["CI_MERGE_REQUEST_IID": "4", "CI_PROJECT_ID": "1", "CI_API_V4_URL": "https://gitlab.com/api/v4", "CI_JOB_TOKEN": "J"],
            files: NoFiles(), http: Recorder())
        guard case .problem(let why) = gitlab.locate("auto", ci: "gitlab", azureStatus: 1) else {
            Issue.record("no problem")
            return
        }
        #expect(why.contains("job token (CI_JOB_TOKEN) cannot write notes") && why.contains("PERFGATE_GITLAB_TOKEN"))
        let azure = PullRequestLocator(
            environment: ["SYSTEM_PULLREQUEST_PULLREQUESTID": "4", "BUILD_REPOSITORY_PROVIDER": "GitHub"], files: NoFiles(), http: Recorder())
        guard case .problem(let github) = azure.locate("auto", ci: "azure", azureStatus: 1) else {
            Issue.record("no problem")
            return
        }
        #expect(github.contains("--comment github"))
    }
}
