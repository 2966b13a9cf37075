/// The project, stage and service a run is for, in Keptn's terms: earlier runs of another are
/// never compared with. The same rules fill Keptn's `$PROJECT`, `$STAGE` and `$SERVICE`.
package enum RunContext {
    /// The names a context may have; `DEPLOYMENT` is a placeholder too, but not part of a run's identity.
    package static let placeholderNames = ["PROJECT", "STAGE", "SERVICE", "DEPLOYMENT"]
    static let identityNames = ["PROJECT", "STAGE", "SERVICE"]

    /// A name's value: `--var NAME=…`, else `PERFGATE_NAME`, else Keptn's own `KEPTN_NAME`.
    package static func value(_ name: String, variables: [String: String], environment: [String: String]) -> String? {
        variables[name] ?? environment["PERFGATE_" + name] ?? environment["KEPTN_" + name]
    }

    /// A Keptn filter's value for a name (its key in any case, quotes removed): filters win.
    package static func filterValue(_ name: String, filter: [String: String]) -> String? {
        filter.first { $0.key.uppercased() == name }.map { $0.value.replacingScalars(["'": "", "\"": ""]) }
    }

    /// The run's context, keyed in lower case (`service`), from the filter, the variables and the environment.
    package static func of(variables: [String: String], environment: [String: String], filter: [String: String] = [:]) -> [String: String] {
        var context: [String: String] = [:]
        for name in identityNames {
            if let value = filterValue(name, filter: filter) ?? self.value(name, variables: variables, environment: environment) {
                context[name.lowercased()] = value
            }
        }
        return context
    }
}
