/// `a=1&b=x%20y`: names and values percent-decoded, `+` as a space (HTML forms). Bytes that do
/// not decode to UTF-8 become U+FFFD; a stray `%` stays as it is.
enum QueryString {
    /// At most this many parameters are read: a request cannot make the service split forever.
    static let maxParameters = 64

    static func parse(_ text: String) -> [(name: String, value: String)] {
        var parameters: [(name: String, value: String)] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true).prefix(maxParameters) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            parameters.append((decode(parts[0]), parts.count > 1 ? decode(parts[1]) : ""))
        }
        return parameters
    }

    static func decode(_ text: Substring, plusIsSpace: Bool = true) -> String {
        let bytes = Array(text.utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                decoded.append(high << 4 | low)
                index += 3
                continue
            }
            decoded.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
