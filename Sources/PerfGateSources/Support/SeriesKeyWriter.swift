/// Writes a series' key from the raw strings of a JSON answer, as Prometheus writes a series:
/// `prefix{a="b",c="d"}`, labels sorted by name in byte order (code point order, as Prometheus
/// sorts), `\`, `"` and line feeds escaped. One scratch buffer serves every key of an answer, and
/// each key is one String: answers of 100,000 series make 100,000 keys.
struct SeriesKeyWriter {
    /// Also escape the other control characters (`\r`, `\t`, `\u00XX`), for backends whose tags
    /// may hold anything (InfluxDB).
    var escapesControls = false
    private var scratch: [UInt8] = []

    init(escapesControls: Bool = false) { self.escapesControls = escapesControls }

    typealias Label = (name: JSONRawString, value: JSONRawString)

    /// The key: `prefix` (unescaped, as a metric name is) then the labels in braces (`{}` when
    /// there are none). `labels` are sorted in place.
    mutating func key(prefix: JSONRawString? = nil, labels: inout [Label], in bytes: UnsafeBufferPointer<UInt8>) -> String {
        let cursor = JSONCursor(bytes: bytes)
        let precedes = { (left: Label, right: Label) in bytes[left.name.range].lexicographicallyPrecedes(bytes[right.name.range]) }
        // Backends mostly send labels sorted already.
        if zip(labels, labels.dropFirst()).contains(where: { precedes($0.1, $0.0) }) { labels.sort(by: precedes) }
        scratch.removeAll(keepingCapacity: true)
        if let prefix { append(prefix, escaping: false, cursor) }
        scratch.append(UInt8(ascii: "{"))
        for (offset, label) in labels.enumerated() {
            if offset > 0 { scratch.append(UInt8(ascii: ",")) }
            append(label.name, escaping: true, cursor)
            scratch.append(UInt8(ascii: "="))
            scratch.append(UInt8(ascii: "\""))
            append(label.value, escaping: true, cursor)
            scratch.append(UInt8(ascii: "\""))
        }
        scratch.append(UInt8(ascii: "}"))
        return String(decoding: scratch, as: UTF8.self)
    }

    /// A raw string's text. Without escapes a JSON string holds no quote, backslash or control
    /// character, so its bytes go in as they are.
    private mutating func append(_ raw: JSONRawString, escaping: Bool, _ cursor: JSONCursor) {
        guard raw.escaped else {
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: cursor.bytes[raw.range]))
            return
        }
        let decoded = cursor.text(raw)
        guard escaping else {
            scratch.append(contentsOf: decoded.utf8)
            return
        }
        for byte in decoded.utf8 {
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: "\""): escape(byte)
            case UInt8(ascii: "\n"): escape(UInt8(ascii: "n"))
            case UInt8(ascii: "\r") where escapesControls: escape(UInt8(ascii: "r"))
            case UInt8(ascii: "\t") where escapesControls: escape(UInt8(ascii: "t"))
            case 0..<0x20 where escapesControls, 0x7F where escapesControls:
                escape(UInt8(ascii: "u"))
                scratch.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: "0"), Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 15)]])
            default: scratch.append(byte)
            }
        }
    }

    private mutating func escape(_ byte: UInt8) {
        scratch.append(UInt8(ascii: "\\"))
        scratch.append(byte)
    }

    private static let hex = Array("0123456789abcdef".utf8)
}
