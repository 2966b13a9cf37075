import Dispatch
import Glibc
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import PerfGateCore
import Synchronization

/// The listening socket and its connections. SIGTERM (and SIGINT) stop accepting, let the
/// requests in flight finish and get their answers (NIOExtras' quiescing helper), and return;
/// past the grace period, the connections still open are closed.
package struct HTTPServer: Sendable {
    package var routes: ServiceRoutes
    package var limits: ServiceLimits
    package var host: String
    package var port: Int

    package init(routes: ServiceRoutes, limits: ServiceLimits, host: String, port: Int) {
        self.routes = routes
        self.limits = limits
        self.host = host
        self.port = port
    }

    /// One connection's handlers: the connection cap, the clocks, HTTP/1.1, and the requests.
    /// Tests put them on an `EmbeddedChannel` and drive the clocks with its event loop's time.
    package static func configure(_ channel: Channel, routes: ServiceRoutes, limits: ServiceLimits, connections: ConnectionCounter) throws {
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(ConnectionGate(counter: connections, metrics: routes.service.metrics))
        try sync.addHandler(RequestDeadlines(limits: limits))
        try sync.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
        try sync.addHandler(HTTPConnectionHandler(routes: routes, limits: limits))
    }

    /// Serves until a signal has drained the connections.
    package func run() throws(ServiceSetupError) {
        // Never shut down: once the connections have drained the process exits, and a group shut
        // down under timers and callbacks still pending only earns NIO's warnings.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let quiesce = ServerQuiescingHelper(group: group)
        let log = routes.accessLog
        let counter = ConnectionCounter(limit: limits.maxConnections)
        let (routes, limits) = (self.routes, self.limits)

        let channel: Channel
        do {
            channel = try ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.backlog, value: 1024)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                    }
                }
                // A TCP-level option: at the socket level its number is SO_DEBUG, which a container
                // without CAP_NET_ADMIN refuses, closing every connection.
                .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
                .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 16)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try Self.configure(channel, routes: routes, limits: limits, connections: counter) }
                }
                .bind(host: host, port: port)
                .wait()
        } catch {
            throw ServiceSetupError("cannot listen on \(host):\(port): \(error); choose another --port or --host")
        }
        let drained: EventLoopPromise<Void> = group.next().makePromise()
        log.event("listening", [("host", .string(host)), ("port", .number(Double(channel.localAddress?.port ?? port)))])

        // The first signal drains; the drain ends once, when the last connection closes or the grace
        // period is over, whichever comes first.
        let started = Mutex(false)
        let finished = Mutex(false)
        let finish: @Sendable () -> Void = {
            if finished.withLock({ done in
                defer { done = true }; return !done
            }) {
                drained.succeed(())
            }
        }
        let signals = [SIGTERM, SIGINT].map { number -> DispatchSourceSignal in
            _ = signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                guard
                    started.withLock({ done in
                        defer { done = true }; return !done
                    })
                else { return }
                log.event(
                    "draining",
                    [
                        ("signal", .string(number == SIGTERM ? "SIGTERM" : "SIGINT")),
                        ("inFlight", .number(Double(routes.service.inFlight)))
                    ])
                let quiesced: EventLoopPromise<Void> = group.next().makePromise()
                quiesced.futureResult.whenComplete { _ in finish() }
                quiesce.initiateShutdown(promise: quiesced)
                // Past the grace period the process ends anyway, with the requests left unanswered.
                let grace = group.next().scheduleTask(in: .nanoseconds(Int64(limits.gracePeriod * 1e9))) {
                    if !finished.withLock({ $0 }) { log.event("grace period over", [("inFlight", .number(Double(routes.service.inFlight)))]) }
                    finish()
                }
                drained.futureResult.whenComplete { _ in grace.cancel() }
            }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        try? drained.futureResult.wait()
        log.event("stopped")
    }
}
