import Glibc
import PerfGateCore
import PerfGateEngine

/// The documents a request carries, as the engine's files: the engine reads the spec (and a
/// Keptn gate's sli.yaml) from here, and nothing else. A request never reads the server's disk,
/// and streams no result file (the service refuses the sources that read them, and this refuses
/// them again).
package struct RequestFiles: Files {
    var documents: [String: [UInt8]]
    /// Documents parsed from the request's own body (Pitometer's perfSpec member): read as they are.
    var parsed: [String: Node]

    package init(documents: [String: [UInt8]], parsed: [String: Node] = [:]) {
        self.documents = documents
        self.parsed = parsed
    }

    package func parsedDocument(_ path: String) -> Node? { parsed[path] }

    package func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        // A parsed document's text, for whoever wants bytes (a digest): written only then.
        let bytes = documents[path] ?? parsed[path].map { Array(JSONWriter.write($0, pretty: true).utf8) }
        guard let bytes else { throw FileError(path: path, reason: "not in the request (the service reads no files)") }
        guard bytes.count <= limit else { throw FileError(path: path, reason: "larger than \(limit) bytes", invalid: true) }
        return bytes
    }

    package func exists(_ path: String) -> Bool { documents[path] != nil || parsed[path] != nil }

    package func openRegular(_ path: String) throws(FileError) -> UnsafeMutablePointer<FILE> {
        throw FileError(path: path, reason: "the service reads no result files; send the values with a source that asks a server")
    }
}
