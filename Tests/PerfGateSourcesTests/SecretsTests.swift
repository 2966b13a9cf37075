import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

/// The mask list and the redactor come from the sources' declarations.
@Suite struct SecretsTests {
    @Test func everyDeclaredFormIsASecret() throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write("from-a-file-1234\nsecond line\n", to: folder + "/token")
        let values = Secrets.values(
            environment: [
                "PROMETHEUS_TOKEN": " prom-token-1 ", "DYNATRACE_APITOKEN": "dt0c01.ABCD", "PROMETHEUS_USERNAME": "perf",
                "PROMETHEUS_PASSWORD": "pw-5678", "DYNATRACE_URL": "https://env.example/?api-token=qtok%2B1",
                "ENDPOINT_AUTH_abc": #"{"parameters": {"username": "u", "password": "endpoint-pw"}, "scheme": "UsernamePassword"}"#,
                "ENDPOINT_AUTH_PARAMETER_abc_APITOKEN": "endpoint-token", "HOME": "/root"
            ],
            tokenFiles: [folder + "/token"], urls: ["http://user:url-pass@host:9090/"])
        for expected in [
            "prom-token-1", "dt0c01.ABCD", "pw-5678", Base64.encode("perf:pw-5678"), "qtok%2B1", "qtok+1", "endpoint-pw",
            "endpoint-token", "from-a-file-1234", "url-pass", Base64.encode("user:url-pass")
        ] {
            #expect(values.contains(expected), "\(expected)")
        }
        #expect(!values.contains("/root") && !values.contains("second line"))
    }

    @Test func eachSourceReadsWhatItDeclares() {
        #expect(PrometheusSource.secrets.variables.contains("PROMETHEUS_TOKEN"))
        #expect(DynatraceSource.secrets.variables == ["DYNATRACE_API_TOKEN", "DYNATRACE_APITOKEN"])
        #expect(InfluxDBSource.secrets.variables == ["INFLUXDB_TOKEN", "INFLUXDB_PASSWORD"])
        #expect(Secrets.declarations.count == SourceRegistry.all().filter { $0 is any DeclaredSource }.count)
    }

    @Test func aServersPreviewIsRedactedBeforeItIsCut() {
        // The run's secrets, in a run of its own: no other test sees them.
        let run = Invocation(environment: [:], secrets: SecretList(["cut-in-the-middle-secret"]))
        let body = String(repeating: "x", count: 190) + "cut-in-the-middle-secret"
        let preview = Invocation.$current.withValue(run) { HTTPResponse(status: 401, body: Array(body.utf8)).bodyPreview() }
        #expect(!preview.contains("cut-in"))
        #expect(preview.hasPrefix(String(repeating: "x", count: 190)))
    }
}
