import PerfGateCore

/// Where a source's credentials come from, declared once per source. The mask list on CI
/// platforms and the redactor are both derived from these declarations, so a new token variable
/// is hidden as soon as it is declared.
package struct SecretDeclaration: Sendable {
    /// Variables whose whole value is a secret (tokens, passwords).
    package var variables: [String]
    /// Variables holding URLs, whose user-info password and credential-like query values are secrets.
    package var urlVariables: [String]
    /// The user and password variables of Basic authentication: the header value is a secret too.
    package var basicAuth: (user: String, password: String)?
    /// Variables naming a file whose first line is a secret (`AZURE_FEDERATED_TOKEN_FILE`).
    package var fileVariables: [String]
    /// Every variable whose name starts with one of these is a secret (`PERFGATE_WEB_`).
    package var prefixes: [String]

    package init(
        variables: [String], urlVariables: [String] = [], basicAuth: (user: String, password: String)? = nil, fileVariables: [String] = [],
        prefixes: [String] = []
    ) {
        self.variables = variables
        self.urlVariables = urlVariables
        self.basicAuth = basicAuth
        self.fileVariables = fileVariables
        self.prefixes = prefixes
    }
}

/// Every secret perfgate may hold during a run.
package enum Secrets {
    /// Each source's declaration; the sources read their credentials from these same names.
    package static var declarations: [SecretDeclaration] { SourceRegistry.declarations.map(\.secrets) }

    /// A perfgate server's API key (`evaluate --server`), and the credentials in its URL.
    package static let server = SecretDeclaration(variables: ["PERFGATE_API_KEY"], urlVariables: ["PERFGATE_SERVER"])

    /// The tokens of pull request comments and the chat webhooks' URLs (`perfgate comment`,
    /// `--comment`, `--notify`): each whole value is a credential, and so is a `…_FILE`'s first line.
    package static let feedback: SecretDeclaration = {
        let variables = [
            "GITHUB_TOKEN", "PERFGATE_GITHUB_TOKEN", "PERFGATE_GITLAB_TOKEN", "GITLAB_TOKEN", "SYSTEM_ACCESSTOKEN", "PERFGATE_AZURE_DEVOPS_TOKEN",
            "PERFGATE_COMMENT_TOKEN", "PERFGATE_SLACK_WEBHOOK_URL", "PERFGATE_TEAMS_WEBHOOK_URL"
        ]
        return SecretDeclaration(variables: variables, fileVariables: variables.filter { $0.hasPrefix("PERFGATE_") }.map { $0 + "_FILE" })
    }()

    /// Azure Pipelines hands service connections to tasks as `ENDPOINT_AUTH_<id>` (JSON) and
    /// `ENDPOINT_AUTH_PARAMETER_<id>_<name>`; every parameter is a credential.
    static let endpointPrefix = "ENDPOINT_AUTH_"

    /// The secret values: declared variables, token files (first line), URL credentials (from
    /// flags and declared variables), Basic headers, and Azure endpoint parameters.
    package static func values(
        environment: [String: String], tokenFiles: [String] = [], urls: [String] = [], files: any Files = LocalFiles()
    ) -> [String] {
        var found: [String] = []
        for declaration in declarations + [server, feedback] {
            found += declaration.variables.compactMap { environment[$0]?.trimmingSpaces() }
            for name in declaration.urlVariables { if let url = environment[name] { found += URLText.credentials(url.trimmingSpaces()) } }
            if let basic = declaration.basicAuth, let user = environment[basic.user], !user.isEmpty {
                found.append(Base64.encode(user + ":" + (environment[basic.password] ?? "")))
            }
            for prefix in declaration.prefixes {
                found += environment.filter { $0.key.hasPrefix(prefix) && !$0.key.hasSuffix("_FILE") }.sorted { $0.key < $1.key }.map {
                    $0.value.trimmingSpaces()
                }
            }
        }
        // Files named by declared variables, and by a prefix's `…_FILE` variables.
        let prefixed = declarations.flatMap(\.prefixes).flatMap { prefix in
            environment.filter { $0.key.hasPrefix(prefix) && $0.key.hasSuffix("_FILE") }.sorted { $0.key < $1.key }.map(\.value)
        }
        let namedFiles = ((declarations + [feedback]).flatMap(\.fileVariables).compactMap { environment[$0] } + prefixed).filter { !$0.isEmpty }
        for file in tokenFiles + namedFiles {
            if let line = firstLine(of: file, files: files) { found.append(line) }
        }
        for url in urls { found += URLText.credentials(url) }
        for (name, value) in environment where name.hasPrefix(endpointPrefix) {
            found += endpointParameters(value, whole: name.hasPrefix(endpointPrefix + "PARAMETER_"))
        }
        var unique: [String] = []
        for value in found where !value.isEmpty && !unique.contains(value) { unique.append(value) }
        return unique
    }

    /// A secret file's first line, trimmed; nil when the file cannot be read or the line is empty.
    package static func firstLine(of path: String, files: any Files) -> String? {
        guard let bytes = try? files.read(path, limit: 1 << 20),
            let line = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).first.map({ String($0).trimmingSpaces() }),
            !line.isEmpty
        else { return nil }
        return line
    }

    /// `ENDPOINT_AUTH_PARAMETER_*` is the value itself; `ENDPOINT_AUTH_<id>` is JSON whose
    /// `parameters` are the values.
    static func endpointParameters(_ value: String, whole: Bool) -> [String] {
        if whole { return [value] }
        guard let node = try? JSONParser.parse(Array(value.utf8)), let parameters = node["parameters"]?.members else { return [] }
        return parameters.compactMap { $0.value.stringValue }
    }
}
