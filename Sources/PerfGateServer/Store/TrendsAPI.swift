import PerfGateCore
import PerfGateStore

/// `GET /api/v1/trends?project=&stage=&service=&branch=&limit=`: a key's runs oldest first,
/// each with its score and every indicator's values, for charts.
enum TrendsAPI {
    static let maxLimit = 1000

    static func handle(_ request: ServiceRequest, store: any RunStore, redactor: Redactor) async -> ServiceResponse {
        var filter = RunFilter(
            project: request.parameter("project") ?? "", stage: request.parameter("stage") ?? "", service: request.parameter("service") ?? "",
            branch: request.parameter("branch"))
        switch RunsAPI.limit(request, default: 50, max: maxLimit) {
        case .success(let limit): filter.limit = limit
        case .failure(let response): return response
        }
        let runs: [StoredRun]
        do {
            runs = try await store.runs(filter)
        } catch {
            return RunJSON.unavailable(error, redactor: redactor)
        }
        let points = runs.reversed().map { run -> Node in
            var pairs: [(String, Node)] = [
                ("id", .string(String(run.id))), ("time", .string(CivilDate.rfc3339(run.record.time))),
                ("result", .string(run.record.result.rawValue)), ("score", .number(run.record.score)),
                ("valid", .bool(run.invalidation == nil))
            ]
            pairs.append(
                (
                    "indicators",
                    .array(
                        run.record.values.map { value in
                            .object([
                                ("id", .string(value.id)), ("key", .string(value.key)), ("value", value.value.map(Node.number) ?? .null),
                                ("status", .string(value.status))
                            ])
                        })
                ))
            return .object(pairs)
        }
        return .json(200, .object([("runs", .array(points))]))
    }
}
