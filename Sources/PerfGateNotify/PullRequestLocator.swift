import PerfGateCore
import PerfGateReports
import PerfGateSources

/// Which pull or merge request this run belongs to, on which platform, with which token: read
/// from the variables the CI sets (GitHub's event file, GitLab's merge request pipeline, Azure
/// Pipelines' pull request build, Jenkins' multibranch `CHANGE_*`). The API's origin comes from
/// the same place, so a token only ever goes to the platform that issued it.
struct PullRequestLocator {
    var environment: [String: String]
    var files: any Files
    var http: any HTTPClient

    /// Where the comment goes, or why there is none.
    enum Found {
        case thread(any CommentThread, flavor: PullRequestComment.Flavor, azure: AzureThreads?)
        /// Not a pull request run: said as a note, nothing is wrong.
        case none(String)
        /// A pull request run that cannot be commented on: said as a warning.
        case problem(String)
    }

    /// `choice` is `--comment`'s value; `ci` the platform the run is on.
    func locate(_ choice: String, ci: String, azureStatus: Int) -> Found {
        if ci == "jenkins" || (choice != "auto" && choice != ci && environment["CHANGE_URL"] != nil) { return jenkins(choice, azureStatus) }
        switch choice == "auto" ? ci : choice {
        case "github": return github()
        case "gitlab": return gitlab()
        case "azure": return azure(azureStatus)
        default:
            return .none(
                "no pull request comment: the run is not on GitHub Actions, GitLab CI, Azure Pipelines or Jenkins (give --comment github, gitlab or azure)"
            )
        }
    }

    func variable(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingSpaces(), !value.isEmpty else { return nil }
        return value
    }

    /// A token from the first of `names` set, or from the file a `NAME_FILE` variable names.
    func token(_ names: [String]) -> String? {
        for name in names {
            if let value = variable(name) { return value }
            if let path = variable(name + "_FILE"), let value = Secrets.firstLine(of: path, files: files) { return value }
        }
        return nil
    }

    /// Only plain http(s) origins (and paths) from the environment become an API base.
    static func base(_ url: String) -> String? {
        guard url.hasPrefix("https://") || url.hasPrefix("http://"), URLText.location(url)?.query == nil, !url.contains("#"), !url.contains("@")
        else { return nil }
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    static func segment(_ text: String) -> String { PercentEncoding.encoded(text) }
    static func isNumber(_ text: String?) -> Bool {
        text.map { !$0.isEmpty && $0.count < 16 && $0.allSatisfy { $0.isASCII && $0.isNumber } } ?? false
    }

    // MARK: GitHub Actions

    func github() -> Found {
        guard let repository = variable("GITHUB_REPOSITORY") else {
            return .none("no pull request comment: GITHUB_REPOSITORY is unset (not a GitHub Actions run)")
        }
        // The event file says which pull request; without one, the merge ref may.
        var event: Node = .null
        if let eventPath = variable("GITHUB_EVENT_PATH") {
            guard let parsed = try? JSONParser.parse(files.read(eventPath, limit: 64 << 20)) else {
                return .problem("cannot comment on the pull request: the event file \(eventPath) (GITHUB_EVENT_PATH) cannot be read as JSON")
            }
            event = parsed
        }
        // A pull_request or pull_request_target event, an issue_comment on a pull request, or a
        // run on the pull request's merge ref (refs/pull/N/merge).
        let ref = (variable("GITHUB_REF") ?? "").split(separator: "/").map(String.init)
        let number =
            event["pull_request"]?["number"]?.idText ?? (event["issue"]?["pull_request"] != nil ? event["issue"]?["number"]?.idText : nil)
            ?? (ref.count == 4 && ref[0] == "refs" && ref[1] == "pull" && Self.isNumber(ref[2]) ? ref[2] : nil)
        guard let number else {
            return .none("no pull request comment: the workflow ran for \(variable("GITHUB_EVENT_NAME") ?? "an event") without a pull request")
        }
        let parts = repository.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, let api = Self.base(variable("GITHUB_API_URL") ?? "https://api.github.com")
        else { return .problem("cannot comment on the pull request: GITHUB_REPOSITORY (\(repository)) or GITHUB_API_URL is not what GitHub sets") }
        guard let token = token(["PERFGATE_GITHUB_TOKEN", "GITHUB_TOKEN"]) else {
            return .problem(
                "cannot comment on pull request #\(number): no token; pass the workflow's token as GITHUB_TOKEN (env: GITHUB_TOKEN: ${{ github.token }}) with permissions: pull-requests: write"
            )
        }
        let head = event["pull_request"]?["head"]?["repo"]?["full_name"]?.stringValue
        let fork = head != nil && head != repository
        let hint =
            (fork
                ? "This pull request comes from a fork (\(head ?? "")): its workflow gets a read-only GITHUB_TOKEN; comment from a workflow_run or pull_request_target workflow instead."
                : "The token needs permissions: pull-requests: write (or issues: write) in the workflow.")
        return .thread(
            github(api: api, owner: String(parts[0]), repo: String(parts[1]), number: number, token: token, hint: hint), flavor: .github, azure: nil)
    }

    func github(api: String, owner: String, repo: String, number: String, token: String, hint: String) -> GitHubComments {
        let headers = [("Authorization", "Bearer " + token), ("X-GitHub-Api-Version", "2022-11-28")]
        return GitHubComments(
            api: ReviewAPI(
                platform: "GitHub", http: http, base: api, headers: headers.map { (name: $0.0, value: $0.1) }, permissionHint: hint,
                accept: "application/vnd.github+json"),
            repository: Self.segment(owner) + "/" + Self.segment(repo), number: number)
    }

    // MARK: GitLab CI

    func gitlab() -> Found {
        guard let iid = variable("CI_MERGE_REQUEST_IID") else {
            return .none(
                "no merge request note: not a merge request pipeline (CI_MERGE_REQUEST_IID is unset; run the job with rules: - if: $CI_PIPELINE_SOURCE == \"merge_request_event\")"
            )
        }
        guard Self.isNumber(iid), let project = variable("CI_PROJECT_ID"), Self.isNumber(project),
            let api = variable("CI_API_V4_URL").flatMap(Self.base)
        else {
            return .problem("cannot add a note to the merge request: CI_MERGE_REQUEST_IID, CI_PROJECT_ID or CI_API_V4_URL is not what GitLab sets")
        }
        let jobToken = variable("CI_JOB_TOKEN")
        guard let token = token(["PERFGATE_GITLAB_TOKEN", "GITLAB_TOKEN"]), token != jobToken else {
            return .problem(
                "cannot add a note to merge request !\(iid): GitLab's job token (CI_JOB_TOKEN) cannot write notes; give a project or group access token with the api scope (role Reporter or above) in a masked variable PERFGATE_GITLAB_TOKEN"
            )
        }
        return .thread(gitlab(api: api, project: project, iid: iid, token: token), flavor: .gitlab, azure: nil)
    }

    func gitlab(api: String, project: String, iid: String, token: String) -> GitLabNotes {
        GitLabNotes(
            api: ReviewAPI(
                platform: "GitLab", http: http, base: api, headers: [(name: "PRIVATE-TOKEN", value: token)],
                permissionHint: "The token needs the api scope and at least the Reporter role in the project (a job token cannot write notes)."),
            project: project, iid: iid)
    }

    // MARK: Azure Pipelines

    func azure(_ status: Int) -> Found {
        guard let id = variable("SYSTEM_PULLREQUEST_PULLREQUESTID") else {
            return .none("no pull request thread: not a pull request build (System.PullRequest.PullRequestId is unset)")
        }
        if let provider = variable("BUILD_REPOSITORY_PROVIDER"), provider.lowercased().hasPrefix("github") {
            return .problem(
                "cannot start a thread: the repository is on GitHub (Build.Repository.Provider \(provider)); give --comment github with a GitHub token"
            )
        }
        guard Self.isNumber(id), let collection = variable("SYSTEM_COLLECTIONURI").flatMap(Self.base),
            let project = variable("SYSTEM_TEAMPROJECTID") ?? variable("SYSTEM_TEAMPROJECT"),
            let repository = variable("BUILD_REPOSITORY_ID") ?? variable("BUILD_REPOSITORY_NAME")
        else {
            return .problem(
                "cannot start a thread on the pull request: System.CollectionUri, System.TeamProject or Build.Repository.ID is not what Azure Pipelines sets"
            )
        }
        let authorization: String
        if let token = token(["PERFGATE_AZURE_DEVOPS_TOKEN"]) {
            authorization = "Basic " + Base64.encode(":" + token)
        } else if let token = variable("SYSTEM_ACCESSTOKEN") {
            authorization = "Bearer " + token
        } else {
            return .problem(
                "cannot start a thread on pull request \(id): no token; map the job's token into the step (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)) and allow the build service \"Contribute to pull requests\""
            )
        }
        let threads = azure(collection: collection, project: project, repository: repository, id: id, authorization: authorization, status: status)
        return .thread(threads, flavor: .azure, azure: threads)
    }

    func azure(collection: String, project: String, repository: String, id: String, authorization: String, status: Int) -> AzureThreads {
        AzureThreads(
            api: ReviewAPI(
                platform: "Azure DevOps", http: http, base: collection, headers: [(name: "Authorization", value: authorization)],
                permissionHint:
                    "The build service needs \"Contribute to pull requests\" on the repository (Project settings, Repositories, Security), and the step needs SYSTEM_ACCESSTOKEN."
            ),
            pullRequest: Self.segment(project) + "/_apis/git/repositories/" + Self.segment(repository) + "/pullRequests/" + id, id: id,
            status: status)
    }

    // MARK: Jenkins (multibranch: GitHub Branch Source, GitLab Branch Source, Azure DevOps)

    /// `CHANGE_URL` says where the change is: `…/owner/repo/pull/5` (GitHub),
    /// `…/group/project/-/merge_requests/5` (GitLab), `…/project/_git/repo/pullrequest/5` (Azure
    /// DevOps). The token is the job's credential, bound to PERFGATE_COMMENT_TOKEN.
    func jenkins(_ choice: String, _ status: Int) -> Found {
        guard let change = variable("CHANGE_ID"), let url = variable("CHANGE_URL") else {
            return .none("no pull request comment: not a pull request build (CHANGE_ID and CHANGE_URL are unset)")
        }
        guard let parts = URLText.location(url), url.hasPrefix("https://") || url.hasPrefix("http://"), !url.contains("@") else {
            return .problem("cannot comment on change \(change): CHANGE_URL is not an http(s) URL")
        }
        let origin = parts.origin
        let segments = parts.path.split(separator: "/").map { PercentEncoding.decoded(String($0)) }
        let override = variable("PERFGATE_COMMENT_API_URL").flatMap(Self.base)
        let token = token(["PERFGATE_COMMENT_TOKEN"])
        func missing(_ what: String) -> Found {
            .problem(
                "cannot comment on change \(change) (\(what)): no token; bind the job's credential to PERFGATE_COMMENT_TOKEN (perfgateEvaluate commentCredentialsId)"
            )
        }
        if segments.count == 4, segments[2] == "pull", Self.isNumber(segments[3]), choice == "auto" || choice == "github" {
            guard let token else { return missing("GitHub") }
            let api = override ?? (parts.host == "github.com" ? "https://api.github.com" : origin + "/api/v3")
            let hint = "The credential must be a token that can write pull request comments (pull-requests: write)."
            return .thread(
                github(api: api, owner: segments[0], repo: segments[1], number: segments[3], token: token, hint: hint), flavor: .github, azure: nil)
        }
        if let dash = segments.firstIndex(of: "-"), dash > 0, segments.count == dash + 3, segments[dash + 1] == "merge_requests",
            Self.isNumber(segments[dash + 2]),
            choice == "auto" || choice == "gitlab"
        {
            guard let token else { return missing("GitLab") }
            let project = PercentEncoding.encoded(segments[..<dash].joined(separator: "/"))
            return .thread(
                gitlab(api: override ?? origin + "/api/v4", project: project, iid: segments[dash + 2], token: token), flavor: .gitlab, azure: nil)
        }
        if let git = segments.firstIndex(of: "_git"), git >= 1, segments.count == git + 4, segments[git + 2].lowercased() == "pullrequest",
            Self.isNumber(segments[git + 3]), choice == "auto" || choice == "azure"
        {
            guard let token else { return missing("Azure DevOps") }
            // dev.azure.com/{organization}/{project}/_git/{repository}; {organization}.visualstudio.com/{project}/_git/….
            let collection = override ?? origin + (git == 2 ? "/" + Self.segment(segments[0]) : "")
            let threads = azure(
                collection: collection, project: segments[git - 1], repository: segments[git + 1], id: segments[git + 3],
                authorization: "Basic " + Base64.encode(":" + token), status: status)
            return .thread(threads, flavor: .azure, azure: threads)
        }
        return .problem(
            "cannot comment on change \(change): CHANGE_URL (\(url)) is not a \(choice == "auto" ? "GitHub, GitLab or Azure DevOps" : choice) pull request"
        )
    }
}
