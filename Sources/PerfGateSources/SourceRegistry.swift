import PerfGateCore

/// Every source perfgate knows, by the names specs use (case-insensitive).
public enum SourceRegistry {
    public static func all(configuration: SourceConfiguration = SourceConfiguration()) -> [any MetricSource] {
        [
            PrometheusSource(configuration: configuration), DynatraceSource(configuration: configuration), StaticSource(),
            K6Source(), JMeterSource(), LocustSource(), JSONFileSource(),
        ]
    }

    /// The names of the sources that answer Keptn SLIs (`--sli-provider`), in the registry's order.
    public static var sliProviders: [String] { all().compactMap { $0 as? any SLIProvider }.map(\.name) }
}
