import PerfGateCore

/// The service's routes, over HTTP-free requests and responses: the connection handler parses
/// and writes, this decides. Authentication, the access log and the metrics are applied here for
/// every route alike.
package struct ServiceRoutes: Sendable {
    package var service: EvaluationService
    /// Keys a client must send; empty lets every client in.
    package var keys: APIKeys
    /// Running as an Azure Functions custom handler: `/api/pitometer` answers as the Function did.
    package var functionMode: Bool
    package var accessLog: AccessLog

    package init(service: EvaluationService, keys: APIKeys, functionMode: Bool, accessLog: AccessLog) {
        self.service = service
        self.keys = keys
        self.functionMode = functionMode
        self.accessLog = accessLog
    }

    /// The answer to one request, logged and counted.
    package func respond(to request: ServiceRequest) async -> ServiceResponse {
        let started = ContinuousClock.now
        let response = await route(request)
        let route = ServiceMetrics.route(request.path)
        service.metrics.request(route: route, method: request.method, status: response.status)
        accessLog.record(
            method: request.method, route: route, status: response.status, seconds: EvaluationService.seconds(since: started),
            outcome: response.outcome)
        return response
    }

    func route(_ request: ServiceRequest) async -> ServiceResponse {
        // Probes need no key: /health says only that the process answers.
        if request.path == "/health" {
            return request.method == "GET" || request.method == "HEAD"
                ? .json(200, .object([("status", .string("UP"))])) : Self.notAllowed(request, allowed: "GET")
        }
        // One credential per request: with two, this service and a proxy in front of it could each
        // check a different one.
        if request.repeatedHeaders.contains("authorization") {
            return .error(400, "the request has more than one Authorization header: send exactly one", outcome: "invalid")
        }
        guard let caller = keys.isEmpty ? .anyone : keys.caller(authorization: request.headers["authorization"]) else {
            return .error(
                401, "missing or wrong API key: send it as 'Authorization: Bearer <key>'",
                headers: [("WWW-Authenticate", "Bearer realm=\"perfgate\"")],
                outcome: "unauthorized")
        }
        if request.path == "/api/v1/runs" || request.path.hasPrefix("/api/v1/runs/") || request.path.hasPrefix("/api/v1/baselines/")
            || request.path == "/api/v1/trends" || request.path == "/" || request.path == "/dashboard"
        {
            return await storeRoute(request, caller: caller)
        }
        switch request.path {
        case "/api/pitometer":
            let methods = functionMode ? ["POST", "GET"] : ["POST"]
            guard methods.contains(request.method) else { return Self.notAllowed(request, allowed: methods.joined(separator: ", ")) }
            guard caller.may(.evaluate) else { return Self.forbidden(.evaluate) }
            return await PitometerAPI.handle(request, service: service, wrapped: functionMode)
        case "/api/v1/evaluate":
            guard request.method == "POST" else { return Self.notAllowed(request, allowed: "POST") }
            guard caller.may(.evaluate) else { return Self.forbidden(.evaluate) }
            return await EvaluateAPI.handle(request, service: service)
        case "/api":
            // The web service's answer to its bare /api route.
            guard request.method == "GET" else { return Self.notAllowed(request, allowed: "GET") }
            return .json(400, .object([("status", .string("error")), ("message", .string("Please, use pitometer calling /api/pitometer"))]))
        case "/metrics":
            guard request.method == "GET" else { return Self.notAllowed(request, allowed: "GET") }
            return ServiceResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: service.metrics.render())
        default:
            return .error(
                404,
                "no such route: the service answers POST /api/pitometer, POST /api/v1/evaluate, GET /health, GET /metrics, and with a store /api/v1/runs, /api/v1/baselines and /api/v1/trends"
            )
        }
    }

    /// The store's routes: the runs, the baselines, the trends.
    func storeRoute(_ request: ServiceRequest, caller: APICaller) async -> ServiceResponse {
        guard let settings = service.settings.store else {
            return .error(404, "this service keeps no runs: start it with --store (sqlite:PATH or postgres://…), or without --store none")
        }
        let store = settings.store
        let redactor = service.settings.redactor
        let now = service.settings.now()
        if request.path.hasPrefix("/api/v1/baselines/") {
            return await BaselinesAPI.handle(request, caller: caller, store: store, now: now, redactor: redactor)
        }
        if request.path == "/" || request.path == "/dashboard" {
            guard request.method == "GET" || request.method == "HEAD" else { return Self.notAllowed(request, allowed: "GET") }
            guard caller.may(.read) else { return Self.forbidden(.read) }
            return request.path == "/"
                ? await DashboardAPI.overview(store: store, redactor: redactor)
                : await DashboardAPI.service(request, store: store, redactor: redactor)
        }
        if request.path == "/api/v1/trends" {
            guard request.method == "GET" else { return Self.notAllowed(request, allowed: "GET") }
            guard caller.may(.read) else { return Self.forbidden(.read) }
            return await TrendsAPI.handle(request, store: store, redactor: redactor)
        }
        if request.path == "/api/v1/runs" {
            switch request.method {
            case "GET":
                guard caller.may(.read) else { return Self.forbidden(.read) }
                return await RunsAPI.list(request, store: store, redactor: redactor)
            case "POST":
                guard caller.may(.admin) else { return Self.forbidden(.admin) }
                return await RunsAPI.importRuns(request, store: settings, now: now, redactor: redactor)
            default:
                return Self.notAllowed(request, allowed: "GET, POST")
            }
        }
        guard let id = RunJSON.id(request.path.dropFirst("/api/v1/runs/".count)) else {
            return .error(404, "no such run: a run's id is the number GET /api/v1/runs lists")
        }
        switch request.method {
        case "GET":
            guard caller.may(.read) else { return Self.forbidden(.read) }
            return await RunsAPI.show(id, request, store: store, redactor: redactor)
        case "PATCH":
            guard caller.may(.admin) else { return Self.forbidden(.admin) }
            return await RunsAPI.update(id, request, caller: caller, store: store, now: now, redactor: redactor)
        default:
            return Self.notAllowed(request, allowed: "GET, PATCH")
        }
    }

    /// The key is right but may not do this.
    static func forbidden(_ scope: APIScope) -> ServiceResponse {
        .error(
            403, "this API key lacks the '\(scope.rawValue)' scope; give the key that scope in the key file (KEY \(scope.rawValue),read)",
            outcome: "forbidden")
    }

    static func notAllowed(_ request: ServiceRequest, allowed: String) -> ServiceResponse {
        .error(405, "this route takes \(allowed), not this method", headers: [("Allow", allowed)])
    }

    /// Every evaluation slot is taken: try again in a second or so.
    static func busy(_ service: EvaluationService) -> ServiceResponse {
        .error(
            429,
            "the service is running \(service.settings.limits.maxEvaluations) evaluations, its limit (--max-evaluations); retry after the Retry-After seconds",
            headers: [("Retry-After", "1")], outcome: "busy")
    }
}

extension ServiceRoutes {
    /// A request the connection refused before routing (its body was too large): logged and counted.
    func recordRefusal(_ request: ServiceRequest, _ response: ServiceResponse) {
        let route = ServiceMetrics.route(request.path)
        service.metrics.request(route: route, method: request.method, status: response.status)
        accessLog.record(method: request.method, route: route, status: response.status, seconds: 0, outcome: response.outcome)
    }
}
