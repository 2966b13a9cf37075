#!/usr/bin/env python3
"""Scripted fakes of the review APIs perfgate comments through, and of two chat webhooks, on
loopback only, with state: GitHub's issue comments, GitLab's merge request notes, Azure DevOps'
pull request threads and statuses, a Slack incoming webhook and a Teams Workflows webhook.

Each handler checks what its documentation requires (method, path, headers, auth, body) and
answers in the documented shape; it names its source. The state is kept per pull request, so a
test can run a gate twice and find one comment, edited. Faults are chosen by name:
- a GitHub repository named `forked` answers writes with 403 "Resource not accessible by
  integration" (a fork's read-only GITHUB_TOKEN);
- a repository, project or organization named `limited` answers its first write with 429 and
  Retry-After: 1 (GitHub's secondary rate limit; GitLab's and Azure's throttling);
- one named `flaky` answers its first write with 502;
- a GitHub repository named `throttled` answers its first write with 403 and
  `x-ratelimit-remaining: 0` (GitHub's primary rate limit).

GET /_state returns everything posted, as JSON. Usage: fake_review.py; it prints its port on the
first line of stdout and stops when stdin closes.
"""
import base64
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

GITHUB_TOKEN = "ghs_TESTTOKEN0123456789abcdef"
GITLAB_TOKEN = "glpat-TESTTOKEN0123456789"
AZURE_TOKEN = "azdo-ACCESSTOKEN-0123456789"
AZURE_PAT = "azdopat-TESTPAT-0123456789"
# More tokens every platform accepts (FAKE_REVIEW_TOKENS, comma-separated): a harness whose
# credentials have fixed values of its own (the Jenkins test's "secret-of-ID").
EXTRA_TOKENS = [token for token in os.environ.get("FAKE_REVIEW_TOKENS", "").split(",") if token]
LOCK = threading.Lock()
STATE = {"github": {}, "gitlab": {}, "azure": {}, "statuses": {}, "slack": [], "teams": [], "faults": {}, "requests": []}
NEXT = {"id": 1000}


def next_id():
    with LOCK:
        NEXT["id"] += 1
        return NEXT["id"]


def fault_once(name, key):
    """429 or 502 for the first write under a name that asks for it; None after."""
    for fault, status in (("limited", 429), ("flaky", 502)):
        if fault in name:
            with LOCK:
                if STATE["faults"].get(key):
                    return None
                STATE["faults"][key] = True
            return status
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def send(self, code, body=None, headers=()):
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        self.send_response(code)
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8" if not isinstance(body, bytes) else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def json_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            return None, raw
        try:
            return json.loads(raw), raw
        except ValueError:
            return None, raw

    def handle_any(self, method):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        body, raw = self.json_body() if method in ("POST", "PATCH", "PUT") else (None, b"")
        with LOCK:
            STATE["requests"].append({"method": method, "path": url.path, "query": url.query,
                                      "headers": {k.lower(): v for k, v in self.headers.items()}})
        if url.path == "/_state" and method == "GET":
            with LOCK:
                return self.send(200, STATE)
        if not self.headers.get("User-Agent"):
            return self.send(403, {"message": "Request forbidden by administrative rules. Please make sure your request has a User-Agent header"})
        for prefix, handler in (("/github", self.github), ("/api/v4", self.gitlab), ("/azure", self.azure),
                                ("/services/", self.slack), ("/workflows/", self.teams)):
            if url.path.startswith(prefix):
                return handler(method, url.path[len(prefix):] if prefix in ("/github", "/azure") else url.path, query, body, raw)
        self.send(404, {"message": "Not Found"})

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_PUT(self):
        self.handle_any("PUT")

    # GitHub: docs.github.com/en/rest/issues/comments (list, create, update an issue comment).
    # Auth "Authorization: Bearer TOKEN" (docs.github.com/en/rest/authentication); the API version
    # header (docs.github.com/en/rest/about-the-rest-api/api-versions). Served under /github, as
    # GitHub Enterprise serves it under /api/v3.
    def github(self, method, path, query, body, raw):
        if self.headers.get("Authorization") not in ["Bearer " + token for token in [GITHUB_TOKEN] + EXTRA_TOKENS]:
            return self.send(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
        if self.headers.get("X-GitHub-Api-Version") != "2022-11-28":
            return self.send(400, {"message": "Invalid API version"})
        match = re.fullmatch(r"/repos/([^/]+)/([^/]+)/issues/(\d+)/comments", path)
        edit = re.fullmatch(r"/repos/([^/]+)/([^/]+)/issues/comments/(\d+)", path)
        if match:
            owner, repo, number = unquote(match[1]), unquote(match[2]), match[3]
            key = "%s/%s#%s" % (owner, repo, number)
            with LOCK:
                comments = STATE["github"].setdefault(key, [])
            if method == "GET":
                per_page, page = int(query.get("per_page", ["30"])[0]), int(query.get("page", ["1"])[0])
                return self.send(200, comments[(page - 1) * per_page: page * per_page])
            if method == "POST":
                return self.github_write(repo, key, body, lambda: self.github_create(comments, body))
        elif edit and method == "PATCH":
            repo, comment_id = unquote(edit[2]), int(edit[3])
            return self.github_write(repo, "patch %d" % comment_id, body, lambda: self.github_update(comment_id, body))
        self.send(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})

    def github_write(self, repo, key, body, action):
        if repo == "forked":
            return self.send(403, {"message": "Resource not accessible by integration",
                                   "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment"})
        if "throttled" in repo and fault_once("limited", "github throttled " + key):
            # GitHub's primary rate limit: 403 with the quota's headers
            # (docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api).
            return self.send(403, {"message": "API rate limit exceeded for installation ID 1."},
                             headers=[("x-ratelimit-limit", "5000"), ("x-ratelimit-remaining", "0"),
                                      ("x-ratelimit-reset", str(int(time.time()) + 1)), ("x-ratelimit-resource", "core")])
        status = fault_once(repo, "github " + key)
        if status == 429:
            return self.send(429, {"message": "You have exceeded a secondary rate limit."}, headers=[("Retry-After", "1")])
        if status:
            return self.send(status, {"message": "Server Error"})
        if not isinstance(body, dict) or not isinstance(body.get("body"), str):
            return self.send(422, {"message": "Invalid request.\n\n\"body\" wasn't supplied."})
        if len(body["body"]) > 65536:
            return self.send(422, {"message": "Validation Failed", "errors": [{"message": "Body is too long (maximum is 65536 characters)"}]})
        action()

    def github_create(self, comments, body):
        comment = {"id": next_id(), "body": body["body"], "user": {"login": "github-actions[bot]", "type": "Bot"}}
        with LOCK:
            comments.append(comment)
        self.send(201, comment)

    def github_update(self, comment_id, body):
        with LOCK:
            for comments in STATE["github"].values():
                for comment in comments:
                    if comment["id"] == comment_id:
                        comment["body"] = body["body"]
                        comment["edits"] = comment.get("edits", 0) + 1
                        return self.send(200, comment)
        self.send(404, {"message": "Not Found"})

    # GitLab: docs.gitlab.com/api/notes/#merge-requests (list, create, modify a merge request
    # note); auth "PRIVATE-TOKEN" (docs.gitlab.com/api/rest/authentication). A job token gets 403.
    def gitlab(self, method, path, query, body, raw):
        token = self.headers.get("PRIVATE-TOKEN")
        if token not in [GITLAB_TOKEN] + EXTRA_TOKENS:
            return self.send(401, {"message": "401 Unauthorized"})
        match = re.fullmatch(r"/api/v4/projects/([^/]+)/merge_requests/(\d+)/notes(?:/(\d+))?", path)
        if not match:
            return self.send(404, {"message": "404 Not Found"})
        project, iid, note_id = unquote(match[1]), match[2], match[3]
        key = "%s!%s" % (project, iid)
        with LOCK:
            notes = STATE["gitlab"].setdefault(key, [])
        if method == "GET" and note_id is None:
            per_page, page = int(query.get("per_page", ["20"])[0]), int(query.get("page", ["1"])[0])
            return self.send(200, notes[(page - 1) * per_page: page * per_page])
        if method in ("POST", "PUT"):
            status = fault_once(project, "gitlab %s %s" % (key, method))
            if status:
                return self.send(status, {"message": "Retry later"}, headers=[("Retry-After", "1")] if status == 429 else [])
            if not isinstance(body, dict) or not isinstance(body.get("body"), str) or not body["body"]:
                return self.send(400, {"message": "400 Bad request - Note {:note=>[\"can't be blank\"]}"})
            if len(body["body"]) > 1000000:
                return self.send(400, {"message": "Note is too long (maximum is 1000000 characters)"})
        if method == "POST" and note_id is None:
            note = {"id": next_id(), "body": body["body"], "system": False, "author": {"username": "project_1_bot"}}
            with LOCK:
                notes.append(note)
            return self.send(201, note)
        if method == "PUT" and note_id is not None:
            with LOCK:
                for note in notes:
                    if note["id"] == int(note_id):
                        note["body"] = body["body"]
                        note["edits"] = note.get("edits", 0) + 1
                        return self.send(200, note)
        self.send(404, {"message": "404 Note Not Found"})

    # Azure DevOps, api-version 7.1: learn.microsoft.com/rest/api/azure/devops/git/
    # pull-request-threads (list, create, update), pull-request-thread-comments (update) and
    # pull-request-statuses (create). Auth: "Bearer" with System.AccessToken, or "Basic" with a PAT.
    def azure(self, method, path, query, body, raw):
        auth = self.headers.get("Authorization", "")
        if auth != "Bearer " + AZURE_TOKEN and auth not in ["Basic " + base64.b64encode((":" + token).encode()).decode() for token in [AZURE_PAT] + EXTRA_TOKENS]:
            return self.send(401, b"")
        if query.get("api-version") != ["7.1"]:
            return self.send(400, {"message": "The requested REST API version of  is out of range", "typeKey": "VssVersionOutOfRangeException"})
        match = re.fullmatch(r"/([^/]+)/([^/]+)/_apis/git/repositories/([^/]+)/pullRequests/(\d+)/(threads|statuses)(?:/(\d+))?(?:/comments/(\d+))?", path)
        if not match:
            return self.send(404, {"message": "Not found", "typeKey": "NotFoundException"})
        organization, project, repository, pull, kind, thread_id, comment_id = match.groups()
        key = "%s/%s/%s/%s" % (organization, unquote(project), unquote(repository), pull)
        if method != "GET":
            status = fault_once(organization, "azure %s %s %s %s" % (key, kind, method, thread_id))
            if status:
                return self.send(status, {"message": "throttled"}, headers=[("Retry-After", "1")] if status == 429 else [])
        if kind == "statuses":
            if method != "POST" or not isinstance(body, dict) or body.get("state") not in ("succeeded", "failed", "pending", "error", "notApplicable", "notSet") \
                    or not isinstance(body.get("context"), dict) or not body["context"].get("name"):
                return self.send(400, {"message": "Invalid status"})
            with LOCK:
                STATE["statuses"].setdefault(key, []).append(body)
            return self.send(201, dict(body, id=next_id()))
        with LOCK:
            threads = STATE["azure"].setdefault(key, [])
        if method == "GET" and thread_id is None:
            return self.send(200, {"value": threads, "count": len(threads)})
        if method == "POST" and thread_id is None:
            comments = body.get("comments") if isinstance(body, dict) else None
            if not comments or comments[0].get("parentCommentId") != 0 or not isinstance(comments[0].get("content"), str):
                return self.send(400, {"message": "A thread needs a first comment"})
            if len(comments[0]["content"]) > 150000:
                return self.send(400, {"message": "The comment is too long"})
            thread = {"id": next_id(), "status": {1: "active", 4: "closed"}.get(body.get("status"), "unknown"), "isDeleted": False,
                      "comments": [{"id": 1, "parentCommentId": 0, "content": comments[0]["content"], "commentType": "text", "isDeleted": False}]}
            with LOCK:
                threads.append(thread)
            return self.send(200, thread)
        for thread in threads:
            if thread_id is not None and thread["id"] == int(thread_id):
                if method == "PATCH" and comment_id is not None:
                    for comment in thread["comments"]:
                        if comment["id"] == int(comment_id) and isinstance(body, dict) and isinstance(body.get("content"), str):
                            comment["content"] = body["content"]
                            comment["edits"] = comment.get("edits", 0) + 1
                            return self.send(200, comment)
                if method == "PATCH" and comment_id is None and isinstance(body, dict) and body.get("status") in (1, 4):
                    thread["status"] = {1: "active", 4: "closed"}[body["status"]]
                    return self.send(200, thread)
        self.send(404, {"message": "Not found"})

    # Slack incoming webhooks (docs.slack.dev/messaging/sending-messages-using-incoming-webhooks):
    # a JSON body with `text` and optional `blocks`; 200 "ok", or 400 "invalid_blocks",
    # "no_text", 404 "no_service" for an unknown URL.
    def slack(self, method, path, query, body, raw):
        if path != "/services/T0001/B0001/slackSECRET0123456789":
            return self.send(404, b"no_service")
        if method != "POST" or not isinstance(body, dict) or not body.get("text"):
            return self.send(400, b"no_text")
        for block in body.get("blocks", []):
            text = (block.get("text") or {}).get("text", "")
            if block.get("type") == "header" and len(text) > 150 or block.get("type") == "section" and len(text) > 3000:
                return self.send(400, b"invalid_blocks")
        with LOCK:
            STATE["slack"].append(body)
        self.send(200, b"ok")

    # A Teams Workflows webhook ("Post to a channel when a webhook request is received"): a
    # message whose attachments are Adaptive Cards; 202 Accepted.
    def teams(self, method, path, query, body, raw):
        if path != "/workflows/teamsSECRET0123456789/triggers/manual/paths/invoke":
            return self.send(404, {"error": {"code": "TriggerNotFound"}})
        attachments = body.get("attachments") if isinstance(body, dict) else None
        if method != "POST" or not isinstance(body, dict) or body.get("type") != "message" or not attachments \
                or attachments[0].get("contentType") != "application/vnd.microsoft.card.adaptive" \
                or attachments[0].get("content", {}).get("type") != "AdaptiveCard":
            return self.send(400, {"error": {"code": "InvalidRequestContent"}})
        with LOCK:
            STATE["teams"].append(body)
        self.send(202)


class Server(ThreadingHTTPServer):
    daemon_threads = True


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
