import Foundation

/// Runs the built `perfgate` executable, as a pipeline would.
package enum PerfGateBinary {
    package struct Output: Sendable {
        package var status: Int32
        package var stdout: String
        package var stderr: String
        /// Whether the run was killed for passing its time limit.
        package var timedOut = false
        /// Seconds it took.
        package var seconds = 0.0

        package init(status: Int32, stdout: String, stderr: String, timedOut: Bool = false, seconds: Double = 0) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
            self.timedOut = timedOut
            self.seconds = seconds
        }
        /// Every line of stdout and stderr, as the CI agents read them (.NET's `ReadLine`: a line
        /// ends at LF, CR or CRLF).
        package var lines: [String] {
            (stdout + "\n" + stderr).unicodeScalars.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" }
                .map { String(String.UnicodeScalarView($0)) }
        }
    }

    /// `PERFGATE_BIN`, else the binary beside the test bundle, else `.build/debug/perfgate`.
    package static var path: String {
        if let path = ProcessInfo.processInfo.environment["PERFGATE_BIN"] { return path }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("perfgate").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return Fixtures.packageRoot + "/.build/debug/perfgate"
    }

    /// The slack a wall-clock bound needs on this machine, now: half a second plus four times what
    /// starting the binary takes at this moment (`perfgate --version`, the quickest of three). On
    /// a loaded 2-core machine every process start is slower, and so is the bound.
    package static func startupSlack() -> Double {
        let quickest = (0..<3).compactMap { _ in try? run(["--version"]).seconds }.min() ?? 0.5
        return 0.5 + 4 * quickest
    }

    /// The test process's environment without CI detection and colours (unless a test asks for
    /// them), plus `environment`: what the binary, or an in-process run, sees.
    package static func environment(_ environment: [String: String]) -> [String: String] {
        var variables = ProcessInfo.processInfo.environment
        for name in ["GITHUB_ACTIONS", "TF_BUILD", "JENKINS_URL", "JENKINS_HOME", "NO_COLOR"] { variables[name] = nil }
        variables.merge(environment) { _, new in new }
        return variables
    }

    package static func run(
        _ arguments: [String], environment: [String: String] = [:], in directory: String? = nil, timeLimit: Double = 300
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = Self.environment(environment)
        // A fresh folder unless one is given: no stray window file or spec in the repository can
        // change what a test sees.
        process.currentDirectoryURL = URL(fileURLWithPath: try directory ?? Fixtures.temporaryFolder())
        // Files rather than pipes: nothing can block however much the binary prints.
        let scratch = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        _ = FileManager.default.createFile(atPath: scratch + "/out", contents: nil)
        _ = FileManager.default.createFile(atPath: scratch + "/err", contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/out"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/err"))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let started = Date()
        try process.run()
        // A hang is a test failure, not a stuck test run.
        var timedOut = false
        while process.isRunning {
            if Date().timeIntervalSince(started) > timeLimit {
                kill(process.processIdentifier, SIGKILL)
                timedOut = true
            }
            usleep(10_000)
        }
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(started)
        try out.close()
        try err.close()
        let outData = try Data(contentsOf: URL(fileURLWithPath: scratch + "/out"))
        let errData = try Data(contentsOf: URL(fileURLWithPath: scratch + "/err"))
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self), timedOut: timedOut, seconds: seconds)
    }
}
