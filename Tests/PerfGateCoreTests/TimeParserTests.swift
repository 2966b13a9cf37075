import PerfGateCore
import Testing

@Suite struct TimeParserTests {
    let now = 1_714_565_400.0  // 2024-05-01T12:10:00Z

    @Test(arguments: [
        ("now", 1_714_565_400.0),
        ("now-15m", 1_714_564_500.0),
        ("NOW+1h30m", 1_714_570_800.0),
        ("now-90s", 1_714_565_310.0),
        ("1714564800", 1_714_564_800.0),
        ("1714564800.5", 1_714_564_800.5),
        ("1714564800123", 1_714_564_800.123),
        ("2024-05-01T12:00:00Z", 1_714_564_800.0),
        ("2024-05-01 12:00:00z", 1_714_564_800.0),
        ("2024-05-01T14:00:00.250+02:00", 1_714_564_800.25),
        ("2024-05-01T07:30:00-04:30", 1_714_564_800.0),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0),
        ("1970-01-01T00:00:00Z", 0.0)
    ])
    func parsesTimes(_ text: String, _ expected: Double) throws {
        let value = try TimeParser.parse(text, now: now)
        #expect(abs(value - expected) < 0.0005, "\(text) -> \(value)")
    }

    @Test(arguments: [
        "", "yesterday", "now-15", "now-15y", "now*2", "2024-05-01T12:00:00", "2024-13-01T00:00:00Z",
        "2023-02-29T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T12:00Z", "2024-05-01T12:00:00+2:00", "12:00"
    ])
    func rejectsWithAReadableMessage(_ text: String) {
        #expect(throws: TimeParseError.self) { try TimeParser.parse(text, now: now) }
    }

    /// Found by the fuzzer: formatting this trapped on a Double-to-Int overflow.
    @Test func rejectsTimesOutsideTheYears1To9999() {
        #expect(throws: TimeParseError("'999977777777777777777777777' is out of range: times must fall between the years 1 and 9999")) {
            try TimeParser.parse("999977777777777777777777777", now: now)
        }
        #expect(throws: TimeParseError.self) { try TimeParser.parse("now+100000000w", now: now) }
        #expect(CivilDate.rfc3339(.infinity) == "9999-12-31T23:59:59Z")
        #expect(CivilDate.rfc3339(.nan) == "1970-01-01T00:00:00Z")
    }

    @Test func explainsAMissingZone() {
        #expect(throws: TimeParseError("'2024-05-01T12:00:00' has no time zone: add Z for UTC or an offset such as +02:00")) {
            try TimeParser.parse("2024-05-01T12:00:00", now: now)
        }
    }

    @Test func parsesDurations() throws {
        #expect(try TimeParser.parseDuration("1h30m") == 5400)
        #expect(try TimeParser.parseDuration("250ms") == 0.25)
        #expect(try TimeParser.parseDuration("1.5h") == 5400)
        #expect(try TimeParser.parseDuration("2d") == 172_800)
    }

    @Test func formatsRFC3339InUTC() {
        #expect(CivilDate.rfc3339(1_714_564_800) == "2024-05-01T12:00:00Z")
        #expect(CivilDate.rfc3339(1_714_564_800.25) == "2024-05-01T12:00:00.250Z")
        #expect(CivilDate.rfc3339(0) == "1970-01-01T00:00:00Z")
        #expect(CivilDate.rfc3339(-1) == "1969-12-31T23:59:59Z")
        #expect(CivilDate.rfc3339(951_782_400) == "2000-02-29T00:00:00Z")
    }

    @Test func roundTripsEveryDayForFourCenturies() throws {
        var day = -146_097
        while day < 146_097 {
            let (year, month, dayOfMonth) = CivilDate.civil(fromDays: day)
            #expect(CivilDate.daysFromEpoch(year: year, month: month, day: dayOfMonth) == day)
            day += 37
        }
    }
}
