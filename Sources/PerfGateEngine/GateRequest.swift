import PerfGateCore

/// One evaluation to run: which spec, over which window, with which values and settings.
package struct GateRequest: Sendable {
    /// The PerfSpec or Keptn slo.yaml, read through the environment's files.
    package var specPath: String
    /// A Keptn quality gate: forced (`--slo`), with its sli.yaml and provider when given. Without
    /// it, a spec whose `objectives` is a list is still read as one.
    package var keptn: KeptnSettings
    package var window: Window?
    /// Values for `$NAME` placeholders; they override the spec's `variables`.
    package var variables: [String: String]
    /// Result files to read instead of those the queries name, by source or by the query's `file`.
    package var resultFiles: [String: String]
    /// Earlier runs, for relative thresholds and criteria; nil compares with nothing.
    package var history: (any EarlierRuns)?
    /// How many indicators are measured at once.
    package var concurrency: Int
    /// 64: Pitometer measured every indicator at once, and a slow backend (each answer 200 ms late)
    /// should cost one wait, not one per eight indicators. The HTTP client holds each host to the
    /// same number of requests and connections, and halves it while the host answers 429 or 503.
    package static let defaultConcurrency = 64
    /// The most the measuring may take, in seconds; indicators still unmeasured then are errors.
    package var deadline: Double
    /// Where the HTTP sources are, from outside the spec.
    package var connections: Connections
    /// `--series`: after grading, a range query per indicator of a series source for the
    /// HTML report's curve, under this many seconds (within the deadline); nil asks for none.
    package var seriesTimeout: Double?
    /// How many earlier runs the trend charts show (`--trend-runs`).
    package var trendRuns: Int
    /// The most values the run may grade (a service's cap per request); nil: no bound. Past it the
    /// evaluation stops with a `tooLarge` error before its results are graded into reports.
    package var maxValues: Int?
    /// `--strict`: every warning about the spec, and an indicator that can never fail, is an
    /// error (exit 65) before anything is queried.
    package var strict = false
    /// Whether the outcome's history record is wanted; without it (Pitometer's route) the record
    /// has no values and no spec digest, which spares hashing the spec on every request.
    package var keepsRecord = true

    package init(
        specPath: String, keptn: KeptnSettings = KeptnSettings(), window: Window? = nil, variables: [String: String] = [:],
        resultFiles: [String: String] = [:], history: (any EarlierRuns)? = nil, concurrency: Int = defaultConcurrency, deadline: Double = 300,
        connections: Connections = Connections(), seriesTimeout: Double? = nil, trendRuns: Int = 20, strict: Bool = false
    ) {
        self.strict = strict
        self.seriesTimeout = seriesTimeout
        self.trendRuns = trendRuns
        self.specPath = specPath
        self.keptn = keptn
        self.window = window
        self.variables = variables
        self.resultFiles = resultFiles
        self.history = history
        self.concurrency = concurrency
        self.deadline = deadline
        self.connections = connections
    }

    package struct KeptnSettings: Sendable {
        /// The spec is a Keptn slo.yaml, whatever it looks like.
        package var forced: Bool
        /// The sli.yaml (default: beside slo.yaml, else `<provider>/sli.yaml` there).
        package var sli: String?
        /// Which registered SLI provider answers (default: from the folder, else prometheus).
        package var provider: String?

        package init(forced: Bool = false, sli: String? = nil, provider: String? = nil) {
            self.forced = forced
            self.sli = sli
            self.provider = provider
        }
    }

    /// The sources' settings from outside the spec, as flags give them, by flag name
    /// (`prometheus-url`; see `SourceRegistry.settings`). The environment's variables are read too.
    package struct Connections: Sendable {
        package var flags: [String: String]
        /// Send credentials to servers that only the spec names.
        package var trustSpecURLs: Bool
        /// The only sources a spec may use, by name; nil allows every one. A server gives the
        /// sources that query backends, so a request's spec cannot read the server's files.
        package var allowedSources: Set<String>?
        /// Refuse a spec that names a server (`sources.<name>.url`): only these flags and the
        /// environment say where requests go.
        package var refuseSpecURLs: Bool

        package init(flags: [String: String] = [:], trustSpecURLs: Bool = false, refuseSpecURLs: Bool = false, allowedSources: Set<String>? = nil) {
            self.flags = flags
            self.trustSpecURLs = trustSpecURLs
            self.refuseSpecURLs = refuseSpecURLs
            self.allowedSources = allowedSources
        }
    }
}

/// What an evaluation gives: the result, and what a history keeps of it.
package struct GateOutcome: Sendable {
    package var result: EvaluationResult
    package var record: HistoryRecord
}

/// Why an evaluation could not run, from the engine or from the commands around it (the one
/// error type for this; sources have `SourceError`, parsers `DocumentError`, files `FileError`).
/// Its problems have gone to the diagnostics sink already when `reported` is true; `message` then
/// only says so, for the reports.
package struct GateError: Error, Sendable, CustomStringConvertible {
    package enum Kind: Sendable {
        /// The request is wrong (a Keptn gate without a window): a usage error.
        case usage
        /// The spec or an input is invalid.
        case invalidInput
        /// The run would grade more values than `maxValues` allows (a service answers 422).
        case tooLarge
        /// Something the evaluation needs could not be reached (the results store).
        case unavailable

        /// The exit code `evaluate` ends with (and a service's `exitCode` says).
        package var exitCode: ExitCode {
            switch self {
            case .usage: return .usage
            case .invalidInput, .tooLarge: return .invalidInput
            case .unavailable: return .couldNotMeasure
            }
        }
    }

    package var kind: Kind
    package var message: LogMessage
    package var reported: Bool

    package init(_ kind: Kind, _ message: LogMessage, reported: Bool = false) {
        self.kind = kind
        self.message = message
        self.reported = reported
    }

    /// An invalid spec or input whose problems the sink has printed.
    static let invalidReported = GateError(.invalidInput, "the spec or its input is invalid (see the messages above)", reported: true)

    package var description: String { message.rendered() }
}
