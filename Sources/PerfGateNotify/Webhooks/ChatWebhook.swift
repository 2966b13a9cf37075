import PerfGateCore
import PerfGateReports
import PerfGateSources

/// A chat webhook perfgate posts to when a run warns or fails: a Slack incoming webhook or a
/// Microsoft Teams Workflows webhook ("When a Teams webhook request is received"). The URL is the
/// credential, so it comes from a file or a variable, never from argv, and is masked.
package struct ChatWebhook: Sendable, Equatable {
    package enum Kind: String, Sendable, CaseIterable {
        case slack, teams

        /// The variable that holds the URL when `--notify` names no file (or its `_FILE`).
        package var variable: String { "PERFGATE_\(rawValue.uppercased())_WEBHOOK_URL" }
        var title: String { self == .slack ? "Slack" : "Teams" }
    }

    package var kind: Kind
    /// A file whose first line is the URL; nil: the kind's variable.
    package var file: String?

    package init(kind: Kind, file: String?) {
        self.kind = kind
        self.file = file
    }

    /// `slack`, `slack=FILE`, `teams`, `teams=FILE`.
    package static func parse(_ text: String) -> ChatWebhook? {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, let kind = Kind(rawValue: first.lowercased()) else { return nil }
        if parts.count == 2 && parts[1].isEmpty { return nil }
        return ChatWebhook(kind: kind, file: parts.count == 2 ? parts[1] : nil)
    }

    /// The webhook's URL, from its file or variable; nil with the reason when there is none.
    package func url(environment: [String: String], files: any Files) -> Result<String, FeedbackError> {
        var path = file
        if path == nil, let value = environment[kind.variable]?.trimmingSpaces(), !value.isEmpty { return check(value, from: kind.variable) }
        if path == nil { path = environment[kind.variable + "_FILE"].flatMap { $0.isEmpty ? nil : $0 } }
        guard let path else {
            return .failure(
                FeedbackError(
                    "--notify \(kind.rawValue): no webhook URL; set \(kind.variable) (a masked variable) or give --notify \(kind.rawValue)=FILE"))
        }
        guard let line = Secrets.firstLine(of: path, files: files) else {
            return .failure(
                FeedbackError("--notify \(kind.rawValue): cannot read the webhook URL from \(path); the file's first line must be the URL"))
        }
        return check(line, from: path)
    }

    func check(_ url: String, from place: String) -> Result<String, FeedbackError> {
        guard URLText.isHTTP(url) else {
            return .failure(
                FeedbackError("--notify \(kind.rawValue): the webhook URL in \(place) is not an http(s) URL; copy it whole from \(kind.title)"))
        }
        return .success(url)
    }

    /// Posts the run's message.
    func post(_ result: EvaluationResult, content: ChatMessage.Content, url: String, http: any HTTPClient) async throws(FeedbackError) {
        let body = kind == .slack ? ChatMessage.slack(result, content: content) : ChatMessage.teams(result, content: content)
        let request = HTTPRequest(
            method: "POST", url: url, headers: [("Content-Type", "application/json"), ("User-Agent", "perfgate/\(PerfGateVersion.current)")],
            body: Array(body.utf8))
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            throw FeedbackError("the \(kind.title) webhook did not answer: \(Redactor.current.redact(error.message))")
        }
        // Slack answers 200 "ok"; a Workflows webhook 202 Accepted.
        guard (200..<300).contains(response.status) else {
            throw FeedbackError("the \(kind.title) webhook answered \(response.status): \(ReviewAPI.message(response))")
        }
    }
}
