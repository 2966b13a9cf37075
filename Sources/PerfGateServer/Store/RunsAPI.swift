import PerfGateCore
import PerfGateReports
import PerfGateStore

/// `/api/v1/runs`: the stored runs (list, one run's report, invalidate or restore, import).
enum RunsAPI {
    static let maxLimit = 200

    /// `GET /api/v1/runs?project=&stage=&service=&branch=&result=&limit=&cursor=`, newest first.
    static func list(_ request: ServiceRequest, store: any RunStore, redactor: Redactor) async -> ServiceResponse {
        var filter = RunFilter()
        filter.project = request.parameter("project")
        filter.stage = request.parameter("stage")
        filter.service = request.parameter("service")
        filter.branch = request.parameter("branch")
        if let result = request.parameter("result") {
            guard let verdict = Verdict(rawValue: result) else {
                return .error(400, "result must be pass, warning, fail or error", outcome: "invalid")
            }
            filter.result = verdict
        }
        switch limit(request, default: 20, max: maxLimit) {
        case .success(let limit): filter.limit = limit
        case .failure(let response): return response
        }
        if let include = request.parameter("include"), include != "record" {
            return .error(400, "include takes record (each run's history record)", outcome: "invalid")
        }
        if let cursor = request.parameter("cursor") {
            guard let id = RunJSON.id(Substring(cursor)) else {
                return .error(400, "cursor must be the nextCursor of an earlier answer", outcome: "invalid")
            }
            filter.before = id
        }
        do {
            // One more than asked: whether there is a next page.
            var page = filter
            page.limit += 1
            let runs = try await store.runs(page)
            // `include=record`: each run's history record too (what `perfgate history export` writes).
            let withRecords = request.parameter("include") == "record"
            let items = runs.prefix(filter.limit).map { run -> Node in
                guard withRecords, var members = RunJSON.summary(run).members else { return RunJSON.summary(run) }
                members.append(Node.Member(key: "record", value: (try? JSONParser.parse(run.line)) ?? .null))
                return Node(.object(members))
            }
            var pairs: [(String, Node)] = [("runs", .array(items))]
            if runs.count > filter.limit, let last = runs.prefix(filter.limit).last { pairs.append(("nextCursor", .string(String(last.id)))) }
            return .json(200, .object(pairs))
        } catch {
            return RunJSON.unavailable(error, redactor: redactor)
        }
    }

    /// `limit`: a whole number from 1 to `max`.
    static func limit(_ request: ServiceRequest, default value: Int, max: Int) -> Result<Int, ServiceResponse> {
        guard let text = request.parameter("limit") else { return .success(value) }
        guard let limit = Int(text), (1...max).contains(limit) else {
            return .failure(.error(400, "limit must be a whole number from 1 to \(max)", outcome: "invalid"))
        }
        return .success(limit)
    }

    /// `GET /api/v1/runs/{id}`: the run's JSON report with its summary (`run`) and history record;
    /// its HTML report for `Accept: text/html`.
    static func show(_ id: Int64, _ request: ServiceRequest, store: any RunStore, redactor: Redactor) async -> ServiceResponse {
        let run: StoredRun?
        do {
            run = try await store.run(id: id)
        } catch {
            return RunJSON.unavailable(error, redactor: redactor)
        }
        guard let run else { return .error(404, "no run \(id) in the store; list them with GET /api/v1/runs") }
        let accept = request.headers["accept"]?.lowercased() ?? ""
        let reportRoot = run.report.flatMap { try? JSONParser.parse($0) }
        if accept.contains("text/html") && !accept.contains("application/json") {
            guard let reportRoot, let result = try? JSONReportReader.result(reportRoot) else {
                return .error(404, "run \(id) has no report to show (it was imported from a history file); GET it as JSON for its record")
            }
            let html = HTMLReportFormat().render(
                result, presentation: Presentation(exitCode: ExitCode.of(result.verdict).rawValue), redactor: redactor)
            return ServiceResponse(
                status: 200, contentType: "text/html; charset=utf-8", body: html,
                headers: [("Content-Security-Policy", HTMLReport.contentSecurityPolicy), ("X-Content-Type-Options", "nosniff")])
        }
        var members = reportRoot?.members ?? []
        members.append(Node.Member(key: "run", value: RunJSON.summary(run)))
        members.append(Node.Member(key: "historyRecord", value: (try? JSONParser.parse(run.line)) ?? .null))
        return .json(200, Node(.object(members)))
    }

    /// `PATCH /api/v1/runs/{id}`: `{"invalidated": true, "reason": "…"}` marks a run invalid (never
    /// compared with), `{"invalidated": false, "reason": "…"}` restores it; `tag` sets or ("") clears its tag.
    static func update(_ id: Int64, _ request: ServiceRequest, caller: APICaller, store: any RunStore, now: Double, redactor: Redactor) async
        -> ServiceResponse
    {
        let body: Node
        switch RequestBody.object(request) {
        case .success(let node): body = node
        case .failure(let problem): return .error(problem.status, problem.message, outcome: "invalid")
        }
        for key in ["reason", "by", "tag"] {
            if let value = body[key], !value.isNull, value.stringValue == nil {
                return .error(400, "\(key) must be a string, not \(value.typeName)", outcome: "invalid")
            }
        }
        var change = RunChange()
        let reason = body["reason"]?.stringValue
        if let reason, !Self.isShortText(reason, max: 1000) {
            return .error(400, "reason must be text of at most 1000 bytes without control characters", outcome: "invalid")
        }
        let by = caller.name ?? body["by"]?.stringValue.flatMap { Self.isShortText($0, max: 200) ? $0 : nil }
        switch body["invalidated"]?.value {
        case .bool(true)?:
            guard let reason, !reason.trimmingSpaces().isEmpty else {
                return .error(400, "invalidating a run needs a reason: send {\"invalidated\": true, \"reason\": \"…\"}", outcome: "invalid")
            }
            change.validity = .invalid(Invalidation(reason: reason, by: by, at: now))
        case .bool(false)?: change.validity = .valid
        case nil, .null?: break
        default: return .error(400, "invalidated must be true or false", outcome: "invalid")
        }
        if let tag = body["tag"], !tag.isNull {
            guard let text = tag.stringValue, text.isEmpty || Self.isShortText(text, max: 200), Int64(text) == nil else {
                return .error(
                    400, "tag must be text of at most 200 bytes without control characters, not a number (\"\" removes it)", outcome: "invalid")
            }
            change.tag = text
        }
        guard change.validity != nil || change.tag != nil else {
            return .error(400, "the body changes nothing: send invalidated (with a reason) or tag", outcome: "invalid")
        }
        do {
            guard let run = try await store.update(id: id, change) else {
                return .error(404, "no run \(id) in the store; list them with GET /api/v1/runs")
            }
            return .json(200, RunJSON.summary(run))
        } catch {
            return RunJSON.unavailable(error, redactor: redactor)
        }
    }

    /// `POST /api/v1/runs`: `{"history": "<the history file's JSON Lines>", "branch": "main"}`
    /// loads a history file into the store. Each line records once, however often it is imported.
    static func importRuns(_ request: ServiceRequest, store: StoreSettings, now: Double, redactor: Redactor) async -> ServiceResponse {
        let body: Node
        switch RequestBody.object(request) {
        case .success(let node): body = node
        case .failure(let problem): return .error(problem.status, problem.message, outcome: "invalid")
        }
        guard let text = body["history"]?.stringValue else {
            return .error(400, "send the history file's text as 'history' (what 'perfgate history export' writes)", outcome: "invalid")
        }
        if let value = body["branch"], !value.isNull, value.stringValue == nil {
            return .error(400, "branch must be a string, not \(value.typeName)", outcome: "invalid")
        }
        let branch = body["branch"]?.stringValue
        if let branch, !Self.isShortText(branch, max: RunProvenance.maxLength) {
            return .error(400, "branch must be text without control characters", outcome: "invalid")
        }
        let file = HistoryFile.parse(Array(text.utf8), path: "the imported history")
        var imported = 0
        var duplicates = 0
        for line in file.lines {
            guard case .success(let record) = line.record else { continue }
            let run = NewRun(
                record: record, report: nil, provenance: RunProvenance(branch: branch.flatMap { $0.isEmpty ? nil : $0 }),
                idempotencyKey: "import:" + SHA256.hex(Array(((branch ?? "") + "\n" + record.line()).utf8)), recordedAt: now)
            do {
                switch try await store.store.record(run, retention: Retention(now: now)) {
                case .recorded: imported += 1
                case .duplicate: duplicates += 1
                }
            } catch {
                return RunJSON.unavailable(error, redactor: redactor)
            }
        }
        var pairs: [(String, Node)] = [("imported", .number(Double(imported))), ("duplicates", .number(Double(duplicates)))]
        if !file.problems.isEmpty { pairs.append(("skipped", .array(file.problems.prefix(100).map(Node.string)))) }
        return .json(200, .object(pairs))
    }

    static func isShortText(_ text: String, max: Int) -> Bool {
        text.utf8.count <= max && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
