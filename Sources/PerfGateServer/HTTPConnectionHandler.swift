import NIOCore
import NIOHTTP1

/// One connection's requests: collects each body under the cap, hands the request to the routes
/// off the event loop, and writes the answer back on it.
final class HTTPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let routes: ServiceRoutes
    let limits: ServiceLimits
    var head: HTTPRequestHead?
    var body: ByteBuffer?
    /// The request's body passed the cap: its 413 is sent and the rest of it ignored.
    var refused = false

    init(routes: ServiceRoutes, limits: ServiceLimits) {
        self.routes = routes
        self.limits = limits
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = nil
            refused = false
            context.triggerUserOutboundEvent(RequestDeadlines.Progress.headReceived, promise: nil)
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > limits.maxBodyBytes {
                return refuse(context, head)
            }
            if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
            }
        case .body(var chunk):
            guard !refused, let head else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > limits.maxBodyBytes { return refuse(context, head) }
            if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
        case .end:
            guard !refused, let head else { return }
            context.triggerUserOutboundEvent(RequestDeadlines.Progress.requestReceived, promise: nil)
            let bytes = body.map { Array($0.readableBytesView) } ?? []
            body = nil
            let request = ServiceRequest(method: head.method.rawValue, target: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: bytes)
            let routes = self.routes
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.makeFutureWithTask { await routes.respond(to: request) }.whenSuccess { response in
                let (handler, context) = bound.value
                handler.write(response, for: head, keepAlive: head.isKeepAlive, context: context)
            }
        }
    }

    /// 413 as soon as the body is known to be too large, and the connection closes after it.
    func refuse(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        refused = true
        body = nil
        let response = ServiceResponse.error(
            413, "the request body is larger than \(limits.maxBodyBytes) bytes, the service's limit (--max-body-kib)", outcome: "invalid")
        routes.recordRefusal(ServiceRequest(method: head.method.rawValue, target: head.uri, headers: [], body: []), response)
        write(response, for: head, keepAlive: false, context: context)
    }

    func write(_ response: ServiceResponse, for head: HTTPRequestHead, keepAlive: Bool, context: ChannelHandlerContext) {
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
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            let context = bound.value
            if keepAlive {
                context.triggerUserOutboundEvent(RequestDeadlines.Progress.responseSent, promise: nil)
            } else {
                context.close(promise: nil)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
