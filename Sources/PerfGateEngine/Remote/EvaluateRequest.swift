import PerfGateCore

/// The body of `POST /api/v1/evaluate`: the one contract `perfgate evaluate --server` writes and
/// `perfgate serve` reads (docs/openapi.yaml, `EvaluateRequest`). Both ends use this type, so a
/// member one of them adds is a member of the other's; `version` says which contract a body
/// follows, and a server refuses a newer one than it reads rather than misreading it.
package struct EvaluateRequest: Sendable {
    /// The contract this build writes and reads. The answer says the server's (`apiVersion`).
    package static let version = 1

    /// Which spec, and how it comes.
    package enum Spec: Sendable {
        /// A PerfSpec as a JSON object (`perfSpec`).
        case object(Node)
        /// A PerfSpec or slo.yaml's text, JSON or YAML (`spec`, named `specName`), with a Keptn
        /// gate's sli.yaml text when it has one (`sli`, `sliName`).
        case text(String, name: String?, sli: String? = nil, sliName: String? = nil)
        /// A Keptn quality gate's two files (`slo` and `sli`, named `sloName` and `sliName`).
        case keptn(slo: String, sloName: String?, sli: String, sliName: String?)
    }

    /// A time as `--start` takes it: Unix seconds, or text (RFC 3339, `now-15m`) the server reads
    /// against its own clock.
    package enum Time: Sendable {
        case seconds(Double)
        case text(String)
    }

    /// Earlier runs: the history file's text (JSON Lines), or its records.
    package enum History: Sendable {
        case text(String)
        case records([Node])
    }

    package var version = EvaluateRequest.version
    package var spec: Spec
    package var start: Time?
    package var end: Time?
    /// Values for `$NAME` placeholders.
    package var variables: [String: String] = [:]
    /// Which source answers a Keptn gate's SLIs.
    package var sliProvider: String?
    package var history: History?
    /// Where the run came from (the CI platform's run, branch, commit): a server with a store
    /// keys, deduplicates and compares by it.
    package var provenance = RunProvenance()
    /// A stored run's id or tag that relative criteria compare with alone.
    package var baseline: String?

    package init(
        spec: Spec, start: Time? = nil, end: Time? = nil, variables: [String: String] = [:], sliProvider: String? = nil, history: History? = nil
    ) {
        self.spec = spec
        self.start = start
        self.end = end
        self.variables = variables
        self.sliProvider = sliProvider
        self.history = history
    }

    /// Why a body is not a request: the message, and whether `evaluate` would call it a usage
    /// error (64) or invalid input (65).
    package struct Invalid: Error {
        package var message: String
        package var isUsage: Bool

        package init(_ message: String, usage: Bool = false) {
            self.message = message
            self.isUsage = usage
        }
    }
}

extension EvaluateRequest {
    /// The body, as the client sends it.
    package var body: Node {
        var pairs: [(String, Node)] = [("version", .number(Double(version)))]
        func name(_ key: String, _ value: String?) { if let value { pairs.append((key, .string(value))) } }
        switch spec {
        case .object(let node):
            pairs.append(("perfSpec", node))
        case .text(let text, let specName, let sli, let sliName):
            name("specName", specName)
            pairs.append(("spec", .string(text)))
            name("sliName", sliName)
            name("sli", sli)
        case .keptn(let slo, let sloName, let sli, let sliName):
            name("sloName", sloName)
            pairs.append(("slo", .string(slo)))
            name("sliName", sliName)
            pairs.append(("sli", .string(sli)))
        }
        name("sliProvider", sliProvider)
        for (key, time) in [("start", start), ("end", end)] {
            switch time {
            case .seconds(let seconds): pairs.append((key, .number(seconds)))
            case .text(let text): pairs.append((key, .string(text)))
            case nil: break
            }
        }
        if !variables.isEmpty { pairs.append(("variables", .object(variables.keys.sorted().map { ($0, .string(variables[$0] ?? "")) }))) }
        switch history {
        case .text(let text): pairs.append(("history", .string(text)))
        case .records(let records): pairs.append(("history", .array(records)))
        case nil: break
        }
        if !provenance.isEmpty { pairs.append(("provenance", provenance.node)) }
        name("baseline", baseline)
        return .object(pairs)
    }

    /// The request a body holds. Every member has its type, used or not; null is the same as
    /// absent, and a body without `version` follows version 1 (curl users, older clients).
    package static func parse(_ body: Node) throws(Invalid) -> EvaluateRequest {
        guard body.members != nil else { throw Invalid("the request body must be a JSON object, not \(body.typeName)") }
        if let node = body["version"], !node.isNull {
            guard let number = node.numberValue, number == number.rounded(), number >= 1 else {
                throw Invalid("version must be a whole number from 1 (the version of this request's contract)")
            }
            guard number <= Double(version) else {
                throw Invalid(
                    "the request follows version \(NumberText.precise(number)) of the evaluate API, and this server reads version \(version) at most: update perfgate on the server",
                    usage: true)
            }
        }
        for key in ["spec", "specName", "slo", "sloName", "sli", "sliName", "sliProvider", "baseline"] {
            if let value = body[key], !value.isNull, value.stringValue == nil {
                throw Invalid("\(key) must be a string, not \(value.typeName)")
            }
        }
        for key in ["perfSpec", "variables"] {
            if let value = body[key], !value.isNull, value.members == nil {
                throw Invalid("\(key) must be an object, not \(value.typeName)")
            }
        }
        var request = EvaluateRequest(spec: try spec(body))
        request.start = try time(body, "start")
        request.end = try time(body, "end")
        request.variables = try strings(body["variables"], field: "variables")
        request.sliProvider = body["sliProvider"]?.stringValue
        if let node = body["provenance"], !node.isNull {
            do {
                request.provenance = try RunProvenance.parse(node)
            } catch {
                throw Invalid(error.message, usage: true)
            }
        }
        if let baseline = body["baseline"]?.stringValue {
            guard !baseline.isEmpty, baseline.utf8.count <= 200,
                !baseline.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else { throw Invalid("baseline must be a run id or a tag of 1 to 200 bytes without control characters", usage: true) }
            request.baseline = baseline
        }
        if let node = body["history"], !node.isNull {
            if let text = node.stringValue {
                request.history = .text(text)
            } else if let items = node.items, items.allSatisfy({ $0.members != nil }) {
                request.history = .records(items)
            } else {
                throw Invalid("history must be the history file's text or an array of its records (objects)")
            }
        }
        return request
    }

    /// `perfSpec` (an object), `spec` (JSON or YAML text), or `slo` and `sli`, in that order.
    static func spec(_ body: Node) throws(Invalid) -> Spec {
        func text(_ key: String) -> String? { body[key]?.stringValue }
        if let perfSpec = body["perfSpec"], !perfSpec.isNull {
            guard perfSpec.members != nil else { throw Invalid("perfSpec must be a JSON object (a PerfSpec); send YAML text as 'spec'") }
            return .object(perfSpec)
        }
        if let slo = text("slo") {
            guard let sli = text("sli") else { throw Invalid("a Keptn quality gate needs its sli.yaml: send its text as 'sli' beside 'slo'") }
            return .keptn(slo: slo, sloName: try name(body, "sloName"), sli: sli, sliName: try name(body, "sliName"))
        }
        if let spec = text("spec") {
            let sli = text("sli")
            return .text(spec, name: try name(body, "specName"), sli: sli, sliName: sli == nil ? nil : try name(body, "sliName"))
        }
        throw Invalid(
            "the request has no spec: send 'perfSpec' (an object), 'spec' (JSON or YAML text), or 'slo' and 'sli' (a Keptn quality gate)")
    }

    /// A file's name as the client knows it (for messages and reports; never a path on the
    /// server): at most 512 bytes, no control characters.
    static func name(_ body: Node, _ key: String) throws(Invalid) -> String? {
        guard let node = body[key], !node.isNull else { return nil }
        guard let text = node.stringValue, !text.isEmpty, text.utf8.count <= 512,
            !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw Invalid("\(key) must be a file name of at most 512 bytes without control characters")
        }
        return text
    }

    static func time(_ body: Node, _ field: String) throws(Invalid) -> Time? {
        guard let node = body[field], !node.isNull else { return nil }
        if let number = node.numberValue, number.isFinite { return .seconds(number) }
        guard let text = node.stringValue else {
            throw Invalid("\(field) must be a time (2024-05-01T12:00:00Z, 1714564800, now-15m), not \(node.typeName)", usage: true)
        }
        return .text(text)
    }

    static func strings(_ node: Node?, field: String) throws(Invalid) -> [String: String] {
        guard let node, !node.isNull else { return [:] }
        guard let members = node.members else { throw Invalid("\(field) must be an object of names and string values", usage: true) }
        var values: [String: String] = [:]
        for member in members {
            if let text = member.value.stringValue {
                values[member.key] = text
            } else if let number = member.value.numberValue {
                values[member.key] = NumberText.precise(number)
            } else {
                throw Invalid("\(field).\(member.key) must be a string", usage: true)
            }
        }
        return values
    }
}
