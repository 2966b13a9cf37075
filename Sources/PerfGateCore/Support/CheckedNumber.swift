/// Conversions of outside numbers that cannot trap. `Int(someDouble)` traps on NaN, infinity and
/// anything beyond ±9.2e18; every conversion of a number that came from outside goes through here.
package enum CheckedNumber {
    /// The whole number, or nil when it is not finite or does not fit an `Int`.
    package static func int(_ value: Double) -> Int? {
        guard value.isFinite, value > -9.223372036854775e18, value < 9.223372036854775e18 else { return nil }
        return Int(value)
    }

    /// The whole number, clamped into `range` (NaN counts as the lower bound).
    package static func clamped(_ value: Double, to range: ClosedRange<Int>) -> Int {
        if value.isNaN || value <= Double(range.lowerBound) { return range.lowerBound }
        if value >= Double(range.upperBound) { return range.upperBound }
        return Int(value)
    }
}
