import PerfGateCore

/// Any JSON (or YAML) file, with an RFC 6901 pointer to a number or a list of numbers.
///
/// ```
/// "query": {"file": "metrics.json", "pointer": "/checkout/p95"}
/// ```
/// A number gives one result keyed by the pointer; a list gives one per item, keyed `pointer/i`
/// (or by the item's own `key` when items are `{"key", "value"}` objects).
package struct JSONFileSource: ResultFileSource {
    package let name = "json"
    package init() {}

    static let example = #"{"file": "metrics.json", "pointer": "/checkout/p95"}"#

    /// A pointer into a file.
    package struct Query: ResultFileQuery {
        var file: String?
        var pointer: JSONPointer
    }

    package func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<Query> {
        let read = ResultFile.fields(query, at: path, known: ["pointer"], required: ["pointer"], example: Self.example)
        guard let fields = read.query, let text = fields["pointer"] else { return .failed(read.diagnostics) }
        guard let pointer = JSONPointer(text) else {
            return .failed(
                read.diagnostics + [
                    fields.error("pointer", "'\(text)' is not a JSON Pointer: it must be empty or start with '/', and '~' is written '~0'")
                ])
        }
        guard !read.diagnostics.hasErrors else { return .failed(read.diagnostics) }
        return ParsedQuery(Query(file: fields.file, pointer: pointer), diagnostics: read.diagnostics)
    }

    func measurements(_ query: Query, context: SourceContext) async throws -> [Measurement] {
        let pointer = query.pointer
        let text = pointer.text
        let path = try ResultFile.path(for: query.file, source: name, context: context)
        let files = context.files
        // A JSON file's bytes are read once per run, whatever each indicator points at.
        let bytes: [UInt8]? =
            Self.isYAML(path)
            ? nil : try await context.scans.answer(WholeFile(), of: "\(name)\u{0}\(path)") { _ in try Self.bytes(of: path, files: files) }
        let target = try Self.target(of: pointer, in: path, bytes: bytes, files: files)
        do throws(SourceError) {
            guard let items = target.items else {
                return [Measurement(key: text, value: try NumericValue.parse(target))]
            }
            return try items.enumerated().map { (index, item) throws(SourceError) in
                if let key = item["key"]?.stringValue, let value = item["value"] {
                    return Measurement(key: key, value: try NumericValue.parse(value))
                }
                return Measurement(key: "\(text)/\(index)", value: try NumericValue.parse(item))
            }
        } catch {
            throw SourceError.invalidInput("\(path) at \(text): \(error.message)")
        }
    }

    static func isYAML(_ path: String) -> Bool { Path.fileExtension(of: path) == "yaml" || Path.fileExtension(of: path) == "yml" }

    /// A JSON file's bytes, up to the scan's limit; a compressed file is an error.
    static func bytes(of path: String, files: any Files) throws(SourceError) -> [UInt8] {
        let bytes: [UInt8]
        do {
            bytes = try files.read(path, limit: ResultFile.scanSizeLimit)
        } catch {
            throw SourceError("cannot read \(error)", invalidInput: error.isInvalid)
        }
        if let compressed = ResultFile.compression(bytes.prefix(8), path: path) { throw compressed }
        return bytes
    }

    /// The value the pointer names, from a JSON file's `bytes` (nil for YAML). A JSON file is
    /// scanned, and only that value is parsed into a tree, so memory stays near the file's size;
    /// YAML, and the message for a pointer that names nothing, use the whole document.
    static func target(of pointer: JSONPointer, in path: String, bytes: [UInt8]?, files: any Files) throws(SourceError) -> Node {
        if let bytes {
            let scan = JSONPointerScan.range(of: pointer, in: bytes)
            if case .success(let range?) = scan {
                do {
                    return try JSONParser.parse(Array(bytes[range]))
                } catch {
                    throw SourceError.invalidInput("\(path): \(error)")
                }
            }
            // Too large to read whole for a better message: say what the scan found.
            if bytes.count > ResultFile.documentSizeLimit {
                switch scan {
                case .failure(let malformed):
                    throw SourceError.invalidInput("\(path): not valid JSON at byte \(malformed.offset): \(malformed.message)")
                case .success:
                    throw SourceError.invalidInput("\(path): nothing at \(pointer.text)")
                }
            }
        }
        let document = try ResultFile.loadDocument(path, files: files)
        switch pointer.resolve(in: document) {
        case .success(let node): return node
        case .failure(let error): throw SourceError.invalidInput("\(path): \(error.message)")
        }
    }
}
