import PerfGateCore
import PerfGateSources
import Synchronization

/// Everything the engine takes from outside the request: a clock, the environment's variables,
/// the HTTP client, the files, where its notes go and the secrets to hide. The CLI passes the process's; a server or
/// a test passes its own.
package struct GateEnvironment: Sendable {
    /// Seconds since the epoch, now: for the run's time and relative placeholders.
    package var now: @Sendable () -> Double
    /// The environment's variables: secrets, `PROMETHEUS_URL` and Keptn's placeholders read them.
    package var variables: [String: String]
    package var http: any HTTPClient
    /// What the run reads: the spec, the sli.yaml and the result files.
    package var files: any Files
    /// Where the sources' own settings are read (token files named by flags): the pipeline's or
    /// the service's disk, never a request's documents.
    package var configurationFiles: any Files
    package var diagnostics: any GateDiagnostics
    /// The run's secrets: whatever a source says passes through it before it enters the result.
    package var redactor: Redactor

    /// - Parameter redactor: the run's (`Invocation`'s) unless given.
    package init(
        now: @escaping @Sendable () -> Double, variables: [String: String], http: any HTTPClient,
        files: any Files = LocalFiles(), configurationFiles: any Files = LocalFiles(), diagnostics: any GateDiagnostics,
        redactor: Redactor = .current
    ) {
        self.configurationFiles = configurationFiles
        self.redactor = redactor
        self.now = now
        self.variables = variables
        self.http = http
        self.files = files
        self.diagnostics = diagnostics
    }
}

/// What a line the engine says is: the sink decides how each kind shows (the CLI prefixes
/// `perfgate: warning:`; a server collects them into its answer).
package enum GateNote: Sendable {
    /// About the run: the window, the gate read, the runs compared with.
    case note
    case warning
    /// Why the run stops, after any diagnostics.
    case error
    /// A line that is whole as it is: a spec diagnostic (`file:line:column: severity: path: message`).
    case line
}

/// The one place the engine's words go. Outside text inside a message is escaped where it is
/// written (see `LogMessage`).
package protocol GateDiagnostics: Sendable {
    func emit(_ message: LogMessage, as kind: GateNote)
}

extension GateDiagnostics {
    package func note(_ message: LogMessage) { emit(message, as: .note) }
    package func warning(_ message: LogMessage) { emit(message, as: .warning) }

    /// A spec's problems, one line each with its file, line and path.
    package func report(_ diagnostics: [Diagnostic], file: String) {
        for diagnostic in diagnostics { emit(.outside(diagnostic.formatted(file: file)), as: .line) }
    }
}

/// Keeps every line, for tests and for a server's answer.
package final class CollectedDiagnostics: GateDiagnostics {
    private let entries = Mutex<[(GateNote, LogMessage)]>([])
    private let redactor: Redactor

    /// - Parameter redactor: the secrets the lines hide (the run's unless given).
    package init(redactor: Redactor = .current) { self.redactor = redactor }

    package func emit(_ message: LogMessage, as kind: GateNote) { entries.withLock { $0.append((kind, message)) } }

    /// The lines as rendered for a log, each with its kind.
    package var lines: [(kind: GateNote, text: String)] { entries.withLock { $0.map { ($0.0, $0.1.rendered(redactor: redactor)) } } }
}
