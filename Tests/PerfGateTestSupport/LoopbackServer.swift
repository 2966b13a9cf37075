import Foundation

/// A real server from Debian's packages on a free loopback port, with a private folder: started
/// once per test process, killed and waited for at exit, before the tests' folder is removed.
package struct LoopbackServer: Sendable {
    package let url: String
    package let folder: String

    /// Whether a server's tests run: when its program is installed, or when `requirement` is set
    /// (as `.ci/run` sets it), which makes a missing program a failure instead of a skip.
    package static func isAvailable(_ program: String, requirement: String = "PERFGATE_REQUIRE_SERVERS") -> Bool {
        FileManager.default.isExecutableFile(atPath: program) || ProcessInfo.processInfo.environment[requirement] == "1"
    }

    /// Starts `program` with the arguments `arguments(folder, port)` gives, until `GET url + ready`
    /// answers 2xx; a few ports are tried in case one is taken.
    package init(_ program: String, ready: String, arguments: (_ folder: String, _ port: Int) throws -> [String]) throws {
        let folder = try Fixtures.temporaryFolder()
        let name = (program as NSString).lastPathComponent
        for _ in 0..<5 {
            let port = Int.random(in: 20_000...40_000)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = try arguments(folder, port)
            process.standardOutput = FileHandle.nullDevice
            let log = folder + "/\(name).log"
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            try process.run()
            LoopbackServers.register(process.processIdentifier)
            for _ in 0..<200 where process.isRunning {
                if let answer = try? Curl.run(["http://127.0.0.1:\(port)" + ready]), (200..<300).contains(answer.status) {
                    url = "http://127.0.0.1:\(port)"
                    self.folder = folder
                    return
                }
                usleep(50_000)
            }
            process.terminate()
        }
        throw FixtureError("\(name) did not become ready; see \(folder)/\(name).log")
    }
}

/// The servers started, killed at exit.
enum LoopbackServers {
    nonisolated(unsafe) static var pids: [Int32] = []
    static let lock = NSLock()
    static let once: Void = { atexit { LoopbackServers.killAll() } }()

    static func register(_ pid: Int32) {
        _ = once
        lock.withLock { pids.append(pid) }
    }

    static func killAll() {
        for pid in lock.withLock({ pids }) {
            kill(pid, SIGKILL)
            waitpid(pid, nil, 0)
        }
    }
}
