import PerfGateCore
@testable import PerfGateSources
import Testing

/// One list of sources (issue 33, item 7): what each source declares decides its flags, its
/// secrets and whether a service may run it; nothing else names the sources.
@Suite struct SourceRegistryTests {
    @Test func declarationsAndServableSourcesFollowFromTheSources() {
        let remote = ["prometheus", "dynatrace", "influxdb", "graphite", "datadog", "newrelic", "azure-monitor", "web"]
        #expect(SourceRegistry.declarations.map(\.name) == remote)
        #expect(SourceRegistry.servable == Set(remote + ["static"]))
        #expect(SourceRegistry.seriesSources == remote)
        #expect(SourceRegistry.sliProviders == ["prometheus", "dynatrace", "datadog", "newrelic"])
        #expect(SourceRegistry.all().filter(\.readsLocalFiles).map(\.name) == ["k6", "jmeter", "locust", "json"])
        #expect(Set(SourceRegistry.all().map(\.name)).count == SourceRegistry.all().count)
    }
}
