import PerfGateCore
import PerfGateReports
import PerfGateStore

/// `GET /` (the services) and `GET /dashboard?project=&stage=&service=&branch=&limit=` (a key's
/// heatmap and trends): HTML from the store, with the report's Content-Security-Policy.
enum DashboardAPI {
    static let maxRuns = 500
    static let maxServices = 1000

    static func overview(store: any RunStore, redactor: Redactor) async -> ServiceResponse {
        do {
            let services = try await store.services(limit: maxServices).map { summary in
                DashboardService(
                    project: summary.key.project, stage: summary.key.stage, service: summary.key.service, runs: summary.runs,
                    latest: run(summary.latest))
            }
            return html(DashboardHTML.overview(services), redactor: redactor)
        } catch {
            return RunJSON.unavailable(error, redactor: redactor)
        }
    }

    static func service(_ request: ServiceRequest, store: any RunStore, redactor: Redactor) async -> ServiceResponse {
        let filter: RunFilter
        switch RunsAPI.limit(request, default: 100, max: maxRuns) {
        case .success(let limit):
            filter = RunFilter(
                project: request.parameter("project") ?? "", stage: request.parameter("stage") ?? "", service: request.parameter("service") ?? "",
                branch: request.parameter("branch"), limit: limit)
        case .failure(let response): return response
        }
        do {
            let runs = try await store.runs(filter).map(run)
            return html(
                DashboardHTML.service(
                    project: filter.project ?? "", stage: filter.stage ?? "", service: filter.service ?? "", branch: filter.branch, runs: runs),
                redactor: redactor)
        } catch {
            return RunJSON.unavailable(error, redactor: redactor)
        }
    }

    static func run(_ run: StoredRun) -> DashboardRun {
        DashboardRun(id: String(run.id), record: run.record, branch: run.branch, invalidReason: run.invalidation?.reason, tag: run.tag)
    }

    static func html(_ page: String, redactor: Redactor) -> ServiceResponse {
        ServiceResponse(
            status: 200, contentType: "text/html; charset=utf-8", body: redactor.redact(page),
            headers: [("Content-Security-Policy", HTMLReport.contentSecurityPolicy), ("X-Content-Type-Options", "nosniff")])
    }
}
