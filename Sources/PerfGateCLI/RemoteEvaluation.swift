import PerfGateCore
import PerfGateEngine
import PerfGateReports
import PerfGateSources

/// An evaluation on a perfgate server (`POST /api/v1/evaluate`): the spec's text, the window, the
/// variables and the earlier runs go out; the JSON report comes back and is read into the result
/// a local run would have had.
struct RemoteEvaluation {
    var server: String
    var apiKey: String?
    var http: any HTTPClient
    /// How long the server may take: its evaluation's deadline, and a margin.
    var timeout: Double

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// What the server graded, and the record for the history.
    func evaluate(
        specPath: String, keptn: GateRequest.KeptnSettings, window: Window?, variables: [String: String], history: HistoryFile?,
        provenance: RunProvenance = RunProvenance(), baseline: String? = nil
    ) async throws -> (EvaluationResult, HistoryRecord?) {
        var body = try request(specPath: specPath, keptn: keptn)
        body.variables = variables
        body.provenance = provenance
        body.baseline = baseline
        if let window { (body.start, body.end) = (.seconds(window.start), .seconds(window.end)) }
        if let history { body.history = .text(history.lines.map { $0.text + "\n" }.joined()) }

        var headers = [(name: "Content-Type", value: "application/json"), (name: "Accept", value: "application/json")]
        if let apiKey { headers.append((name: "Authorization", value: "Bearer " + apiKey)) }
        var request = HTTPRequest(method: "POST", url: endpoint, headers: headers, body: Array(JSONWriter.write(body.body).utf8))
        request.timeout = timeout
        let shown = URLText.redacted(server)
        Console.diagnostics.note("evaluating on the perfgate server at \(shown)")
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            throw Failure(description: "cannot reach the perfgate server at \(shown): \(error)")
        }
        return try read(response, specPath: specPath, shown: shown)
    }

    var endpoint: String {
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/api/v1/evaluate"
    }

    /// The spec's text under the name the user knows it by; for a Keptn gate, its sli.yaml and
    /// the SLIs' provider too.
    func request(specPath: String, keptn: GateRequest.KeptnSettings) throws -> EvaluateRequest {
        let bytes = try Self.read(specPath, what: "the spec")
        let text = String(decoding: bytes, as: UTF8.self)
        let root = try? DocumentLoader.parse(bytes, as: DocumentFormat.detect(path: specPath, bytes: bytes))
        guard keptn.forced || root.map(SpecLoader.isKeptn) == true else {
            return EvaluateRequest(spec: .text(text, name: specPath))
        }
        let loader = KeptnLoader(loader: SpecLoader(diagnostics: Console.diagnostics), sources: SourceRegistry.all())
        let (sliPath, provider) = try loader.findSLI(sloPath: specPath, settings: keptn)
        let sli = String(decoding: try Self.read(sliPath, what: "sli.yaml"), as: UTF8.self)
        return EvaluateRequest(spec: .keptn(slo: text, sloName: specPath, sli: sli, sliName: sliPath), sliProvider: provider)
    }

    static func read(_ path: String, what: String) throws -> [UInt8] {
        do {
            return try FileSystem.read(path, limit: DocumentLoader.defaultSizeLimit)
        } catch {
            throw GateError(.invalidInput, "cannot read \(what): \(error)")
        }
    }

    /// What the server's store made of the run: its id, a retried step's earlier record, or why
    /// it was not recorded.
    static func sayStored(_ store: Node?, shown: String) {
        guard let store, store.members != nil else { return }
        let id = store["runId"]?.stringValue
        if let id, store["duplicate"]?.boolValue == true {
            Console.diagnostics.note("this step was recorded before as run \(id) on \(shown) (a retry); it is not recorded again")
        } else if let id {
            Console.diagnostics.note("recorded as run \(id) on \(shown)")
        }
        if let warning = store["warning"]?.stringValue { Console.diagnostics.warning(.outside(warning)) }
    }

    /// The server's answer: the result, or the error a local run would have stopped with.
    func read(_ response: HTTPResponse, specPath: String, shown: String) throws -> (EvaluationResult, HistoryRecord?) {
        let root = try? JSONParser.parse(response.body)
        switch response.status {
        case 200:
            guard let root else { throw Failure(description: "the perfgate server at \(shown) answered 200 without JSON: \(response.bodyPreview())") }
            if let version = root["apiVersion"]?.numberValue, version > Double(EvaluateRequest.version) {
                throw Failure(
                    description:
                        "the perfgate server at \(shown) answers in version \(NumberText.precise(version)) of the evaluate API, and this perfgate reads version \(EvaluateRequest.version): update perfgate here"
                )
            }
            var result: EvaluationResult
            do {
                result = try JSONReportReader.result(root)
            } catch {
                throw Failure(
                    description:
                        "the perfgate server at \(shown) sent a report perfgate cannot read (\(error)); are client and server the same version?")
            }
            result.specPath = specPath
            Self.sayStored(root["store"], shown: shown)
            let record = root["historyRecord"].flatMap { try? HistoryRecord.parse(JSONWriter.write($0)).get() }
            return (result, record)
        case 400:
            // The spec's problems, as the server found them, then the reason.
            for line in root?["details"]?.items?.compactMap(\.stringValue) ?? [] { Console.diagnostics.emit(.outside(line), as: .line) }
            let message = root?["message"]?.stringValue ?? response.bodyPreview()
            let code = root?["exitCode"]?.numberValue ?? Double(ExitCode.invalidInput.rawValue)
            throw GateError(
                code == Double(ExitCode.usage.rawValue) ? .usage : .invalidInput, "the perfgate server at \(shown) refused the request: \(message)")
        case 401, 403:
            throw Failure(
                description:
                    "the perfgate server at \(shown) refused the API key (\(response.status)): set PERFGATE_API_KEY or pass --server-api-key-file")
        case 413:
            throw GateError(.invalidInput, "the perfgate server at \(shown) takes smaller requests (413): \(root?["message"]?.stringValue ?? "")")
        default:
            let message = root?["message"]?.stringValue ?? response.bodyPreview()
            throw Failure(description: "the perfgate server at \(shown) could not evaluate (\(response.status)): \(message)")
        }
    }
}
