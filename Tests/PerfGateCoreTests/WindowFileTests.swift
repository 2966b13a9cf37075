import Foundation
import PerfGateCore
import PerfGateTestSupport
import Testing

@Suite struct WindowFileTests {
    @Test func roundTripsAndRejectsGarbage() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = folder + "/.perfgate/window.json"
        #expect(try WindowFile.read(path) == nil)
        try WindowFile(start: 1_714_564_800, end: 1_714_565_400.25).write(to: path)
        #expect(try Fixtures.read(path) == "{\n  \"start\": \"2024-05-01T12:00:00Z\",\n  \"end\": \"2024-05-01T12:10:00.250Z\"\n}\n")
        #expect(try WindowFile.read(path) == WindowFile(start: 1_714_564_800, end: 1_714_565_400.25))
        try Fixtures.write("not json", to: path)
        #expect(throws: (any Error).self) { try WindowFile.read(path) }
        #expect(WindowFile.defaultPath(workspace: "/ws") == "/ws/.perfgate/window.json")
    }

    @Test(arguments: [#"{"start": -1e300}"#, #"{"end": 1e19}"#, #"{"start": "10000-01-01T00:00:00Z"}"#, "[1]", #"{"start": true}"#])
    func refusesTimesOutOfRange(_ text: String) {
        #expect(throws: FileError.self) { try WindowFile.parse(Array(text.utf8), path: "w.json") }
    }
}
