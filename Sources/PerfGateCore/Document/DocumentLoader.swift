/// The two formats a spec or input file may be written in.
package enum DocumentFormat: String, Sendable {
    case json, yaml

    /// The format of a file: from its extension, else from its first character.
    package static func detect(path: String, bytes: [UInt8]) -> DocumentFormat {
        switch Path.fileExtension(of: path) {
        case "json": return .json
        case "yaml", "yml": return .yaml
        default: break
        }
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        for byte in bytes[start...] {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): return .json
            default: return .yaml
            }
        }
        return .yaml
    }
}

/// Reads a JSON or YAML document from disk into a `Node` tree.
package enum DocumentLoader {
    package static let defaultSizeLimit = 16 << 20

    package enum Failure: Error, Sendable, CustomStringConvertible {
        case file(FileError)
        case syntax(path: String, DocumentError)

        package var description: String {
            switch self {
            case .file(let error): return error.description
            case .syntax(let path, let error):
                guard let location = error.location else { return "\(path): error: \(error.message)" }
                return "\(path):\(location): error: \(error.message)"
            }
        }
    }

    package static func load(path: String, sizeLimit: Int = defaultSizeLimit) throws(Failure) -> (Node, DocumentFormat) {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(path, limit: sizeLimit)
        } catch {
            throw .file(error)
        }
        let format = DocumentFormat.detect(path: path, bytes: bytes)
        do {
            return (try parse(bytes, as: format), format)
        } catch {
            throw .syntax(path: path, error)
        }
    }

    package static func parse(_ bytes: [UInt8], as format: DocumentFormat) throws(DocumentError) -> Node {
        switch format {
        case .json: return try JSONParser.parse(bytes)
        case .yaml: return try YAMLParser.parse(bytes)
        }
    }
}
