import ArgumentParser
import PerfGateCore
import PerfGateEngine

/// `perfgate convert kayenta|argo FILE`: a PerfSpec from another tool's config, for teams moving over.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract:
            "Write a PerfSpec equivalent to a Kayenta canary config or an Argo Rollouts AnalysisTemplate; say on stderr what could not be carried over.",
        discussion: """
            Examples:
              perfgate convert kayenta canary-config.json > canary.perfspec.json
              perfgate convert argo analysis-template.yaml --output perf/analysis.perfspec.json

            Exit codes: 0 converted (with notes), 64 usage error, 65 the file is no such config.
            """
    )

    @Argument(help: ArgumentHelp("What the file is: kayenta (a canary config, JSON) or argo (an AnalysisTemplate, YAML).", valueName: "kind"))
    var kind: String

    @Argument(help: ArgumentHelp("The config file.", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("Write the spec to this file (atomically) instead of stdout.", valueName: "file"))
    var output: String?

    func run() throws {
        guard kind == "kayenta" || kind == "argo" else {
            Log.write("perfgate: convert: the kind must be kayenta or argo; got '\(LogText.inert(kind))'", to: .err)
            throw ProcessExit(ExitCode.usage.rawValue)
        }
        let conversion: KayentaConverter.Conversion
        do {
            let text = String(decoding: try FileSystem.read(file, limit: 16 << 20), as: UTF8.self)
            let root = kind == "kayenta" ? try JSONParser.parse(Array(text.utf8)) : try Self.template(text)
            conversion = kind == "kayenta" ? try KayentaConverter.convert(root) : try ArgoConverter.convert(root)
        } catch {
            Log.write("perfgate: convert: \(LogText.inert(file)): \(LogText.inert(String(describing: error)))", to: .err)
            throw ProcessExit(ExitCode.invalidInput.rawValue)
        }
        let spec = JSONWriter.write(conversion.spec, pretty: true) + "\n"
        for note in conversion.notes { Log.write("perfgate: convert: note: \(LogText.inert(note))", to: .err) }
        guard let output else {
            Log.write(.report(spec), to: .out)
            return
        }
        do {
            try FileSystem.writeAtomically(spec, to: output)
        } catch {
            Log.write("perfgate: convert: cannot write \(LogText.inert(output)): \(LogText.inert(String(describing: error)))", to: .err)
            throw ProcessExit(ExitCode.couldNotMeasure.rawValue)
        }
    }

    /// The AnalysisTemplate among a file's YAML documents (`---` separates them).
    static func template(_ text: String) throws -> Node {
        var documents: [String] = []
        var current = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("---") {
                documents.append(current)
                current = ""
            } else {
                current += line + "\n"
            }
        }
        documents.append(current)
        var first: Node?
        // A document of comments alone (a file's header before its first `---`) is no document.
        let meaningful = documents.filter { document in
            document.split(separator: "\n").contains { line in
                let text = String(line).trimmingSpaces()
                return !text.isEmpty && !text.hasPrefix("#")
            }
        }
        var templates: [Node] = []
        for document in meaningful {
            let node = try YAMLParser.parse(document)
            if node["kind"]?.stringValue?.hasSuffix("AnalysisTemplate") == true { templates.append(node) }
            first = first ?? node
        }
        guard templates.count > 1 else { return templates.first ?? first ?? .null }
        // Several templates: one spec of all their metrics, args and dry runs.
        func all(_ key: String) -> Node { .array(templates.flatMap { $0["spec"]?[key]?.items ?? [] }) }
        return .object([
            ("kind", .string("AnalysisTemplate")), ("spec", .object([("args", all("args")), ("dryRun", all("dryRun")), ("metrics", all("metrics"))]))
        ])
    }
}
