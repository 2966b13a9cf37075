/// One value a source returned for one key (a label, a series, an entity).
public struct Measurement: Sendable, Equatable {
    public var key: String
    /// nil when the source had no value for this key (also NaN): graded as a missing value.
    public var value: Double?
    /// Seconds since the epoch, when the source gives one.
    public var timestamp: Double?

    public init(key: String, value: Double?, timestamp: Double? = nil) {
        self.key = key
        self.value = value.flatMap { $0.isNaN ? nil : $0 }
        self.timestamp = timestamp
    }
}

/// What a source may need besides its query.
public struct SourceContext: Sendable {
    /// The evaluation window, when one is set; file sources keep only samples inside it.
    public var window: Window?
    /// The spec's folder: relative file names in queries resolve against it.
    public var specDirectory: String
    /// `--results NAME=PATH`: a source name or a query's file name, mapped to the file to read instead.
    public var resultFiles: [String: String]
    /// `--var` and the spec's `variables`, for placeholders.
    public var variables: [String: String]
    /// The spec's `sources` block.
    public var sourceSettings: Node?
    /// Whether the query's placeholders are already filled (Keptn SLI queries, which have their own rules).
    public var placeholdersFilled = false

    public init(
        window: Window? = nil, specDirectory: String = ".", resultFiles: [String: String] = [:],
        variables: [String: String] = [:], sourceSettings: Node? = nil
    ) {
        self.window = window
        self.specDirectory = specDirectory
        self.resultFiles = resultFiles
        self.variables = variables
        self.sourceSettings = sourceSettings
    }
}

/// What validation knows besides the query: which placeholders will have values.
public struct ValidationContext: Sendable {
    /// Names given with `--var` and in the spec's `variables`.
    public var variables: Set<String>
    /// Whether a window will be set: true for `evaluate --start`, false for `evaluate` without one,
    /// nil when not known yet (`validate`).
    public var hasWindow: Bool?

    public init(variables: Set<String> = [], hasWindow: Bool? = nil) {
        self.variables = variables
        self.hasWindow = hasWindow
    }
}

/// A source's answer: the measurements, and anything the backend warned about.
public struct SourceAnswer: Sendable, Equatable {
    public var measurements: [Measurement]
    public var warnings: [String]
    public init(_ measurements: [Measurement], warnings: [String] = []) {
        self.measurements = measurements
        self.warnings = warnings
    }
}

/// A failure to measure: the indicator errors with this message, the other indicators go on.
public struct SourceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// The input exists but is malformed (a result file that does not parse): the run exits 65,
    /// not 2, since measuring again will not help.
    public var isInvalidInput: Bool
    public init(_ message: String, invalidInput: Bool = false) {
        self.message = message
        self.isInvalidInput = invalidInput
    }
    /// A malformed input: see `isInvalidInput`.
    public static func invalidInput(_ message: String) -> SourceError { SourceError(message, invalidInput: true) }
    public var description: String { message }
}

/// A place measurements come from. One type per backend or file format, listed in the source
/// registry. `answer` is the one method a source must have.
public protocol MetricSource: Sendable {
    /// The canonical, lower-case name that specs use (matched case-insensitively).
    var name: String { get }
    /// Problems with a query, found before anything is fetched; none by default.
    func validate(_ query: Node, at path: SpecPath, context: ValidationContext) -> [Diagnostic]
    /// The measurements for a query, with anything the backend warned about. Throws
    /// `SourceError` when it cannot measure.
    func answer(_ query: Node, context: SourceContext) async throws -> SourceAnswer
    /// The query as it is sent, for reports and `--verbose`: placeholders filled, credentials
    /// left out. nil (the default) when it is the query as written.
    func resolved(_ query: Node, context: SourceContext) -> String?
}

/// A source that answers Keptn SLIs: `sli.yaml` holds query strings, and this turns one into
/// the source's own query.
public protocol SLIProvider: MetricSource {
    func sliQuery(_ text: String) -> Result<Node, SourceError>
}

extension MetricSource {
    public func validate(_ query: Node, at path: SpecPath, context: ValidationContext) -> [Diagnostic] { [] }

    public func resolved(_ query: Node, context: SourceContext) -> String? { nil }

    /// Validation that knows of no variables or window.
    public func validate(_ query: Node, at path: SpecPath) -> [Diagnostic] {
        validate(query, at: path, context: ValidationContext())
    }

    /// The measurements alone.
    public func fetch(_ query: Node, context: SourceContext) async throws -> [Measurement] {
        try await answer(query, context: context).measurements
    }
}
