import PerfGateCore
@testable import PerfGateSources
import Testing

/// One list of sources (issue 33, item 7): what each source declares decides its flags, its
/// secrets and whether a service may run it; nothing else names the sources.
@Suite struct SourceRegistryTests {
    @Test func declarationsAndServableSourcesFollowFromTheSources() {
        #expect(SourceRegistry.declarations.map(\.name) == ["prometheus", "dynatrace", "influxdb", "graphite"])
        #expect(SourceRegistry.servable == ["prometheus", "dynatrace", "static", "influxdb", "graphite"])
        #expect(SourceRegistry.seriesSources == ["prometheus", "dynatrace", "influxdb", "graphite"])
        #expect(SourceRegistry.all().filter(\.readsLocalFiles).map(\.name) == ["k6", "jmeter", "locust", "json"])
        #expect(Set(SourceRegistry.all().map(\.name)).count == SourceRegistry.all().count)
    }
}
