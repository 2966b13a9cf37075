import Foundation
import PerfGateTestSupport
import Testing

/// `perfgate serve` against clients that do not behave like curl (issue 28): one that pipelines
/// and never reads, one that reads slowly, one that sends its whole body before it reads, and any
/// mix of pipelined requests cut at any byte. One at a time, each on a thread of its own
/// (`onOwnThread`) where it reads and writes for seconds as a client does: an awaiting test is
/// resumed late on a loaded machine (a slow reader became a stalled one), and one that blocked a
/// thread every test shares would starve the other suites' tests.
@Suite(.serialized) struct ServeBackPressureTests {
    /// A request whose answer is a few tens of KiB: the JSON report of 200 static values.
    static func evaluateRequest(values: Int = 200) -> String {
        let list = (0..<values).map(String.init).joined(separator: ",")
        let body =
            #"{"perfSpec":{"indicators":[{"id":"v","source":"static","query":[\#(list)],"grading":{"type":"Threshold","thresholds":{"upperSevere":1e9},"metricScore":1}}],"objectives":{"pass":1,"warning":0}}}"#
        return "POST /api/v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
    }

    /// The statuses of the answers in `text`, in order.
    static func statuses(_ text: String) -> [Int] {
        text.components(separatedBy: "HTTP/1.1 ").dropFirst().compactMap { Int($0.prefix(3)) }
    }

    @Test func aClientThatPipelinesAndNeverReadsHoldsOneAnswerNotAQueue() async throws {
        try await onOwnThread {
            let service = try ServeProcess(["--write-timeout", "2s"])
            _ = try Curl.run([service.url + "/health"])
            let before = try #require(service.residentKiB)
            let client = try RawConnection(port: service.port, timeout: 10, sendTimeout: 3)
            let request = Array(Self.evaluateRequest().utf8)
            var sent = 0
            // 8 MB of requests offered; the service stops reading once an answer cannot be written.
            while sent < 8 << 20, client.send(request) { sent += request.count }
            usleep(500_000)
            let grown = (service.residentKiB ?? 0) - before
            #expect(grown < 40 * 1024, "the service grew by \(grown) KiB for \(sent) bytes of unread pipelined requests")
            #expect(sent < 8 << 20, "the service read all \(sent) bytes of requests without anyone reading its answers")
            // The write timeout closes the connection. Watched without reading: each read would take
            // answers and let the service go on through the queued requests, however slowly.
            let started = Date()
            var closed = false
            while !closed, Date().timeIntervalSince(started) < 15 {
                if client.peerClosed() { closed = true } else { usleep(100_000) }
            }
            #expect(closed, "the connection was still open \(Date().timeIntervalSince(started)) s after the write timeout")
            #expect(try Curl.run([service.url + "/health"]).status == 200)
            #expect(service.stop() == 0)
        }
    }

    @Test func aPipeliningClientThatReadsSlowlyGetsEveryAnswer() async throws {
        try await onOwnThread {
            let service = try ServeProcess(["--idle-timeout", "1s", "--write-timeout", "20s"])
            let client = try RawConnection(port: service.port, timeout: 20, sendTimeout: 20, receiveBuffer: 16384)
            // 2,000 answers of about 2.5 KiB: more than the sockets' buffers hold.
            let count = 2_000
            let request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
            // Sent from another thread: the service may stop reading until answers are taken.
            let sender = Thread { for _ in 0..<count { client.send(request) } }
            sender.start()
            // Nothing read for twice the idle timeout, with answers waiting in the service all along.
            usleep(2_000_000)
            var received: [UInt8] = []
            var statuses: [Int] = []
            var scanned = 0
            let started = Date()
            while statuses.count < count, Date().timeIntervalSince(started) < 30 {
                let got = client.receive(upTo: 65536)
                if got.isEmpty { break }
                received += got
                // Only the new bytes are looked at, up to the last line end (a status line is never cut).
                let end = max(scanned, (received.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1)
                statuses += Self.statuses(String(decoding: received[scanned..<end], as: UTF8.self))
                scanned = end
                usleep(10_000)
            }
            statuses += Self.statuses(String(decoding: received[scanned...], as: UTF8.self))
            #expect(statuses.count == count && statuses.allSatisfy { $0 == 200 }, "\(statuses.count) answers of \(count)")
            #expect(service.stop() == 0)
        }
    }

    /// Pipelined requests whose evaluations each take longer than the idle timeout: the idle clock
    /// must not start while a request waits or runs (it once started when an earlier answer was
    /// flushed, and closed the connection under the next evaluation).
    @Test func theIdleClockNeverRunsWhileAPipelinedRequestIsEvaluated() async throws {
        try await onOwnThread {
            let backend = FakeBackend.shared
            let service = try ServeProcess(["--idle-timeout", "1s", "--prometheus-url", backend.url + "/t/delay/1500"])
            let body =
                #"{"perfSpec":{"indicators":[{"id":"q","source":"prometheus","query":"up","grading":{"type":"Threshold","thresholds":{"upperSevere":1e9},"metricScore":1}}],"objectives":{"pass":1,"warning":0}},"start":"now-5m"}"#
            let request =
                "POST /api/v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
            let client = try RawConnection(port: service.port, timeout: 20)
            client.send(String(repeating: request, count: 3))
            var text = ""
            while Self.statuses(text).count < 3 {
                let part = client.readResponse()
                if part.isEmpty { break }
                text += part
            }
            #expect(Self.statuses(text) == [200, 200, 200], "\(Self.statuses(text))")
            #expect(service.stop() == 0)
        }
    }

    @Test(arguments: [2 << 20, 8 << 20])
    func a413ReachesAClientThatSendsItsWholeBodyFirst(_ size: Int) async throws {
        try await onOwnThread {
            let service = try ServeProcess([])
            let script = """
                import http.client, sys
                connection = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=20)
                try:
                    connection.request("POST", "/api/pitometer", body=b"{" + b" " * (int(sys.argv[2]) - 2) + b"}", headers={"Content-Type": "application/json"})
                    answer = connection.getresponse()
                    print(answer.status, answer.read().decode())
                except Exception as error:
                    print("error", type(error).__name__, error)
                """
            for _ in 0..<5 {
                let output = try Self.python(script, arguments: [String(service.port), String(size)])
                #expect(output.hasPrefix("413 "), "\(output)")
                #expect(output.contains("larger than 1048576 bytes"))
            }
            // The same with a raw socket: the whole body written, then the answer read.
            let client = try RawConnection(port: service.port, timeout: 20, sendTimeout: 20)
            let sentWhole = client.send(
                "POST /api/v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: \(size)\r\n\r\n" + String(repeating: " ", count: size))
            #expect(sentWhole)
            #expect(client.readAll().hasPrefix("HTTP/1.1 413"))
            #expect(service.stop() == 0)
        }
    }

    /// Any mix of pipelined requests, cut into chunks at any byte and sent with pauses: every
    /// request gets its answer, in order, and the service stays well.
    @Test func pipelinedRequestsCutAnywhereGetTheirAnswersInOrder() async throws {
        try await onOwnThread {
            let service = try ServeProcess(["--header-timeout", "5s", "--body-timeout", "5s"])
            let kinds: [(request: String, status: Int)] = [
                ("GET /health HTTP/1.1\r\nHost: x\r\n\r\n", 200),
                (Self.evaluateRequest(values: 3), 200),
                ("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 200),
                ("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n", 404),
                ("POST /api/pitometer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", 400),
                (
                    "POST /api/v1/evaluate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\nContent-Length: 2\r\n\r\n{}",
                    400
                ),
                ("POST /api/v1/evaluate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 400)
            ]
            var generator = SplitMix(seed: 0x5EED)
            for round in 0..<30 {
                let picks = (0..<Int(generator.next() % 12 + 1)).map { _ in kinds[Int(generator.next() % UInt64(kinds.count))] }
                let bytes = Array(picks.map(\.request).joined().utf8)
                let client = try RawConnection(port: service.port, timeout: 10, sendTimeout: 10)
                var offset = 0
                while offset < bytes.count {
                    let size = min(bytes.count - offset, Int(generator.next() % 700 + 1))
                    client.send(Array(bytes[offset..<offset + size]))
                    offset += size
                    if generator.next() % 4 == 0 { usleep(UInt32(generator.next() % 2000)) }
                }
                var text = ""
                while Self.statuses(text).count < picks.count {
                    let part = client.readResponse()
                    if part.isEmpty { break }
                    text += part
                }
                #expect(Self.statuses(text) == picks.map(\.status), "round \(round)")
            }
            #expect(try Curl.run([service.url + "/health"]).status == 200)
            #expect(service.stop() == 0)
        }
    }

    static func python(_ script: String, arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ProcessInfo.processInfo.environment["PERFGATE_PYTHON"] ?? "python3", "-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

/// A small seeded generator, so a failing round repeats.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
