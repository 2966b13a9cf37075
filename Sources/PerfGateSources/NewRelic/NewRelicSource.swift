import PerfGateCore

/// New Relic: NRQL through NerdGraph (`POST /graphql`), one result per row (per facet with
/// `FACET`). The NRQL goes as a GraphQL variable, never pasted into the GraphQL text.
///
/// Where: `https://api.newrelic.com/graphql`, the EU's `api.eu.newrelic.com` or Japan's
/// `api.jp.newrelic.com` by `--newrelic-region` or `NEW_RELIC_REGION` (`us`, `eu`, `jp`), or a
/// proxy's URL from `--newrelic-url` or `NEW_RELIC_URL` (a spec's `sources.newrelic.url`
/// follows the trust rule). The account: the query's `account`, the spec's
/// `sources.newrelic.accountId`, `--newrelic-account-id` or `NEW_RELIC_ACCOUNT_ID`. Credentials:
/// a User key from `NEW_RELIC_API_KEY` or `--newrelic-api-key-file`, sent as `API-Key`.
package struct NewRelicSource: SLIProvider, SeriesSource, SampleSource, DeclaredSource {
    package let name = "newrelic"
    /// Its settings and credentials' variables; the flags, the redactor and the CI mask list derive from this.
    package static let declaration = SourceDeclaration(
        name: "newrelic",
        settings: [
            SourceSetting(
                .value, flag: "newrelic-region", help: "The New Relic region: us, eu or jp (else NEW_RELIC_REGION; us).", valueName: "region",
                variables: ["NEW_RELIC_REGION"]),
            SourceSetting(
                .url, flag: "newrelic-url", help: "A NerdGraph base URL to use instead of the region's, such as a proxy (else NEW_RELIC_URL).",
                valueName: "url", variables: ["NEW_RELIC_URL"], specKey: "url"),
            SourceSetting(
                .tokenFile, flag: "newrelic-api-key-file", help: "A file holding the New Relic User key (else NEW_RELIC_API_KEY).", valueName: "file"),
            SourceSetting(
                .value, flag: "newrelic-account-id", help: "The New Relic account to query (else NEW_RELIC_ACCOUNT_ID).", valueName: "id",
                variables: ["NEW_RELIC_ACCOUNT_ID"])
        ],
        secrets: SecretDeclaration(variables: ["NEW_RELIC_API_KEY"], urlVariables: ["NEW_RELIC_URL"]))
    static let regions = ["us": "https://api.newrelic.com", "eu": "https://api.eu.newrelic.com", "jp": "https://api.jp.newrelic.com"]
    static let graphQL =
        "query($accountId: Int!, $nrql: Nrql!, $timeout: Seconds) { actor { account(id: $accountId) { nrql(query: $nrql, timeout: $timeout) { results } } } }"
    let configuration: SourceConfiguration

    package init(configuration: SourceConfiguration = SourceConfiguration()) {
        self.configuration = configuration
    }

    package func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<NewRelicQuery> {
        NewRelicQuery.parse(query, at: path, context: context)
    }

    package func answer(_ query: NewRelicQuery, context: SourceContext) async throws -> SourceAnswer {
        try await ask(query, context: context, step: nil)
    }

    /// `--series`: the same NRQL with `TIMESERIES` at the step; each bucket is a point.
    package func series(_ query: NewRelicQuery, context: SourceContext, step: Double) async throws -> [Measurement] {
        try await ask(query, context: context, step: step).measurements
    }

    package func samples(_ query: NewRelicQuery, context: SourceContext, step: Double) async throws -> [Double?] {
        try await seriesSamples(query, context: context, step: step)
    }

    package func resolved(_ query: NewRelicQuery, context: SourceContext) -> String? {
        try? query.filled(context, step: nil)
    }

    package func sliQuery(_ text: String) -> Result<NewRelicQuery, SourceError> {
        .success(NewRelicQuery(nrql: text))
    }

    func ask(_ query: NewRelicQuery, context: SourceContext, step: Double?) async throws(SourceError) -> SourceAnswer {
        let nrql = try query.filled(context, step: step)
        let account = try account(query, context: context)
        let backend = try backend(context)
        guard let key = try configuration.secret(file: Self.declaration.setting(.tokenFile)!, variables: ["NEW_RELIC_API_KEY"], source: name) else {
            throw SourceError("newrelic: set NEW_RELIC_API_KEY or --newrelic-api-key-file to a User key (NRAK-…)")
        }
        let body = Node.object([
            ("query", .string(Self.graphQL)),
            ("variables", .object([("accountId", .number(Double(account))), ("nrql", .string(nrql)), ("timeout", .number(Double(query.timeout)))]))
        ])
        let request = HTTPRequest(
            method: "POST", url: backend.url.url("/graphql"), headers: [("Accept", "application/json"), ("Content-Type", "application/json")],
            body: Array(JSONWriter.write(body).utf8))
        let sent = try await configuration.send(request, on: backend, credentials: [("API-Key", key)], source: name)
        return SourceAnswer(
            try NewRelicResponse.measurements(sent.response, request: sent.request, value: query.value),
            warnings: configuration.futureWindowWarning(context.window, source: name) + sent.warnings)
    }

    func account(_ query: NewRelicQuery, context: SourceContext) throws(SourceError) -> Int {
        if let account = query.account { return account }
        let spec = context.sourceSettings?[name]?["accountId"]
        let text =
            spec?.numberValue.map(JSONWriter.format) ?? spec?.stringValue
            ?? configuration.value(Self.declaration.setting(flag: "newrelic-account-id")!)
        guard let text else {
            throw SourceError(
                "newrelic: no account: give the query's \"account\", sources.newrelic.accountId in the spec, --newrelic-account-id, or NEW_RELIC_ACCOUNT_ID"
            )
        }
        guard let account = Int(text.trimmingSpaces()), account > 0 else {
            throw SourceError("newrelic: the account id '\(Excerpt.of(text, limit: 40))' is not a whole number")
        }
        return account
    }

    func backend(_ context: SourceContext) throws(SourceError) -> Backend {
        if let backend = try configuration.backend(Self.declaration.setting(.url)!, spec: context.sourceSettings, source: name, apiSuffix: "/graphql")
        {
            return backend
        }
        let region = configuration.value(Self.declaration.setting(flag: "newrelic-region")!)?.lowercased() ?? "us"
        guard let url = Self.regions[region] else {
            throw SourceError("newrelic: unknown region '\(Excerpt.of(region, limit: 40))'; use us, eu or jp, or --newrelic-url for a proxy")
        }
        return Backend(url: try BackendURL(parsing: url, source: name), mayReceiveCredentials: true)
    }
}
