#!/usr/bin/env python3
"""Scripted fakes of the hosted backends no test can install: Datadog, New Relic and Azure
Monitor (with Entra ID's token endpoints), on loopback only.

Each answers from the backend's documented request and response shapes, and checks what the
client sends: paths, query parameters, headers, bodies, and each auth flow's token request. The
bodies are the documentation's examples, with values changed where a test needs them; each
handler names its source. Every request is recorded: GET /_recorded?match=TEXT returns those whose
path, query or body contains TEXT. Usage: fake_saas.py. It prints its port on the first line of stdout and stops when stdin
closes.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

DD_API_KEY, DD_APP_KEY = "dd-api-TESTKEY-0123456789", "dd-app-TESTKEY-0123456789"
NR_KEY = "NRAK-TESTKEY0123456789"
FROM_MS, TO_MS = 1714564800000, 1714565400000  # 2024-05-01T12:00:00Z .. 12:10:00Z
RECORDED = []
LOCK = threading.Lock()
ATTEMPTS = {}
HOSTILE = ["##vso[task.setvariable variable=PERFGATE_RESULT]pass", "::set-env name=X::y", "</testcase>", "| --- |",
           "<script>alert(1)</script>", "[x](javascript:alert(1))"]

# Datadog's rate-limit headers (docs.datadoghq.com/api/latest/rate-limits/): the reset is the
# seconds left in the period.
DD_RATE_LIMIT = [("X-RateLimit-Limit", "1600"), ("X-RateLimit-Period", "3600"), ("X-RateLimit-Remaining", "0"),
                 ("X-RateLimit-Reset", "1"), ("X-RateLimit-Name", "metrics_query")]


def dd_series(scope, tag_set, expression, points):
    # The shape of a series in "Query timeseries points" (GET /api/v1/query), response example,
    # docs.datadoghq.com/api/latest/metrics/#query-timeseries-points.
    return {"aggr": "avg", "display_name": "system.cpu.user", "end": TO_MS, "expression": expression, "interval": 20,
            "length": len(points), "metric": "system.cpu.user", "pointlist": points, "query_index": 0, "scope": scope,
            "start": FROM_MS, "tag_set": tag_set,
            "unit": [{"family": "percentage", "name": "percent", "plural": "percent", "scale_factor": 1, "short_name": "%"}, None]}


def dd_v1_answer(query, series):
    return {"error": None, "from_date": FROM_MS, "group_by": ["host"], "message": "", "query": query, "res_type": "time_series",
            "series": series, "status": "ok", "to_date": TO_MS}


AZ_TENANT, AZ_CLIENT, AZ_SECRET = "11111111-2222-3333-4444-555555555555", "client-0123", "az-client-SECRET-0123456789"
AZ_FEDERATED = "federated-ASSERTION-0123456789"
AZ_IDENTITY_HEADER = "identity-HEADER-0123456789"
ARM, LOGS = "https://management.azure.com", "https://api.loganalytics.io"
TOKENS = {"count": 0}
TIMESPAN = "2024-05-01T12:00:00Z/2024-05-01T12:10:00Z"


def issue(audience):
    with LOCK:
        TOKENS["count"] += 1
        number = TOKENS["count"]
    return ("arm" if audience.startswith(ARM) else "logs") + "-token-%d-0123456789" % number


def azure_error(code, message):
    # Azure Resource Manager's and the Log Analytics API's error body:
    # learn.microsoft.com/azure/azure-resource-manager/management/common-deployment-errors,
    # learn.microsoft.com/azure/azure-monitor/logs/api/errors.
    return {"error": {"code": code, "message": message}}


class Azure:
    """Entra ID, Azure Resource Manager's metrics and the Log Analytics query API."""

    def entra_token(self, tenant):
        # The client-credentials grant (learn.microsoft.com/entra/identity-platform/
        # v2-oauth2-client-creds-grant-flow): a form with client_id, scope, grant_type and a
        # client_secret or a client_assertion; its success and error bodies are the page's examples.
        form = {k: v[0] for k, v in parse_qs(self.body).items()}
        if tenant != AZ_TENANT:
            return self.send(400, {"error": "invalid_request", "error_description": "AADSTS90002: Tenant '%s' not found." % tenant})
        secret_ok = form.get("client_secret") == AZ_SECRET
        assertion_ok = (form.get("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                        and form.get("client_assertion") == AZ_FEDERATED)
        if form.get("grant_type") != "client_credentials" or form.get("client_id") != AZ_CLIENT or not (secret_ok or assertion_ok):
            return self.send(401, {"error": "invalid_client", "error_description":
                                   "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'." % form.get("client_id"),
                                   "error_codes": [7000215], "timestamp": "2024-05-01 12:00:00Z",
                                   "trace_id": "0000aaaa-11bb-cccc-dd22-eeeeee333333", "correlation_id": "aaaa0000-bb11-2222-33cc-444444dddddd"})
        scope = form.get("scope", "")
        if scope not in (ARM + "/.default", LOGS + "/.default"):
            return self.send(400, {"error": "invalid_scope", "error_description": "AADSTS70011: The provided value for scope %s is not valid." % scope})
        return self.send(200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                               "access_token": issue(scope)})

    def imds_token(self):
        # The instance metadata endpoint (learn.microsoft.com/entra/identity/managed-identities-azure-resources/
        # how-to-use-vm-token): Metadata: true, api-version 2018-02-01, the resource; expires_in is a string.
        if self.headers.get("Metadata") != "true":
            return self.send(400, {"error": "invalid_request", "error_description": "Required metadata header not specified"})
        if self.query.get("api-version") != "2018-02-01" or self.query.get("resource") not in (ARM, LOGS):
            return self.send(400, {"error": "invalid_resource", "error_description": "bad api-version or resource"})
        return self.send(200, {"access_token": issue(self.query["resource"]), "refresh_token": "", "expires_in": "3599",
                               "expires_on": "1506484173", "not_before": "1506480273", "resource": self.query["resource"],
                               "token_type": "Bearer"})

    def app_service_token(self):
        # App Service and Functions (learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference):
        # GET IDENTITY_ENDPOINT?resource=…&api-version=2019-08-01 with X-IDENTITY-HEADER; expires_on in epoch seconds.
        if self.headers.get("X-IDENTITY-HEADER") != AZ_IDENTITY_HEADER or self.query.get("api-version") != "2019-08-01":
            return self.send(401, {"statusCode": 401, "message": "Unauthorized"})
        return self.send(200, {"access_token": issue(self.query.get("resource", "")), "expires_on": "4102444800",
                               "resource": self.query.get("resource"), "token_type": "Bearer", "client_id": "5E29463D-71DA-4FE0-8E69-999B57DB23B0"})

    def github_oidc(self):
        # GitHub Actions' ID token request (docs.github.com/actions/security-for-github-actions/
        # security-hardening-your-deployments/about-security-hardening-with-openid-connect): the
        # runner's URL plus &audience=…, "Authorization: bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>",
        # answered {"count": …, "value": "<jwt>"}.
        if self.headers.get("Authorization") != "bearer gh-request-TOKEN-0123456789":
            return self.send(401, {"message": "Bad credentials"})
        if self.query.get("audience") != "api://AzureADTokenExchange" or self.query.get("runid") != "42":
            return self.send(400, {"message": "audience and the runner's own parameters are required"})
        return self.send(200, {"count": 1760, "value": AZ_FEDERATED})

    def bearer(self, prefix):
        value = self.headers.get("Authorization", "")
        return value.startswith("Bearer " + prefix) or value.startswith("Bearer ready-" + prefix)

    def azure_metrics(self, path):
        if not self.bearer("arm-token"):
            return self.send(401, azure_error("InvalidAuthenticationToken", "The access token is invalid."))
        q = self.query
        if q.get("api-version") != "2023-10-01" or q.get("timespan") != TIMESPAN:
            return self.send(400, azure_error("BadRequest", "api-version and timespan must be 2023-10-01 and %s, got %s and %s"
                                              % (TIMESPAN, q.get("api-version"), q.get("timespan"))))
        metric, aggregation, interval = q.get("metricnames", ""), q.get("aggregation", ""), q.get("interval", "")
        if "Forbidden" in path:
            return self.send(403, azure_error("AuthorizationFailed", "The client 'client-0123' with object id 'x' does not have authorization to perform action 'microsoft.insights/metrics/read' over scope '%s'." % path))
        if metric == "NoSuchMetric":
            return self.send(400, azure_error("BadRequest", "Failed to find metric configuration for provider: Microsoft.Web, resource Type: sites, metric: NoSuchMetric, Valid metrics: CpuTime,Requests,Http5xx,HttpResponseTime"))
        if metric == "Throttled":
            with LOCK:
                ATTEMPTS["throttled"] = ATTEMPTS.get("throttled", 0) + 1
                first = ATTEMPTS["throttled"] % 2 == 1
            if first:
                return self.send(429, azure_error("TooManyRequests", "Rate limit exceeded"), headers=[("Retry-After", "0")])
        if metric == "Fail500":
            return self.send(500, "<html>Internal Server Error</html>", content_type="text/html")
        if metric == "Malformed":
            return self.send(200, '{"value": [{"timeseries": [')
        if metric == "Echo":
            return self.send(400, azure_error("BadRequest", "token " + self.headers.get("Authorization", "")))
        field = aggregation.lower()

        def series(dimensions, values):
            start = 1714564800
            step = 600 if interval == "FULL" else 60
            return {"metadatavalues": [{"name": {"value": k, "localizedValue": k}, "value": v} for k, v in dimensions],
                    "data": [dict([("timeStamp", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + i * step)))] +
                                  ([(field, v)] if v is not None else [])) for i, v in enumerate(values)]}
        if metric == "Empty":
            timeseries = []
        elif q.get("$filter") == "Instance eq '*'":
            timeseries = [series([("Instance", "web-1")], [0.25]), series([("Instance", "web-2")], [0.5])]
        elif metric == "Hostile":
            timeseries = [series([("Instance", text)], [1]) for text in HOSTILE]
        elif interval == "FULL":
            timeseries = [series([], [0.3])]
        else:
            timeseries = [series([], [0.1, None, 0.3])]
        # "Metrics - List", example "Get Metric for data" (Azure REST API specs,
        # Microsoft.Insights/stable/2023-10-01/examples/GetMetric.json): value[] per metric with
        # name, unit, timeseries[] (metadatavalues, data) and errorCode.
        body = {"cost": 598, "timespan": TIMESPAN, "interval": interval, "namespace": "Microsoft.Web/sites",
                "resourceregion": "westus2", "value": [{
                    "id": path + "/" + metric, "type": "Microsoft.Insights/metrics",
                    "name": {"value": metric, "localizedValue": metric}, "displayDescription": "", "unit": "Seconds",
                    "timeseries": timeseries, "errorCode": "Success"}]}
        if metric == "PartialError":
            body["value"][0]["errorCode"] = "MetricThrottled"
            body["value"][0]["errorMessage"] = "Metric data was throttled"
        return self.send(200, body)

    def log_analytics(self, workspace):
        if not self.bearer("logs-token"):
            return self.send(401, {"error": {"message": "Valid authentication was not provided", "code": "AuthorizationRequiredError",
                                             "correlationId": "aaaa0000-bb11-2222-33cc-444444dddddd"}})
        try:
            body = json.loads(self.body)
            query, timespan = body["query"], body["timespan"]
        except (KeyError, ValueError, TypeError):
            return self.send(400, azure_error("BadArgumentError", "the body must be JSON with query and timespan"))
        if timespan != TIMESPAN:
            return self.send(400, azure_error("BadArgumentError", "timespan must be %s, got %s" % (TIMESPAN, timespan)))
        if "SyntaxError" in query:
            # learn.microsoft.com/azure/azure-monitor/logs/api/errors: a query that does not parse.
            return self.send(400, {"error": {"message": "The request had some invalid properties", "code": "BadArgumentError",
                                             "correlationId": "cccc2222-dd33-4444-55ee-666666ffffff",
                                             "innererror": {"code": "SyntaxError", "message": "A recognition error occurred in the query.",
                                                            "innererror": {"code": "SYN0002", "message": "Query could not be parsed at 'SyntaxError' on line [1,0]",
                                                                           "line": 1, "pos": 0, "token": "SyntaxError"}}}})
        table = None
        if "percentile" in query:
            table = {"name": "PrimaryResult", "columns": [{"name": "Name", "type": "string"}, {"name": "p95", "type": "real"},
                                                          {"name": "requests", "type": "long"}],
                     "rows": [["GET /checkout", 310.5, 1200], ["POST /cart", 120.25, 300]]}
        elif "bin(" in query:
            table = {"name": "PrimaryResult", "columns": [{"name": "TimeGenerated", "type": "datetime"}, {"name": "avg_DurationMs", "type": "real"}],
                     "rows": [["2024-05-01T12:00:00Z", 100.0], ["2024-05-01T12:01:00Z", None], ["2024-05-01T12:02:00Z", 300.0]]}
        elif "hostile" in query:
            table = {"name": "PrimaryResult", "columns": [{"name": "Name", "type": "string"}, {"name": "n", "type": "long"}],
                     "rows": [[text, 1] for text in HOSTILE]}
        elif "empty" in query:
            table = {"name": "PrimaryResult", "columns": [{"name": "Name", "type": "string"}, {"name": "n", "type": "long"}], "rows": []}
        else:
            # The request-format page's example answer (learn.microsoft.com/azure/azure-monitor/logs/api/response-format).
            table = {"name": "PrimaryResult", "columns": [{"name": "Category", "type": "string"}, {"name": "count_", "type": "long"}],
                     "rows": [["Administrative", 20839], ["Recommendation", 122], ["Alert", 64], ["ServiceHealth", 11]]}
        answer = {"tables": [table]}
        if "partial" in query:
            answer["error"] = {"code": "PartialError", "message": "There were some errors when processing your query.",
                               "details": [{"code": "EngineError", "message": "Query exceeded the memory limit"}]}
        return self.send(200, answer)


class Handler(BaseHTTPRequestHandler, Azure):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def send(self, code, body, content_type="application/json", headers=()):
        data = body if isinstance(body, bytes) else (json.dumps(body) if not isinstance(body, str) else body).encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        self.do_GET()

    def do_GET(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length).decode() if length else ""
        url = urlparse(self.path)
        self.query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if url.path == "/_recorded":
            # Tests run at once: each asks for the requests that carry its own marker.
            match = self.query.get("match", "")
            with LOCK:
                answer = [r for r in RECORDED if match in r["path"] + json.dumps(r["query"]) + r["body"]]
            return self.send(200, answer)
        with LOCK:
            RECORDED.append({"method": self.command, "path": url.path, "query": self.query, "body": self.body,
                             "headers": {k.lower(): v for k, v in self.headers.items()}})
        parts = url.path.split("/")
        if url.path.startswith("/api/v1/query") or url.path.startswith("/api/v2/query/"):
            return self.datadog(url)
        if url.path == "/graphql":
            return self.newrelic()
        if url.path.endswith("/oauth2/v2.0/token"):
            return self.entra_token(parts[1])
        if url.path == "/metadata/identity/oauth2/token":
            return self.imds_token()
        if url.path == "/msi/token":
            return self.app_service_token()
        if url.path == "/_apis/oidc":
            return self.github_oidc()
        if url.path.endswith("/providers/microsoft.insights/metrics"):
            return self.azure_metrics(url.path)
        if url.path.startswith("/v1/workspaces/") and url.path.endswith("/query"):
            return self.log_analytics(parts[3])
        self.send(404, {"errors": ["no such path in the fake: " + url.path]})

    # New Relic -----------------------------------------------------------------------------------

    def nerdgraph(self, results):
        # The answer to NerdGraph's NRQL query (docs.newrelic.com/docs/apis/nerdgraph/examples/
        # nerdgraph-nrql-tutorial/): data.actor.account.nrql.results, one object per row.
        return self.send(200, {"data": {"actor": {"account": {"nrql": {"results": results}}}}})

    def graphql_error(self, message, error_class="INVALID_INPUT"):
        # GraphQL reports failures in "errors" with HTTP 200, the path of the failed field and
        # New Relic's errorClass (docs.newrelic.com/docs/apis/nerdgraph/get-started/nerdgraph-api-explorer/).
        return self.send(200, {"data": {"actor": {"account": {"nrql": None}}}, "errors": [
            {"extensions": {"errorClass": error_class}, "locations": [{"column": 42, "line": 1}], "message": message,
             "path": ["actor", "account", "nrql"]}]})

    def newrelic(self):
        if self.headers.get("API-Key") != NR_KEY:
            return self.send(401, {"errors": [{"message": "Invalid API key"}]})
        try:
            request = json.loads(self.body)
            variables = request["variables"]
            assert "nrql(query: $nrql" in request["query"] and "account(id: $accountId)" in request["query"]
            nrql, account = variables["nrql"], variables["accountId"]
            assert isinstance(account, int) and isinstance(nrql, str)
        except (KeyError, ValueError, AssertionError, TypeError) as error:
            return self.send(400, {"errors": [{"message": "malformed GraphQL request: %r" % (error,)}]})
        if account != 1234567:
            return self.graphql_error("Account %d is not accessible with this key" % account, "FORBIDDEN")
        if "fail:500" in nrql:
            return self.send(500, "<html>Internal Server Error</html>", content_type="text/html")
        if "fail:403" in nrql:
            return self.send(403, {"errors": [{"message": "Forbidden"}]})
        if "ratelimit" in nrql:
            return self.send(429, {"errors": [{"message": "Too many requests"}]}, headers=[("Retry-After", "0")])
        if "fail:syntax" in nrql:
            return self.graphql_error("NRDB:1101002 - Unknown function percentle")
        if "echo" in nrql:
            return self.graphql_error("invalid key " + NR_KEY)
        if "malformed" in nrql:
            return self.send(200, '{"data": {"actor": {"account": {"nrql": {"results": [{"count": 1')
        window = " SINCE %d UNTIL %d" % (FROM_MS, TO_MS)
        if "SINCE" not in nrql.replace(window, "") and window not in nrql:
            return self.graphql_error("the fake expects the window: " + nrql)
        if "empty" in nrql:
            return self.nerdgraph([])
        if "TIMESERIES 60 SECONDS" in nrql:
            return self.nerdgraph([{"beginTimeSeconds": FROM_MS // 1000 + 60 * i, "endTimeSeconds": FROM_MS // 1000 + 60 * (i + 1),
                                    "average.duration": None if i == 1 else 0.1 * (i + 1)} for i in range(3)])
        if "hostile" in nrql:
            return self.nerdgraph([{"facet": text, "name": text, "count": 1} for text in HOSTILE])
        if "FACET" in nrql:
            return self.nerdgraph([
                {"facet": "WebTransaction/Go/checkout", "name": "WebTransaction/Go/checkout", "percentile.duration": {"95": 0.31}},
                {"facet": ["WebTransaction/Go/cart", "GET"], "name": ["WebTransaction/Go/cart", "GET"], "percentile.duration": {"95": 0.12}}])
        if "average(duration), count(*)" in nrql:
            return self.nerdgraph([{"average.duration": 0.21, "count": 1200}])
        return self.nerdgraph([{"percentile.duration": {"95": 0.42}}])

    # Datadog -----------------------------------------------------------------------------------

    def datadog(self, url):
        if self.headers.get("DD-API-KEY") is None:
            return self.send(401, {"errors": ["Unauthorized"]})
        if self.headers.get("DD-API-KEY") != DD_API_KEY or self.headers.get("DD-APPLICATION-KEY") != DD_APP_KEY:
            return self.send(403, {"errors": ["Forbidden"]})
        if url.path == "/api/v1/query":
            return self.datadog_v1()
        try:
            data = json.loads(self.body)["data"]
            attributes = data["attributes"]
            queries = attributes["queries"]
            assert all(q["data_source"] == "metrics" and q["name"] and q["query"] and q["aggregator"] for q in queries)
            assert isinstance(attributes["from"], int) and isinstance(attributes["to"], int)
            assert attributes["formulas"][0]["formula"]
        except (KeyError, ValueError, AssertionError, TypeError, IndexError) as error:
            return self.send(400, {"errors": ["malformed request body: %r" % (error,)]})
        text = queries[0]["query"]
        if url.path == "/api/v2/query/scalar":
            assert data["type"] == "scalar_request"
            if text.startswith("fail:400"):
                return self.send(400, {"errors": ["Error parsing query: unable to parse " + text]})
            if text.startswith("partial"):
                return self.send(200, {"data": {"type": "scalar_response", "attributes": {"columns": []}}, "errors": "query timed out"})
            # "Query scalar data across multiple products" (POST /api/v2/query/scalar), response
            # example: one group column per tag key (values: a list of tag values per row) and one
            # number column per formula (docs.datadoghq.com/api/latest/metrics/#query-scalar-data-across-multiple-products).
            return self.send(200, {"data": {"type": "scalar_response", "attributes": {"columns": [
                {"name": "env", "type": "group", "values": [["prod"], ["staging"], ["dev"]]},
                {"name": "a", "type": "number", "values": [2.5, 0.25, None], "meta": {"unit": [
                    {"family": "percentage", "name": "percent", "plural": "percent", "scale_factor": 1, "short_name": "%"}, None]}}]}}})
        assert data["type"] == "timeseries_request" and isinstance(attributes["interval"], int)
        # "Query timeseries data across multiple products" (POST /api/v2/query/timeseries),
        # response example: times (ms), one series per group with its group_tags, values per series.
        return self.send(200, {"data": {"type": "timeseries_response", "attributes": {
            "times": [FROM_MS, FROM_MS + 300000],
            "series": [{"group_tags": ["env:prod"], "query_index": 0, "unit": None}],
            "values": [[1.5, None]]}}})

    def datadog_v1(self):
        query = self.query.get("query", "")
        if self.query.get("from") != str(FROM_MS // 1000) or self.query.get("to") != str(TO_MS // 1000):
            return self.send(400, {"errors": ["from and to must be the window in seconds, got %s and %s"
                                              % (self.query.get("from"), self.query.get("to"))]})
        if query.startswith("ratelimit"):
            key = "dd-" + query
            with LOCK:
                ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
                first = ATTEMPTS[key] == 1
            if first or query == "ratelimit-always":
                return self.send(429, {"errors": ["Too many requests"]}, headers=DD_RATE_LIMIT)
            query = "avg:system.cpu.user{*}"
        if query.startswith("fail:400"):
            return self.send(400, {"errors": ["Error parsing query: \n unable to parse " + query + ": Rule 'scope_expr' didn't match"]})
        if query.startswith("fail:500"):
            return self.send(500, "<html><body>Internal Server Error</body></html>", content_type="text/html")
        if query.startswith("echo"):
            return self.send(400, {"errors": ["invalid key " + DD_API_KEY + " / " + DD_APP_KEY]})
        if query.startswith("status-error"):
            return self.send(200, {"status": "error", "res_type": "time_series", "series": [], "error": "Rule 'scope_expr' didn't match"})
        if query.startswith("malformed"):
            return self.send(200, '{"status": "ok", "series": [{"scope": "host:a", "pointlist": [[1714564800000, 0.5]')
        if query.startswith("empty"):
            return self.send(200, dd_v1_answer(query, []))
        if query.startswith("hostile"):
            return self.send(200, dd_v1_answer(query, [dd_series(text, [text], query, [[FROM_MS, 1.0]]) for text in HOSTILE]))
        if query.startswith("sum:a{*},sum:b{*}"):
            return self.send(200, dd_v1_answer(query, [dd_series("*", [], "sum:a{*}", [[FROM_MS, 1.0]]),
                                                       dd_series("*", [], "sum:b{*}", [[FROM_MS, 2.0]])]))
        return self.send(200, dd_v1_answer(query, [
            dd_series("host:a,env:prod", ["host:a"], query, [[FROM_MS, 0.5], [FROM_MS + 300000, None], [TO_MS, 1.5]]),
            dd_series("host:b,env:prod", ["host:b"], query, [[FROM_MS, 2.0], [FROM_MS + 300000, 4.0]])]))


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
