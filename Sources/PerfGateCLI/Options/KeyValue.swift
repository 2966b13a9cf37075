import ArgumentParser

/// A `NAME=VALUE` argument (`--var SERVICE=checkout`, `--results jmeter=out/run.jtl`).
struct KeyValue: ExpressibleByArgument, Sendable {
    var key: String
    var value: String

    init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else { return nil }
        key = String(argument[..<equals])
        value = String(argument[argument.index(after: equals)...])
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

extension Array where Element == KeyValue {
    /// Later entries win, as on a command line.
    var dictionary: [String: String] {
        Dictionary(map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
