import CCurl
import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

/// libcurl 7.61's fallbacks, forced on this machine's newer libcurl: the thread waits in
/// curl_multi_wait on a pipe instead of curl_multi_poll, and the http/https-only rule is set with the
/// legacy bitmask options instead of CURLOPT_PROTOCOLS_STR.
@Suite struct CurlFeaturesTests {
    let backend = FakeBackend.shared

    @Test func findsTheModernFunctionsInThisMachinesLibcurl() {
        // Debian 12's libcurl is 7.88: both functions are there, so the fallbacks below are forced.
        #expect(CurlFeatures.loaded.protocolsString)
    }

    /// Each request is submitted while the thread sleeps; it sleeps for ten minutes unless the
    /// pipe wakes it, so without a working wake-up the first follow-up request would hang past the
    /// time limit.
    @Test(.timeLimit(.minutes(3)))
    func aPipeWakesTheThreadWithoutCurlMultiWakeup() async throws {
        let client = CurlHTTPClient(settings: HTTPSettings(), features: .legacy, idleWait: 600_000)
        for index in 0..<5 {
            let response = try await client.send(HTTPRequest(url: backend.url + "/t/echo?n=\(index)"))
            #expect(response.status == 200)
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func runsRequestsConcurrentlyWithCurlMultiWait() async throws {
        let client = CurlHTTPClient(settings: HTTPSettings(), features: .legacy, idleWait: 600_000)
        try await withThrowingTaskGroup(of: Int.self) { tasks in
            for index in 0..<20 { tasks.addTask { try await client.send(HTTPRequest(url: backend.url + "/t/echo?n=\(index)")).status } }
            for try await status in tasks { #expect(status == 200) }
        }
    }

    /// The transfer itself refuses anything but http and https (the client's URL check comes first
    /// in production; this goes under it, straight to libcurl).
    @Test(arguments: [CurlFeatures.loaded, CurlFeatures.legacy])
    func onlyHTTPAndHTTPSReachLibcurl(features: CurlFeatures) async {
        let multi = CurlMulti(maxHostConnections: 1, features: features)
        let transfer = CurlTransfer(request: HTTPRequest(url: "file://" + Fixtures.packageRoot + "/Package.swift"), settings: HTTPSettings())
        let (outcome, _) = await multi.run(transfer)
        guard case .failure(let error) = outcome else {
            Issue.record("libcurl read a file:// URL")
            return
        }
        #expect(error.message.lowercased().contains("protocol"))
    }

    @Test func legacyProtocolsStillAllowHTTPS() async throws {
        var trusting = HTTPSettings()
        trusting.caFile = FakeBackend.caFile
        let client = CurlHTTPClient(settings: trusting, features: .legacy)
        #expect(try await client.send(HTTPRequest(url: FakeBackend.tls.url + "/t/echo")).status == 200)
    }
}

extension CurlFeaturesTests {
    /// libcurl 7.61 reports a certificate for another name as 51 (merged into 60 in 7.62).
    @Test func libcurl761sNameMismatchIsATLSFailure() {
        let error = CurlTransfer.error(
            CURLcode(rawValue: 51), exceeded: false, limit: 1 << 20, "GET https://h/", "SSL: no alternative certificate subject name")
        #expect(error.kind == .tls)
        #expect(error.message.contains("--ca-file"))
    }
}
