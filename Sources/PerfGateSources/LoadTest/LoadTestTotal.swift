/// The total over every request of a load test: what teams gate on ("overall p95 under 1 s"),
/// and what JMeter's dashboard, the Jenkins Performance Plugin and Locust's `Aggregated` row report.
enum LoadTestTotal {
    /// The label (JMeter) or name (Locust) that asks for it.
    static let selector = "*"
    /// The key of its result.
    static let key = "Total"
}
