import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

@Suite struct LineReaderTests {
    func lines(_ text: String, chunkSize: Int = 7, maxLineBytes: Int = 64) throws -> [String] {
        let path = try Fixtures.temporaryFolder() + "/lines"
        try Fixtures.write(text, to: path)
        return try ResultFile.stream(path, files: LocalFiles()) { (file) throws(SourceError) in
            var seen: [String] = []
            try LineReader(chunkSize: chunkSize, maxLineBytes: maxLineBytes).read(file: file, name: "f") { line, number, terminated in
                seen.append("\(number)\(terminated ? "" : "!"):\(String(decoding: line, as: UTF8.self))")
            }
            return seen
        }
    }

    @Test func splitsOnLFAndCRLFAcrossChunks() throws {
        #expect(
            try lines("one\r\ntwo\n\nthree is longer than a chunk\nlast") == ["1:one", "2:two", "3:", "4:three is longer than a chunk", "5!:last"])
        #expect(try lines("") == [])
        #expect(try lines("a\n") == ["1:a"])
        #expect(try lines("a\r") == ["1!:a"])
    }

    @Test func aLineOverTheLimitIsAnErrorNotAnAllocation() throws {
        let long = String(repeating: "x", count: 65)
        // ResultFile.stream makes the reader's error invalid input (exit 65); the message is the reader's.
        #expect(throws: SourceError.invalidInput(LineReader.tooLong("f", line: 2, limit: 64).message)) { try lines("ok\n\(long)\nnext\n") }
        #expect(throws: SourceError.invalidInput(LineReader.tooLong("f", line: 1, limit: 64).message)) { try lines(long) }
        #expect(try lines(String(repeating: "y", count: 64)) == ["1!:" + String(repeating: "y", count: 64)])
    }
}
