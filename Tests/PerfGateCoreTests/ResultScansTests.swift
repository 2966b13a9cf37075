import PerfGateCore
import Synchronization
import Testing

/// A value several tasks update.
final class Tally<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
}

@Suite struct ResultScansTests {
    @Test func announcedQuestionsShareOneScan() async throws {
        let scans = ResultScans()
        let runs = Tally<[[Int]]>([])
        for question in [1, 2, 3] { scans.announce(question, of: "file") }
        scans.announce(2, of: "file")
        let answers = try await withThrowingTaskGroup(of: Int.self) { group in
            for question in [3, 1, 2, 3] {
                group.addTask {
                    try await scans.answer(question, of: "file") { questions in
                        runs.value.withLock { $0.append(questions) }
                        return questions.reduce(0, +)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers == [6, 6, 6, 6])
        #expect(runs.value.withLock { $0 } == [[1, 2, 3]])
    }

    @Test func anUnannouncedQuestionScansAgainAndAFailureIsEveryonesAnswer() async throws {
        struct Failed: Error {}
        let scans = ResultScans()
        let count = Tally(0)
        let scan: @Sendable ([String]) throws -> [String] = { questions in
            count.value.withLock { $0 += 1 }
            if questions.contains("bad") { throw Failed() }
            return questions
        }
        #expect(try await scans.answer("a", of: "file", scan: scan) == ["a"])
        #expect(try await scans.answer("b", of: "file", scan: scan) == ["b"])
        #expect(try await scans.answer("b", of: "file", scan: scan) == ["b"])
        #expect(try await scans.answer("a", of: "other", scan: scan) == ["a"])
        #expect(count.value.withLock { $0 } == 3)
        await #expect(throws: Failed.self) { try await scans.answer("bad", of: "file", scan: scan) }
        await #expect(throws: Failed.self) { try await scans.answer("bad", of: "file", scan: scan) }
        #expect(count.value.withLock { $0 } == 4)
    }

    @Test func atMostTheLimitIsKept() async throws {
        let scans = ResultScans(limit: 2)
        let count = Tally(0)
        let scan: @Sendable ([Int]) throws -> Int = { questions in
            count.value.withLock { $0 += 1 }
            return questions[0]
        }
        for key in ["a", "b", "c", "a"] { _ = try await scans.answer(1, of: key, scan: scan) }
        // "a" was dropped when "c" came, so it was scanned again.
        #expect(count.value.withLock { $0 } == 4)
    }
}
