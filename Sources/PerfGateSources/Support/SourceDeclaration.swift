import PerfGateCore

/// A setting a source takes from outside the spec: a flag, the environment variables read when
/// the flag is absent, and the spec key that may set it too.
package struct SourceSetting: Sendable {
    package enum Kind: Sendable {
        /// The backend's address; its user-info and credential-like query values are secrets.
        case url
        /// A file whose first line is a token: a secret.
        case tokenFile
        /// A plain value that is no secret (a site, a region, an account id, seconds).
        case value
    }

    package var kind: Kind
    /// The flag without its dashes: `prometheus-url`.
    package var flag: String
    package var help: String
    package var valueName: String
    /// Read in order when the flag is absent.
    package var variables: [String]
    /// The key under `sources.<name>` in a spec (`url`), which wins over the flag.
    package var specKey: String?

    package init(_ kind: Kind, flag: String, help: String, valueName: String, variables: [String] = [], specKey: String? = nil) {
        self.kind = kind
        self.flag = flag
        self.help = help
        self.valueName = valueName
        self.variables = variables
        self.specKey = specKey
    }
}

/// What a source says about itself: its name, the settings it reads and its secrets. The CLI's
/// flags, the CI mask list and the redactor are derived from these, so adding a backend is its
/// folder plus one line in the registry.
package struct SourceDeclaration: Sendable {
    package var name: String
    package var settings: [SourceSetting]
    package var secrets: SecretDeclaration

    package init(name: String, settings: [SourceSetting], secrets: SecretDeclaration) {
        self.name = name
        self.settings = settings
        self.secrets = secrets
    }

    package func setting(_ kind: SourceSetting.Kind) -> SourceSetting? { settings.first { $0.kind == kind } }

    /// The setting of this flag (without its dashes).
    package func setting(flag: String) -> SourceSetting? { settings.first { $0.flag == flag } }
}

/// A source that takes settings from outside the spec (flags, variables, secrets) and declares them.
package protocol DeclaredSource: MetricSource {
    static var declaration: SourceDeclaration { get }
}
