import Glibc
import PerfGateCore

/// A query that reads a result file: the file it names, if any (`--results` may give it instead).
protocol ResultFileQuery: Sendable {
    var file: String? { get }
}

/// A source that reads a result file: what it "sends" is the file it reads, after `--results`
/// and the spec's folder are applied.
protocol ResultFileSource: MetricSource where Query: ResultFileQuery {
    /// The measurements the file gives for the query.
    func measurements(_ query: Query, context: SourceContext) async throws -> [Measurement]
}

extension ResultFileSource {
    /// A result file is on this machine's disk.
    package var readsLocalFiles: Bool { true }

    package func answer(_ query: Query, context: SourceContext) async throws -> SourceAnswer {
        SourceAnswer(try await measurements(query, context: context))
    }

    package func resolved(_ query: Query, context: SourceContext) -> String? {
        try? ResultFile.path(for: query.file, source: name, context: context)
    }
}

/// A file query's string fields, read once, and where each stands for later messages.
struct FileQueryFields {
    let reader: MemberReader
    let values: [String: String]

    subscript(key: String) -> String? { values[key] }
    var file: String? { values["file"] }

    /// A diagnostic about one field.
    func error(_ key: String, _ message: String) -> Diagnostic {
        .error(reader.path.appending(key), reader[key]?.location, message)
    }
}

/// Finds the file a load-test query reads, and validates the shape all file queries share.
enum ResultFile {
    /// The path to read. `--results` wins: first an entry named like the query's `file`, then one
    /// named after the source (`--results jmeter=out/run.jtl`); else the query's `file`, relative
    /// to the spec's folder.
    static func path(for file: String?, source: String, context: SourceContext) throws(SourceError) -> String {
        if let file, let mapped = context.resultFiles[file] { return mapped }
        if let mapped = context.resultFiles[source] { return mapped }
        guard let file else {
            throw SourceError("the query names no 'file'; add one, or pass --results \(source)=PATH")
        }
        return Path.resolve(file, against: context.specDirectory)
    }

    /// Reads a query object's keys: `file` (optional, as --results may give it) plus `known`,
    /// with `required` ones present and every value a string. No fields when the query is not an
    /// object; with errors, the fields that could be read, so that every problem is reported.
    static func fields(
        _ query: Node, at path: SpecPath, known: [String], required: [String], example: String
    ) -> ParsedQuery<FileQueryFields> {
        var diagnostics: [Diagnostic] = []
        guard query.members != nil else {
            return .failed([.error(path, query.location, "expected an object such as \(example), found \(query.typeName)")])
        }
        guard let reader = MemberReader(query, at: path, known: ["file"] + known, into: &diagnostics) else {
            return .failed(diagnostics)
        }
        var values: [String: String] = [:]
        for key in ["file"] + known {
            values[key] = reader.string(key, required: required.contains(key), "e.g. \(example)", into: &diagnostics)
        }
        return ParsedQuery(FileQueryFields(reader: reader, values: values), diagnostics: diagnostics)
    }

    /// The largest JSON or YAML result file read whole, as a tree: about 29 times its size in
    /// memory, so under 1 GiB. (k6 summaries are kilobytes.)
    static let documentSizeLimit = 32 << 20
    /// The largest JSON file the `json` source scans for its pointer: about its own size in memory.
    static let scanSizeLimit = 256 << 20

    /// Reads and parses a JSON (or YAML) result file, with errors that name it. A file that
    /// exists but does not parse is invalid input.
    static func loadDocument(_ path: String, files: any Files) throws(SourceError) -> Node {
        let bytes: [UInt8]
        do {
            bytes = try files.read(path, limit: documentSizeLimit)
        } catch {
            throw SourceError(DocumentLoader.Failure.file(error).description, invalidInput: error.isInvalid)
        }
        // Checked on the bytes read, not by opening the file again.
        if let compressed = compression(bytes.prefix(8), path: path) { throw compressed }
        do {
            return try DocumentLoader.parse(bytes, as: DocumentFormat.detect(path: path, bytes: bytes))
        } catch {
            throw SourceError.invalidInput(DocumentLoader.Failure.syntax(path: path, error).description)
        }
    }

    /// Streams a result file through `body`: a file that cannot be opened is a failure to
    /// measure; one that is not a regular file, or whose content `body` rejects, is invalid input.
    static func stream<T>(
        _ path: String, files: any Files, _ body: (UnsafeMutablePointer<FILE>) throws(SourceError) -> T
    ) throws(SourceError) -> T {
        let file: UnsafeMutablePointer<FILE>
        do {
            file = try files.openRegular(path)
        } catch {
            throw SourceError("cannot read \(error)", invalidInput: error.isInvalid)
        }
        defer { fclose(file) }
        if let compressed = compression(head(file, count: 8), path: path) { throw compressed }
        do {
            return try body(file)
        } catch {
            throw SourceError.invalidInput(error.message)
        }
    }

    /// A message for a compressed file (by its magic bytes): every result file perfgate reads is
    /// text, and a `.gz` from `k6 --out json=points.json.gz` or an archived JTL would otherwise be
    /// "not a k6 file" or "no header line".
    static func compression(_ head: some Collection<UInt8>, path: String) -> SourceError? {
        let kinds: [([UInt8], String, String)] = [
            ([0x1F, 0x8B], "gzip", "gunzip"), ([0x28, 0xB5, 0x2F, 0xFD], "zstd", "unzstd"), ([0x42, 0x5A, 0x68], "bzip2", "bunzip2"),
            ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz", "unxz"), ([0x50, 0x4B, 0x03, 0x04], "zip", "unzip")
        ]
        guard let (_, name, tool) = kinds.first(where: { head.starts(with: $0.0) }) else { return nil }
        return SourceError.invalidInput(
            "\(path) is \(name)-compressed: perfgate reads the results as the load tool writes them, uncompressed; run \(tool) on it first and give the file inside"
        )
    }

    /// The first `count` bytes of an open file, which is then rewound: for telling formats apart.
    static func head(_ file: UnsafeMutablePointer<FILE>, count: Int = 64 << 10) -> [UInt8] {
        var head = [UInt8](repeating: 0, count: count)
        let read = head.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        rewind(file)
        return Array(head.prefix(read))
    }
}
