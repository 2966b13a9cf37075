import PerfGateCI
import PerfGateCore
import ArgumentParser

/// `--color auto|always|never`. `auto` colours a terminal and a GitLab job log (which renders
/// SGR colours), and never when NO_COLOR is set.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    func enabled(forStream stream: Log.Stream) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor = Console.environment("NO_COLOR"), !noColor.isEmpty { return false }
            return Console.isTerminal(stream) || Console.environment("GITLAB_CI") == "true"
        }
    }
}

/// `--fail-on fail|warning`: the lowest verdict that fails the build.
enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case fail, warning
}

extension Conclusion.OnWarning: ExpressibleByArgument {}
