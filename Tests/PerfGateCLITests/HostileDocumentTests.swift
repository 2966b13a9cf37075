import Foundation
import PerfGateTestSupport
import Testing

/// Specs built to crash, hang or exhaust a parser: each ends in exit 65 and a message, quickly.
@Suite struct HostileDocumentTests {
    static func evaluate(_ name: String, _ write: (String) throws -> Void) async throws -> (PerfGateBinary.Output, Double) {
        let folder = try Fixtures.temporaryFolder()
        let path = folder + "/" + name
        try write(path)
        let started = Date()
        let output = try PerfGateBinary.run(["validate", "--spec", path])
        return (output, Date().timeIntervalSince(started))
    }

    @Test(arguments: ["deep.json", "deep.yaml"])
    func nesting100000LevelsDeep(_ name: String) async throws {
        let (output, seconds) = try await Self.evaluate(name) { path in
            let deep =
                name.hasSuffix(".json")
                ? String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
                : String(repeating: "- ", count: 100_000) + "x\n"
            try Fixtures.write(deep, to: path)
        }
        #expect(output.status == 65)
        #expect(output.stderr.contains("nesting deeper than 512 levels"))
        #expect(seconds < 10)
    }

    @Test func aOneGigabyteSpecIsRefusedByTheSizeCap() async throws {
        let (output, seconds) = try await Self.evaluate("huge.json") { path in
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: 1 << 30)  // sparse: a gigabyte of zeros, written in no time
            try handle.close()
        }
        #expect(output.status == 65)
        #expect(output.stderr.contains("larger than the 16 MiB limit"))
        #expect(seconds < 10)
    }

    @Test func aBillionLaughsIsRejectedQuickly() async throws {
        let (output, seconds) = try await Self.evaluate("bomb.yaml") { path in
            var lines = ["a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]"]
            for level in 1...9 {
                let previous = level == 1 ? "a" : "l\(level - 1)"
                lines.append("l\(level): &l\(level) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]")
            }
            lines.append("indicators: *l9\nobjectives: {pass: 0, warning: 0}")
            try Fixtures.write(lines.joined(separator: "\n"), to: path)
        }
        #expect(output.status == 65)
        #expect(output.stderr.contains("an alias bomb"))
        #expect(seconds < 5)
    }

    @Test func oddButValidEncodingsAreRead() async throws {
        let (output, _) = try await Self.evaluate("crlf.yaml") { path in
            let text =
                "\u{FEFF}indicators:\r\n  - {id: a, source: static, query: -0, grading: {type: Threshold, thresholds: {lowerSevere: -1}, metricScore: 1}}\r\nobjectives: {pass: 1, warning: 0}\r\n"
            try Fixtures.write(text, to: path)
        }
        #expect(output.status == 0, "\(output.stderr)")
        let (invalid, _) = try await Self.evaluate("latin1.json") { path in
            try Data([0x7B, 0x22, 0xE9, 0x22, 0x3A, 0x31, 0x7D]).write(to: URL(fileURLWithPath: path))
        }
        #expect(invalid.status == 65)
        #expect(invalid.stderr.contains(":1:3: error: invalid UTF-8"))
        let (huge, _) = try await Self.evaluate("huge-number.json") { path in
            try Fixtures.write("{\"indicators\": [], \"objectives\": {\"pass\": 1e400, \"warning\": 0}}", to: path)
        }
        #expect(huge.status == 65)
        #expect(huge.stderr.contains("number 1e400 is out of range"))
    }
}
