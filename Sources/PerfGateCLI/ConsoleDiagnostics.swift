import PerfGateCore
import PerfGateEngine

/// The engine's words on stderr, the way every command prints them: `perfgate: …`,
/// `perfgate: warning: …`, and diagnostics as whole lines.
struct ConsoleDiagnostics: GateDiagnostics {
    func emit(_ message: LogMessage, as kind: GateNote) {
        switch kind {
        case .note: Console.err("perfgate: \(message)")
        case .warning: Console.err("perfgate: warning: \(message)")
        case .error: Console.err("perfgate: error: \(message)")
        case .line: Console.err(message)
        }
    }
}
