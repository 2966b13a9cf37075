import PerfGateCore
import PerfGateStore

/// `/api/v1/baselines/{project}/{stage}/{service}`: a key's pinned baseline. Relative criteria
/// of that key compare with the pinned run alone; retention never deletes it. A part the key
/// does not have is written `-`.
enum BaselinesAPI {
    /// The key a path names; nil when it is not three percent-encoded parts.
    static func key(_ path: String) -> RunKey? {
        let rest = path.dropFirst("/api/v1/baselines/".count)
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        let values = parts.map { part -> String in
            let text = QueryString.decode(part, plusIsSpace: false)
            return text == "-" ? "" : text
        }
        guard values.allSatisfy({ RunsAPI.isShortText($0, max: 512) && !$0.contains("/") }) else { return nil }
        return RunKey(project: values[0], stage: values[1], service: values[2])
    }

    static func handle(_ request: ServiceRequest, caller: APICaller, store: any RunStore, now: Double, redactor: Redactor) async -> ServiceResponse {
        guard let key = key(request.path) else {
            return .error(404, "a baseline's path is /api/v1/baselines/{project}/{stage}/{service}, each part percent-encoded, '-' for none")
        }
        do {
            switch request.method {
            case "GET":
                guard caller.may(.read) else { return ServiceRoutes.forbidden(.read) }
                guard let baseline = try await store.baseline(key) else {
                    return .error(404, "no baseline is pinned for \(StoredHistory.describe(key)); pin one with PUT and {\"run\": \"<id or tag>\"}")
                }
                return .json(200, RunJSON.baseline(baseline, run: try await store.run(id: baseline.runId)))
            case "PUT":
                guard caller.may(.admin) else { return ServiceRoutes.forbidden(.admin) }
                let body: Node
                switch RequestBody.object(request) {
                case .success(let node): body = node
                case .failure(let problem): return .error(problem.status, problem.message, outcome: "invalid")
                }
                if let value = body["by"], !value.isNull, value.stringValue == nil {
                    return .error(400, "by must be a string, not \(value.typeName)", outcome: "invalid")
                }
                guard let reference = body["run"]?.stringValue ?? body["run"]?.numberValue.map({ NumberText.precise($0) }),
                    RunsAPI.isShortText(reference, max: 200), !reference.isEmpty
                else {
                    return .error(400, "send the run to pin as {\"run\": \"<id or tag>\"}", outcome: "invalid")
                }
                guard let run = try await store.run(reference: reference, key: key) else {
                    return .error(404, "no run has the id or tag '\(reference)' for \(StoredHistory.describe(key))")
                }
                guard run.key == key else {
                    return .error(
                        400,
                        "run \(run.id) is of \(StoredHistory.describe(run.key)), not of \(StoredHistory.describe(key)): pin a run of the same project, stage and service",
                        outcome: "invalid")
                }
                let by = caller.name ?? body["by"]?.stringValue.flatMap { RunsAPI.isShortText($0, max: 200) ? $0 : nil }
                guard try await store.pin(key, runId: run.id, by: by, at: now), let baseline = try await store.baseline(key) else {
                    return .error(404, "run \(run.id) is no longer in the store")
                }
                return .json(200, RunJSON.baseline(baseline, run: run))
            case "DELETE":
                guard caller.may(.admin) else { return ServiceRoutes.forbidden(.admin) }
                guard try await store.unpin(key) else { return .error(404, "no baseline is pinned for \(StoredHistory.describe(key))") }
                return .json(200, .object([("unpinned", .bool(true))]))
            default:
                return ServiceRoutes.notAllowed(request, allowed: "GET, PUT, DELETE")
            }
        } catch {
            return RunJSON.unavailable(error, redactor: redactor)
        }
    }
}
