/// One value a source returned for one key (a label, a series, an entity).
package struct Measurement: Sendable, Equatable {
    package var key: String
    /// nil when the source had no value for this key (also NaN): graded as a missing value.
    package var value: Double?
    /// Seconds since the epoch, when the source gives one.
    package var timestamp: Double?

    package init(key: String, value: Double?, timestamp: Double? = nil) {
        self.key = key
        self.value = value.flatMap { $0.isNaN ? nil : $0 }
        self.timestamp = timestamp
    }
}

/// What a source may need besides its query.
package struct SourceContext: Sendable {
    /// The evaluation window, when one is set; file sources keep only samples inside it.
    package var window: Window?
    /// The spec's folder: relative file names in queries resolve against it.
    package var specDirectory: String
    /// `--results NAME=PATH`: a source name or a query's file name, mapped to the file to read instead.
    package var resultFiles: [String: String]
    /// `--var` and the spec's `variables`, for placeholders.
    package var variables: [String: String]
    /// The spec's `sources` block.
    package var sourceSettings: Node?
    /// Whether the query's placeholders are already filled (Keptn SLI queries, which have their own rules).
    package var placeholdersFilled = false
    /// Where result files are read: the run's files.
    package var files: any Files
    /// The run's scans of result files, shared by its indicators (each copy of a context shares them).
    package var scans = ResultScans()

    package init(
        window: Window? = nil, specDirectory: String = ".", resultFiles: [String: String] = [:],
        variables: [String: String] = [:], sourceSettings: Node? = nil, files: any Files = LocalFiles()
    ) {
        self.files = files
        self.window = window
        self.specDirectory = specDirectory
        self.resultFiles = resultFiles
        self.variables = variables
        self.sourceSettings = sourceSettings
    }
}

/// What validation knows besides the query: which placeholders will have values.
package struct ValidationContext: Sendable {
    /// Names given with `--var` and in the spec's `variables`.
    package var variables: Set<String>
    /// Whether a window will be set: true for `evaluate --start`, false for `evaluate` without one,
    /// nil when not known yet (`validate`).
    package var hasWindow: Bool?

    package init(variables: Set<String> = [], hasWindow: Bool? = nil) {
        self.variables = variables
        self.hasWindow = hasWindow
    }
}

/// A source's answer: the measurements, and anything the backend warned about.
package struct SourceAnswer: Sendable, Equatable {
    package var measurements: [Measurement]
    package var warnings: [String]
    package init(_ measurements: [Measurement], warnings: [String] = []) {
        self.measurements = measurements
        self.warnings = warnings
    }
}

/// A failure to measure: the indicator errors with this message, the other indicators go on.
package struct SourceError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    /// The input exists but is malformed (a result file that does not parse): the run exits 65,
    /// not 2, since measuring again will not help.
    package var isInvalidInput: Bool
    package init(_ message: String, invalidInput: Bool = false) {
        self.message = message
        self.isInvalidInput = invalidInput
    }
    /// A malformed input: see `isInvalidInput`.
    package static func invalidInput(_ message: String) -> SourceError { SourceError(message, invalidInput: true) }
    package var description: String { message }
}

/// A place measurements come from. One type per backend or file format, listed in the source
/// registry. A source reads its query once, when the spec loads (`parse`), into its own typed
/// `Query`; `answer` measures with that value.
package protocol MetricSource: Sendable {
    /// The source's own reading of a query: what `parse` makes of the spec's node.
    associatedtype Query: Sendable
    /// The canonical, lower-case name that specs use (matched case-insensitively).
    var name: String { get }
    /// Reads a query when the spec loads: the typed value when it can be used, and every problem
    /// with its path (placeholders without values, a window the query needs, …).
    func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<Query>
    /// The measurements for a query, with anything the backend warned about. Throws
    /// `SourceError` when it cannot measure.
    func answer(_ query: Query, context: SourceContext) async throws -> SourceAnswer
    /// The query as it is sent, for reports and `--verbose`: placeholders filled, credentials
    /// left out. nil (the default) when it is the query as written.
    func resolved(_ query: Query, context: SourceContext) -> String?
    /// Whether its queries read files on this machine (load-test results): a service refuses such
    /// sources in a request's spec, since they would read the server's disk. False by default.
    var readsLocalFiles: Bool { get }
    /// Called, for a source that reads local files, for every query of a run before any is
    /// answered, so that it can announce what it will ask of each file (`context.scans`) and
    /// answer them all with one read. Nothing by default.
    func plan(_ query: Query, context: SourceContext)
}

/// A source that answers Keptn SLIs: `sli.yaml` holds query strings, and this turns one into
/// the source's own query.
package protocol SLIProvider: MetricSource {
    func sliQuery(_ text: String) -> Result<Query, SourceError>
}

extension MetricSource {
    package func resolved(_ query: Query, context: SourceContext) -> String? { nil }

    package func plan(_ query: Query, context: SourceContext) {}

    package var readsLocalFiles: Bool { false }
}

extension MetricSource where Query == Node {
    /// A source whose query is the node as written accepts any node.
    package func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<Node> {
        ParsedQuery(query)
    }
}

/// A source that can also give a metric over the window (a range query), for `--series`.
/// What it gives is drawn, never graded.
package protocol SeriesSource: MetricSource {
    /// The query's values over the context's window at about `step` seconds apart, each with its
    /// timestamp. Throws `SourceError` when it cannot.
    func series(_ query: Query, context: SourceContext, step: Double) async throws -> [Measurement]
}

/// A source that gives raw samples for the canary judge: the points of a time series over the
/// window (Prometheus, Dynatrace), each request of a load test (JMeter, k6), or literal values
/// (static). A nil sample is a missing one (NaN).
package protocol SampleSource: MetricSource {
    /// Reads a Canary indicator's query (a load-test query has no `stat` then); by default `parse`.
    func parseSamples(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<Query>
    /// The samples; `step` is the time series' step in seconds. Throws `SourceError`.
    func samples(_ query: Query, context: SourceContext, step: Double) async throws -> [Double?]
}

extension SampleSource {
    package func parseSamples(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<Query> {
        parse(query, at: path, context: context)
    }
}

extension SeriesSource {
    /// A time series' points as samples: the query must give one series per role.
    package func seriesSamples(_ query: Query, context: SourceContext, step: Double) async throws -> [Double?] {
        let lines = SeriesLine.lines(try await series(query, context: context, step: step))
        guard lines.count <= 1 else {
            throw SourceError(
                "\(name): the query gave \(lines.count) series (\(Excerpt.list(lines.map(\.key), limit: 3))); a Canary indicator compares one series per role: aggregate them, as with sum(…) or max by () (…)"
            )
        }
        return lines.first?.points.map(\.value) ?? []
    }
}
