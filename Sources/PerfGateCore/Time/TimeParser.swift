/// A time or duration that could not be read.
package struct TimeParseError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// Reads the times perfgate accepts on its command line and in window files:
///
/// ```
/// time     = "now" [ ("+" | "-") duration ]       ; relative to the injected clock
///          | seconds                              ; Unix seconds, e.g. 1700000000 or 1700000000.5
///          | rfc3339                              ; 2024-05-01T12:00:00Z, 2024-05-01T14:00:00.250+02:00
/// duration = 1*( number unit )                    ; 15m, 1h30m, 90s, 1.5h
/// unit     = "ms" | "s" | "m" | "h" | "d" | "w"
/// ```
/// A plain number of 13 or more digits is taken as milliseconds (what `date +%s%3N` and JMeter write).
package enum TimeParser {
    /// 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z: the years RFC 3339 can write.
    package static let validRange = -62_135_596_800.0...253_402_300_799.0

    package static func parse(_ text: String, now: Double) throws(TimeParseError) -> Double {
        let value = try parseUnchecked(text, now: now)
        guard validRange.contains(value) else {
            throw TimeParseError("'\(text)' is out of range: times must fall between the years 1 and 9999")
        }
        return value
    }

    static func parseUnchecked(_ text: String, now: Double) throws(TimeParseError) -> Double {
        let input = text.trimmingSpaces()
        guard !input.isEmpty else { throw TimeParseError("empty time") }
        if input.lowercased().hasPrefix("now") {
            let rest = input.dropFirst(3)
            if rest.isEmpty { return now }
            let sign: Double
            switch rest.first {
            case "-": sign = -1
            case "+": sign = 1
            default: throw TimeParseError("'\(text)' is not a time: after 'now' write +DURATION or -DURATION, e.g. now-15m")
            }
            return now + sign * (try parseDuration(String(rest.dropFirst())))
        }
        if input.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) {
            guard let seconds = Double(input) else { throw TimeParseError("'\(text)' is not a valid number of seconds") }
            let digits = input.prefix { $0 != "." }.count
            return digits >= 13 ? seconds / 1000 : seconds
        }
        return try parseRFC3339(input)
    }

    /// Seconds in a duration such as `15m`, `1h30m`, `90s`, `250ms` or `1.5h`.
    package static func parseDuration(_ text: String) throws(TimeParseError) -> Double {
        let input = Array(text.trimmingSpaces().lowercased().unicodeScalars)
        guard !input.isEmpty else { throw TimeParseError("empty duration") }
        var index = 0
        var total = 0.0
        while index < input.count {
            let numberStart = index
            while index < input.count, ("0"..."9").contains(input[index]) || input[index] == "." { index += 1 }
            guard index > numberStart, let amount = Double(String(String.UnicodeScalarView(input[numberStart..<index]))) else {
                throw TimeParseError("'\(text)' is not a duration: expected a number such as 15m, 1h30m or 90s")
            }
            let unitStart = index
            while index < input.count, ("a"..."z").contains(input[index]) { index += 1 }
            let unit = String(String.UnicodeScalarView(input[unitStart..<index]))
            let factor: Double
            switch unit {
            case "ms": factor = 0.001
            case "s": factor = 1
            case "m": factor = 60
            case "h": factor = 3600
            case "d": factor = 86400
            case "w": factor = 604_800
            case "": throw TimeParseError("'\(text)' needs a unit: ms, s, m, h, d or w (e.g. 15m)")
            default: throw TimeParseError("'\(text)' has an unknown unit '\(unit)': use ms, s, m, h, d or w")
            }
            total += amount * factor
        }
        guard total.isFinite, total < 1e12 else { throw TimeParseError("'\(text)' is too long a duration") }
        return total
    }

    /// RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; a space may replace the `T`.
    package static func parseRFC3339(_ text: String) throws(TimeParseError) -> Double {
        var text = text
        let result: Result<Double, TimeParseError> = text.withUTF8 { bytes in
            do throws(TimeParseError) { return .success(try parseRFC3339(bytes: bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The same from UTF-8 bytes, for readers that meet a time on every line (k6 point streams).
    package static func parseRFC3339(bytes chars: UnsafeBufferPointer<UInt8>) throws(TimeParseError) -> Double {
        var text: String { String(decoding: chars, as: UTF8.self) }
        var invalid: TimeParseError { TimeParseError("'\(text)' is not a time: use RFC 3339 (2024-05-01T12:00:00Z), Unix seconds or now-15m") }
        var index = 0
        func digits(_ count: Int) throws(TimeParseError) -> Int {
            guard index + count <= chars.count else { throw invalid }
            var value = 0
            for _ in 0..<count {
                let byte = chars[index]
                guard byte >= 48 && byte <= 57 else { throw invalid }
                value = value * 10 + Int(byte - 48)
                index += 1
            }
            return value
        }
        func expect(_ options: String) throws(TimeParseError) {
            guard index < chars.count, options.utf8.contains(chars[index]) else { throw invalid }
            index += 1
        }
        let year = try digits(4); try expect("-")
        let month = try digits(2); try expect("-")
        let day = try digits(2); try expect("Tt ")
        let hour = try digits(2); try expect(":")
        let minute = try digits(2); try expect(":")
        let second = try digits(2)
        var fraction = 0.0
        if index < chars.count, chars[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
                fraction += Double(chars[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { throw invalid }
        }
        var offset = 0
        guard index < chars.count else {
            throw TimeParseError("'\(text)' has no time zone: add Z for UTC or an offset such as +02:00")
        }
        switch chars[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"): index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = chars[index] == UInt8(ascii: "+") ? 1 : -1
            index += 1
            let hours = try digits(2); try expect(":")
            let minutes = try digits(2)
            guard hours < 24, minutes < 60 else { throw invalid }
            offset = sign * (hours * 3600 + minutes * 60)
        default: throw invalid
        }
        guard index == chars.count else { throw invalid }
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year),
            hour < 24, minute < 60, second <= 60
        else {
            throw TimeParseError("'\(text)' is not a valid calendar date and time")
        }
        let days = CivilDate.daysFromEpoch(year: year, month: month, day: day)
        return Double(days * 86400 + hour * 3600 + minute * 60 + second - offset) + fraction
    }
}

/// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days_from_civil), UTC only.
package enum CivilDate {
    package static func daysFromEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    package static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    package static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `2024-05-01T12:00:00Z`, with milliseconds only when the time has them.
    package static func rfc3339(_ value: Double) -> String {
        // Clamped, so no value (even one that never came from a parser) can trap the conversion.
        let seconds = value.isNaN ? 0 : min(max(value, TimeParser.validRange.lowerBound), TimeParser.validRange.upperBound)
        let whole = seconds.rounded(.down)
        let millis = Int(((seconds - whole) * 1000).rounded())
        let total = Int(whole) + millis / 1000
        let days = total >= 0 ? total / 86400 : (total - 86399) / 86400
        let secondOfDay = total - days * 86400
        let (year, month, day) = civil(fromDays: days)
        func pad(_ value: Int, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(year, 4))-\(pad(month))-\(pad(day))T\(pad(secondOfDay / 3600)):\(pad(secondOfDay / 60 % 60)):\(pad(secondOfDay % 60))"
        if millis % 1000 != 0 { text += "." + pad(millis % 1000, 3) }
        return text + "Z"
    }
}
