import Foundation

/// The scripted backend in Servers/fake_backend.py: a fake Dynatrace plus HTTP faults, on loopback.
/// One instance per test process (and one with TLS); it stops when the process exits.
package final class FakeBackend: Sendable {
    package let port: Int
    package let scheme: String
    // Held so the pipe stays open: the server exits when it closes.
    private let process: Process
    private let input: Pipe

    package static let shared = try! FakeBackend(tls: false)
    package static let tls = try! FakeBackend(tls: true)
    /// Servers/fake_saas.py: Datadog, New Relic and Azure Monitor with Entra ID, from their documentation.
    package static let saas = try! FakeBackend(tls: false, script: "fake_saas.py")
    /// Servers/fake_review.py: GitHub's, GitLab's and Azure DevOps' comment APIs, Slack and Teams webhooks, with state.
    package static let review = try! FakeBackend(tls: false, script: "fake_review.py")

    package static let dynatraceToken = "dt0c01.TESTTOKEN"
    package static let serversFolder = Fixtures.packageRoot + "/Tests/PerfGateTestSupport/Servers"
    package static let caFile = serversFolder + "/test-ca.pem"

    /// `http://127.0.0.1:PORT` (or https).
    package var url: String { "\(scheme)://127.0.0.1:\(port)" }
    /// The same server under another host name: for "another host" redirects.
    package var otherHostURL: String { "\(scheme)://localhost:\(port)" }

    package init(tls: Bool, script: String = "fake_backend.py") throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["python3", Self.serversFolder + "/" + script]
        if tls { arguments += ["--tls", Self.serversFolder + "/server.pem", Self.serversFolder + "/server.key"] }
        process.arguments = arguments
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw FixtureError("the fake backend did not start")
        }
        self.port = port
        scheme = tls ? "https" : "http"
    }
}

package struct FixtureError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
