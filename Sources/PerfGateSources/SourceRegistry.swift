import PerfGateCore

/// Every source perfgate knows, by the names specs use (case-insensitive). Adding a source is its
/// folder and one line in `all`: its flags, secrets, SLI provider role, and whether a service may
/// use it follow from what the source declares.
package enum SourceRegistry {
    package static func all(configuration: SourceConfiguration = SourceConfiguration()) -> [any MetricSource] {
        [
            PrometheusSource(configuration: configuration), DynatraceSource(configuration: configuration), StaticSource(),
            K6Source(), JMeterSource(), LocustSource(), JSONFileSource(), InfluxDBSource(configuration: configuration),
            GraphiteSource(configuration: configuration), DatadogSource(configuration: configuration),
            NewRelicSource(configuration: configuration), AzureMonitorSource(configuration: configuration),
            WebSource(configuration: configuration)
        ]
    }

    /// The names of the sources that answer Keptn SLIs (`--sli-provider`), in the registry's order.
    package static var sliProviders: [String] { all().compactMap { $0 as? any SLIProvider }.map(\.name) }

    /// What the sources that take settings from outside the spec declare: their flags, variables
    /// and secrets.
    package static let declarations: [SourceDeclaration] = all().compactMap { (type(of: $0) as? any DeclaredSource.Type)?.declaration }

    /// The sources a service lets a request's spec use: those that read no files on its disk.
    package static let servable = Set(servableInOrder)

    /// The same, in the registry's order.
    package static let servableInOrder = all().filter { !$0.readsLocalFiles }.map(\.name)

    /// The sources with range queries (`--series` curves), in the registry's order.
    package static let seriesSources = all().filter { $0 is any SeriesSource }.map(\.name)

    /// Every declared setting, in the registry's order.
    package static let settings: [SourceSetting] = declarations.flatMap(\.settings)
}
