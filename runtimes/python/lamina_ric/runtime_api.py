"""A small client for the Lambda Runtime API (2018-06-01) over one keep-alive HTTP connection."""
import http.client
import json
import sys

_BASE = "/2018-06-01/runtime"


class RuntimeApi:
    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self._host = host or "127.0.0.1"
        self._port = int(port)
        self._conn = None

    def _request(self, method, path, body=None, headers=None):
        # One retry on a dropped keep-alive connection; anything else is fatal for the runtime,
        # as for AWS's clients (the platform restarts it).
        for attempt in (0, 1):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self._host, self._port)
            try:
                self._conn.request(method, _BASE + path, body=body, headers=headers or {})
                response = self._conn.getresponse()
                return response.status, response.headers, response.read()
            except (http.client.HTTPException, ConnectionError):
                self._conn.close()
                self._conn = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def next(self):
        """Blocks until the next invocation: (request id, headers, body bytes)."""
        while True:
            status, headers, body = self._request("GET", "/invocation/next")
            if status == 200:
                return headers.get("Lambda-Runtime-Aws-Request-Id"), headers, body
            raise RuntimeError("runtime API /next answered %d: %r" % (status, body[:200]))

    def respond(self, request_id, body):
        self._post("/invocation/%s/response" % request_id, body, {"Content-Type": "application/json"})

    def error(self, request_id, error):
        self._post("/invocation/%s/error" % request_id, _encode(error), _error_headers(error))

    def init_error(self, error):
        self._post("/init/error", _encode(error), _error_headers(error))

    def _post(self, path, body, headers):
        status, _, answer = self._request("POST", path, body, headers)
        if status == 413:
            raise PayloadTooLarge(answer.decode("utf-8", "replace"))
        if status >= 300:
            # 4xx: the agent refused (state machine, timed out); the runtime carries on with /next.
            print("lamina_ric: %s answered %d: %s" % (path, status, answer[:200]), file=sys.stderr)


class PayloadTooLarge(Exception):
    pass


def _encode(error):
    return json.dumps(error).encode("utf-8")


def _error_headers(error):
    return {"Content-Type": "application/json",
            "Lambda-Runtime-Function-Error-Type": error.get("errorType", "Runtime.Unknown")}
