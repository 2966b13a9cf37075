import PerfGateCore
import Testing

@testable import PerfGateSources

@Suite struct PlaceholdersTests {
    let window = Window(start: 1_714_564_800, end: 1_714_565_400)

    @Test func fillsWindowAndUserValues() throws {
        let text = "rate(x{service=\"$SERVICE\",env=\"${ENV}\"}[$DURATION]) + $DURATION_SECONDS + $DURATION_MINUTES @ $END - $START"
        #expect(
            try Placeholders.fill(text, variables: ["SERVICE": "checkout", "ENV": "prod"], window: window)
                == "rate(x{service=\"checkout\",env=\"prod\"}[600s]) + 600s + 10m @ 1714565400 - 1714564800")
    }

    @Test func leavesPromQLDollarsAlone() throws {
        let text = "label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)$\") and ${ and $ and $-x"
        #expect(Placeholders.names(in: text).isEmpty)
        #expect(try Placeholders.fill(text, variables: [:], window: nil) == text)
    }

    @Test func anUnknownNameIsAnError() {
        #expect(throws: SourceError("the query uses $SERVICE, which has no value: define it with --var SERVICE=VALUE")) {
            try Placeholders.fill("x{s=\"$SERVICE\"}", variables: [:], window: nil)
        }
        #expect(throws: SourceError("the query uses $DURATION, which has no value: give --start (and --end)")) {
            try Placeholders.fill("x[$DURATION]", variables: [:], window: nil)
        }
    }

    @Test func validationNamesEachProblem() {
        let context = ValidationContext(variables: ["SERVICE"], hasWindow: false)
        let diagnostics = Placeholders.diagnostics("$SERVICE $ENV $DURATION $ENV", at: .root, location: nil, context: context)
        #expect(
            diagnostics.map(\.message) == [
                "unknown placeholder $ENV: define it with --var ENV=VALUE or in the spec's 'variables'",
                "$DURATION needs the load test's window: give --start (and --end)"
            ])
        #expect(Placeholders.diagnostics("$DURATION", at: .root, location: nil, context: ValidationContext()).isEmpty)
    }
}
