import Testing

@testable import PerfGateSources

@Suite struct URLTextTests {
    @Test func redactsCredentials() {
        #expect(URLText.redacted("https://user:pw@prom.example:9090/api/v1/query?x=1") == "https://***@prom.example:9090/api/v1/query?x=1")
        #expect(
            URLText.redacted("https://dt.example/api/v2/metrics?Api-Token=abc&metricSelector=x")
                == "https://dt.example/api/v2/metrics?Api-Token=***&metricSelector=x")
        #expect(URLText.redacted("::") == "(an invalid URL)")
    }

    @Test func comparesOrigins() {
        #expect(URLText.origin("http://127.0.0.1:80/a") != URLText.origin("http://localhost:80/a"))
        #expect(URLText.origin("HTTP://Example.com/a") == URLText.origin("http://example.com/b?c"))
        #expect(URLText.origin("https://example.com/") != URLText.origin("http://example.com/"))
    }

    @Test func encodesForms() {
        #expect(
            URLText.formEncoded([("query", "sum(rate(x{a=\"b\"}[5m]))"), ("time", "1.5")])
                == "query=sum%28rate%28x%7Ba%3D%22b%22%7D%5B5m%5D%29%29&time=1.5")
        #expect(URLText.percentEncoded("é ~") == "%C3%A9%20~")
    }

    @Test func encodesBasicCredentials() {
        #expect(Base64.encode("user:pass") == "dXNlcjpwYXNz")
        #expect(Base64.encode("a") == "YQ==")
        #expect(Base64.encode("ab") == "YWI=")
        #expect(Base64.encode("") == "")
    }
}
