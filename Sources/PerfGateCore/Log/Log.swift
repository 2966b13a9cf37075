import Glibc

/// The one path to the CI log. Every line perfgate prints, text or platform command, on stdout or
/// stderr, is a `LogMessage` written here, so every byte of outside text is redacted and escaped.
package enum Log {
    package enum Stream: Int32, Sendable {
        /// Results, and the CI platform's commands.
        case out = 1
        /// Everything about the run for a person's eyes.
        case err = 2
    }

    /// Writes the message as one line (a line break is added unless it ends with one); unbuffered,
    /// so stdout and stderr interleave in the order they were written.
    package static func write(_ message: LogMessage, to stream: Stream) {
        let invocation = Invocation.current
        var text = message.rendered(redactor: invocation.redactor)
        if !text.hasSuffix("\n") { text += "\n" }
        if let output = invocation.output { return output(stream, text) }
        writeAll(Array(text.utf8), to: stream.rawValue)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}

private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
