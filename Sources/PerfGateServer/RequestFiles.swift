import PerfGateCore
import PerfGateEngine

/// The documents a request carries, as the engine's files: the engine reads the spec (and a
/// Keptn gate's sli.yaml) from here, and nothing else. A request never reads the server's disk.
struct RequestFiles: GateFiles {
    var documents: [String: [UInt8]]

    func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        guard let bytes = documents[path] else { throw FileError(path: path, reason: "not in the request (the service reads no files)") }
        guard bytes.count <= limit else { throw FileError(path: path, reason: "larger than \(limit) bytes", invalid: true) }
        return bytes
    }

    func exists(_ path: String) -> Bool { documents[path] != nil }
}
