import PerfGateCore
import PerfGateSources

/// Why a comment, a status or a message could not be posted. Never a failed gate: the run's
/// reports and log carry it as a warning.
package struct FeedbackError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// One platform's REST API as perfgate calls it: JSON in and out, the token in the platform's
/// header, and only ever to `base`, the origin and path perfgate built from the pipeline's
/// environment (ids in paths are percent-encoded segments, so nothing the run read can move it).
struct ReviewAPI: Sendable {
    /// Who answers, for messages: "GitHub", "GitLab", "Azure DevOps".
    var platform: String
    var http: any HTTPClient
    /// Every request's URL starts with it: `https://api.github.com`, `…/api/v4`, a collection URL.
    var base: String
    var headers: [(name: String, value: String)]
    /// What to do about a 401, 403 or 404, said after the platform's own message.
    var permissionHint: String
    /// GitHub asks for its own media type; the others for JSON.
    var accept = "application/json"

    /// The most pages a listing reads (100 comments each): a pull request with more is not ours to scan.
    static let maxPages = 30
    /// GitHub answers a rate limit with 403 as well as 429 (its primary limit with
    /// `x-ratelimit-remaining: 0`, a secondary one with `retry-after`), which the client does not
    /// retry: tried again here, at most this many times, waiting at most `maxWait` seconds.
    static let rateLimitAttempts = 3
    static let maxWait = 60.0
    var now: @Sendable () -> Double = SourceConfiguration.wallClock
    var sleep: @Sendable (Double) async -> Void = { try? await Task.sleep(for: .milliseconds(Int(min($0, 60) * 1000))) }

    /// Sends `body` (JSON) and gives the answer's JSON (nil for an empty answer).
    func call(_ method: String, _ path: String, _ body: Node? = nil) async throws(FeedbackError) -> Node? {
        let request = HTTPRequest(
            method: method, url: base + path,
            headers: headers + [("Accept", accept), ("User-Agent", "perfgate/\(PerfGateVersion.current)")]
                + (body == nil ? [] : [("Content-Type", "application/json")]),
            body: body.map { Array(JSONWriter.write($0).utf8) }, secretHeaders: Set(headers.map { $0.name.lowercased() }))
        var response: HTTPResponse
        var attempt = 1
        while true {
            do {
                response = try await http.send(request)
            } catch {
                throw FeedbackError("\(platform) did not answer \(method) \(Self.shown(path)): \(error.message)")
            }
            guard attempt < Self.rateLimitAttempts, let wait = rateLimitWait(response) else { break }
            await sleep(wait)
            attempt += 1
        }
        guard (200..<300).contains(response.status) else {
            let said = Self.message(response)
            let hint = [401, 403, 404].contains(response.status) ? " " + permissionHint : ""
            throw FeedbackError("\(platform) answered \(response.status) to \(method) \(Self.shown(path))\(said.isEmpty ? "" : ": " + said).\(hint)")
        }
        guard !response.body.isEmpty else { return nil }
        do {
            return try JSONParser.parse(response.body)
        } catch {
            throw FeedbackError("\(platform)'s answer to \(method) \(Self.shown(path)) is not JSON: \(response.bodyPreview(120))")
        }
    }

    /// How long a 403 that is a rate limit asks to wait; nil for any other answer, or a wait too long.
    func rateLimitWait(_ response: HTTPResponse) -> Double? {
        guard response.status == 403, response.headers["retry-after"] != nil || response.headers["x-ratelimit-remaining"] == "0",
            let wait = RetryAfter.delay(headers: response.headers, now: now()), wait <= Self.maxWait
        else { return nil }
        return wait
    }

    /// The path without its query, for messages.
    static func shown(_ path: String) -> String { String(path.prefix { $0 != "?" }) }

    /// The platform's own words about a failure: `message` (GitHub, GitLab, Azure DevOps), `error`, or the body's start.
    static func message(_ response: HTTPResponse) -> String {
        if let node = try? JSONParser.parse(response.body) {
            for key in ["message", "error", "error_description"] {
                if let text = node[key]?.stringValue { return Excerpt.of(text, limit: 300) }
                if let list = node[key]?.items, let first = list.first?.stringValue { return Excerpt.of(first, limit: 300) }
            }
        }
        return response.bodyPreview(200)
    }
}

/// A pull or merge request's comment thread: perfgate's one comment per spec in it, found by its
/// marker, created once and edited after.
protocol CommentThread: Sendable {
    /// Where, for messages: "pull request #5".
    var place: String { get }
    /// Creates the comment, or edits the one that starts with `marker`. Says which it did.
    func upsert(_ body: String, marker: String) async throws(FeedbackError) -> String
}

extension Node {
    /// A number or a numeric string as an id (GitHub's and GitLab's ids are numbers, Azure's too).
    var idText: String? {
        if let number = numberValue, number.rounded() == number, number >= 0, number < 1e15 { return String(Int64(number)) }
        if let text = stringValue, !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) { return text }
        return nil
    }
}
