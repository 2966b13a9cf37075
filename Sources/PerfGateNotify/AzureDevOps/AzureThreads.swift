import PerfGateCore

/// A pull request's threads on Azure DevOps (api-version 7.1,
/// learn.microsoft.com/rest/api/azure/devops/git/pull-request-threads): `GET …/threads` lists
/// them with their comments, `POST …/threads` creates one (`comments: [{parentCommentId: 0,
/// content, commentType: 1}]`), `PATCH …/threads/{id}/comments/{commentId}` edits the first comment
/// and `PATCH …/threads/{id}` sets its status: active while the gate fails, closed once it passes,
/// so a "comments must be resolved" policy follows the gate. The build's token needs "Contribute
/// to pull requests".
struct AzureThreads: CommentThread {
    var api: ReviewAPI
    /// `{project}/_apis/git/repositories/{repository}/pullRequests/{id}`, each part percent-encoded.
    var pullRequest: String
    var id: String
    /// 1 (active) or 4 (closed).
    var status: Int

    static let version = "api-version=7.1"
    var place: String { "pull request \(id)" }

    func upsert(_ body: String, marker: String) async throws(FeedbackError) -> String {
        let threads = "/\(pullRequest)/threads"
        let answer = try await api.call("GET", threads + "?" + Self.version)
        for thread in answer?["value"]?.items ?? [] where thread["isDeleted"]?.boolValue != true {
            guard let first = thread["comments"]?.items?.first, first["isDeleted"]?.boolValue != true,
                first["content"]?.stringValue?.hasPrefix(marker) == true, let threadID = thread["id"]?.idText, let commentID = first["id"]?.idText
            else { continue }
            _ = try await api.call("PATCH", threads + "/\(threadID)/comments/\(commentID)?" + Self.version, .object([("content", .string(body))]))
            _ = try await api.call("PATCH", threads + "/\(threadID)?" + Self.version, .object([("status", .number(Double(status)))]))
            return "updated its thread on \(place)"
        }
        let comment: Node = .object([("parentCommentId", .number(0)), ("content", .string(body)), ("commentType", .number(1))])
        _ = try await api.call(
            "POST", threads + "?" + Self.version, .object([("comments", .array([comment])), ("status", .number(Double(status)))]))
        return "started a thread on \(place)"
    }

    /// `POST …/pullRequests/{id}/statuses`: `perfgate/<spec>` with the verdict's state, which a
    /// branch policy can require (learn.microsoft.com/rest/api/azure/devops/git/pull-request-statuses/create).
    func status(state: String, name: String, description: String, targetURL: String?) async throws(FeedbackError) {
        var body: [(String, Node)] = [
            ("state", .string(state)), ("description", .string(String(description.prefix(400)))),
            ("context", .object([("genre", .string("perfgate")), ("name", .string(name))]))
        ]
        if let targetURL { body.append(("targetUrl", .string(targetURL))) }
        _ = try await api.call("POST", "/\(pullRequest)/statuses?" + Self.version, .object(body))
    }
}
