import PerfGateCore

/// Entra ID access tokens for Azure Monitor, by the first flow the environment sets up (or the
/// one `--azure-auth` names):
/// - `token`: a ready bearer token, from `AZURE_MONITOR_TOKEN` (metrics) and `AZURE_LOGS_TOKEN`
///   (logs) or their `--…-token-file` flags: what `az account get-access-token` gives;
/// - `client-secret`: `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`, through the
///   client-credentials grant at `AZURE_AUTHORITY_HOST` (`https://login.microsoftonline.com`);
/// - `workload-identity`: the same grant with a federated token as the client assertion: the file
///   in `AZURE_FEDERATED_TOKEN_FILE` (AKS; read again for each token since it rotates), else
///   `AZURE_FEDERATED_TOKEN` (GitLab's `id_tokens`), else GitHub Actions' OIDC token for the
///   audience `api://AzureADTokenExchange` (a job with `permissions: id-token: write`);
/// - `managed-identity`: App Service and Functions' `IDENTITY_ENDPOINT` with `IDENTITY_HEADER`,
///   else the instance metadata endpoint (`169.254.169.254`, or `AZURE_POD_IDENTITY_AUTHORITY_HOST`);
///   `AZURE_CLIENT_ID` picks a user-assigned identity. It is tried without being named only on App
///   Service, where `IDENTITY_ENDPOINT` says it is there.
///
/// Tokens are cached per audience until five minutes before they expire.
final class EntraToken: Sendable {
    enum Flow: String, CaseIterable {
        case token, clientSecret = "client-secret", workloadIdentity = "workload-identity", managedIdentity = "managed-identity"
    }

    let configuration: SourceConfiguration
    let cache = TokenCache()

    init(configuration: SourceConfiguration) {
        self.configuration = configuration
    }

    var environment: [String: String] { configuration.environment }

    func variable(_ name: String) -> String? { environment[name].map { $0.trimmingSpaces() }.flatMap { $0.isEmpty ? nil : $0 } }

    /// A bearer token for `audience` (`https://management.azure.com`); `ready` names the variables
    /// and flag of a ready token for it.
    func token(for audience: String, ready: (variable: String, flag: String)) async throws(SourceError) -> String {
        let flow = try flow(ready: ready)
        if flow == .token {
            guard let setting = AzureMonitorSource.declaration.setting(flag: ready.flag),
                let token = try configuration.secret(file: setting, variables: [ready.variable], source: "azure-monitor")
            else {
                throw SourceError("azure-monitor: --azure-auth token needs \(ready.variable) or --\(ready.flag)")
            }
            return token
        }
        let now = configuration.now()
        if let cached = await cache.token(audience, now: now) { return cached }
        let fresh = try await request(flow, audience: audience)
        await cache.store(audience, token: fresh.token, expires: now + fresh.seconds)
        return fresh.token
    }

    /// The flow `--azure-auth` (or `AZURE_MONITOR_AUTH`) names, else the first one set up.
    func flow(ready: (variable: String, flag: String)) throws(SourceError) -> Flow {
        if let named = configuration.value(AzureMonitorSource.declaration.setting(flag: "azure-auth")!), named.lowercased() != "auto" {
            guard let flow = Flow(rawValue: named.lowercased()) else {
                let names = ["auto"] + Flow.allCases.map(\.rawValue)
                throw SourceError(
                    "azure-monitor: unknown --azure-auth '\(Excerpt.of(named, limit: 40))'\(Suggestion.hint(for: named, in: names)); use one of \(names.joined(separator: ", "))"
                )
            }
            return flow
        }
        if variable(ready.variable) != nil || configuration.flag(AzureMonitorSource.declaration.setting(flag: ready.flag)!) != nil { return .token }
        if variable("AZURE_CLIENT_SECRET") != nil { return .clientSecret }
        if variable("AZURE_FEDERATED_TOKEN_FILE") != nil || variable("AZURE_FEDERATED_TOKEN") != nil { return .workloadIdentity }
        if variable("AZURE_CLIENT_ID") != nil, variable("AZURE_TENANT_ID") != nil, variable("ACTIONS_ID_TOKEN_REQUEST_URL") != nil {
            return .workloadIdentity
        }
        if variable("IDENTITY_ENDPOINT") != nil { return .managedIdentity }
        throw SourceError(
            "azure-monitor: no Entra ID credentials: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_FEDERATED_TOKEN_FILE), give a token in \(ready.variable), or pass --azure-auth managed-identity on an Azure-hosted agent"
        )
    }

    /// Asks the flow's endpoint for a token; returns it and its lifetime in seconds.
    func request(_ flow: Flow, audience: String) async throws(SourceError) -> (token: String, seconds: Double) {
        let request: HTTPRequest
        let what: String
        switch flow {
        case .token: throw SourceError("azure-monitor: a ready token needs no request")
        case .clientSecret, .workloadIdentity:
            guard let tenant = variable("AZURE_TENANT_ID"), let client = variable("AZURE_CLIENT_ID") else {
                throw SourceError("azure-monitor: \(flow.rawValue) needs AZURE_TENANT_ID and AZURE_CLIENT_ID")
            }
            guard tenant.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }), tenant.allSatisfy(\.isASCII) else {
                throw SourceError("azure-monitor: AZURE_TENANT_ID '\(Excerpt.of(tenant, limit: 60))' is not a tenant id or domain")
            }
            var form = [("grant_type", "client_credentials"), ("client_id", client), ("scope", audience + "/.default")]
            if flow == .clientSecret {
                guard let secret = variable("AZURE_CLIENT_SECRET") else {
                    throw SourceError("azure-monitor: client-secret needs AZURE_CLIENT_SECRET")
                }
                form.append(("client_secret", secret))
                what = "the client secret of AZURE_CLIENT_ID"
            } else {
                let (token, source) = try await assertion()
                form += [("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", token)]
                what = "the federated token from \(source)"
            }
            let authority = try BackendURL(parsing: variable("AZURE_AUTHORITY_HOST") ?? "https://login.microsoftonline.com", source: "azure-monitor")
            request = HTTPRequest(
                method: "POST", url: authority.url("/" + tenant + "/oauth2/v2.0/token"),
                headers: [("Accept", "application/json"), ("Content-Type", "application/x-www-form-urlencoded")],
                body: Array(URLText.formEncoded(form).utf8))
        case .managedIdentity:
            var parameters = [("resource", audience)]
            if let client = variable("AZURE_CLIENT_ID") { parameters.append(("client_id", client)) }
            if let endpoint = variable("IDENTITY_ENDPOINT") {
                guard let header = variable("IDENTITY_HEADER") else {
                    throw SourceError("azure-monitor: IDENTITY_ENDPOINT is set without IDENTITY_HEADER")
                }
                let base = try BackendURL(parsing: endpoint, source: "azure-monitor")
                request = HTTPRequest(
                    url: base.url("", query: URLText.formEncoded([("api-version", "2019-08-01")] + parameters)),
                    headers: [("Accept", "application/json"), ("X-IDENTITY-HEADER", header)], secretHeaders: ["x-identity-header"])
                what = "the App Service managed identity (IDENTITY_ENDPOINT)"
            } else {
                let host = try BackendURL(parsing: variable("AZURE_POD_IDENTITY_AUTHORITY_HOST") ?? "http://169.254.169.254", source: "azure-monitor")
                request = HTTPRequest(
                    url: host.url("/metadata/identity/oauth2/token", query: URLText.formEncoded([("api-version", "2018-02-01")] + parameters)),
                    headers: [("Accept", "application/json"), ("Metadata", "true")])
                what = "the instance metadata endpoint's managed identity"
            }
        }
        let response: HTTPResponse
        do {
            response = try await configuration.http.send(request)
        } catch {
            throw SourceError("azure-monitor: cannot get a token from \(what): \(error.message)")
        }
        let shown = "azure-monitor: \(request.method) \(URLText.redacted(request.url))"
        let document = try? JSONParser.parse(response.body)
        guard (200..<300).contains(response.status), let document, let token = document["access_token"]?.stringValue, !token.isEmpty else {
            let said = document.flatMap { node in
                [
                    node["error"]?.stringValue ?? node["error"]?["code"]?.stringValue,
                    node["error_description"]?.stringValue ?? node["error"]?["message"]?.stringValue
                ]
                .compactMap { $0 }.joined(separator: ": ")
            }
            let text = said.flatMap { $0.isEmpty ? nil : Excerpt.of($0, limit: 500) } ?? JSONWriter.quoted(response.bodyPreview())
            throw SourceError("\(shown): Entra ID refused \(what): HTTP \(response.status): \(text)")
        }
        return (token, lifetime(document))
    }

    /// `expires_in` (a number, or a string from managed identity), else `expires_on` (epoch seconds), else an hour.
    func lifetime(_ document: Node) -> Double {
        func number(_ node: Node?) -> Double? { node?.numberValue ?? node?.stringValue.flatMap { Double($0) } }
        if let seconds = number(document["expires_in"]), seconds.isFinite, seconds > 0 { return seconds }
        if let at = number(document["expires_on"]), at.isFinite, at > configuration.now() { return at - configuration.now() }
        return 3600
    }

    /// The federated token and where it came from: read again for every request, since the
    /// platform rotates the file and GitHub's tokens are short-lived.
    func assertion() async throws(SourceError) -> (String, String) {
        if variable("AZURE_FEDERATED_TOKEN_FILE") != nil { return (try assertionFile(), "AZURE_FEDERATED_TOKEN_FILE") }
        if let token = variable("AZURE_FEDERATED_TOKEN") { return (token, "AZURE_FEDERATED_TOKEN") }
        return (try await gitHubToken(), "GitHub Actions' OIDC token")
    }

    /// GitHub Actions' OIDC token for Entra ID (docs: "Configuring OpenID Connect in cloud
    /// providers"): `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=api://AzureADTokenExchange` with
    /// `Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`, answered `{"value": "<jwt>"}`.
    func gitHubToken() async throws(SourceError) -> String {
        guard let url = variable("ACTIONS_ID_TOKEN_REQUEST_URL"), let bearer = variable("ACTIONS_ID_TOKEN_REQUEST_TOKEN") else {
            throw SourceError(
                "azure-monitor: workload-identity needs AZURE_FEDERATED_TOKEN_FILE, AZURE_FEDERATED_TOKEN, or a GitHub job with 'permissions: id-token: write'"
            )
        }
        let (location, query) = WebRequest.split(url)
        let base = try BackendURL(parsing: location, source: "azure-monitor")
        let audience = URLText.formEncoded([("audience", "api://AzureADTokenExchange")])
        let request = HTTPRequest(
            url: base.url("", query: (query.map { $0 + "&" } ?? "") + audience),
            headers: [("Accept", "application/json"), ("Authorization", "bearer " + bearer)])
        let response: HTTPResponse
        do {
            response = try await configuration.http.send(request)
        } catch {
            throw SourceError("azure-monitor: cannot get GitHub's OIDC token: \(error.message)")
        }
        guard (200..<300).contains(response.status), let token = (try? JSONParser.parse(response.body))?["value"]?.stringValue, !token.isEmpty else {
            throw SourceError(
                "azure-monitor: GitHub refused an OIDC token: HTTP \(response.status): \(JSONWriter.quoted(response.bodyPreview())) (the job needs 'permissions: id-token: write')"
            )
        }
        return token
    }

    func assertionFile() throws(SourceError) -> String {
        let path = variable("AZURE_FEDERATED_TOKEN_FILE") ?? ""
        let bytes: [UInt8]
        do {
            bytes = try configuration.files.read(path, limit: 1 << 20)
        } catch {
            throw SourceError("azure-monitor: cannot read AZURE_FEDERATED_TOKEN_FILE: \(error)")
        }
        let token = String(decoding: bytes, as: UTF8.self).trimmingSpaces()
        guard !token.isEmpty else { throw SourceError("azure-monitor: AZURE_FEDERATED_TOKEN_FILE (\(path)) is empty") }
        return token
    }
}

/// Tokens by audience, each until five minutes before it expires.
actor TokenCache {
    var tokens: [String: (token: String, expires: Double)] = [:]

    func token(_ audience: String, now: Double) -> String? {
        guard let entry = tokens[audience], entry.expires - 300 > now else { return nil }
        return entry.token
    }

    func store(_ audience: String, token: String, expires: Double) { tokens[audience] = (token, expires) }
}
