import PerfGateCore
import Testing

/// Keptn's SLI placeholders (`keptn-quality-gates.md` §4).
@Suite struct SLIPlaceholdersTests {
    let window = Window(start: 1_714_564_800, end: 1_714_564_829.2)

    @Test func fillsFiltersContextLabelsAndTheDuration() {
        let placeholders = SLIPlaceholders(
            filter: ["handler": "'/cart'", "service": "\"checkout\""], variables: ["STAGE": "prod", "LABEL.build": "42", "REGION": "eu"],
            environment: ["PERFGATE_PROJECT": "shop", "KEPTN_PROJECT": "ignored", "KEPTN_DEPLOYMENT": "canary"], window: window)
        let query =
            #"rate(x{handler="$handler",h2="$HANDLER",svc="$SERVICE",p="$PROJECT",s="$STAGE",d="$DEPLOYMENT",b="$LABEL.build",r="$REGION"}[$DURATION_SECONDS])"#
        #expect(
            placeholders.fill(query)
                == #"rate(x{handler="/cart",h2="/cart",svc="checkout",p="shop",s="prod",d="canary",b="42",r="eu"}[30s])"#)
    }

    @Test func filtersWinOverContextValues() {
        let placeholders = SLIPlaceholders(filter: ["service": "cart"], variables: ["SERVICE": "checkout"], environment: [:], window: nil)
        #expect(placeholders.fill("$SERVICE $service") == "cart cart")
    }

    @Test func longerNamesAreReplacedFirst() {
        // Keptn's plain replacement would turn $service_name into checkout_name.
        let placeholders = SLIPlaceholders(filter: ["service": "checkout", "service_name": "Checkout"], variables: [:], environment: [:], window: nil)
        #expect(placeholders.fill("$service_name/$service") == "Checkout/checkout")
    }

    @Test func reportsWhatIsLeft() {
        let placeholders = SLIPlaceholders(filter: [:], variables: [:], environment: [:], window: nil)
        let filled = placeholders.fill(#"label_replace(x{s="$SERVICE",b="$LABEL.build."}, "a", "$1", "b", "(.*)")[$DURATION_SECONDS] $custom"#)
        let (errors, others) = placeholders.unresolved(in: filled)
        #expect(errors == ["$SERVICE", "$LABEL.build", "$DURATION_SECONDS"])
        #expect(others == ["$custom"])
        #expect(SLIPlaceholders.hint(for: "$SERVICE") == "give --var SERVICE=VALUE, set PERFGATE_SERVICE, or add 'service' to the slo.yaml filter")
    }
}
