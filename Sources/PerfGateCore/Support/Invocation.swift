import Glibc
import Synchronization

/// What time it is, and a wait: injected, so an analysis of intervals can be tested without waiting.
package struct RunClock: Sendable {
    package var now: @Sendable () -> Double
    package var sleep: @Sendable (Double) async -> Void
    package init(now: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Double) async -> Void) {
        self.now = now
        self.sleep = sleep
    }
}

/// One run of perfgate: the environment's variables, the folder relative paths start from, where
/// its log lines go and the secrets it has read. The process has one (`process`); a test runs a
/// command in-process inside its own (`Invocation.$current.withValue`), so no variable, folder
/// or registered secret of one run reaches another.
package struct Invocation: Sendable {
    /// The environment's variables the run sees.
    package var environment: [String: String]
    /// What relative paths resolve against; nil: the process's working directory.
    package var directory: String?
    /// Where log lines go; nil: the process's stdout and stderr.
    package var output: (@Sendable (Log.Stream, String) -> Void)?
    /// The secrets read so far: everything the run prints or writes is redacted with them.
    package let secrets: SecretList
    /// The run's clock; nil: the system's. Tests give one that waits without waiting.
    package var clock: RunClock?

    package init(
        environment: [String: String], directory: String? = nil, output: (@Sendable (Log.Stream, String) -> Void)? = nil,
        secrets: SecretList = SecretList()
    ) {
        self.environment = environment
        self.directory = directory
        self.output = output
        self.secrets = secrets
    }

    /// The process's own run: its environment, working directory and streams.
    package static let process = Invocation(environment: processEnvironment())

    /// The run the current task belongs to (threads outside any task see the process's).
    @TaskLocal package static var current = Invocation.process

    /// The run's redactor, with every secret registered so far.
    package var redactor: Redactor { secrets.redactor }

    /// Whether `stream` is a terminal: never for a run whose output is captured.
    package func isTerminal(_ stream: Log.Stream) -> Bool { output == nil && isatty(stream.rawValue) == 1 }

    /// `path` as the system should open it: a relative path joined to the run's folder.
    package func local(_ path: String) -> String {
        guard let directory, !path.hasPrefix("/") else { return path }
        return path.isEmpty ? directory : directory + "/" + path
    }

    private static func processEnvironment() -> [String: String] {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return variables
    }
}

/// The secrets a run has read, shared by everything that prints or writes for it.
package final class SecretList: Sendable {
    private let list: Mutex<Redactor>

    package init(_ secrets: [String] = []) { list = Mutex(Redactor(secrets)) }

    /// Adds secrets (perfgate does this before anything is printed).
    package func register(_ secrets: [String]) { list.withLock { $0.add(secrets) } }

    /// A redactor with every secret registered so far.
    package var redactor: Redactor { list.withLock { $0 } }
}
