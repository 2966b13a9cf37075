import CArguments

/// The process's arguments as glibc handed them to the program (without the program's name), or
/// nil when it did not. Without /proc mounted (a bare chroot, some minimal containers) the Swift
/// runtime's `CommandLine.arguments` came back empty, and perfgate printed its help and exited 0
/// instead of running the command it was given.
enum ProcessArguments {
    static var fromLoader: [String]? {
        let count = Int(perfgate_argument_count())
        guard count > 0, let values = perfgate_argument_values() else { return nil }
        return (1..<count).map { values[$0].map { String(cString: $0) } ?? "" }
    }
}
