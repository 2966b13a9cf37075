/// The load test's time span, in seconds since the Unix epoch (UTC).
public struct Window: Sendable, Equatable {
    public var start: Double
    public var end: Double

    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }

    public var duration: Double { end - start }

    /// Inclusive at both ends, as a sample stamped at the end of the test still belongs to it.
    public func contains(_ seconds: Double) -> Bool { seconds >= start && seconds <= end }
}
