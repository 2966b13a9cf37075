import PerfGateCore
import PerfGateEngine

/// The engine's and the commands' words on stderr, the way every command prints them:
/// `perfgate: …`, `perfgate: warning: …`, `perfgate: error: …`, and diagnostics as whole lines.
/// The one sink every command's notes go through (`Console.diagnostics`).
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

extension Console {
    static let diagnostics = ConsoleDiagnostics()
}

extension GateDiagnostics {
    /// The message, said as `kind`.
    func emit(as kind: GateNote, _ message: LogMessage) { emit(message, as: kind) }
}
