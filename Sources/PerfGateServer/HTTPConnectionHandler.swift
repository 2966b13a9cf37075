import NIOCore
import NIOHTTP1

/// One connection's requests: collects each body under the cap, hands the request to the routes
/// off the event loop, and writes the answer back on it.
///
/// One request at a time, and nothing read while an answer is being written: the next request
/// starts only once the previous answer has reached the socket, so a client that pipelines
/// requests and never reads the answers holds one answer and one request, not an unbounded queue
/// of answers (the write timeout then closes it).
final class HTTPConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let routes: ServiceRoutes
    let limits: ServiceLimits
    var head: HTTPRequestHead?
    var body: ByteBuffer?
    /// The request's body passed the cap: its 413 is sent and the rest of the body read and dropped.
    var refused = false
    var refusedBodyRead = false
    var dropped = 0
    /// An answer is on its way to the socket: reads wait, and so does a request completed meanwhile.
    var writing = false
    var readPending = false
    var waiting: (HTTPRequestHead, ServiceRequest)?

    init(routes: ServiceRoutes, limits: ServiceLimits) {
        self.routes = routes
        self.limits = limits
    }

    func read(context: ChannelHandlerContext) {
        if writing {
            readPending = true
        } else {
            context.read()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = nil
            refused = false
            refusedBodyRead = false
            dropped = 0
            if !writing { context.triggerUserOutboundEvent(RequestDeadlines.Progress.headReceived, promise: nil) }
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > limits.maxBodyBytes {
                return refuse(context, head)
            }
            if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
            }
        case .body(var chunk):
            if refused {
                dropped += chunk.readableBytes
                if dropped > limits.lingeringBytes { context.close(promise: nil) }
                return
            }
            guard let head else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > limits.maxBodyBytes { return refuse(context, head) }
            if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
        case .end:
            if refused {
                // The whole body has been read: once the 413 is out, the client can read it.
                refusedBodyRead = true
                if !writing { context.close(promise: nil) }
                return
            }
            guard let head else { return }
            self.head = nil
            let bytes = body.map { Array($0.readableBytesView) } ?? []
            body = nil
            let request = ServiceRequest(
                method: head.method.rawValue, target: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: bytes)
            if writing {
                waiting = (head, request)
            } else {
                start(request, head: head, context: context)
            }
        }
    }

    func start(_ request: ServiceRequest, head: HTTPRequestHead, context: ChannelHandlerContext) {
        context.triggerUserOutboundEvent(RequestDeadlines.Progress.requestReceived, promise: nil)
        let routes = self.routes
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.makeFutureWithTask { await routes.respond(to: request) }.whenSuccess { response in
            let (handler, context) = bound.value
            handler.write(response, for: head, keepAlive: head.isKeepAlive, context: context)
        }
    }

    /// 413 as soon as the body is known to be too large. The connection then stops sending (a FIN
    /// after the answer) but goes on reading and dropping the body for a while: closing with
    /// unread bytes would reset the connection, and a client that sends its whole body before it
    /// reads (Python's http.client, PowerShell, Java's HttpClient) would see only the reset.
    func refuse(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        refused = true
        body = nil
        let response = ServiceResponse.error(
            413, "the request body is larger than \(limits.maxBodyBytes) bytes, the service's limit (--max-body-kib)", outcome: "invalid")
        routes.recordRefusal(ServiceRequest(method: head.method.rawValue, target: head.uri, headers: [], body: []), response)
        write(response, for: head, keepAlive: false, context: context)
    }

    func write(_ response: ServiceResponse, for head: HTTPRequestHead, keepAlive: Bool, context: ChannelHandlerContext) {
        writing = true
        context.triggerUserOutboundEvent(RequestDeadlines.Progress.responseStarted, promise: nil)
        var headers = HTTPHeaders(response.headers)
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        headers.add(name: "Cache-Control", value: "no-store")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        let status = HTTPResponseStatus(statusCode: response.status, reasonPhrase: response.reason)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD, !response.body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: response.body.count)
            buffer.writeBytes(response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        // The promise completes once the bytes are in the socket: only then does the next request start.
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { outcome in
            let (handler, context) = bound.value
            switch outcome {
            case .success: handler.written(context, keepAlive: keepAlive)
            case .failure: context.close(promise: nil)
            }
        }
    }

    func written(_ context: ChannelHandlerContext, keepAlive: Bool) {
        writing = false
        guard keepAlive else {
            if refused && !refusedBodyRead {
                context.triggerUserOutboundEvent(RequestDeadlines.Progress.lingering, promise: nil)
                context.close(mode: .output, promise: nil)
                resumeReading(context)
            } else {
                context.close(promise: nil)
            }
            return
        }
        context.triggerUserOutboundEvent(RequestDeadlines.Progress.responseSent, promise: nil)
        if let (head, request) = waiting {
            waiting = nil
            start(request, head: head, context: context)
        } else if head != nil {
            // A pipelined request is arriving: its body's clock, not the idle one.
            context.triggerUserOutboundEvent(RequestDeadlines.Progress.headReceived, promise: nil)
        }
        resumeReading(context)
    }

    func resumeReading(_ context: ChannelHandlerContext) {
        if readPending {
            readPending = false
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
