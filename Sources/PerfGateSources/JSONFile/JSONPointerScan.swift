import PerfGateCore

/// Finds the value a JSON Pointer names in a JSON document's bytes without building the document:
/// every other value is skipped (its syntax still checked), so a large result file costs its own
/// bytes plus the value pointed at, not a tree of the whole file (about 29 times its size).
/// `JSONScanning` does the scanning.
package enum JSONPointerScan {
    /// The byte range of the value, nil when the pointer names nothing (the caller then explains
    /// with the whole document), or the syntax error that stopped the scan.
    package static func range(of pointer: JSONPointer, in body: [UInt8]) -> Result<Range<Int>?, JSONMalformed> {
        body.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(bytes: buffer)
            // A byte-order mark, as the document parser allows.
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { cursor.index = 3 }
            do throws(JSONMalformed) {
                let found = try cursor.locate(pointer.tokens[...])
                cursor.skipSpace()
                guard cursor.index == buffer.count else { throw cursor.fail("unexpected data after the document") }
                return .success(found)
            } catch {
                return .failure(error)
            }
        }
    }
}

extension JSONScanning {
    /// Scans the value here; returns the range of the one `tokens` leads to, if any.
    mutating func locate(_ tokens: ArraySlice<String>, depth: Int = 0) throws(Malformed) -> Range<Int>? {
        guard depth < 256 else { throw fail("nesting too deep") }
        skipSpace()
        guard let token = tokens.first else {
            let start = index
            try skipValue(depth: depth)
            return start..<index
        }
        var found: Range<Int>?
        switch peek {
        case UInt8(ascii: "{")?:
            try object { (parser, key) throws(Malformed) in
                // The last of duplicate keys wins, as in the document's lookup (and JSON.parse).
                if parser.text(key) == token {
                    found = try parser.locate(tokens.dropFirst(), depth: depth + 1)
                } else {
                    try parser.skipValue(depth: depth + 1)
                }
            }
        case UInt8(ascii: "[")?:
            let wanted = Int(token).flatMap { String($0) == token && $0 >= 0 ? $0 : nil }
            var position = 0
            try array { (parser) throws(Malformed) in
                if position == wanted {
                    found = try parser.locate(tokens.dropFirst(), depth: depth + 1)
                } else {
                    try parser.skipValue(depth: depth + 1)
                }
                position += 1
            }
        default:
            try skipValue(depth: depth)
        }
        return found
    }
}
