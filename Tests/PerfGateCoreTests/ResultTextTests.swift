import PerfGateCore
import Testing

@Suite struct ResultTextTests {
    @Test func formatsDurations() {
        #expect(ResultText.duration(0.5) == "0.5s")
        #expect(ResultText.duration(600.5) == "10m 1s")
        #expect(ResultText.duration(3720) == "1h 2m")
    }

    @Test func formatsNumbersForPeople() {
        #expect(NumberText.format(1234.5678) == "1234.6")
        #expect(NumberText.format(0.123456) == "0.1235")
        #expect(NumberText.precise(0.1234567) == "0.123457")
        #expect(NumberText.format(.infinity) == "+Inf")
    }

    @Test func describesViolations() {
        let violation = Violation(breach: .upperSevere, key: "checkout", value: 612, threshold: 500)
        #expect(ResultText.describe(violation) == "checkout: 612 >= upperSevere 500")
    }
}
