/// Which limit a value crossed, or why there was nothing to compare.
package enum Breach: Sendable, Equatable {
    case upperSevere, upperWarning, lowerWarning, lowerSevere
    /// The source returned no results at all.
    case noValues
    /// The source returned a result without a usable value (null or NaN).
    case missingValue

    /// The text Pitometer writes in `breach`.
    package var text: String {
        switch self {
        case .upperSevere: return "upperSevere"
        case .upperWarning: return "upperWarning"
        case .lowerWarning: return "lowerWarning"
        case .lowerSevere: return "lowerSevere"
        case .noValues: return "The indicator returned no values"
        case .missingValue: return "The indicator returned no value for the current key"
        }
    }

    package var isSevere: Bool {
        switch self {
        case .upperSevere, .lowerSevere, .noValues, .missingValue: return true
        case .upperWarning, .lowerWarning: return false
        }
    }
}

/// One breached threshold (or missing value) of one result.
package struct Violation: Sendable, Equatable {
    package var breach: Breach
    /// The result's key; nil for `noValues`.
    package var key: String?
    /// The measured value; nil for `noValues` and `missingValue`.
    package var value: Double?
    /// The limit crossed; nil for `noValues` and `missingValue`.
    package var threshold: Double?
    /// The grading block's metadata, copied as Pitometer's grader does.
    package var metadata: Node?

    package init(breach: Breach, key: String? = nil, value: Double? = nil, threshold: Double? = nil, metadata: Node? = nil) {
        self.breach = breach
        self.key = key
        self.value = value
        self.threshold = threshold
        self.metadata = metadata
    }
}
