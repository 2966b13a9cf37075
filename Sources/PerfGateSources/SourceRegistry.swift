import PerfGateCore

/// Every source perfgate knows, by the names specs use (case-insensitive).
package enum SourceRegistry {
    package static func all(configuration: SourceConfiguration = SourceConfiguration()) -> [any MetricSource] {
        [
            PrometheusSource(configuration: configuration), DynatraceSource(configuration: configuration), StaticSource(),
            K6Source(), JMeterSource(), LocustSource(), JSONFileSource(),
        ]
    }

    /// The names of the sources that answer Keptn SLIs (`--sli-provider`), in the registry's order.
    package static var sliProviders: [String] { all().compactMap { $0 as? any SLIProvider }.map(\.name) }

    /// What the sources that take settings from outside the spec declare: their flags, variables
    /// and secrets.
    package static let declarations: [SourceDeclaration] = [PrometheusSource.declaration, DynatraceSource.declaration]

    /// Every declared setting, in the registry's order.
    package static var settings: [SourceSetting] { declarations.flatMap(\.settings) }
}
