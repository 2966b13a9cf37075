import Foundation

/// A real VictoriaMetrics (Debian's `victoria-metrics`), a second, independent implementation of
/// Prometheus' query API, holding the same data as `PrometheusServer` (`PrometheusData`).
package enum VictoriaMetricsServer {
    package static let program = "/usr/bin/victoria-metrics"
    package static var isAvailable: Bool { LoopbackServer.isAvailable(program) }

    package static let shared = Result { () throws -> LoopbackServer in
        // 100 years of retention: the default month would drop the 2024 samples as they arrive.
        // No cache and no latency offset, so backfilled points are found at once.
        let server = try LoopbackServer(program, ready: "/health") { folder, port in
            [
                "-storageDataPath=\(folder)/vm", "-httpListenAddr=127.0.0.1:\(port)", "-retentionPeriod=100y", "-search.latencyOffset=0s",
                "-search.disableCache", "-loggerLevel=WARN"
            ]
        }
        try Fixtures.write(PrometheusData.exposition(), to: server.folder + "/data.prom")
        let imported = try Curl.run(["-X", "POST", "--data-binary", "@" + server.folder + "/data.prom", server.url + "/api/v1/import/prometheus"])
        guard imported.status == 204 else { throw FixtureError("victoria-metrics refused the data: HTTP \(imported.status) \(imported.body)") }
        _ = try Curl.run([server.url + "/internal/force_flush"])
        return server
    }
}

extension PrometheusData {
    /// The same samples in Prometheus' text format, timestamps in milliseconds (as
    /// VictoriaMetrics' `/api/v1/import/prometheus` takes them).
    package static func exposition() -> String {
        openMetrics().split(separator: "\n").compactMap { line -> String? in
            if line.hasPrefix("#") { return line.hasPrefix("# EOF") ? nil : String(line) }
            guard let space = line.lastIndex(of: " "), let seconds = Int(line[line.index(after: space)...]) else { return String(line) }
            return "\(line[..<space]) \(seconds * 1000)"
        }.joined(separator: "\n") + "\n"
    }
}
