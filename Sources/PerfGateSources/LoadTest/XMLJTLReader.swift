#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import PerfGateCore

/// Streams an XML JTL (`<testResults>` with `<httpSample>` and `<sample>` elements) in bounded
/// memory: the buffer holds one piece of markup at a time (at most 1 MiB), never the file. Only
/// top-level samples count: sub-samples nested in a sample are skipped, as the Jenkins Performance
/// Plugin does. Text, comments, CDATA and processing instructions are skipped.
struct XMLJTLReader {
    var chunkSize = 1 << 18
    var maxMarkupBytes = 1 << 20

    /// Calls `body` with each top-level sample's attributes (decoded) and its line.
    func read(file: UnsafeMutablePointer<FILE>, name path: String, _ body: ([String: String], Int) throws(SourceError) -> Void) throws(SourceError) {
        var buffer: [UInt8] = []
        var position = 0
        var atEOF = false
        var line = 1
        var depth = 0
        var chunk = [UInt8](repeating: 0, count: chunkSize)

        /// Makes sure `count` more bytes after `position` are buffered, if the file has them.
        func fill(_ count: Int) throws(SourceError) -> Bool {
            while buffer.count - position < count && !atEOF {
                if position > 0 {
                    buffer.removeFirst(position)
                    position = 0
                }
                let read = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
                if read == 0 {
                    if ferror(file) != 0 { throw SourceError("cannot read \(path): \(FileSystem.reason())") }
                    atEOF = true
                }
                buffer.append(contentsOf: chunk[0..<read])
            }
            return buffer.count - position >= count
        }

        /// The offset just past `terminator`, searching from `from`, reading more as needed.
        func find(_ terminator: [UInt8], from: Int, quotes: Bool) throws(SourceError) -> Int {
            var index = from
            var quote: UInt8?
            while true {
                while index + terminator.count <= buffer.count {
                    let byte = buffer[index]
                    if quotes, let open = quote {
                        if byte == open { quote = nil }
                    } else if quotes, byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                        quote = byte  // '>' may stand raw inside an attribute value
                    } else if buffer[index..<(index + terminator.count)].elementsEqual(terminator) {
                        return index + terminator.count
                    }
                    index += 1
                }
                guard buffer.count - position <= maxMarkupBytes else {
                    throw SourceError("\(path):\(line): a piece of markup longer than \(maxMarkupBytes >> 20) MiB; this is not an XML JTL, or it is cut")
                }
                let relative = index - position
                let before = buffer.count - position
                _ = try fill(before + chunkSize)
                index = position + relative
                if buffer.count - position == before {
                    throw SourceError("\(path):\(line): the file ends inside a piece of markup; it is cut or not an XML JTL")
                }
            }
        }

        while true {
            // Text up to the next '<' is skipped, counting its lines.
            while true {
                if position >= buffer.count, !(try fill(1)) { return }
                if buffer[position] == UInt8(ascii: "<") { break }
                if buffer[position] == UInt8(ascii: "\n") { line += 1 }
                position += 1
            }
            _ = try fill(9)
            let rest = buffer[position...]
            let end: Int
            if rest.starts(with: Array("<!--".utf8)) {
                end = try find(Array("-->".utf8), from: position + 4, quotes: false)
            } else if rest.starts(with: Array("<![CDATA[".utf8)) {
                end = try find(Array("]]>".utf8), from: position + 9, quotes: false)
            } else if rest.starts(with: Array("<?".utf8)) {
                end = try find(Array("?>".utf8), from: position + 2, quotes: false)
            } else if rest.starts(with: Array("<!".utf8)) {
                end = try find(Array(">".utf8), from: position + 2, quotes: false)
            } else {
                end = try find(Array(">".utf8), from: position + 1, quotes: true)
                let markup = Array(buffer[position..<end])
                if markup.count > 1, markup[1] == UInt8(ascii: "/") {
                    depth -= 1
                } else {
                    let selfClosing = markup.count > 2 && markup[markup.count - 2] == UInt8(ascii: "/")
                    let (name, attributes) = Self.tag(markup)
                    // Depth 1: directly inside <testResults>.
                    if depth == 1, name == "httpSample" || name == "sample" { try body(attributes, line) }
                    if depth == 0, name != "testResults" {
                        throw SourceError("\(path):\(line): the root element is <\(name)>, not <testResults>: this is not a JMeter XML JTL")
                    }
                    if !selfClosing { depth += 1 }
                }
            }
            line += buffer[position..<end].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            position = end
        }
    }

    /// A start tag's name and attributes, values decoded.
    static func tag(_ markup: [UInt8]) -> (String, [String: String]) {
        var index = 1
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        let nameStart = index
        while index < markup.count, !isSpace(markup[index]), markup[index] != UInt8(ascii: ">"), markup[index] != UInt8(ascii: "/") { index += 1 }
        let name = String(decoding: markup[nameStart..<index], as: UTF8.self)
        var attributes: [String: String] = [:]
        while index < markup.count {
            while index < markup.count, isSpace(markup[index]) { index += 1 }
            let keyStart = index
            while index < markup.count, markup[index] != UInt8(ascii: "="), !isSpace(markup[index]), markup[index] != UInt8(ascii: ">"), markup[index] != UInt8(ascii: "/") { index += 1 }
            let key = String(decoding: markup[keyStart..<index], as: UTF8.self)
            while index < markup.count, isSpace(markup[index]) || markup[index] == UInt8(ascii: "=") { index += 1 }
            guard index < markup.count, markup[index] == UInt8(ascii: "\"") || markup[index] == UInt8(ascii: "'") else {
                if key.isEmpty { index += 1 }
                continue
            }
            let quote = markup[index]
            index += 1
            let valueStart = index
            while index < markup.count, markup[index] != quote { index += 1 }
            attributes[key] = decoded(String(decoding: markup[valueStart..<min(index, markup.count)], as: UTF8.self))
            index += 1
        }
        return (name, attributes)
    }

    /// XML's five entities and numeric character references.
    static func decoded(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "amp": output += "&"
            case "lt": output += "<"
            case "gt": output += ">"
            case "quot": output += "\""
            case "apos": output += "'"
            default:
                let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let number, let scalar = Unicode.Scalar(number) { output.unicodeScalars.append(scalar) } else { output += "&" + entity + ";" }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return output + rest
    }
}
