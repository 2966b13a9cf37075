import PerfGateCore
import PerfGateServer
import Testing

@Suite struct RequestFilesTests {
    @Test func aRequestReadsOnlyItsOwnDocumentsAndStreamsNothing() {
        let files = RequestFiles(documents: ["spec.yaml": Array("indicators: []".utf8)])
        #expect((try? files.read("spec.yaml", limit: 100)) == Array("indicators: []".utf8))
        #expect(files.exists("spec.yaml") && !files.exists("/etc/passwd"))
        #expect(throws: FileError(path: "/etc/passwd", reason: "not in the request (the service reads no files)")) {
            _ = try files.read("/etc/passwd", limit: 100)
        }
        // Even a document of the request is not streamed: result files are never the service's to read.
        #expect(throws: FileError.self) { _ = try files.openRegular("spec.yaml") }
        #expect(throws: FileError(path: "spec.yaml", reason: "larger than 4 bytes", invalid: true)) { _ = try files.read("spec.yaml", limit: 4) }
    }
}
