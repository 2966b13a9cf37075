extension SpecDecoder {
    /// The absolute limits, and the relative ones (`upperSeverePerc`, …) when any is given.
    func decodeThresholds(_ node: Node, at path: SpecPath, into diagnostics: inout [Diagnostic]) -> (absolute: Thresholds, relative: Thresholds?)? {
        guard MemberReader(node, at: path, known: Thresholds.keys + Self.relativeThresholdKeys, into: &diagnostics) != nil else {
            return nil
        }
        var thresholds = Thresholds()
        var relative = Thresholds()
        for member in node.members ?? [] {
            let memberPath = path.appending(member.key)
            if Self.relativeThresholdKeys.contains(member.key) {
                let key = String(member.key.dropLast(4))
                switch member.value.value {
                case .number(let number) where number.isFinite && number >= 0:
                    relative[key] = number
                default:
                    diagnostics.append(
                        .error(
                            memberPath, member.value.location,
                            "'\(member.key)' must be a percentage of the compared value (a number, 0 or more), found \(member.value.typeName)"))
                }
                continue
            }
            guard Thresholds.keys.contains(member.key) else { continue }
            switch member.value.value {
            case .number(let number) where number.isFinite:
                thresholds[member.key] = number
            case .string(let text) where Double(text.trimmingSpaces())?.isFinite == true:
                thresholds[member.key] = Double(text.trimmingSpaces())
                diagnostics.append(
                    .warning(memberPath, member.value.location, "threshold '\(member.key)' is the string \"\(text)\"; write it as a number"))
            case .null:
                diagnostics.append(
                    .warning(memberPath, member.value.location, "threshold '\(member.key)' is null and is not checked; remove it or give a number"))
            default:
                diagnostics.append(
                    .error(memberPath, member.value.location, "threshold '\(member.key)' must be a number, found \(member.value.typeName)"))
            }
        }
        if let lower = thresholds.lowerSevere, let warning = thresholds.lowerWarning, lower > warning {
            diagnostics.append(
                .warning(
                    path, node.location,
                    "lowerSevere (\(JSONWriter.format(lower))) is above lowerWarning (\(JSONWriter.format(warning))): lowerWarning can never fire"))
        }
        if let upper = thresholds.upperSevere, let warning = thresholds.upperWarning, upper < warning {
            diagnostics.append(
                .warning(
                    path, node.location,
                    "upperSevere (\(JSONWriter.format(upper))) is below upperWarning (\(JSONWriter.format(warning))): upperWarning can never fire"))
        }
        return (thresholds, relative == Thresholds() ? nil : relative)
    }

    /// A warning for a threshold grading that no value can breach: it has no limit left (every
    /// key unknown, misspelt or null). Its unknown keys are named, with the key each may mean. An
    /// indicator with only relative limits is the engine's to judge, which knows whether there
    /// are runs to compare with.
    static func noLimitReason(_ node: Node) -> String {
        let known = Thresholds.keys + relativeThresholdKeys
        let unknown = (node.members ?? []).map(\.key).filter { !known.contains($0) }
        let why = unknown.map { key in
            "'\(key)' is not a threshold key" + (Suggestion.closest(to: key, in: known).map { "; did you mean '\($0)'?" } ?? "")
        }
        return "it has no thresholds" + (why.isEmpty ? "" : " (" + why.joined(separator: "; ") + ")")
    }

    static func neverFails(id: String, grading: Grading, at path: SpecPath, location: TextLocation?) -> [Diagnostic] {
        guard let why = grading.neverFails(hasHistory: true) else { return [] }
        return [.warning(path, location, "'\(id)' can never fail: \(why); give upperSevere, upperWarning, lowerWarning or lowerSevere")]
    }
}
