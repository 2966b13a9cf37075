import PerfGateCore

/// Azure Monitor: platform metrics through Azure Resource Manager
/// (`GET {resource}/providers/microsoft.insights/metrics`, one result per time series) and Log
/// Analytics queries (`POST /v1/workspaces/{id}/query`, one result per row), where
/// workspace-based Application Insights keeps its requests and dependencies.
///
/// Where: `https://management.azure.com` (`--azure-monitor-url` or `AZURE_MONITOR_URL` for
/// another cloud) and `https://api.loganalytics.azure.com` (`--azure-logs-url` or
/// `AZURE_LOGS_URL`); only the pipeline says where, never a spec. Credentials: Entra ID tokens
/// only, by the flows in `EntraToken`, for the audiences `https://management.azure.com` and
/// `https://api.loganalytics.io` (a sovereign cloud's own hosts when its URL is given).
package struct AzureMonitorSource: SeriesSource, SampleSource, DeclaredSource {
    package let name = "azure-monitor"
    /// Its settings and credentials' variables; the flags, the redactor and the CI mask list derive from this.
    package static let declaration = SourceDeclaration(
        name: "azure-monitor",
        settings: [
            SourceSetting(
                .url, flag: "azure-monitor-url",
                help: "Azure Resource Manager's URL for metrics (else AZURE_MONITOR_URL; https://management.azure.com).",
                valueName: "url", variables: ["AZURE_MONITOR_URL"]),
            SourceSetting(
                .url, flag: "azure-logs-url", help: "The Log Analytics API's URL (else AZURE_LOGS_URL; https://api.loganalytics.azure.com).",
                valueName: "url", variables: ["AZURE_LOGS_URL"]),
            SourceSetting(
                .value, flag: "azure-auth",
                help:
                    "How to get Entra ID tokens: auto, token, client-secret, workload-identity or managed-identity (else AZURE_MONITOR_AUTH; auto).",
                valueName: "flow", variables: ["AZURE_MONITOR_AUTH"]),
            SourceSetting(
                .tokenFile, flag: "azure-monitor-token-file", help: "A file holding a ready token for metrics (else AZURE_MONITOR_TOKEN).",
                valueName: "file"),
            SourceSetting(
                .tokenFile, flag: "azure-logs-token-file", help: "A file holding a ready token for Log Analytics (else AZURE_LOGS_TOKEN).",
                valueName: "file")
        ],
        secrets: SecretDeclaration(
            variables: [
                "AZURE_MONITOR_TOKEN", "AZURE_LOGS_TOKEN", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN", "IDENTITY_HEADER",
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN"
            ],
            urlVariables: ["AZURE_MONITOR_URL", "AZURE_LOGS_URL"], fileVariables: ["AZURE_FEDERATED_TOKEN_FILE"]))
    static let metricsAPIVersion = "2023-10-01"
    let configuration: SourceConfiguration
    let tokens: EntraToken

    package init(configuration: SourceConfiguration = SourceConfiguration()) {
        self.configuration = configuration
        tokens = EntraToken(configuration: configuration)
    }

    package func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<AzureMonitorQuery> {
        AzureMonitorQuery.parse(query, at: path, context: context)
    }

    package func answer(_ query: AzureMonitorQuery, context: SourceContext) async throws -> SourceAnswer {
        let window = try window(context)
        let filled = try query.filled(context, interval: window.duration)
        switch filled.form {
        case .metric(let metric):
            let (series, warnings) = try await metrics(metric, window: window, interval: metric.interval ?? "FULL")
            let measurements = series.map { key, points in
                Measurement(
                    key: key, value: metric.stat.value(of: points.compactMap(\.value)), timestamp: points.last(where: { $0.value != nil })?.timestamp)
            }
            return SourceAnswer(measurements, warnings: configuration.futureWindowWarning(window, source: name) + warnings)
        case .logs(let logs):
            var answer = try await self.logs(logs, window: window)
            answer.warnings = configuration.futureWindowWarning(window, source: name) + answer.warnings
            return answer
        }
    }

    /// `--series`: the metric at the finest grain at least the step, or the KQL with
    /// `$INTERVAL` at the step (each row a point, at its `datetime` column).
    package func series(_ query: AzureMonitorQuery, context: SourceContext, step: Double) async throws -> [Measurement] {
        let window = try window(context)
        let filled = try query.filled(context, interval: step)
        switch filled.form {
        case .metric(let metric):
            return try await metrics(metric, window: window, interval: AzureMonitorQuery.grain(for: step)).series.flatMap(\.points)
        case .logs(let logs):
            return try await self.logs(logs, window: window).measurements
        }
    }

    package func samples(_ query: AzureMonitorQuery, context: SourceContext, step: Double) async throws -> [Double?] {
        try await seriesSamples(query, context: context, step: step)
    }

    package func resolved(_ query: AzureMonitorQuery, context: SourceContext) -> String? {
        (try? query.filled(context, interval: context.window?.duration ?? 0))?.shown
    }

    func window(_ context: SourceContext) throws(SourceError) -> Window {
        guard let window = context.window else { throw SourceError("azure-monitor: a query needs the load test's window: give --start (and --end)") }
        return window
    }

    static func timespan(_ window: Window) -> String { CivilDate.rfc3339(window.start) + "/" + CivilDate.rfc3339(window.end) }

    func metrics(_ metric: AzureMonitorQuery.Metric, window: Window, interval: String) async throws(SourceError) -> (
        series: [(key: String, points: [Measurement])], warnings: [String]
    ) {
        let (base, audience) = try endpoint("azure-monitor-url", default: "https://management.azure.com", audience: Self.armAudience)
        var parameters = [
            ("api-version", Self.metricsAPIVersion), ("metricnames", metric.name), ("aggregation", metric.aggregation),
            ("timespan", Self.timespan(window)), ("interval", interval)
        ]
        if let filter = metric.filter { parameters.append(("$filter", filter)) }
        if let namespace = metric.namespace { parameters.append(("metricnamespace", namespace)) }
        if let top = metric.top { parameters.append(("top", String(top))) }
        let url = base.url(metric.resource + "/providers/microsoft.insights/metrics", query: URLText.formEncoded(parameters))
        let request = HTTPRequest(url: url, headers: [("Accept", "application/json")])
        let token = try await tokens.token(for: audience, ready: ("AZURE_MONITOR_TOKEN", "azure-monitor-token-file"))
        let sent = try await send(request, base: base, token: token)
        do {
            return (try AzureMonitorResponse.metricPoints(sent.response, request: sent.request, aggregation: metric.aggregation), sent.warnings)
        } catch {
            throw Self.scrubbed(error, token: token)
        }
    }

    func logs(_ logs: AzureMonitorQuery.Logs, window: Window) async throws(SourceError) -> SourceAnswer {
        let (base, audience) = try endpoint("azure-logs-url", default: "https://api.loganalytics.azure.com", audience: Self.logsAudience)
        let body = Node.object([("query", .string(logs.kql)), ("timespan", .string(Self.timespan(window)))])
        let request = HTTPRequest(
            method: "POST", url: base.url("/v1/workspaces/" + logs.workspace + "/query"),
            headers: [("Accept", "application/json"), ("Content-Type", "application/json")], body: Array(JSONWriter.write(body).utf8))
        let token = try await tokens.token(for: audience, ready: ("AZURE_LOGS_TOKEN", "azure-logs-token-file"))
        let sent = try await send(request, base: base, token: token)
        do {
            return SourceAnswer(
                try AzureMonitorResponse.rows(sent.response, request: sent.request, value: logs.value, key: logs.key), warnings: sent.warnings)
        } catch {
            throw Self.scrubbed(error, token: token)
        }
    }

    func send(_ request: HTTPRequest, base: BackendURL, token: String) async throws(SourceError) -> (
        response: HTTPResponse, request: String, warnings: [String]
    ) {
        do {
            return try await configuration.send(
                request, on: Backend(url: base, mayReceiveCredentials: true), credentials: [("Authorization", "Bearer " + token)], source: name)
        } catch {
            throw Self.scrubbed(error, token: token)
        }
    }

    /// A token perfgate was given at run time is no declared secret: it is taken out of any
    /// message here, should a backend echo it.
    static func scrubbed(_ error: SourceError, token: String) -> SourceError {
        guard token.utf8.count >= Redactor.shortest, error.message.contains(token) else { return error }
        var scrubbed = error
        scrubbed.message = error.message.replacing(token, with: Redactor.mask)
        return scrubbed
    }

    /// The API's base URL from the flag or variable (else the public cloud's), and the token audience for it.
    func endpoint(_ flag: String, default fallback: String, audience: (String) -> String) throws(SourceError) -> (BackendURL, String) {
        let setting = Self.declaration.setting(flag: flag)!
        let configured = try configuration.backend(setting, spec: nil, source: name)?.url
        let url: BackendURL
        if let configured { url = configured } else { url = try BackendURL(parsing: fallback, source: name) }
        let host = URLParts.parse(url.url(""))?.host.lowercased() ?? ""
        return (url, audience(host))
    }

    /// Public ARM's audience, or a sovereign cloud's own `management.` host.
    static func armAudience(_ host: String) -> String {
        host.hasPrefix("management.") && host != "management.azure.com" ? "https://" + host : "https://management.azure.com"
    }

    /// Public Log Analytics' audience, or a sovereign cloud's own `api.loganalytics.` host.
    static func logsAudience(_ host: String) -> String {
        let isPublic = host == "api.loganalytics.azure.com" || host == "api.loganalytics.io"
        return host.hasPrefix("api.loganalytics.") && !isPublic ? "https://" + host : "https://api.loganalytics.io"
    }
}
