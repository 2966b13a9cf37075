import Foundation

/// `perfgate serve` running in the background, as a container or the Functions host runs it: its
/// access log in a file, its port from the `listening` line.
package final class ServeProcess: @unchecked Sendable {
    package let process = Process()
    package let port: Int
    let logPath: String
    let errorPath: String

    /// Starts it and waits (at most 20 s) until it listens. `--port 0` is added unless the
    /// arguments or `environment` choose a port.
    package init(_ arguments: [String], environment: [String: String] = [:], choosePort: Bool = true) throws {
        let folder = try Fixtures.temporaryFolder()
        logPath = folder + "/access.log"
        errorPath = folder + "/stderr"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: PerfGateBinary.path)
        process.arguments = ["serve"] + arguments + (choosePort ? ["--port", "0"] : [])
        var env = ProcessInfo.processInfo.environment
        for name in ["GITHUB_ACTIONS", "TF_BUILD", "JENKINS_URL", "PORT", "FUNCTIONS_CUSTOMHANDLER_PORT"] { env[name] = nil }
        env.merge(environment) { _, new in new }
        process.environment = env
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let started = Date()
        var found: Int?
        while found == nil, Date().timeIntervalSince(started) < 20, process.isRunning {
            usleep(20_000)
            found = Self.listeningPort(in: (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
        }
        guard let found else {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            let errors = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw FixtureError("perfgate serve did not start (status \(process.terminationStatus)): \(errors)")
        }
        port = found
    }

    static func listeningPort(in log: String) -> Int? {
        for line in log.split(separator: "\n") where line.contains(#""event":"listening""#) {
            guard let range = line.range(of: #""port":"#) else { continue }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        return nil
    }

    package var url: String { "http://127.0.0.1:\(port)" }

    /// A port nothing listens on now (the kernel's choice for a socket bound to port 0).
    package static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw FixtureError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
    package var accessLog: [String] { ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }
    package var stderr: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// Sends a signal and waits (at most `limit` seconds) for the exit status; nil if it did not exit.
    package func stop(_ signal: Int32 = SIGTERM, limit: Double = 20) -> Int32? {
        kill(process.processIdentifier, signal)
        return waitForExit(limit: limit)
    }

    package func waitForExit(limit: Double) -> Int32? {
        let started = Date()
        while process.isRunning {
            if Date().timeIntervalSince(started) > limit { return nil }
            usleep(10_000)
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The resident memory now, in KiB (VmRSS).
    package var residentKiB: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8) else { return nil }
        return status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") }
    }

    /// The peak resident memory so far, in KiB (VmHWM).
    package var peakKiB: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8) else { return nil }
        return status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// A plain TCP connection for what an HTTP library would not do: trickle a request, hold a
/// connection open, send a head that lies about its body.
package final class RawConnection: @unchecked Sendable {
    let descriptor: Int32

    /// Connects to 127.0.0.1:port; reads give up after `timeout` seconds, and sends after
    /// `sendTimeout` (a send that cannot go on then returns false).
    /// `receiveBuffer` sets the socket's receive buffer (before connecting), so that a test's
    /// unread answers back up into the server sooner.
    package init(port: Int, timeout: Double = 10, sendTimeout: Double? = nil, receiveBuffer: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw FixtureError("socket: \(String(cString: strerror(errno)))") }
        if var receiveBuffer { setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, socklen_t(MemoryLayout<Int32>.size)) }
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        if let sendTimeout {
            var time = timeval(tv_sec: Int(sendTimeout), tv_usec: Int((sendTimeout - Double(Int(sendTimeout))) * 1_000_000))
            setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw FixtureError("connect: \(String(cString: strerror(errno)))")
        }
    }

    /// False once the server has closed (EPIPE, reset).
    @discardableResult
    package func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    package func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// What one read gets, at most `count` bytes: empty once the server has closed or the read timed out.
    package func receive(upTo count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let got = recv(descriptor, &buffer, count, 0)
        return got > 0 ? Array(buffer[0..<got]) : []
    }

    /// Everything until the server closes or the read times out.
    package func readAll() -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the server has closed (or reset) the connection, without reading: reading would
    /// take answers and let a server that waits for its reader go on.
    package func peerClosed() -> Bool {
        // POLLRDHUP (Linux): Glibc's module leaves it out without _GNU_SOURCE.
        let readHangUp: Int16 = 0x2000
        var entry = pollfd(fd: descriptor, events: readHangUp, revents: 0)
        guard poll(&entry, 1, 0) > 0 else { return false }
        return entry.revents & (readHangUp | Int16(POLLHUP) | Int16(POLLERR)) != 0
    }

    /// What has arrived so far, without waiting: nil while the connection is open and quiet, the
    /// text once the server has closed it.
    package func readIfClosed() -> String? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 {
                bytes += buffer[0..<count]
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
                return String(decoding: bytes, as: UTF8.self)
            } else {
                return nil
            }
        }
    }

    /// One response: reads until the head and `Content-Length` bytes of body have arrived.
    package func readResponse() -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let text = String(decoding: bytes, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n") {
                let head = text[..<end.lowerBound].lowercased()
                let length =
                    head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if text.utf8.count - text[..<end.upperBound].utf8.count >= length { return text }
            }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { return text }
            bytes += buffer[0..<count]
        }
    }

    deinit { close(descriptor) }
}

/// curl, as the pipelines that called Pitometer's web service do.
package enum Curl {
    package struct Response: Sendable {
        package var status: Int
        package var body: String
        package var headers: String
        package var seconds: Double
    }

    /// `curl -sS` with the arguments, the body and headers kept.
    package static func run(_ arguments: [String]) throws -> Response {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sS", "--max-time", "60", "-o", folder + "/body", "-D", folder + "/headers", "-w", "%{http_code}"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let started = Date()
        try process.run()
        let code = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Response(
            status: Int(code) ?? 0, body: (try? String(contentsOfFile: folder + "/body", encoding: .utf8)) ?? "",
            headers: (try? String(contentsOfFile: folder + "/headers", encoding: .utf8)) ?? "", seconds: Date().timeIntervalSince(started))
    }

    /// A JSON POST from a file, as `curl -X POST -H 'Content-Type: application/json' -d @payload.json URL`.
    package static func post(_ url: String, json: String, headers: [String] = []) throws -> Response {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(json, to: folder + "/payload.json")
        return try run(
            ["-X", "POST", "-H", "Content-Type: application/json", "-d", "@" + folder + "/payload.json", url] + headers.flatMap { ["-H", $0] })
    }
}
