import NIOCore
import NIOEmbedded
import PerfGateServer
import Testing

/// The connection's handlers on an `EmbeddedChannel`, the service's clocks driven by its event
/// loop's time: each deadline is checked to the millisecond without a second of waiting. (The
/// serve tests check the same over real sockets, against real seconds.)
@Suite struct ConnectionClocksTests {
    static let limits: ServiceLimits = {
        var limits = ServiceLimits()
        limits.headerTimeout = 10
        limits.bodyTimeout = 30
        limits.idleTimeout = 60
        limits.lingeringTimeout = 5
        limits.maxBodyBytes = 1024
        return limits
    }()

    /// A connection, open, with the service's handlers over the in-process routes.
    static func connection(connections: ConnectionCounter = ConnectionCounter(limit: 8)) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try HTTPServer.configure(channel, routes: ServiceHarness().routes, limits: limits, connections: connections)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
        return channel
    }

    /// Everything the service has written so far, as text.
    static func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let part = try channel.readOutbound(as: IOData.self) {
            switch part {
            case .byteBuffer(let buffer): text += String(buffer: buffer)
            case .fileRegion: Issue.record("a file region")
            }
        }
        return text
    }

    static func send(_ text: String, to channel: EmbeddedChannel) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    @Test func aHeadThatNeverEndsIsA408AtTheHeaderTimeout() throws {
        let channel = try Self.connection()
        try Self.send("POST /api/pitometer HTTP/1.1\r\nHost: x\r\n", to: channel)
        // Trickled bytes do not restart the clock.
        for _ in 0..<9 {
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(999))
            try Self.send("X", to: channel)
        }
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(990))
        #expect(try Self.written(channel).isEmpty && channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(20))
        let answer = try Self.written(channel)
        #expect(answer.hasPrefix("HTTP/1.1 408 Request Timeout\r\n") && answer.contains("the request's headers did not arrive in time"), "\(answer)")
        #expect(!channel.isActive)
    }

    @Test func aBodyThatNeverEndsIsA408AtTheBodyTimeout() throws {
        let channel = try Self.connection()
        try Self.send("POST /api/pitometer HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{", to: channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(try Self.written(channel).isEmpty && channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(try Self.written(channel).contains("the request's body did not arrive in time"))
        #expect(!channel.isActive)
    }

    @Test func anIdleConnectionClosesAtTheIdleTimeoutWithoutAWord() throws {
        let channel = try Self.connection()
        channel.embeddedEventLoop.advanceTime(by: .seconds(59))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(try Self.written(channel).isEmpty && !channel.isActive)
    }

    /// The 413 goes out before any of the body is read, with `Connection: close`. (What follows,
    /// reading and dropping the rest for the lingering timeout behind a half-closed connection, an
    /// `EmbeddedChannel` cannot show: it has no half-close. The serve tests check it over sockets.)
    @Test func anAnnouncedOversizedBodyIs413AtOnce() throws {
        let channel = try Self.connection()
        try Self.send("POST /api/v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n", to: channel)
        let refused = try Self.written(channel)
        #expect(refused.hasPrefix("HTTP/1.1 413") && refused.contains("larger than 1024 bytes"), "\(refused)")
        #expect(refused.lowercased().contains("connection: close"))
    }

    @Test func pastTheConnectionCapANewConnectionIs503BeforeAnythingIsRead() throws {
        let connections = ConnectionCounter(limit: 1)
        let first = try Self.connection(connections: connections)
        let second = try Self.connection(connections: connections)
        let refused = try Self.written(second)
        #expect(refused.hasPrefix("HTTP/1.1 503") && refused.contains("Retry-After: 1"), "\(refused)")
        #expect(!second.isActive && first.isActive)
        _ = try first.finish()
        // The first one's place is free again.
        let third = try Self.connection(connections: connections)
        #expect(try Self.written(third).isEmpty && third.isActive)
    }
}
