import PerfGateCore

/// Where a run came from, read from the variables each CI platform sets: a results store keys
/// runs by branch, records a retried step once (same run, attempt and spec), compares a merge
/// or pull request with its target branch's runs, and links the run's page.
package enum CIProvenance {
    /// The provenance of a run under the platform `name` (`CIPlatform.name`); empty outside CI.
    package static func of(platform name: String, environment: [String: String]) -> RunProvenance {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.trimmingSpaces().isEmpty ? nil : $0 } }
        switch name {
        case GitHubActions.name:
            // A pull request's run has its source branch in GITHUB_HEAD_REF and its target in GITHUB_BASE_REF.
            let url =
                [value("GITHUB_SERVER_URL"), value("GITHUB_REPOSITORY"), value("GITHUB_RUN_ID")].allSatisfy { $0 != nil }
                ? "\(value("GITHUB_SERVER_URL")!)/\(value("GITHUB_REPOSITORY")!)/actions/runs/\(value("GITHUB_RUN_ID")!)" : nil
            return RunProvenance(
                platform: "github-actions", pipeline: join(value("GITHUB_REPOSITORY"), value("GITHUB_WORKFLOW"), value("GITHUB_JOB")),
                runId: value("GITHUB_RUN_ID"), attempt: value("GITHUB_RUN_ATTEMPT"), branch: value("GITHUB_HEAD_REF") ?? value("GITHUB_REF_NAME"),
                targetBranch: value("GITHUB_BASE_REF"), commit: value("GITHUB_SHA"), url: url)
        case AzurePipelines.name:
            // Branches come as refs/heads/NAME; a pull request's build names both.
            let url =
                [value("SYSTEM_COLLECTIONURI"), value("SYSTEM_TEAMPROJECT"), value("BUILD_BUILDID")].allSatisfy { $0 != nil }
                ? "\(withoutTrailingSlash(value("SYSTEM_COLLECTIONURI")!))/\(PercentEncoding.encoded(value("SYSTEM_TEAMPROJECT")!))/_build/results?buildId=\(value("BUILD_BUILDID")!)"
                : nil
            return RunProvenance(
                platform: "azure-pipelines",
                pipeline: join(value("SYSTEM_TEAMPROJECT"), value("BUILD_DEFINITIONNAME"), value("SYSTEM_STAGENAME"), value("SYSTEM_JOBNAME")),
                runId: value("BUILD_BUILDID"), attempt: value("SYSTEM_JOBATTEMPT"),
                branch: branch(value("SYSTEM_PULLREQUEST_SOURCEBRANCH") ?? value("BUILD_SOURCEBRANCH")),
                targetBranch: branch(value("SYSTEM_PULLREQUEST_TARGETBRANCH")), commit: value("BUILD_SOURCEVERSION"), url: url)
        case Jenkins.name:
            // A multibranch pipeline's change request has CHANGE_BRANCH and CHANGE_TARGET; GIT_BRANCH is origin/NAME.
            return RunProvenance(
                platform: "jenkins", pipeline: value("JOB_NAME"), runId: value("BUILD_NUMBER"), attempt: nil,
                branch: value("CHANGE_BRANCH") ?? value("BRANCH_NAME") ?? value("GIT_BRANCH").map(remoteBranch),
                targetBranch: value("CHANGE_TARGET"), commit: value("GIT_COMMIT"), url: value("BUILD_URL"))
        case GitLabCI.name:
            // A retried job keeps its pipeline: the pipeline and the job's name are the run.
            return RunProvenance(
                platform: "gitlab", pipeline: join(value("CI_PROJECT_PATH"), value("CI_JOB_NAME")), runId: value("CI_PIPELINE_ID"), attempt: nil,
                branch: value("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") ?? value("CI_COMMIT_BRANCH") ?? value("CI_COMMIT_REF_NAME"),
                targetBranch: value("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"), commit: value("CI_COMMIT_SHA"),
                url: value("CI_PIPELINE_URL"))
        default:
            return RunProvenance()
        }
    }

    /// The parts that are there, joined by ` / `.
    static func join(_ parts: String?...) -> String? {
        let present = parts.compactMap { $0 }
        return present.isEmpty ? nil : present.joined(separator: " / ")
    }

    /// `refs/heads/main` as `main`; a tag or a pull request's merge ref as it is.
    static func branch(_ ref: String?) -> String? {
        guard let ref else { return nil }
        return ref.hasPrefix("refs/heads/") ? String(ref.dropFirst("refs/heads/".count)) : ref
    }

    static func withoutTrailingSlash(_ text: String) -> String {
        var text = text
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// `origin/main` as `main`.
    static func remoteBranch(_ name: String) -> String {
        name.hasPrefix("origin/") ? String(name.dropFirst("origin/".count)) : name
    }
}
