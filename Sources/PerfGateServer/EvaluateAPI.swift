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
            case .evaluated(let outcome):
                var result = outcome.result
                result.exitCode = ExitCode.of(result.verdict).rawValue
                let report = format.render(result, redactor: service.settings.redactor)
                let body = format.identifier == "json" ? appending("historyRecord", outcome.record.line(), to: report) : report
                return ServiceResponse(status: 200, contentType: contentTypes[format.identifier]!, body: body, outcome: result.verdict.rawValue)
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
    static func appending(_ key: String, _ json: String, to object: String) -> String {
        var text = object
        while let last = text.last, last.isWhitespace { text.removeLast() }
        guard text.last == "}" else { return object }
        text.removeLast()
        return text + ",\n  " + JSONWriter.quoted(key) + ": " + json + "\n}\n"
    }

    /// The job a body describes.
    static func job(_ body: Node, now: Double) -> Result<EvaluationService.Job, Problem> {
        do throws(Problem) {
            // Every member this API knows has its type, used or not; null is the same as absent.
            for key in ["spec", "specName", "slo", "sloName", "sli", "sliName", "sliProvider"] {
                if let value = body[key], !value.isNull, value.stringValue == nil {
                    throw Problem("\(key) must be a string, not \(value.typeName)", exitCode: .invalidInput)
                }
            }
            for key in ["perfSpec", "variables"] {
                if let value = body[key], !value.isNull, value.members == nil {
                    throw Problem("\(key) must be an object, not \(value.typeName)", exitCode: .invalidInput)
                }
            }
            var job = try documents(body)
            job.window = try window(body, now: now)
            job.variables = try strings(body["variables"], field: "variables")
            if let history = body["history"] { job.history = try self.history(history) }
            if let provider = body["sliProvider"] {
                guard let name = provider.stringValue else { throw Problem("sliProvider must be a string (prometheus or dynatrace)") }
                job.keptn.provider = name
            }
            return .success(job)
        } catch {
            return .failure(error)
        }
    }

    /// The spec: `perfSpec` (an object), `spec` (a PerfSpec or slo.yaml as JSON or YAML text), or
    /// `slo` and `sli` (a Keptn quality gate's two files' text).
    static func documents(_ body: Node) throws(Problem) -> EvaluationService.Job {
        // The names the client knows the files by (`evaluate --server` sends them), so messages
        // and reports name the user's files; they are only names here, never paths on this server.
        func name(_ key: String, default fallback: String) throws(Problem) -> String {
            guard let node = body[key], !node.isNull else { return fallback }
            guard let text = node.stringValue, !text.isEmpty, text.utf8.count <= 512,
                !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                throw Problem("\(key) must be a file name of at most 512 bytes without control characters", exitCode: .invalidInput)
            }
            return text
        }
        if let perfSpec = body["perfSpec"], !perfSpec.isNull {
            guard perfSpec.members != nil else {
                throw Problem("perfSpec must be a JSON object (a PerfSpec); send YAML text as 'spec'", exitCode: .invalidInput)
            }
            return EvaluationService.Job(
                documents: ["perfSpec.json": Array(JSONWriter.write(perfSpec, pretty: true).utf8)], specPath: "perfSpec.json")
        }
        if let slo = body["slo"], !slo.isNull {
            guard let text = slo.stringValue else { throw Problem("slo must be the slo.yaml's text, a string", exitCode: .invalidInput) }
            let sloName = try name("sloName", default: "slo.yaml")
            var sliName = try name("sliName", default: "sli.yaml")
            if sliName == sloName { sliName = "sli.yaml" }
            var documents = [sloName: Array(text.utf8)]
            if let sli = body["sli"], !sli.isNull {
                guard let sliText = sli.stringValue else { throw Problem("sli must be the sli.yaml's text, a string", exitCode: .invalidInput) }
                documents[sliName] = Array(sliText.utf8)
            } else {
                throw Problem("a Keptn quality gate needs its sli.yaml: send its text as 'sli' beside 'slo'", exitCode: .invalidInput)
            }
            return EvaluationService.Job(documents: documents, specPath: sloName, keptn: .init(forced: true, sli: sliName))
        }
        if let spec = body["spec"], !spec.isNull {
            guard let text = spec.stringValue else {
                throw Problem("spec must be the spec's text (JSON or YAML), a string; send an object as 'perfSpec'", exitCode: .invalidInput)
            }
            let bytes = Array(text.utf8)
            let specName = try name("specName", default: DocumentFormat.detect(path: "spec", bytes: bytes) == .json ? "spec.json" : "spec.yaml")
            var documents = [specName: bytes]
            var sliName: String?
            if let sli = body["sli"]?.stringValue {
                sliName = try name("sliName", default: "sli.yaml")
                documents[sliName!] = Array(sli.utf8)
            }
            return EvaluationService.Job(documents: documents, specPath: specName, keptn: .init(sli: sliName))
        }
        throw Problem(
            "the request has no spec: send 'perfSpec' (an object), 'spec' (JSON or YAML text), or 'slo' and 'sli' (a Keptn quality gate)",
            exitCode: .invalidInput)
    }

    /// `start` and `end` in any form `--start` and `--end` take (Unix seconds as a number too).
    static func window(_ body: Node, now: Double) throws(Problem) -> Window? {
        func time(_ field: String) throws(Problem) -> Double? {
            guard let node = body[field], !node.isNull else { return nil }
            if let number = node.numberValue, number.isFinite { return number }
            guard let text = node.stringValue else {
                throw Problem("\(field) must be a time (2024-05-01T12:00:00Z, 1714564800, now-15m), not \(node.typeName)")
            }
            do {
                return try TimeParser.parse(text, now: now)
            } catch {
                throw Problem("\(field): \(error.message)")
            }
        }
        let start = try time("start")
        let end = try time("end")
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

    static func strings(_ node: Node?, field: String) throws(Problem) -> [String: String] {
        guard let node, !node.isNull else { return [:] }
        guard let members = node.members else { throw Problem("\(field) must be an object of names and string values") }
        var values: [String: String] = [:]
        for member in members {
            if let text = member.value.stringValue {
                values[member.key] = text
            } else if let number = member.value.numberValue {
                values[member.key] = NumberText.precise(number)
            } else {
                throw Problem("\(field).\(member.key) must be a string")
            }
        }
        return values
    }

    /// Earlier runs: the history file's text (JSON Lines), or its records as an array.
    static func history(_ node: Node) throws(Problem) -> HistoryFile {
        if let text = node.stringValue { return HistoryFile.parse(Array(text.utf8), path: "the request's history") }
        guard let items = node.items, items.allSatisfy({ $0.members != nil }) else {
            throw Problem("history must be the history file's text or an array of its records (objects)", exitCode: .invalidInput)
        }
        let text = items.map { JSONWriter.write($0) }.joined(separator: "\n")
        return HistoryFile.parse(Array(text.utf8), path: "the request's history")
    }
}
