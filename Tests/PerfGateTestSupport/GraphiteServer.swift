import Foundation

/// A real Graphite (Debian's `graphite-carbon` and `graphite-web`): carbon-cache takes points on
/// its line port, graphite-web's render API answers through Django's own server. Each has a
/// private folder and ports; both are killed at exit. Whisper keeps points by their age, so the
/// data (`GraphiteData`) is written relative to now, at a 10-second resolution.
package struct GraphiteServer: Sendable {
    package static let program = "/usr/bin/carbon-cache"
    package static var isAvailable: Bool { LoopbackServer.isAvailable(program) }
    /// Debian's python, which has graphite-web and Django (a pyenv python3 has neither).
    static let python = "/usr/bin/python3"

    package let url: String
    /// The window of the data: ten minutes, ending a minute ago on a whole minute.
    package let window: (start: Int, end: Int)

    package static let shared = Result { try GraphiteServer() }

    init() throws {
        let folder = try Fixtures.temporaryFolder()
        let ports = (0..<4).map { _ in Int.random(in: 20_000...40_000) }
        let (line, pickle, cacheQuery, web) = (ports[0], ports[1], ports[2], ports[3])
        for name in ["conf", "whisper", "log", "webapp"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + name, withIntermediateDirectories: true)
        }
        try Fixtures.write(
            """
            [cache]
            STORAGE_DIR = \(folder)/
            LOCAL_DATA_DIR = \(folder)/whisper/
            CONF_DIR = \(folder)/conf/
            LOG_DIR = \(folder)/log/
            PID_DIR = \(folder)/
            MAX_CACHE_SIZE = inf
            MAX_UPDATES_PER_SECOND = inf
            MAX_CREATES_PER_MINUTE = inf
            LINE_RECEIVER_INTERFACE = 127.0.0.1
            LINE_RECEIVER_PORT = \(line)
            PICKLE_RECEIVER_INTERFACE = 127.0.0.1
            PICKLE_RECEIVER_PORT = \(pickle)
            CACHE_QUERY_INTERFACE = 127.0.0.1
            CACHE_QUERY_PORT = \(cacheQuery)
            WHISPER_SPARSE_CREATE = True

            """, to: folder + "/conf/carbon.conf")
        try Fixtures.write("[default]\npattern = .*\nretentions = 10s:1d,60s:5y\n", to: folder + "/conf/storage-schemas.conf")
        try Fixtures.write("[default]\npattern = .*\nxFilesFactor = 0\naggregationMethod = average\n", to: folder + "/conf/storage-aggregation.conf")
        try Fixtures.write(
            """
            SECRET_KEY = 'test-only'
            STORAGE_DIR = '\(folder)/'
            WHISPER_DIR = '\(folder)/whisper/'
            STANDARD_DIRS = ['\(folder)/whisper/']
            LOG_DIR = '\(folder)/log/'
            INDEX_FILE = '\(folder)/index'
            CARBONLINK_HOSTS = ['127.0.0.1:\(cacheQuery)']
            DATABASES = {'default': {'NAME': '\(folder)/graphite.db', 'ENGINE': 'django.db.backends.sqlite3'}}
            TAGDB = ''
            ALLOWED_HOSTS = ['*']

            """, to: folder + "/webapp/test_graphite_settings.py")
        let environment = ProcessInfo.processInfo.environment.merging([
            "PYTHONPATH": folder + "/webapp", "GRAPHITE_SETTINGS_MODULE": "test_graphite_settings", "DJANGO_SETTINGS_MODULE": "graphite.settings"
        ]) { _, new in new }
        _ = try Self.start(
            Self.program, ["--config=\(folder)/conf/carbon.conf", "--nodaemon", "--pidfile=\(folder)/carbon.pid", "--logdir=\(folder)/log", "start"],
            log: folder + "/carbon.out", environment: environment)
        let migrate = try Self.start(
            Self.python, ["-m", "django", "migrate", "--run-syncdb", "-v0"], log: folder + "/migrate.out", environment: environment)
        migrate.waitUntilExit()
        guard migrate.terminationStatus == 0 else { throw FixtureError("graphite-web's migrate failed; see \(folder)/migrate.out") }
        _ = try Self.start(
            Self.python, ["-m", "django", "runserver", "--noreload", "127.0.0.1:\(web)"], log: folder + "/web.out", environment: environment)
        url = "http://127.0.0.1:\(web)"
        var ready = false
        for _ in 0..<200 {
            if let answer = try? Curl.run([url + "/metrics/find?query=*"]), answer.status == 200 {
                ready = true
                break
            }
            usleep(50_000)
        }
        guard ready else { throw FixtureError("graphite-web did not become ready; see \(folder)/web.out") }
        let now = Int(Date().timeIntervalSince1970)
        let end = now - now % 60 - 60
        window = (end - 600, end)
        // carbon's line port accepts once it listens; the points then show within a second.
        let lines = GraphiteData.lines(start: window.start)
        var sent = false
        for _ in 0..<100 where !sent {
            let sender = try Self.start(
                Self.python,
                ["-c", "import socket,sys; s=socket.create_connection(('127.0.0.1',\(line))); s.sendall(sys.stdin.buffer.read()); s.close()"],
                log: folder + "/send.out", environment: environment, input: lines)
            sender.waitUntilExit()
            sent = sender.terminationStatus == 0
            if !sent { usleep(50_000) }
        }
        guard sent else { throw FixtureError("carbon did not take the points; see \(folder)/log") }
        for _ in 0..<200 {
            let probe = try? Curl.run([url + "/render?target=app.slow.p95&format=json&from=\(window.start - 1)&until=\(window.end)"])
            if let probe, probe.body.contains("datapoints"), !probe.body.contains("[null, \(window.end - 10)]") { return }
            usleep(50_000)
        }
        throw FixtureError("graphite did not show the points; see \(folder)/log")
    }

    static func start(_ program: String, _ arguments: [String], log: String, environment: [String: String], input: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = environment
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardError = process.standardOutput
        let pipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : pipe
        try process.run()
        LoopbackServers.register(process.processIdentifier)
        if let input {
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try pipe.fileHandleForWriting.close()
        }
        return process
    }
}

/// The points, one every 10 s over the window: `app.checkout.p95` cycles 100 to 190,
/// `app.home.p95` is 50 with a gap, `app.slow.p95` 300 to 390 (a slower canary).
package enum GraphiteData {
    package static func lines(start: Int) -> String {
        var lines: [String] = []
        for index in 0...60 {
            let time = start + index * 10
            lines.append("app.checkout.p95 \(100 + (index % 10) * 10) \(time)")
            if index % 6 != 3 { lines.append("app.home.p95 50 \(time)") }
            lines.append("app.slow.p95 \(300 + (index % 10) * 10) \(time)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
