import Testing

@testable import PerfGateSources

/// The strict parser that stands in for libcurl's URL API on libcurl 7.61 must read every URL it
/// takes exactly as libcurl 7.62+ does, and refuse what it cannot be sure of.
@Suite struct URLPartsTests {
    static let common = [
        "http://prometheus:9090", "https://prometheus.example.com", "https://prometheus.example.com/", "http://127.0.0.1:9090/api/v1/query",
        "https://abc123.live.dynatrace.com/api/v2/metrics/query?metricSelector=builtin:service.response.time&from=now-2h",
        "https://user:pa%40ss@host.example.com:8443/prefix/api", "http://[::1]:9090/x", "https://[2001:db8::7]/", "HTTPS://Example.COM/Path",
        "http://host/a/b/?q=1#frag", "https://host/%2Fx", "http://my_host.local:80/", "https://host:65535/x", "http://user@host/"
    ]

    static let hostile = [
        "http://host\\@evil/", "http://host/..", "http://host/a/../b", "http://host/./x", "http://a@b@c/", "http://host:0x50/", "http://host:99999/",
        "http://host:080/", "http:/host/", "http://", "http:///x", "ftp://host/", "file:///etc/passwd", "http://ho st/", "http://host/\u{7F}",
        "http://hôst/", "http://host:/", "http://[::1/", "http://[::1]x/", "http://[fe80::1%25eth0]/", "http://user;opt@host/", "javascript:alert(1)",
        "http://host\t/", "", "//host/x", "http://-/", "http://host#@evil/", "http://host?@evil/"
    ]

    @Test(arguments: common)
    func strictReadsCommonURLsAsLibcurlDoes(url: String) throws {
        let api = try #require(CurlFeatures.loaded.urlAPI)
        let strict = try #require(URLParts.strict(url), "the strict parser refused \(url)")
        let curl = try #require(URLParts.withLibcurl(url, api))
        #expect(strict == curl)
    }

    /// Whatever the strict parser takes, libcurl reads the same; most of these it refuses.
    @Test(arguments: hostile)
    func strictNeverDisagreesWithLibcurl(url: String) throws {
        let api = try #require(CurlFeatures.loaded.urlAPI)
        guard let strict = URLParts.strict(url) else { return }
        #expect(URLParts.withLibcurl(url, api) == strict)
    }

    @Test func strictRefusesWhatCouldMoveARequest() {
        for url in [
            "http://host\\@evil/", "http://a@b@c/", "http://host/a/../b", "http://host:080/", "http://[fe80::1%25eth0]/", "file:///etc/passwd"
        ] {
            #expect(URLParts.strict(url) == nil, "\(url)")
        }
    }

    @Test func theLegacyFeaturesUseTheStrictParser() {
        #expect(URLParts.parse("http://host/a/../b", features: .legacy) == nil)
        #expect(URLParts.parse("http://host/a/../b", features: .loaded)?.path == "/b")
        #expect(URLParts.parse("https://h:8443/p", features: .legacy)?.effectivePort == "8443")
    }
}
