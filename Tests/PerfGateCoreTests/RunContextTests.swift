import PerfGateCore
import Testing

@Suite struct RunContextTests {
    @Test func variablesThenPerfgateThenKeptnVariablesAndTheFilterWins() {
        let environment = ["PERFGATE_STAGE": "staging", "KEPTN_STAGE": "ignored", "KEPTN_PROJECT": "shop", "PERFGATE_DEPLOYMENT": "canary"]
        #expect(RunContext.of(variables: ["SERVICE": "cart"], environment: environment) == ["service": "cart", "stage": "staging", "project": "shop"])
        #expect(RunContext.of(variables: ["SERVICE": "cart"], environment: [:], filter: ["service": "'checkout'"]) == ["service": "checkout"])
    }

    /// Keptn's placeholders follow the same rules, so the context is what `$SERVICE` said.
    @Test func agreesWithKeptnsPlaceholders() {
        let variables = ["SERVICE": "cart", "STAGE": "dev"]
        let environment = ["KEPTN_PROJECT": "shop"]
        let filter = ["stage": "\"prod\""]
        let placeholders = SLIPlaceholders(filter: filter, variables: variables, environment: environment, window: nil)
        let context = RunContext.of(variables: variables, environment: environment, filter: filter)
        for (name, value) in context { #expect(placeholders.values["$" + name.uppercased()] == value) }
        #expect(context.count == 3)
    }
}
