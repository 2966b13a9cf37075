import Foundation

/// A real InfluxDB 1.x (Debian's `influxdb`), holding k6-like points in the database `k6`
/// (`InfluxDBData`). Started with a configuration of its own: without one, influxd reads
/// /etc/influxdb and binds every interface.
package enum InfluxDBServer {
    package static let program = "/usr/bin/influxd"
    package static var isAvailable: Bool { LoopbackServer.isAvailable(program) }

    /// Without authentication, with the data.
    package static let shared = Result { () throws -> LoopbackServer in
        let server = try start(authentication: false)
        try query(server, "CREATE DATABASE k6")
        try Fixtures.write(InfluxDBData.lineProtocol(), to: server.folder + "/data.lp")
        let written = try Curl.run(["-X", "POST", "--data-binary", "@" + server.folder + "/data.lp", server.url + "/write?db=k6&precision=ms"])
        guard written.status == 204 else { throw FixtureError("influxdb refused the data: HTTP \(written.status) \(written.body)") }
        return server
    }

    /// With authentication on, one user (`InfluxDBData.user`, `InfluxDBData.password`) and one
    /// point: `up value=1` in the database `k6`.
    package static let authenticated = Result { () throws -> LoopbackServer in
        let server = try start(authentication: true)
        // The first user may be made without credentials; everything after needs them.
        try query(server, "CREATE USER \(InfluxDBData.user) WITH PASSWORD '\(InfluxDBData.password)' WITH ALL PRIVILEGES")
        let credentials = ["-u", InfluxDBData.user + ":" + InfluxDBData.password]
        try query(server, "CREATE DATABASE k6", credentials)
        let point = "up value=1 \((InfluxDBData.windowStart + 1) * 1000)"
        let written = try Curl.run(credentials + ["-X", "POST", "--data-binary", point, server.url + "/write?db=k6&precision=ms"])
        guard written.status == 204 else { throw FixtureError("influxdb refused the point: HTTP \(written.status) \(written.body)") }
        return server
    }

    static func start(authentication: Bool) throws -> LoopbackServer {
        try LoopbackServer(program, ready: "/ping") { folder, port in
            let configuration = """
                reporting-disabled = true
                bind-address = "127.0.0.1:\(Int.random(in: 40_001...50_000))"
                [meta]
                  dir = "\(folder)/meta"
                [data]
                  dir = "\(folder)/data"
                  wal-dir = "\(folder)/wal"
                  query-log-enabled = false
                [monitor]
                  store-enabled = false
                [http]
                  bind-address = "127.0.0.1:\(port)"
                  log-enabled = false
                  auth-enabled = \(authentication)
                [logging]
                  level = "warn"
                """
            try Fixtures.write(configuration, to: folder + "/influxdb.conf")
            return ["run", "-config", folder + "/influxdb.conf"]
        }
    }

    static func query(_ server: LoopbackServer, _ statement: String, _ options: [String] = []) throws {
        let answer = try Curl.run(options + ["-X", "POST", server.url + "/query", "--data-urlencode", "q=" + statement])
        guard answer.status == 200, !answer.body.contains("\"error\"") else {
            throw FixtureError("influxdb: \(statement): HTTP \(answer.status) \(answer.body)")
        }
    }
}

/// The points: k6's `http_req_duration` for two request names, one a second from 12:00:01Z
/// (login 1 to 10, home 10 to 100), and a canary's latencies every 15 s over the window.
package enum InfluxDBData {
    package static let user = "gate"
    package static let password = "s3cr3t-influx"
    package static let windowStart = 1_714_564_800  // 2024-05-01T12:00:00Z
    package static let windowEnd = 1_714_565_400

    package static func lineProtocol() -> String {
        var lines: [String] = []
        for index in 1...10 {
            let time = (windowStart + index) * 1000
            lines.append("http_req_duration,name=login,status=200 value=\(index) \(time)")
            lines.append("http_req_duration,name=home,status=200 value=\(index * 10) \(time)")
        }
        for index in 0...40 {
            let time = (windowStart + index * 15) * 1000
            lines.append("latency,version=stable value=\(0.2 + Double(index % 11) * 0.004) \(time)")
            lines.append("latency,version=canary-slow value=\(0.28 + Double(index % 7) * 0.006) \(time)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
