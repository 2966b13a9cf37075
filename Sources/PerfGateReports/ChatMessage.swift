import PerfGateCore

/// The message a chat webhook gets when a run warns or fails: the verdict, the service, the
/// failed indicators and a link to the run. Slack's is Block Kit for an incoming webhook; Teams'
/// is an Adaptive Card for a Workflows webhook (Office 365 connectors are retired). Text from the
/// run is escaped the target's way, so it cannot mention anyone, link or format.
package enum ChatMessage {
    /// What the message says, taken from the run and the pipeline.
    package struct Content: Sendable, Equatable {
        package var service: String?
        /// The run's page on the CI platform: a plain http(s) URL or nothing.
        package var runURL: String?
        package init(service: String? = nil, runURL: String? = nil) {
            self.service = service
            self.runURL = runURL
        }
    }

    /// The most indicators a message lists; the rest are counted.
    static let maxListed = 10

    /// The headline: `perfgate: FAIL for checkout, score 40 of 100`.
    static func headline(_ result: EvaluationResult, _ content: Content) -> String {
        var line = "perfgate: \(result.verdict.rawValue.uppercased())"
        if let service = content.service { line += " for " + service }
        if result.failure == nil { line += ", " + TerminalReport.totalLine(result) }
        return line
    }

    /// Each failing (then warning, then unmeasured) indicator in a line: its id and why.
    static func problems(_ result: EvaluationResult) -> [String] {
        if let failure = result.failure { return ["could not evaluate: " + MarkdownReport.clip(failure, 300)] }
        let order: [Verdict] = [.fail, .error, .warning]
        return order.flatMap { verdict in
            result.indicatorResults.filter { $0.verdict == verdict }.map { indicator in
                let why =
                    indicator.error.map { "not measured: " + $0 }
                    ?? indicator.violations.first.map(ResultText.describe) ?? indicator.canary.map(CanaryText.summary) ?? verdict.rawValue
                return MarkdownReport.clip(indicator.id, 100) + " (" + verdict.rawValue + "): " + MarkdownReport.clip(why, 200)
            }
        }
    }

    /// A Slack incoming webhook's JSON: `text` for notifications, and blocks (a header, the facts,
    /// the problems, a link). Limits: a header's text 150 characters, a section's 3,000.
    package static func slack(_ result: EvaluationResult, content: Content) -> String {
        let headline = headline(result, content)
        var blocks: [Node] = [
            .object([
                ("type", .string("header")),
                ("text", .object([("type", .string("plain_text")), ("text", .string(slackText(MarkdownReport.clip(headline, 130))))]))
            ])
        ]
        var facts: [String] = []
        if let spec = result.specPath { facts.append("*Spec:* " + slackText(Path.lastComponent(of: spec))) }
        if let window = result.window { facts.append("*Window:* \(CivilDate.rfc3339(window.start)) to \(CivilDate.rfc3339(window.end))") }
        if !facts.isEmpty { blocks.append(section(facts.joined(separator: "\n"))) }
        let problems = problems(result)
        if !problems.isEmpty {
            var lines = problems.prefix(maxListed).map { "• " + slackText($0) }
            if problems.count > maxListed { lines.append("… and \(problems.count - maxListed) more") }
            blocks.append(section(MarkdownReport.clip("*Indicators*\n" + lines.joined(separator: "\n"), 2900)))
        }
        if let url = content.runURL, MarkdownText.isPlainURL(url), !url.contains("|"), !url.contains(">") {
            blocks.append(section("<\(url)|View the run>"))
        }
        return JSONWriter.write(.object([("text", .string(slackText(headline))), ("blocks", .array(blocks))]))
    }

    static func section(_ mrkdwn: String) -> Node {
        .object([("type", .string("section")), ("text", .object([("type", .string("mrkdwn")), ("text", .string(mrkdwn))]))])
    }

    /// Slack's escaping for text in mrkdwn: `&`, `<` and `>` as entities (so `<!channel>`,
    /// `<@U…>` and `<url|text>` stay text), a zero-width space after `@` and in `://`, and after
    /// each of mrkdwn's markers (`*`, `_`, `~`, `` ` ``) and brackets, which have no escape of their own.
    package static func slackText(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in LogText.inert(text).replacingScalars(["&": "&amp;", "<": "&lt;", ">": "&gt;"]).unicodeScalars {
            output.append(scalar)
            if "*_~`[]".unicodeScalars.contains(scalar) { output.append("\u{200B}") }
        }
        return MarkdownText.unlinked(String(output))
    }

    /// A Teams Workflows webhook's JSON: a message with one Adaptive Card (version 1.4): the
    /// headline, the facts, the problems and an "Open the run" action.
    package static func teams(_ result: EvaluationResult, content: Content) -> String {
        let color = result.verdict == .pass ? "Good" : result.verdict == .warning ? "Warning" : "Attention"
        var body: [Node] = [
            .object([
                ("type", .string("TextBlock")), ("text", .string(teamsText(headline(result, content)))), ("weight", .string("Bolder")),
                ("size", .string("Medium")), ("color", .string(color)), ("wrap", .bool(true))
            ])
        ]
        var facts: [Node] = []
        if let service = content.service { facts.append(fact("Service", service)) }
        if let spec = result.specPath { facts.append(fact("Spec", Path.lastComponent(of: spec))) }
        if let window = result.window {
            facts.append(fact("Window", "\(CivilDate.rfc3339(window.start)) to \(CivilDate.rfc3339(window.end))"))
        }
        if !facts.isEmpty { body.append(.object([("type", .string("FactSet")), ("facts", .array(facts))])) }
        let problems = problems(result)
        for line in problems.prefix(maxListed) {
            body.append(.object([("type", .string("TextBlock")), ("text", .string("- " + teamsText(line))), ("wrap", .bool(true))]))
        }
        if problems.count > maxListed {
            body.append(
                .object([("type", .string("TextBlock")), ("text", .string("… and \(problems.count - maxListed) more")), ("wrap", .bool(true))]))
        }
        var card: [(String, Node)] = [
            ("$schema", .string("http://adaptivecards.io/schemas/adaptive-card.json")), ("type", .string("AdaptiveCard")),
            ("version", .string("1.4")), ("body", .array(body))
        ]
        if let url = content.runURL, MarkdownText.isPlainURL(url) {
            card.append(
                ("actions", .array([.object([("type", .string("Action.OpenUrl")), ("title", .string("Open the run")), ("url", .string(url))])])))
        }
        let attachment: Node = .object([
            ("contentType", .string("application/vnd.microsoft.card.adaptive")), ("contentUrl", .null), ("content", .object(card))
        ])
        return JSONWriter.write(.object([("type", .string("message")), ("attachments", .array([attachment]))]))
    }

    static func fact(_ title: String, _ value: String) -> Node {
        .object([("title", .string(title)), ("value", .string(teamsText(MarkdownReport.clip(value, 200))))])
    }

    /// An Adaptive Card TextBlock renders a subset of Markdown (emphasis, lists, `[text](url)`
    /// links), with no escape every client honours: a zero-width space after each character that
    /// could open markup keeps it text, and URLs and mentions are broken the same way.
    package static func teamsText(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in LogText.inert(text).unicodeScalars {
            output.append(scalar)
            if "[]()*_`#<>~".unicodeScalars.contains(scalar) { output.append("\u{200B}") }
        }
        return MarkdownText.unlinked(String(output))
    }
}
