/// The window file `perfgate mark start` and `mark stop` write: `{"start": "…Z", "end": "…Z"}`.
package struct WindowFile: Sendable, Equatable {
    package var start: Double?
    package var end: Double?

    package init(start: Double? = nil, end: Double? = nil) {
        self.start = start
        self.end = end
    }

    /// `.perfgate/window.json` under the workspace; in a CI run, `.perfgate/window-<run>.json`, so
    /// two pipelines sharing a workspace (a self-hosted agent) never read each other's window.
    package static func defaultPath(workspace: String, run: String? = nil) -> String {
        guard let run else { return Path.resolve(".perfgate/window.json", against: workspace) }
        let safe = String(
            run.unicodeScalars.map { scalar -> Character in
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "."
                    ? Character(scalar) : "_"
            })
        return Path.resolve(".perfgate/window-\(safe).json", against: workspace)
    }

    /// The file's times; nil when there is no file. Throws a message for a file that is not one.
    package static func read(_ path: String) throws(FileError) -> WindowFile? {
        guard FileSystem.exists(path) else { return nil }
        return try parse(try FileSystem.read(path, limit: 1 << 20), path: path)
    }

    /// A window file's bytes; `path` names it in messages. Every time is checked against the range
    /// `--start` and `--end` accept, so no later arithmetic on it can overflow.
    package static func parse(_ bytes: [UInt8], path: String) throws(FileError) -> WindowFile {
        guard let node = try? JSONParser.parse(bytes), node.members != nil else {
            throw FileError(path: path, reason: "is not a perfgate window file (expected {\"start\": …, \"end\": …})", invalid: true)
        }
        func time(_ key: String) throws(FileError) -> Double? {
            guard let value = node[key], !value.isNull else { return nil }
            if let number = value.numberValue {
                // The same range as --start and --end: a hand-edited -1e300 must not reach the clock arithmetic.
                guard TimeParser.validRange.contains(number) else {
                    throw FileError(
                        path: path, reason: "'\(key)' (\(JSONWriter.format(number))) is out of range: times must fall between the years 1 and 9999",
                        invalid: true)
                }
                return number
            }
            guard let text = value.stringValue, let seconds = try? TimeParser.parseRFC3339(text) else {
                throw FileError(path: path, reason: "'\(key)' is not an RFC 3339 time", invalid: true)
            }
            return seconds
        }
        return WindowFile(start: try time("start"), end: try time("end"))
    }

    package func write(to path: String) throws(FileError) {
        var pairs: [(String, Node)] = []
        if let start { pairs.append(("start", .string(CivilDate.rfc3339(start)))) }
        if let end { pairs.append(("end", .string(CivilDate.rfc3339(end)))) }
        try FileSystem.writeAtomically(JSONWriter.write(.object(pairs), pretty: true) + "\n", to: path)
    }
}
