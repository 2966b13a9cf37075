import PerfGateCore

/// A merge request's notes on GitLab: `GET /projects/:id/merge_requests/:iid/notes` (pages of 100,
/// oldest first), `POST` there to create, `PUT …/notes/:note_id` to edit
/// (docs.gitlab.com/api/notes/#merge-requests). The token is a project or group access token (or a
/// personal one) with the `api` scope in `PRIVATE-TOKEN`: CI_JOB_TOKEN cannot write notes.
struct GitLabNotes: CommentThread {
    var api: ReviewAPI
    /// The project's id, or its percent-encoded path.
    var project: String
    var iid: String

    var place: String { "merge request !\(iid)" }

    func upsert(_ body: String, marker: String) async throws(FeedbackError) -> String {
        let notes = "/projects/\(project)/merge_requests/\(iid)/notes"
        var page = 1
        while page <= ReviewAPI.maxPages {
            let answer = try await api.call("GET", notes + "?per_page=100&page=\(page)&sort=asc&order_by=created_at")
            let items = answer?.items ?? []
            if let mine = items.first(where: { $0["system"]?.boolValue != true && $0["body"]?.stringValue?.hasPrefix(marker) == true }),
                let id = mine["id"]?.idText
            {
                _ = try await api.call("PUT", notes + "/\(id)", .object([("body", .string(body))]))
                return "updated its note on \(place)"
            }
            if items.count < 100 { break }
            page += 1
        }
        _ = try await api.call("POST", notes, .object([("body", .string(body))]))
        return "added a note to \(place)"
    }
}
