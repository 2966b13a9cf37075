import Foundation

/// A real Prometheus on loopback, backfilled with deterministic data (see `PrometheusData`).
/// Started once per test process; stopped when the process exits.
package final class PrometheusServer: Sendable {
    package let url: String

    /// Whether the tests that need Prometheus run: always when it is installed; when it is not,
    /// they are skipped, unless PERFGATE_REQUIRE_PROMETHEUS=1 makes that a failure (as in CI).
    package static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus")
            || ProcessInfo.processInfo.environment["PERFGATE_REQUIRE_PROMETHEUS"] == "1"
    }

    package static let shared = Result { try PrometheusServer() }

    init() throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(PrometheusData.openMetrics(), to: folder + "/data.om")
        try Fixtures.write("global:\n  scrape_interval: 1h\nscrape_configs: []\n", to: folder + "/prometheus.yml")
        try Self.run("/usr/bin/promtool", ["tsdb", "create-blocks-from", "openmetrics", folder + "/data.om", folder + "/tsdb"])
        for _ in 0..<5 {
            let port = Int.random(in: 20_000...40_000)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
            process.arguments = [
                "--config.file=\(folder)/prometheus.yml", "--storage.tsdb.path=\(folder)/tsdb",
                "--storage.tsdb.retention.time=100y", "--web.listen-address=127.0.0.1:\(port)"
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: Self.logFile(folder)))
            try process.run()
            prometheusPID = process.processIdentifier
            // Stopped and waited for before the tests' folder (its TSDB among them) is removed.
            atexit {
                if prometheusPID > 0 {
                    kill(prometheusPID, SIGKILL)
                    waitpid(prometheusPID, nil, 0)
                }
            }
            for _ in 0..<200 where process.isRunning {
                if (try? Self.run("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/-/ready"])) != nil {
                    url = "http://127.0.0.1:\(port)"
                    return
                }
                usleep(50_000)
            }
            process.terminate()
        }
        throw FixtureError("prometheus did not become ready; see \(folder)/prometheus.log")
    }

    static func logFile(_ folder: String) -> String {
        let path = folder + "/prometheus.log"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        return path
    }

    static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FixtureError("\(executable) failed (\(process.terminationStatus))") }
    }
}

nonisolated(unsafe) private var prometheusPID: Int32 = 0

/// The test data: 2024-05-01 from 11:50 to 12:20 UTC, one sample every 15 s.
package enum PrometheusData {
    package static let start = 1_714_564_200  // 11:50:00Z
    package static let windowStart = 1_714_564_800  // 12:00:00Z
    package static let windowEnd = 1_714_565_400  // 12:10:00Z

    package static func openMetrics() -> String {
        var lines = ["# TYPE http_request_duration_seconds gauge"]
        for index in 0...120 {
            let time = start + index * 15
            // checkout: 0.20 to 0.29 in a cycle of ten samples; at 12:10:00 (index 80) it is 0.20.
            lines.append(
                "http_request_duration_seconds{service=\"checkout\",quantile=\"0.95\"} \(String(format: "%.2f", 0.2 + Double(index % 10) * 0.01)) \(time)"
            )
            lines.append("http_request_duration_seconds{service=\"cart\",quantile=\"0.95\"} 0.5 \(time)")
        }
        lines.append("# TYPE broken gauge")
        for index in 0...120 { lines.append("broken{kind=\"nan\"} NaN \(start + index * 15)") }
        // A canary analysis: the stable version, a canary like it (another phase of the same cycle),
        // and one clearly slower (+40%).
        lines.append("# TYPE canary_request_seconds gauge")
        for index in 0...120 {
            let time = start + index * 15
            lines.append("canary_request_seconds{version=\"stable\"} \(String(format: "%.3f", 0.2 + Double(index % 11) * 0.004)) \(time)")
            lines.append("canary_request_seconds{version=\"canary-same\"} \(String(format: "%.3f", 0.2 + Double((index + 5) % 11) * 0.004)) \(time)")
            lines.append("canary_request_seconds{version=\"canary-slow\"} \(String(format: "%.3f", 0.28 + Double(index % 7) * 0.006)) \(time)")
        }
        lines.append("# TYPE http_requests counter")
        for index in 0...120 { lines.append("http_requests_total{service=\"checkout\",code=\"200\"} \(index * 10) \(start + index * 15)") }
        lines.append("# EOF")
        return lines.joined(separator: "\n") + "\n"
    }
}
