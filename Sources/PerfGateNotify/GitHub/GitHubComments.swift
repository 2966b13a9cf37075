import PerfGateCore

/// A pull request's conversation on GitHub, through the issue-comments REST API (every pull
/// request is an issue): `GET /repos/{owner}/{repo}/issues/{number}/comments` (pages of 100, oldest
/// first), `POST` there to create, `PATCH /repos/{owner}/{repo}/issues/comments/{id}` to edit
/// (docs.github.com/en/rest/issues/comments). The token needs `pull-requests: write`.
struct GitHubComments: CommentThread {
    var api: ReviewAPI
    /// `owner/repo`, each part percent-encoded.
    var repository: String
    var number: String

    var place: String { "pull request #\(number)" }

    func upsert(_ body: String, marker: String) async throws(FeedbackError) -> String {
        var page = 1
        while page <= ReviewAPI.maxPages {
            let answer = try await api.call("GET", "/repos/\(repository)/issues/\(number)/comments?per_page=100&page=\(page)")
            let comments = answer?.items ?? []
            if let mine = comments.first(where: { $0["body"]?.stringValue?.hasPrefix(marker) == true }), let id = mine["id"]?.idText {
                _ = try await api.call("PATCH", "/repos/\(repository)/issues/comments/\(id)", .object([("body", .string(body))]))
                return "updated its comment on \(place)"
            }
            if comments.count < 100 { break }
            page += 1
        }
        _ = try await api.call("POST", "/repos/\(repository)/issues/\(number)/comments", .object([("body", .string(body))]))
        return "commented on \(place)"
    }
}
