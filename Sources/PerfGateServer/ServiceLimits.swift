/// What one client may take of the service. The defaults suit a gate called by pipelines: small
/// bodies, quick heads, evaluations that take seconds.
package struct ServiceLimits: Sendable {
    /// The largest request body, in bytes (413 past it).
    package var maxBodyBytes = 1 << 20
    /// The most a request's head may take to arrive, from the connection's start or the end of the
    /// previous answer: a slowloris client that trickles its headers is cut off here.
    package var headerTimeout: Double = 10
    /// The most the whole body may take to arrive once the head has.
    package var bodyTimeout: Double = 30
    /// How long a kept-alive connection may sit idle between requests.
    package var idleTimeout: Double = 60
    /// The most an answer may take to be written: a client that stops reading is cut off.
    package var writeTimeout: Double = 30
    /// After a 413, how long the rest of the body is read and dropped before the connection
    /// closes, so that a client that sends its whole body before reading sees the 413 (nginx's
    /// `lingering_close`), and how many bytes at most.
    package var lingeringTimeout: Double = 5
    package var lingeringBytes = 64 << 20
    /// The most values (measurements, and canary samples) one request may have graded: past it
    /// the request is answered 422 before anything is graded or rendered.
    package var maxValues = 20_000
    /// The most one evaluation may spend measuring, in seconds (the engine's deadline).
    package var evaluationDeadline: Double = 120
    /// Evaluations running at once; past it, 429 with `Retry-After`. Evaluations mostly wait on
    /// backends, so the bound is memory, not CPU: measured (Benchmarks/bench.py serve-memory), one
    /// in flight holds about 240 KiB for 5 indicators and about 3 MiB at the 20,000 values
    /// `maxValues` allows, so 256 hold about 60 MiB typically.
    package var maxEvaluations = ServiceLimits.defaultMaxEvaluations
    package static let defaultMaxEvaluations = 256
    /// Connections to one backend host, shared by all evaluations (`--backend-connections`).
    package static let defaultBackendConnections = 512
    /// Open connections; past it, a new connection gets 503 and is closed.
    package var maxConnections = 512
    /// After SIGTERM, how long in-flight requests have to finish before the process exits anyway.
    package var gracePeriod: Double = 30

    package init() {}
}
