import PerfGateCore

/// Every source perfgate knows, by the names specs use (case-insensitive).
public enum SourceRegistry {
    public static func all() -> [any MetricSource] {
        [
            PrometheusSource(), DynatraceSource(), StaticSource(), K6Source(), JMeterSource(), LocustSource(),
            JSONFileSource(),
        ]
    }
}
