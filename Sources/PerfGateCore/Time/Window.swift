/// The load test's time span, in seconds since the Unix epoch (UTC).
package struct Window: Sendable, Equatable {
    package var start: Double
    package var end: Double

    package init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }

    package var duration: Double { end - start }

    /// Inclusive at both ends, as a sample stamped at the end of the test still belongs to it.
    package func contains(_ seconds: Double) -> Bool { seconds >= start && seconds <= end }
}
