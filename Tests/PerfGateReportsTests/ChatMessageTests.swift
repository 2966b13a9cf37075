import PerfGateCore
@testable import PerfGateReports
import Testing

/// Slack's Block Kit and Teams' Adaptive Card messages: valid JSON in each shape, within their
/// limits, and text from the run that cannot mention a channel, link or format.
@Suite struct ChatMessageTests {
    static let content = ChatMessage.Content(service: "checkout <!channel> @here", runURL: "https://ci.example.com/run/1")

    @Test func slackGetsAHeaderTheProblemsAndALinkWithMentionsEscaped() throws {
        let node = try JSONParser.parse(Array(ChatMessage.slack(SampleResults.mixed, content: Self.content).utf8))
        #expect(node["text"]?.stringValue?.hasPrefix("perfgate: ERROR for checkout &lt;!channel&gt; @\u{200B}here") == true)
        let blocks = node["blocks"]?.items ?? []
        #expect(blocks.first?["type"]?.stringValue == "header")
        #expect((blocks.first?["text"]?["text"]?.stringValue?.count ?? 999) <= 150)
        let text = blocks.compactMap { $0["text"]?["text"]?.stringValue }.joined(separator: "\n")
        #expect(!text.contains("<!channel>") && !text.contains("<b>"))
        #expect(text.contains("• error_\u{200B}rate (fail)"))
        #expect(text.contains("<https://ci.example.com/run/1|View the run>"))
        for block in blocks where block["type"]?.stringValue == "section" {
            #expect((block["text"]?["text"]?.stringValue?.count ?? 0) <= 3000)
        }
    }

    @Test func teamsGetsAnAdaptiveCardWithNoLinkInTheRunsText() throws {
        var result = SampleResults.mixed
        result.indicatorResults[0].id = "[click](https://evil.example) **bold**"
        result.indicatorResults[0].error = "down"
        let node = try JSONParser.parse(Array(ChatMessage.teams(result, content: Self.content).utf8))
        #expect(node["type"]?.stringValue == "message")
        let card = node["attachments"]?.items?.first?["content"]
        #expect(card?["type"]?.stringValue == "AdaptiveCard" && card?["version"]?.stringValue == "1.4")
        let texts = (card?["body"]?.items ?? []).compactMap { $0["text"]?.stringValue }
        let joined = texts.joined(separator: "\n")
        #expect(!joined.contains("](") && !joined.contains("https://evil") && !joined.contains("**"))
        #expect(card?["actions"]?.items?.first?["url"]?.stringValue == "https://ci.example.com/run/1")
    }

    @Test func aURLThatIsNotPlainIsNoLink() throws {
        let content = ChatMessage.Content(service: nil, runURL: "javascript:alert(1)")
        #expect(!ChatMessage.slack(SampleResults.mixed, content: content).contains("javascript"))
        #expect(!ChatMessage.teams(SampleResults.mixed, content: content).contains("javascript"))
    }
}
