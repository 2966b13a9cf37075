import PerfGateCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What the HTTP sources need from outside the spec: the client, and settings from flags and the
/// environment. Secrets come from the environment or from files, never from arguments.
package struct SourceConfiguration: Sendable {
    package var http: any HTTPClient
    package var environment: [String: String]
    /// The flags given for the sources' declared settings, by flag name (`prometheus-url`).
    package var flags: [String: String]
    /// Send credentials to a server that only the spec names. Off by default: a spec from an
    /// untrusted pull request must not be able to send the pipeline's tokens to a host of its choosing.
    package var trustSpecURLs: Bool
    /// Refuse a server that the spec names (`sources.<name>.url`): only the pipeline's or the
    /// service's own settings choose where requests go (`serve --no-spec-urls`).
    package var refuseSpecURLs: Bool
    /// Where token files are read: the pipeline's or the service's own files, never a request's.
    package var files: any Files
    /// The wall clock, seconds since the epoch; injected so tests control time.
    package var now: @Sendable () -> Double = SourceConfiguration.wallClock
    /// Waits this many seconds (Datadog's settle time); injected so tests do not wait.
    package var sleep: @Sendable (Double) async -> Void = { seconds in
        try? await Task.sleep(for: .milliseconds(CheckedNumber.clamped(seconds * 1000, to: 0...86_400_000)))
    }

    package init(
        http: any HTTPClient = CurlHTTPClient(), environment: [String: String] = [:], flags: [String: String] = [:], trustSpecURLs: Bool = false,
        refuseSpecURLs: Bool = false, files: any Files = LocalFiles()
    ) {
        self.files = files
        self.http = http
        self.environment = environment
        self.flags = flags
        self.trustSpecURLs = trustSpecURLs
        self.refuseSpecURLs = refuseSpecURLs
    }

    /// The same with the built-in sources' flags by name.
    package init(
        http: any HTTPClient = CurlHTTPClient(), environment: [String: String] = [:], prometheusURL: String? = nil,
        prometheusTokenFile: String? = nil, dynatraceURL: String? = nil, dynatraceTokenFile: String? = nil, trustSpecURLs: Bool = false
    ) {
        let flags = [
            "prometheus-url": prometheusURL, "prometheus-token-file": prometheusTokenFile, "dynatrace-url": dynatraceURL,
            "dynatrace-token-file": dynatraceTokenFile
        ].compactMapValues { $0 }
        self.init(http: http, environment: environment, flags: flags, trustSpecURLs: trustSpecURLs)
    }

    /// Seconds since the epoch, now.
    @Sendable package static func wallClock() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// A warning when the window ends after now: a hosted backend has no data past now, so the
    /// end of the window is graded on less than it names.
    func futureWindowWarning(_ window: Window?, source: String) -> [String] {
        guard let window else { return [] }
        let ahead = window.end - now()
        guard ahead >= 1 else { return [] }
        return [
            "\(source): the window ends \(Int(ahead.rounded())) s from now: the backend has no data past now, so its last part is missing; end the window at the load test's end"
        ]
    }

    /// A plain setting (`.value`) from the flag or its variables; nil when none is set.
    package func value(_ setting: SourceSetting) -> String? { outsideSetting(setting) }

    /// The flag's value, if given and not empty.
    package func flag(_ setting: SourceSetting) -> String? { flags[setting.flag].flatMap { $0.isEmpty ? nil : $0 } }

    /// The first non-empty setting: the spec's `sources.<name>.<specKey>`, then the flag, then each variable.
    func setting(_ setting: SourceSetting, spec: Node?, source: String) -> String? {
        if let key = setting.specKey, let value = spec?[source]?[key]?.stringValue?.trimmingSpaces(), !value.isEmpty { return value }
        return outsideSetting(setting)
    }

    /// The flag, else the first environment variable set: what the pipeline (not the spec) says.
    func outsideSetting(_ setting: SourceSetting) -> String? {
        if let flag = flag(setting) { return flag }
        for name in setting.variables {
            if let value = environment[name]?.trimmingSpaces(), !value.isEmpty { return value }
        }
        return nil
    }

    /// The server a source asks, parsed once, and whether its credentials may go there: the URL is
    /// the pipeline's own (the flag's or the variable's), or lies under it (the same origin, and
    /// the flag's base path or below), or the spec's URLs are trusted. Nil when nothing names one.
    func backend(_ setting: SourceSetting, spec: Node?, source: String, apiSuffix: String? = nil) throws(SourceError) -> Backend? {
        if let key = setting.specKey, let value = spec?[source]?[key]?.stringValue?.trimmingSpaces(), !value.isEmpty {
            if refuseSpecURLs {
                throw SourceError(
                    "\(source): the spec names a server (sources.\(source).\(key)), and this service asks only its own (--no-spec-urls); remove the key from the spec"
                )
            }
            let url = try BackendURL(parsing: value, source: source, apiSuffix: apiSuffix)
            if trustSpecURLs { return Backend(url: url, mayReceiveCredentials: true) }
            let outside = outsideSetting(setting).flatMap { try? BackendURL(parsing: $0, source: source, apiSuffix: apiSuffix) }
            return Backend(url: url, mayReceiveCredentials: outside?.holds(url) ?? false)
        }
        guard let value = outsideSetting(setting) else { return nil }
        return Backend(url: try BackendURL(parsing: value, source: source, apiSuffix: apiSuffix), mayReceiveCredentials: true)
    }

    /// A secret from the environment or from a file (its first line, trimmed); nil when neither is set.
    func secret(file setting: SourceSetting, variables: [String], source: String) throws(SourceError) -> String? {
        if let file = flag(setting) {
            let bytes: [UInt8]
            do {
                bytes = try files.read(file, limit: 1 << 20)
            } catch {
                throw SourceError("\(source): cannot read the token file: \(error)")
            }
            let firstLine = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)
            guard let token = firstLine?.trimmingSpaces(), !token.isEmpty else {
                throw SourceError("\(source): the token file \(file) is empty")
            }
            return token
        }
        for name in variables {
            if let value = environment[name]?.trimmingSpaces(), !value.isEmpty { return value }
        }
        return nil
    }
}

extension SourceConfiguration {
    /// POSTs a form to `path` on a source's server, with `authorization` when the server may have
    /// it and a warning when it may not. Returns the answer and the warnings; a transport failure
    /// is the source's error.
    func postForm(
        _ form: [(String, String)], to path: String, on backend: Backend, authorization: String?, source: String
    ) async throws(SourceError) -> (response: HTTPResponse, request: String, warnings: [String]) {
        let request = HTTPRequest(
            method: "POST", url: backend.url.url(path),
            headers: [("Accept", "application/json"), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(URLText.formEncoded(form).utf8))
        return try await send(request, on: backend, credentials: authorization.map { [("Authorization", $0)] } ?? [], source: source)
    }

    /// Sends a request a source built for `backend`, with `credentials` (headers) when the server
    /// may have them and a warning when it may not. Returns the answer, the request as messages
    /// name it (method and redacted URL), and the warnings; a transport failure is the source's error.
    func send(
        _ request: HTTPRequest, on backend: Backend, credentials: [(name: String, value: String)], source: String
    ) async throws(SourceError) -> (response: HTTPResponse, request: String, warnings: [String]) {
        var request = request
        var warnings: [String] = []
        if !credentials.isEmpty {
            if backend.mayReceiveCredentials {
                request.headers += credentials
                request.secretHeaders.formUnion(credentials.map { $0.name.lowercased() })
            } else {
                warnings.append(
                    "credentials were not sent to \(backend.url.shown), which only the spec names; pass --trust-spec-urls to send them")
            }
        }
        let shown = "\(source): \(request.method) \(URLText.redacted(request.url))"
        do {
            return (try await http.send(request), shown, warnings)
        } catch {
            throw SourceError("\(source): \(error.message)")
        }
    }

    /// The `Authorization` of a source that takes a token (from its token file or its first secret
    /// variable, sent after `scheme`) or else Basic credentials; nil when neither is set.
    func tokenOrBasic(
        _ declaration: SourceDeclaration, scheme: String, tokenFile: SourceSetting
    ) throws(SourceError) -> String? {
        if let token = try secret(file: tokenFile, variables: [declaration.secrets.variables[0]], source: declaration.name) {
            return scheme + " " + token
        }
        if let basic = declaration.secrets.basicAuth, let user = environment[basic.user], !user.isEmpty {
            return "Basic " + Base64.encode(user + ":" + (environment[basic.password] ?? ""))
        }
        return nil
    }
}

/// A source's server and whether it may have the source's credentials.
struct Backend {
    var url: BackendURL
    var mayReceiveCredentials: Bool
}
