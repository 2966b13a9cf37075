import Foundation

/// Blocking work (waiting for a process, a blocking socket read, curl) on a thread of its own.
/// Swift's concurrency runs every test on a pool of one thread per core; a test that blocks one
/// of them for seconds holds up every other test on this 2-core machine.
package enum OwnThread {
    package static func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    package static func run<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}

// The same calls for async tests, off the pool: in an async function these are the ones chosen.

extension ServeProcess {
    package func stop(_ signal: Int32 = SIGTERM, limit: Double = 20) async -> Int32? {
        await OwnThread.run { self.stop(signal, limit: limit) as Int32? }
    }

}

extension RawConnection {
    package func readAll() async -> String { await OwnThread.run { self.readAll() as String } }
}

extension Curl {
    package static func run(_ arguments: [String]) async throws -> Response { try await OwnThread.run { try run(arguments) as Response } }

    package static func post(_ url: String, json: String, headers: [String] = []) async throws -> Response {
        try await OwnThread.run { try post(url, json: json, headers: headers) as Response }
    }
}

/// A test body that blocks for seconds (a client that reads and writes on its own schedule),
/// run on a thread of its own but in the test's own task: expectations still belong to the test,
/// and the pool's threads stay free for the other tests.
package func onOwnThread<Value>(_ body: () throws -> Value) async throws -> Value {
    let executor = DedicatedThreadExecutor()
    defer { executor.finish() }
    return try await withTaskExecutorPreference(executor) { try body() }
}

/// One thread that runs the jobs given to it, in order, until finished.
final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var finished = false

    init() {
        let thread = Thread { [self] in loop() }
        thread.stackSize = 8 << 20
        thread.start()
    }

    func enqueue(_ job: UnownedJob) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func finish() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !finished { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
