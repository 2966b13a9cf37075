import PerfGateCore
import PerfGateEngine
import PerfGateReports

/// `POST /api/v1/evaluate`: whatever `perfgate evaluate` grades, sent in the request (see
/// docs/openapi.yaml). The answer is the report the CLI writes: JSON by default (with the record
/// a history keeps of this run), JUnit or Markdown by `Accept`.
enum EvaluateAPI {
    /// Seconds a window may reach past the server's clock (clocks differ a little).
    static let clockSlack = 60.0

    static func handle(_ request: ServiceRequest, service: EvaluationService) async -> ServiceResponse {
        guard let format = format(accepting: request.headers["accept"]) else {
            return .error(
                406, "the report comes as application/json, application/xml (JUnit) or text/markdown; the Accept header allows none of them",
                outcome: "invalid")
        }
        let body: Node
        switch RequestBody.object(request) {
        case .success(let node): body = node
        case .failure(let problem):
            return problem.status == 400
                ? Problem(problem.message, exitCode: .invalidInput).response : .error(problem.status, problem.message, outcome: "invalid")
        }
        let job: EvaluationService.Job
        switch self.job(body, now: service.settings.now()) {
        case .success(let value): job = value
        case .failure(let problem): return problem.response
        }
        return await service.run(job) { outcome in
            switch outcome {
            case .busy:
                return ServiceRoutes.busy(service)
            case .tooLarge(let error):
                var response = Problem(error.description, exitCode: error.kind.exitCode).response
                response.status = 422
                return response
            case .rejected(let error, let details):
                return Problem(error.description, exitCode: error.kind.exitCode, details: details).response
            case .storeUnavailable(let message):
                return .error(503, message + " (--store-required); retry when the store is back", headers: [("Retry-After", "5")], outcome: "store")
            case .evaluated(let outcome, let stored):
                let result = outcome.result
                let report = format.render(
                    result, presentation: Presentation(exitCode: ExitCode.of(result.verdict).rawValue), redactor: service.settings.redactor)
                // The contract's version beside the report, so a client can tell a newer server's answer.
                var members = [("apiVersion", String(EvaluateRequest.version)), ("historyRecord", outcome.record.line())]
                if let stored { members.append(("store", JSONWriter.write(stored.node))) }
                let body = format.identifier == "json" ? appending(members, to: report) : report
                var headers: [(String, String)] = []
                if let runId = stored?.runId { headers.append(("PerfGate-Run-Id", String(runId))) }
                return ServiceResponse(
                    status: 200, contentType: contentTypes[format.identifier]!, body: body, headers: headers, outcome: result.verdict.rawValue)
            }
        }
    }

    /// Why a request cannot be evaluated: 400, with the exit code `evaluate` would end with.
    struct Problem: Error {
        var message: String
        var exitCode: ExitCode
        var details: [String] = []

        init(_ message: String, exitCode: ExitCode = .usage, details: [String] = []) {
            self.message = message
            self.exitCode = exitCode
            self.details = details
        }

        var response: ServiceResponse {
            var pairs: [(String, Node)] = [
                ("result", .string("error")), ("message", .string(message)), ("exitCode", .number(Double(exitCode.rawValue)))
            ]
            if !details.isEmpty { pairs.append(("details", .array(details.map(Node.string)))) }
            return .json(400, .object(pairs), outcome: "invalid")
        }
    }

    static let contentTypes = [
        "json": "application/json; charset=utf-8", "junit": "application/xml; charset=utf-8", "markdown": "text/markdown; charset=utf-8"
    ]

    /// The report `Accept` asks for; JSON when it names none of them but allows anything.
    static func format(accepting accept: String?) -> (any Report)? {
        // Complete: the client (evaluate --server) renders every report from it.
        guard let accept, !accept.trimmingSpaces().isEmpty else { return JSONReportFormat(complete: true) }
        let types = accept.lowercased().split(separator: ",").map { $0.split(separator: ";").first.map { String($0).trimmingSpaces() } ?? "" }
        for type in types {
            switch type {
            case "application/json", "text/json": return JSONReportFormat(complete: true)
            case "application/xml", "text/xml", "application/junit+xml": return JUnitReportFormat()
            case "text/markdown", "text/x-markdown": return MarkdownReportFormat()
            case "*/*", "application/*": return JSONReportFormat(complete: true)
            case "text/*": return MarkdownReportFormat()
            default: continue
            }
        }
        return nil
    }

    /// A JSON object's text with one more member at its end.
    static func appending(_ members: [(key: String, json: String)], to object: String) -> String {
        var text = object
        while let last = text.last, last.isWhitespace { text.removeLast() }
        guard text.last == "}" else { return object }
        text.removeLast()
        for member in members { text += ",\n  " + JSONWriter.quoted(member.key) + ": " + member.json }
        return text + "\n}\n"
    }

    /// The job a body describes (`EvaluateRequest`, the contract `evaluate --server` writes).
    static func job(_ body: Node, now: Double) -> Result<EvaluationService.Job, Problem> {
        let request: EvaluateRequest
        do {
            request = try EvaluateRequest.parse(body)
        } catch {
            return .failure(Problem(error.message, exitCode: error.isUsage ? .usage : .invalidInput))
        }
        var job = documents(request.spec)
        do {
            job.window = try window(request, now: now)
        } catch {
            return .failure(error)
        }
        job.variables = request.variables
        job.history = request.history.map(history)
        job.useStore = true
        job.provenance = request.provenance
        job.baseline = request.baseline
        if let provider = request.sliProvider { job.keptn.provider = provider }
        return .success(job)
    }

    /// Earlier runs, read as the history file they are (or whose records they are).
    static func history(_ history: EvaluateRequest.History) -> HistoryFile {
        let text: String
        switch history {
        case .text(let lines): text = lines
        case .records(let records): text = records.map { JSONWriter.write($0) }.joined(separator: "\n")
        }
        return HistoryFile.parse(Array(text.utf8), path: "the request's history")
    }

    /// The documents of the request's spec, under the names the client knows them by (so
    /// messages and reports name the user's files; they are only names here, never paths).
    static func documents(_ spec: EvaluateRequest.Spec) -> EvaluationService.Job {
        switch spec {
        case .object(let perfSpec):
            return EvaluationService.Job(
                documents: ["perfSpec.json": Array(JSONWriter.write(perfSpec, pretty: true).utf8)], specPath: "perfSpec.json")
        case .keptn(let slo, let sloName, let sli, let sliName):
            let sloName = sloName ?? "slo.yaml"
            var sliName = sliName ?? "sli.yaml"
            if sliName == sloName { sliName = "sli.yaml" }
            return EvaluationService.Job(
                documents: [sloName: Array(slo.utf8), sliName: Array(sli.utf8)], specPath: sloName, keptn: .init(forced: true, sli: sliName))
        case .text(let text, let name, let sli, let sliName):
            let bytes = Array(text.utf8)
            let specName = name ?? (DocumentFormat.detect(path: "spec", bytes: bytes) == .json ? "spec.json" : "spec.yaml")
            var documents = [specName: bytes]
            var sliPath: String?
            if let sli {
                sliPath = sliName ?? "sli.yaml"
                documents[sliPath!] = Array(sli.utf8)
            }
            return EvaluationService.Job(documents: documents, specPath: specName, keptn: .init(sli: sliPath))
        }
    }

    /// The window `start` and `end` give, read against the server's clock.
    static func window(_ request: EvaluateRequest, now: Double) throws(Problem) -> Window? {
        func time(_ field: String, _ value: EvaluateRequest.Time?) throws(Problem) -> Double? {
            switch value {
            case nil: return nil
            case .seconds(let seconds): return seconds
            case .text(let text):
                do {
                    return try TimeParser.parse(text, now: now)
                } catch {
                    throw Problem("\(field): \(error.message)")
                }
            }
        }
        let start = try time("start", request.start)
        let end = try time("end", request.end)
        guard let start else {
            if end != nil { throw Problem("end needs start: give the time the load test started") }
            return nil
        }
        guard start <= now + clockSlack else {
            throw Problem(
                "the window starts in the future (\(CivilDate.rfc3339(start)), it is now \(CivilDate.rfc3339(now)) on the server); check the start time and the clocks"
            )
        }
        let finish = end ?? now
        guard finish >= start else { throw Problem("the window ends (\(CivilDate.rfc3339(finish))) before it starts (\(CivilDate.rfc3339(start)))") }
        guard finish <= now + clockSlack else {
            throw Problem(
                "the window ends in the future (\(CivilDate.rfc3339(finish)), it is now \(CivilDate.rfc3339(now)) on the server); check the end time and the clocks"
            )
        }
        return Window(start: start, end: finish)
    }
}
