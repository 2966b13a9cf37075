import PerfGateCore
import PerfGateTestSupport
import Testing

/// The `--history` file: JSON Lines, appended atomically, nothing lost.
@Suite struct HistoryFileTests {
    func record(_ time: Double, _ value: Double) -> HistoryRecord {
        HistoryRecord(
            time: time, window: Window(start: time - 600, end: time), specKind: "slo", specPath: "slo.yaml", specDigest: "sha256:ab",
            context: ["service": "checkout"], result: .pass, score: 100,
            values: [.init(id: "rt", key: "rt", value: value, status: "pass", success: true)])
    }

    @Test func aMissingFileIsAnEmptyHistory() throws {
        let history = try HistoryFile.load(try Fixtures.temporaryFolder() + "/none.jsonl")
        #expect(history.records.isEmpty && history.problems.isEmpty)
    }

    @Test func appendsOneLinePerRunAndReadsThemBack() throws {
        let path = try Fixtures.temporaryFolder() + "/history.jsonl"
        var history = try HistoryFile.load(path)
        try history.append(record(1_714_565_400, 200))
        try history.append(record(1_714_569_000, 210))
        let text = try Fixtures.read(path)
        #expect(text.split(separator: "\n").count == 2 && text.hasSuffix("\n"))
        let reread = try HistoryFile.load(path)
        #expect(reread.records == [record(1_714_565_400, 200), record(1_714_569_000, 210)])
    }

    @Test func unreadableLinesAreReportedAndKept() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = folder + "/history.jsonl"
        try Fixtures.write(record(1_714_565_400, 200).line() + "\n{not json\n\n{\"time\": \"yesterday\"}\n", to: path)
        var history = try HistoryFile.load(path)
        #expect(history.records.count == 1)
        #expect(history.problems.count == 2)
        #expect(history.problems[1] == "line 4: no RFC 3339 'time'")
        try history.append(record(1_714_569_000, 210))
        let lines = try Fixtures.read(path).split(separator: "\n")
        #expect(lines.count == 4 && lines[1] == "{not json")
        #expect(try Fixtures.list(folder) == ["history.jsonl"])  // no temporary file left behind
    }

    @Test func keepsTheNewestRuns() throws {
        let path = try Fixtures.temporaryFolder() + "/history.jsonl"
        var history = try HistoryFile.load(path)
        for index in 0..<5 { try history.append(record(1_714_565_400 + Double(index) * 60, Double(index)), keep: 3) }
        #expect(try HistoryFile.load(path).records.map { $0.values[0].value } == [2, 3, 4])
    }
}
