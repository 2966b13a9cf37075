import ArgumentParser
import PerfGateCI
import PerfGateCore
import PerfGateNotify
import PerfGateSources

/// `--comment`, `--notify` and `--notify-on`: the verdict on the pull request and in chat.
struct FeedbackOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Keep one comment per spec on the pull or merge request, edited on every run: auto (the CI's platform; from Jenkins, CHANGE_URL's), github, gitlab, azure or none. Tokens: GITHUB_TOKEN, PERFGATE_GITLAB_TOKEN, SYSTEM_ACCESSTOKEN, PERFGATE_COMMENT_TOKEN (Jenkins).",
            valueName: "platform"))
    var comment: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Post to a chat webhook on a warning or failure: slack or teams (URL from PERFGATE_SLACK_WEBHOOK_URL or PERFGATE_TEAMS_WEBHOOK_URL), or slack=FILE, teams=FILE (the URL on the file's first line). Repeatable.",
            valueName: "target"))
    var notify: [String] = []

    @Option(name: .long, help: ArgumentHelp("The least result --notify posts: warning, or fail (errors count as failures).", valueName: "result"))
    var notifyOn: String = "fail"

    func check() throws {
        if let comment, !Feedback.choices.contains(comment) {
            throw ValidationError("--comment must be \(Feedback.choices.joined(separator: ", ")); got '\(comment)'")
        }
        for target in notify where ChatWebhook.parse(target) == nil {
            throw ValidationError("--notify must be slack, teams, slack=FILE or teams=FILE; got '\(LogText.inert(target))'")
        }
        guard notifyOn == "warning" || notifyOn == "fail" else { throw ValidationError("--notify-on must be warning or fail; got '\(notifyOn)'") }
    }

    /// The webhooks' files: their URLs are secrets from the start.
    var webhookFiles: [String] { notify.compactMap { ChatWebhook.parse($0)?.file } }

    /// What to post, for a run on `platform` with this warning policy. `defaultComment` is
    /// `--comment`'s value when not given: `none` for `evaluate`, `auto` for `perfgate comment`.
    func feedback(platform: any CIPlatform, onWarning: Conclusion.OnWarning, defaultComment: String = "none") -> Feedback {
        let state = onWarning == .failed ? "failed" : onWarning == .succeeded ? "succeeded" : "pending"
        return Feedback(
            comment: comment ?? defaultComment, webhooks: notify.compactMap(ChatWebhook.parse), notifyOn: notifyOn == "warning" ? .warning : .fail,
            warningState: state, ci: type(of: platform).name)
    }
}
