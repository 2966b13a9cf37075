import PerfGateCore
import PerfGateReports
import PerfGateSources

/// Where a run's verdict goes besides the CI's own views: the pull request's comment (and, on
/// Azure DevOps, its status) and chat webhooks. Nothing here can fail the gate: every problem is
/// a warning, in the log and in the run's reports.
package struct Feedback: Sendable {
    /// `--comment`: auto, github, gitlab, azure or none.
    package var comment: String
    package var webhooks: [ChatWebhook]
    /// The least verdict a webhook hears about: warning or fail (an error is a fail).
    package var notifyOn: Verdict
    /// The Azure DevOps status of a warning: `pending` (succeeded with issues), `succeeded` or `failed`.
    package var warningState: String
    /// The CI platform the run is on (`github`, `gitlab`, `azure`, `jenkins`, `none`).
    package var ci: String

    package static let choices = ["auto", "github", "gitlab", "azure", "none"]

    package init(comment: String, webhooks: [ChatWebhook], notifyOn: Verdict, warningState: String, ci: String) {
        self.comment = comment
        self.webhooks = webhooks
        self.notifyOn = notifyOn
        self.warningState = warningState
        self.ci = ci
    }

    /// Whether anything is to be posted.
    package var isEmpty: Bool { comment == "none" && webhooks.isEmpty }

    /// What happened: lines for the log (`notes`) and problems (`warnings`, which the reports carry too).
    package struct Outcome: Sendable, Equatable {
        package var notes: [String] = []
        package var warnings: [String] = []
    }

    /// Posts the comment, the status and the messages; never throws.
    package func publish(
        _ result: EvaluationResult, links: [Presentation.Link], environment: [String: String], files: any Files = LocalFiles(), http: any HTTPClient
    ) async -> Outcome {
        var outcome = Outcome()
        let runURL = RunLink.url(ci: ci, environment: environment)
        if comment != "none" {
            let locator = PullRequestLocator(environment: environment, files: files, http: http)
            switch locator.locate(comment, ci: ci, azureStatus: result.verdict >= .fail ? 1 : 4) {
            case .none(let why): outcome.notes.append(why)
            case .problem(let why): outcome.warnings.append(why)
            case .thread(let thread, let flavor, let azure):
                var allLinks = links
                if let runURL { allLinks.append(Presentation.Link(title: "the run", url: runURL)) }
                let body = PullRequestComment.render(result, flavor: flavor, context: .init(links: allLinks))
                do {
                    outcome.notes.append("perfgate " + (try await thread.upsert(body, marker: PullRequestComment.marker(specPath: result.specPath))))
                } catch {
                    outcome.warnings.append("cannot comment on \(thread.place): \(error.message)")
                }
                if let azure {
                    do {
                        try await azure.status(
                            state: state(result.verdict), name: Self.statusName(result.specPath),
                            description: "perfgate: \(result.verdict.rawValue.uppercased())", targetURL: runURL)
                        outcome.notes.append("perfgate set the status perfgate/\(Self.statusName(result.specPath)) to \(state(result.verdict))")
                    } catch {
                        outcome.warnings.append("cannot set the pull request status: \(error.message)")
                    }
                }
            }
        }
        let verdict = result.verdict == .error ? Verdict.fail : result.verdict
        if verdict >= notifyOn {
            let content = ChatMessage.Content(
                service: RunContext.value("SERVICE", variables: [:], environment: environment), runURL: runURL)
            for webhook in webhooks {
                switch webhook.url(environment: environment, files: files) {
                case .failure(let error): outcome.warnings.append(error.message)
                case .success(let url):
                    do {
                        try await webhook.post(result, content: content, url: url, http: http)
                        outcome.notes.append("perfgate posted the \(result.verdict.rawValue) to \(webhook.kind.rawValue)")
                    } catch {
                        outcome.warnings.append(error.message)
                    }
                }
            }
        }
        return outcome
    }

    /// The pull request status' state for a verdict.
    func state(_ verdict: Verdict) -> String {
        switch verdict {
        case .pass: return "succeeded"
        case .warning: return warningState
        case .fail: return "failed"
        case .error: return "error"
        }
    }

    /// The status' name after `perfgate/`: the spec's file name, plain.
    static func statusName(_ specPath: String?) -> String {
        let name = Path.lastComponent(of: specPath ?? "perfspec")
        return String(
            name.unicodeScalars.map { scalar -> Character in
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar)
                    ? Character(scalar) : "_"
            }.prefix(100))
    }
}

/// The run's page on its CI platform, from the variables the platform sets.
enum RunLink {
    static func url(ci: String, environment: [String: String]) -> String? {
        func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var url: String?
        switch ci {
        case "github":
            if let server = variable("GITHUB_SERVER_URL"), let repository = variable("GITHUB_REPOSITORY"), let run = variable("GITHUB_RUN_ID") {
                url = server + "/" + repository + "/actions/runs/" + run
            }
        case "gitlab": url = variable("CI_JOB_URL") ?? variable("CI_PIPELINE_URL")
        case "azure":
            if let collection = variable("SYSTEM_COLLECTIONURI"), let project = variable("SYSTEM_TEAMPROJECT"), let build = variable("BUILD_BUILDID")
            {
                url =
                    (collection.hasSuffix("/") ? collection : collection + "/") + PercentEncoding.encoded(project) + "/_build/results?buildId="
                    + build
            }
        case "jenkins": url = variable("BUILD_URL")
        default: url = nil
        }
        // A link only when it is plainly a URL: anything else could break the Markdown it goes in.
        return url.flatMap { MarkdownText.isPlainURL($0) ? $0 : nil }
    }
}
