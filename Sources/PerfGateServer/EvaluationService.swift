import PerfGateCore
import PerfGateEngine
import PerfGateReports
import PerfGateSources
import PerfGateStore
import Synchronization

/// What the service evaluates with: the server's own environment (its backends, its secrets),
/// shared by every request, and the cap on evaluations at once.
package final class EvaluationService: Sendable {
    package struct Settings: Sendable {
        /// The server's environment variables: where the backends are and their tokens.
        package var variables: [String: String]
        package var http: any HTTPClient
        /// The sources' flags (`prometheus-url`, token files), as `evaluate` takes them.
        package var flags: [String: String]
        package var limits: ServiceLimits
        package var now: @Sendable () -> Double
        /// `--no-spec-urls`: a request's spec may not name a server (`sources.<name>.url`).
        package var refuseSpecURLs: Bool
        /// The server's secrets (its tokens, its API keys): hidden in every answer.
        package var redactor: Redactor
        /// Where evaluations are recorded and compared from; nil for a stateless service.
        package var store: StoreSettings?

        package init(
            variables: [String: String], http: any HTTPClient, flags: [String: String], limits: ServiceLimits, now: @escaping @Sendable () -> Double,
            refuseSpecURLs: Bool = false, redactor: Redactor = Redactor(), store: StoreSettings? = nil
        ) {
            self.redactor = redactor
            self.store = store
            self.variables = variables
            self.http = http
            self.flags = flags
            self.limits = limits
            self.now = now
            self.refuseSpecURLs = refuseSpecURLs
        }
    }

    /// The sources a request's spec may use: those that query a backend, and values written in
    /// the spec. The result-file sources would read the server's disk.
    package static let allowedSources = SourceRegistry.servable

    package let settings: Settings
    package let metrics: ServiceMetrics
    private let running = Mutex(0)

    package init(settings: Settings, metrics: ServiceMetrics) {
        self.settings = settings
        self.metrics = metrics
    }

    /// One evaluation a request asks for: the documents it carries and how to read them.
    struct Job {
        var documents: [String: [UInt8]]
        /// Documents already parsed from the request's body.
        var parsed: [String: Node] = [:]
        var specPath: String
        var keptn = GateRequest.KeptnSettings()
        var window: Window?
        var variables: [String: String] = [:]
        var history: HistoryFile?
        /// Recorded in the store and compared from it (perfgate's own API; Pitometer's stays stateless).
        var useStore = false
        var provenance = RunProvenance()
        /// A run id or tag to compare with alone.
        var baseline: String?
        /// Whether the answer needs the run's history record (Pitometer's route does not).
        var keepsRecord = true
    }

    enum Outcome {
        /// The evaluation, and what the store made of it (nil without a store).
        case evaluated(GateOutcome, StoreOutcome?)
        /// `--store-required`, and the store failed.
        case storeUnavailable(String)
        /// The spec or the request is invalid: the error and the problems said on the way.
        case rejected(GateError, details: [String])
        /// The request asks for more values than one request may have graded (`maxValues`).
        case tooLarge(GateError)
        /// Every evaluation slot is taken.
        case busy
    }

    /// Runs a job if a slot is free, and makes its answer with `answer` inside the slot: rendering
    /// a report costs memory too, and the cap on evaluations at once must bound it.
    func run<Answer>(_ job: Job, answer: (Outcome) -> Answer) async -> Answer {
        let admitted = running.withLock { count -> Bool in
            guard count < settings.limits.maxEvaluations else { return false }
            count += 1
            return true
        }
        guard admitted else { return answer(.busy) }
        metrics.evaluationStarted()
        let started = ContinuousClock.now
        defer {
            running.withLock { $0 -= 1 }
            metrics.evaluationEnded()
        }
        let diagnostics = CollectedDiagnostics(redactor: settings.redactor)
        let gate = Gate(
            environment: GateEnvironment(
                now: settings.now, variables: settings.variables, http: settings.http,
                files: RequestFiles(documents: job.documents, parsed: job.parsed),
                diagnostics: diagnostics, redactor: settings.redactor))
        let store = job.useStore ? settings.store : nil
        let stored = store.map { StoredHistory(store: $0.store, provenance: job.provenance, baseline: job.baseline) }
        var request = GateRequest(
            specPath: job.specPath, keptn: job.keptn, window: job.window, variables: job.variables, history: job.history ?? stored,
            deadline: settings.limits.evaluationDeadline,
            connections: .init(
                flags: settings.flags, trustSpecURLs: false, refuseSpecURLs: settings.refuseSpecURLs, allowedSources: Self.allowedSources))
        request.maxValues = settings.limits.maxValues
        request.keepsRecord = job.keepsRecord
        do {
            let outcome = try await gate.evaluate(request)
            metrics.evaluation(outcome.result, seconds: Self.seconds(since: started))
            guard let store else { return answer(.evaluated(outcome, nil)) }
            let recorded = await record(outcome, job: job, store: store, readFailure: job.history == nil ? stored?.readFailure : nil)
            if store.required, let warning = recorded.warning { return answer(.storeUnavailable(warning)) }
            return answer(.evaluated(outcome, recorded))
        } catch {
            metrics.evaluation(nil, seconds: Self.seconds(since: started))
            if error.kind == .tooLarge { return answer(.tooLarge(error)) }
            var error = error
            // The CLI prints the problems before its summary; an HTTP client gets them as `details`.
            if error.reported { error.message = "the spec or its input is invalid (its problems are in details)" }
            return answer(.rejected(error, details: diagnostics.lines.map(\.text)))
        }
    }

    /// Records an evaluation with its full JSON report; a failure is a warning (and counted).
    func record(_ outcome: GateOutcome, job: Job, store: StoreSettings, readFailure: StoreError?) async -> StoreOutcome {
        let now = settings.now()
        let report = JSONReportFormat(complete: true).render(
            outcome.result, presentation: Presentation(exitCode: ExitCode.of(outcome.result.verdict).rawValue), redactor: settings.redactor)
        let run = NewRun(
            record: outcome.record, report: report, provenance: job.provenance,
            idempotencyKey: job.provenance.idempotencyKey(specDigest: outcome.record.specDigest, context: outcome.record.context), recordedAt: now)
        var result = StoreOutcome()
        if let readFailure {
            metrics.storeFailure("read")
            result.warning = "the earlier runs could not be read from the store (\(readFailure.message)); relative criteria were met"
        }
        do {
            let recorded = try await store.store.record(run, retention: store.retention(now: now))
            result.runId = recorded.id
            if case .duplicate = recorded { result.duplicate = true }
            metrics.storeRecord(result.duplicate ? "duplicate" : "recorded")
        } catch {
            metrics.storeFailure("write")
            let warning = "this run was not recorded in the store (\(error.message))"
            result.warning = result.warning.map { $0 + "; " + warning } ?? warning
        }
        // A store's message may quote its connection string.
        result.warning = result.warning.map(settings.redactor.redact)
        return result
    }

    /// How many evaluations run now.
    var inFlight: Int { running.withLock { $0 } }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Whether the server can reach a source at all: its URL from a flag or a variable.
    func isConfigured(_ setting: SourceSetting) -> Bool {
        if let flag = settings.flags[setting.flag], !flag.isEmpty { return true }
        return setting.variables.contains { !(settings.variables[$0] ?? "").isEmpty }
    }
}
