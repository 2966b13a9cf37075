import PerfGateCore
@testable import PerfGateNotify
import Testing

/// The settings' small rules: `--notify`'s forms, where a webhook's URL comes from, and the Azure
/// DevOps status of each verdict.
@Suite struct FeedbackTests {
    @Test func notifyTakesAKindAndAnOptionalFile() {
        #expect(ChatWebhook.parse("slack") == ChatWebhook(kind: .slack, file: nil))
        #expect(ChatWebhook.parse("teams=/run/secrets/teams") == ChatWebhook(kind: .teams, file: "/run/secrets/teams"))
        #expect(ChatWebhook.parse("Slack") == ChatWebhook(kind: .slack, file: nil))
        for bad in ["discord", "slack=", "", "=x"] { #expect(ChatWebhook.parse(bad) == nil, "\(bad)") }
    }

    @Test func aWebhookURLComesFromItsVariableOrFileAndMustBeHTTP() {
        let files = PullRequestLocatorTests.NoFiles()
        let slack = ChatWebhook(kind: .slack, file: nil)
        #expect(
            (try? slack.url(environment: ["PERFGATE_SLACK_WEBHOOK_URL": " https://hooks.slack.com/services/T/B/X "], files: files).get())
                == "https://hooks.slack.com/services/T/B/X")
        guard case .failure(let missing) = slack.url(environment: [:], files: files) else {
            Issue.record("no failure")
            return
        }
        #expect(missing.message.contains("set PERFGATE_SLACK_WEBHOOK_URL"))
        guard case .failure(let scheme) = slack.url(environment: ["PERFGATE_SLACK_WEBHOOK_URL": "file:///etc/passwd"], files: files) else {
            Issue.record("no failure")
            return
        }
        #expect(scheme.message.contains("not an http(s) URL"))
        guard case .failure(let unreadable) = ChatWebhook(kind: .teams, file: "/nope").url(environment: [:], files: files) else {
            Issue.record("no failure")
            return
        }
        #expect(unreadable.message.contains("cannot read the webhook URL from /nope"))
    }

    @Test func theStatusFollowsTheVerdictAndTheWarningPolicy() {
        let feedback = Feedback(comment: "azure", webhooks: [], notifyOn: .fail, warningState: "pending", ci: "azure")
        #expect(Verdict.allCases.map(feedback.state) == ["succeeded", "pending", "failed", "error"])
        #expect(Feedback.statusName("perf/checkout perf<spec>.yaml") == "checkout_perf_spec_.yaml")
    }
}
