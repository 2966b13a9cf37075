import NIOCore

/// The connection's clocks, on its raw bytes, first in the pipeline. Waiting for a request, the
/// connection may idle for `idleTimeout`; once its first byte arrives the head must be whole
/// within `headerTimeout` and the body within `bodyTimeout` after that. A client that trickles
/// bytes (slowloris) is answered 408 and cut off; an idle one is closed. An answer must be taken
/// within `writeTimeout` (a client that never reads is closed), and after a 413 the rest of the
/// body is read and dropped for at most `lingeringTimeout`.
final class RequestDeadlines: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What the request handler says as the request moves on, as outbound user events.
    enum Progress { case headReceived, requestReceived, responseStarted, responseSent, lingering }

    enum State { case idle, head, body, busy, writing, lingering }

    let limits: ServiceLimits
    var state = State.idle
    var timer: Scheduled<Void>?

    init(limits: ServiceLimits) { self.limits = limits }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, .idle) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context, .idle)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if state == .idle { arm(context, .head) }
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let progress = event as? Progress else { return context.triggerUserOutboundEvent(event, promise: promise) }
        switch progress {
        // A pipelined request's head can have arrived while the previous answer was written.
        case .headReceived: if state == .head || state == .idle { arm(context, .body) }
        case .requestReceived: arm(context, .busy)
        case .responseStarted: arm(context, .writing)
        case .responseSent: arm(context, .idle)
        case .lingering: arm(context, .lingering)
        }
        promise?.succeed(())
    }

    func arm(_ context: ChannelHandlerContext, _ next: State) {
        timer?.cancel()
        timer = nil
        state = next
        let seconds: Double
        switch next {
        case .idle: seconds = limits.idleTimeout
        case .head: seconds = limits.headerTimeout
        case .body: seconds = limits.bodyTimeout
        case .writing: seconds = limits.writeTimeout
        case .lingering: seconds = limits.lingeringTimeout
        case .busy: return
        }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) { [weak self] in
            guard let self else { return }
            self.expired(bound.value)
        }
    }

    func expired(_ context: ChannelHandlerContext) {
        if state == .head || state == .body {
            // Written below the HTTP encoder: the connection closes right after.
            let what = state == .head ? "headers" : "body"
            let body = "{\"result\":\"error\",\"message\":\"the request's \(what) did not arrive in time\"}"
            var buffer = context.channel.allocator.buffer(capacity: 160 + body.utf8.count)
            buffer.writeString(
                "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            )
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in bound.value.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }
}

/// Counts open connections; past the cap, a new one is answered 503 and closed before any
/// request is read.
final class ConnectionGate: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let counter: ConnectionCounter
    let metrics: ServiceMetrics
    var admitted = false

    init(counter: ConnectionCounter, metrics: ServiceMetrics) {
        self.counter = counter
        self.metrics = metrics
    }

    func channelActive(context: ChannelHandlerContext) {
        guard counter.admit() else {
            metrics.connectionRejected()
            let body = "{\"result\":\"error\",\"message\":\"the service has its most connections open (--max-connections); retry later\"}"
            var buffer = context.channel.allocator.buffer(capacity: 200 + body.utf8.count)
            buffer.writeString(
                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nRetry-After: 1\r\nConnection: close\r\n\r\n\(body)"
            )
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in bound.value.close(promise: nil) }
            return
        }
        admitted = true
        metrics.connectionOpened()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // A refused connection's bytes go nowhere.
        if admitted { context.fireChannelRead(data) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if admitted {
            admitted = false
            counter.release()
            metrics.connectionClosed()
        }
        context.fireChannelInactive()
    }
}
