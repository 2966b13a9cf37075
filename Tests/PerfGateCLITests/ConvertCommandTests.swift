import Foundation
import PerfGateCore
import PerfGateTestSupport
import Testing

/// `perfgate convert`: configs in the shapes Kayenta's and Argo Rollouts' repositories and
/// documentation use (written here after them, not copied), converted to specs that validate and
/// run, with what could not be carried over said on stderr.
@Suite struct ConvertCommandTests {
    /// The shape of spinnaker/kayenta's kayenta-integration-tests/src/test/resources/preview/
    /// canary-config-prometheus-cpu-only.json (a metricName with a customFilterTemplate, templates,
    /// classifier.groupWeights and scoreThresholds) and scratch/newrelic_adhoc_canary.json (an
    /// adhoc request's canaryConfig with New Relic select and q), with a PromQL: inline template
    /// and an unsupported store added.
    static let kayenta = """
        {"canaryConfig": {
          "name": "checkout-canary", "judge": {"name": "NetflixACAJudge-v1.0", "judgeConfigurations": {}},
          "metrics": [
            {"name": "CPU usage", "query": {"type": "prometheus", "metricName": "container_cpu_usage", "customFilterTemplate": "pods",
              "labelBindings": ["container='app'"], "groupByFields": ["pod"]},
             "analysisConfigurations": {"canary": {"critical": true, "direction": "increase", "effectSize": {"allowedIncrease": 1.2}}},
             "groups": ["system"], "scopeName": "default"},
            {"name": "p99 latency", "query": {"type": "prometheus", "customInlineTemplate": "PromQL:histogram_quantile(0.99, sum by (le) (rate(http_seconds_bucket{pod=~\\"${scope}\\"}[1m])))"},
             "analysisConfigurations": {"canary": {"direction": "increase", "outliers": {"strategy": "remove", "outlierFactor": 3}}},
             "groups": ["latency"], "scopeName": "default"},
            {"name": "error rate", "query": {"type": "newrelic", "select": "count(*) FROM Transaction", "q": "httpResponseCode >= '500'"},
             "groups": ["errors"], "analysisConfigurations": {}, "scopeName": "default"},
            {"name": "disk", "query": {"type": "stackdriver", "metricType": "compute.googleapis.com/instance/disk/read_bytes_count"}, "groups": ["system"]}
          ],
          "templates": {"pods": "namespace='${namespace}', pod_name=~'${scope}'"},
          "classifier": {"groupWeights": {"system": 30, "latency": 50, "errors": 20}, "scoreThresholds": {"marginal": 60, "pass": 90}}
        }}
        """

    /// The shape of argoproj/argo-rollouts' docs/analysis/prometheus.md (args, successCondition
    /// `result[0] >= 0.95`, interval and failureLimit, a range query with `all(result, # < 1000)`)
    /// and examples/analysis-templates.yaml (several documents, a job provider), with a dryRun.
    static let argo = """
        # two templates in one file, as the examples keep them
        ---
        kind: AnalysisTemplate
        apiVersion: argoproj.io/v1alpha1
        metadata: {name: smoke}
        spec:
          metrics:
          - name: smoke
            provider: {job: {spec: {template: {spec: {containers: [{name: t, image: alpine, args: [exit 0]}], restartPolicy: Never}}}}}
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: AnalysisTemplate
        metadata: {name: success-rate}
        spec:
          args:
          - name: service-name
          dryRun:
          - metricName: latency
          metrics:
          - name: success-rate
            interval: 5m
            successCondition: result[0] >= 0.95
            failureLimit: 3
            provider:
              prometheus:
                address: http://prometheus.example.test:9090
                query: |
                  sum(irate(requests_total{service=~"{{args.service-name}}",code!~"5.*"}[5m])) / sum(irate(requests_total{service=~"{{args.service-name}}"}[5m]))
          - name: latency
            successCondition: "all(result, # < 1000)"
            provider:
              prometheus:
                address: http://prometheus.example.test:9090
                query: http_latency_ms{service="{{args.service-name}}"}
          - name: errors
            failureCondition: result[0] >= 5
            provider:
              newRelic:
                query: SELECT count(*) FROM Transaction WHERE appName = '{{args.service-name}}' AND httpResponseCode >= 500
        """

    @Test func aKayentaConfigBecomesCanaryIndicatorsWithItsGroupsAndThresholds() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.kayenta, to: folder + "/config.json")
        let run = try await InProcess.run(["convert", "kayenta", "config.json", "--output", "spec.json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let spec = try JSONParser.parse(Fixtures.read(folder + "/spec.json"))
        let indicators = spec["indicators"]?.items ?? []
        #expect(indicators.map { $0["id"]?.stringValue ?? "" } == ["CPU_usage", "p99_latency", "error_rate"])
        #expect(
            indicators[0]["query"]?.stringValue
                == "avg(container_cpu_usage{namespace='$NAMESPACE', pod_name=~'$CANARY_SCOPE',container='app'}) by (pod)")
        #expect(
            indicators[0]["baseline"]?.stringValue
                == "avg(container_cpu_usage{namespace='$NAMESPACE', pod_name=~'$BASELINE_SCOPE',container='app'}) by (pod)")
        #expect(indicators[0]["grading"]?["critical"]?.boolValue == true && indicators[0]["group"]?.stringValue == "system")
        #expect(
            indicators[1]["query"]?.stringValue == #"histogram_quantile(0.99, sum by (le) (rate(http_seconds_bucket{pod=~"$CANARY_SCOPE"}[1m])))"#)
        #expect(indicators[2]["source"]?.stringValue == "newrelic")
        #expect(
            indicators[2]["query"]?.stringValue
                == "SELECT count(*) FROM Transaction WHERE httpResponseCode >= '500' AND $SCOPE_KEY LIKE '$CANARY_SCOPE'")
        #expect(spec["scoring"]?["groupWeights"]?["latency"]?.numberValue == 50)
        #expect(spec["objectives"]?["pass"]?.numberValue == 90 && spec["objectives"]?["warning"]?.numberValue == 60)
        #expect(run.stderr.contains("disk: a stackdriver query; perfgate has no stackdriver source, so the metric is left out"))
        #expect(run.stderr.contains("--var CANARY_SCOPE="))
        // The spec is valid once its placeholders are given.
        let variables = [
            "--var", "CANARY_SCOPE=app-canary", "--var", "BASELINE_SCOPE=app-stable", "--var", "NAMESPACE=shop", "--var", "SCOPE_KEY=pod"
        ]
        let valid = try await InProcess.run(["validate", "--spec", "spec.json"] + variables, in: folder)
        #expect(valid.status == 0, "\(valid.stderr)")
    }

    @Test func anArgoTemplateBecomesThresholdsWithItsArgsAndDryRun() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.argo, to: folder + "/template.yaml")
        let run = try await InProcess.run(["convert", "argo", "template.yaml"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        try Fixtures.write(run.stdout, to: folder + "/spec.json")
        let spec = try JSONParser.parse(Array(run.stdout.utf8))
        let indicators = spec["indicators"]?.items ?? []
        #expect(indicators.map { $0["id"]?.stringValue ?? "" } == ["success_rate", "latency", "errors"])
        #expect(indicators[0]["query"]?.stringValue?.contains(#"service=~"$SERVICE_NAME""#) == true)
        #expect(indicators[0]["grading"]?["thresholds"]?["lowerSevere"]?.numberValue == 0.95)
        #expect(indicators[1]["grading"]?["thresholds"]?["upperSevere"]?.numberValue == 1000 && indicators[1]["dryRun"]?.boolValue == true)
        #expect(indicators[2]["source"]?.stringValue == "newrelic" && indicators[2]["grading"]?["thresholds"]?["upperSevere"]?.numberValue == 5)
        #expect(spec["sources"]?["prometheus"]?["url"]?.stringValue == "http://prometheus.example.test:9090")
        #expect(spec["objectives"]?["pass"]?.numberValue == 2)
        #expect(run.stderr.contains("success-rate: interval, failureLimit not carried over"))
        #expect(run.stderr.contains("perfgate's limit fails at 0.95 itself"))
        #expect(run.stderr.contains("--var SERVICE_NAME=…"))
        let valid = try await InProcess.run(["validate", "--spec", "spec.json", "--var", "SERVICE_NAME=checkout"], in: folder)
        #expect(valid.status == 0, "\(valid.stderr)")
    }

    @Test func aFileThatIsNoSuchConfigOrAnUnknownKindIsSaid() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write("{\"indicators\": []}", to: folder + "/spec.json")
        let wrong = try await InProcess.run(["convert", "kayenta", "spec.json"], in: folder)
        #expect(wrong.status == 65 && wrong.stderr.contains("not a Kayenta canary config"))
        let argo = try await InProcess.run(["convert", "argo", "spec.json"], in: folder)
        #expect(argo.status == 65 && argo.stderr.contains("not an Argo Rollouts AnalysisTemplate"))
        let kind = try await InProcess.run(["convert", "flagger", "spec.json"], in: folder)
        #expect(kind.status == 64 && kind.stderr.contains("the kind must be kayenta or argo"))
    }
}
