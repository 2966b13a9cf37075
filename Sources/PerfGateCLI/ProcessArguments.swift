import CArguments

/// The process's arguments as glibc handed them to the program (without the program's name), or
/// nil when it did not. The Swift runtime reads `CommandLine.arguments` through /proc: in a chroot
/// or a container without /proc mounted they come back empty, and perfgate would print its help
/// and exit 0 instead of running the command it was given.
enum ProcessArguments {
    static var fromLoader: [String]? {
        let count = Int(perfgate_argument_count())
        guard count > 0, let values = perfgate_argument_values() else { return nil }
        return (1..<count).map { values[$0].map { String(cString: $0) } ?? "" }
    }
}
