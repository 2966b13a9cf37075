import PerfGateCore
import PerfGateReports
import PerfGateSources

/// `POST /api/pitometer`: the Pitometer web service's API (dt-demos/pitometer-web-service), and
/// the Azure Function's when `wrapped` (its success body is `{"telemetryResult": …}`).
///
/// The body is `{"timeStart": <Unix seconds>, "timeEnd": <Unix seconds>, "perfSpec": {…}}`. It is
/// checked in the web service's order, with its messages; as there, a 0 counts as missing.
enum PitometerAPI {
    static let specPath = "perfSpec.json"

    static func missing(_ field: String) -> ServiceResponse {
        .error(400, "Missing \(field). Please check your request body and try again.", outcome: "invalid")
    }

    static func handle(_ request: ServiceRequest, service: EvaluationService, wrapped: Bool) async -> ServiceResponse {
        let body: Node
        switch RequestBody.object(request) {
        case .success(let node): body = node
        case .failure(let problem): return .error(problem.status, problem.message, outcome: "invalid")
        }
        guard let perfSpec = body["perfSpec"], isTruthy(perfSpec) else { return missing("perfSpec") }
        guard perfSpec.members != nil else {
            return .error(
                400, "perfSpec must be a JSON object (a PerfSpec), not \(perfSpec.typeName). Please check your request body and try again.",
                outcome: "invalid")
        }
        if let problem = missingDynatrace(perfSpec, service: service) { return problem }
        guard let start = body["timeStart"], isTruthy(start) else { return missing("timeStart") }
        guard let end = body["timeEnd"], isTruthy(end) else { return missing("timeEnd") }
        guard let startTime = seconds(start) else { return notSeconds("timeStart", start) }
        guard let endTime = seconds(end) else { return notSeconds("timeEnd", end) }
        guard endTime >= startTime else {
            return .error(
                400,
                "timeEnd (\(NumberText.precise(endTime))) is before timeStart (\(NumberText.precise(startTime))). Please check your request body and try again.",
                outcome: "invalid")
        }

        let job = EvaluationService.Job(
            documents: [:], parsed: [specPath: perfSpec], specPath: specPath,
            window: Window(start: startTime, end: endTime), keepsRecord: false)
        return await service.run(job) { outcome in
            switch outcome {
            case .busy:
                return ServiceRoutes.busy(service)
            case .tooLarge(let error):
                return .error(422, "\(error.description). Please check your request body and try again.", outcome: "invalid")
            case .rejected(let error, let details):
                return .error(
                    400, "The perfSpec is invalid: \(error.description). Please check your request body and try again.", details: details,
                    outcome: "invalid")
            case .storeUnavailable(let message):
                return .error(503, message, outcome: "store")
            case .evaluated(let outcome, _):
                return answer(outcome.result, start: start, end: end, perfSpec: perfSpec, wrapped: wrapped, redactor: service.settings.redactor)
            }
        }
    }

    /// The web service's answer to an evaluation.
    static func answer(_ result: EvaluationResult, start: Node, end: Node, perfSpec: Node, wrapped: Bool, redactor: Redactor) -> ServiceResponse {
        // Pitometer's run rejects when any indicator cannot be measured: a 500 with that message.
        if result.verdict == .error {
            let first = result.indicatorResults.first { $0.error != nil }
            let message = first.map { "\($0.id): \($0.error ?? "")" } ?? result.failure ?? "the evaluation could not measure"
            let report = JSONReportFormat().render(result, redactor: redactor)
            let prefix = JSONWriter.write(.object([("result", .string("error")), ("message", .string(redactor.redact(message)))]))
            return ServiceResponse(
                status: 500, contentType: "application/json; charset=utf-8", body: String(prefix.dropLast()) + ",\"report\":" + report + "}",
                outcome: "error")
        }
        let options = Node.object([("timeStart", start), ("timeEnd", end)])
        let objectives = perfSpec["objectives"] ?? .object([])
        let text = PitometerRunReport.render(result, options: options, objectives: objectives, redactor: redactor)
        return ServiceResponse(
            status: 200, contentType: "application/json; charset=utf-8", body: wrapped ? "{\"telemetryResult\":" + text + "}" : text,
            outcome: result.verdict.rawValue)
    }

    /// JavaScript's truthiness, as the web service's `if (!req.body.timeStart)` tests it.
    static func isTruthy(_ node: Node) -> Bool {
        switch node.value {
        case .null: return false
        case .bool(let value): return value
        case .number(let value): return value != 0 && !value.isNaN
        case .string(let value): return !value.isEmpty
        default: return true
        }
    }

    /// Unix seconds, from a number or a numeric string (as JavaScript would coerce it).
    static func seconds(_ node: Node) -> Double? {
        if let number = node.numberValue { return number.isFinite ? number : nil }
        if let text = node.stringValue, let number = Double(text.trimmingSpaces()), number.isFinite { return number }
        return nil
    }

    static func notSeconds(_ field: String, _ node: Node) -> ServiceResponse {
        .error(
            400, "\(field) must be Unix seconds (a number such as 1551398400), not \(node.typeName). Please check your request body and try again.",
            outcome: "invalid")
    }

    /// The web service refused every request without Dynatrace's settings; perfgate asks for them
    /// only when the spec has a Dynatrace indicator, with the same messages.
    static func missingDynatrace(_ perfSpec: Node, service: EvaluationService) -> ServiceResponse? {
        let usesDynatrace = (perfSpec["indicators"]?.items ?? []).contains { $0["source"]?.stringValue?.lowercased() == "dynatrace" }
        guard usesDynatrace else { return nil }
        let declaration = DynatraceSource.declaration
        if let url = declaration.setting(.url), !service.isConfigured(url) {
            return .error(400, "Missing environment variable: DYNATRACE_BASEURL", outcome: "invalid")
        }
        let tokenFile = declaration.setting(.tokenFile).flatMap { service.settings.flags[$0.flag] }
        let hasToken = tokenFile != nil || declaration.secrets.variables.contains { !(service.settings.variables[$0] ?? "").isEmpty }
        return hasToken ? nil : .error(400, "Missing environment variable: DYNATRACE_APITOKEN", outcome: "invalid")
    }
}
