"""Test gap-filler: a local fake of the IAM Identity Center APIs moto lacks — SSO OIDC
(RegisterClient, StartDeviceAuthorization, CreateToken with the device-code and refresh-token
grants) and the access portal (ListAccounts, ListAccountRoles, GetRoleCredentials) — plus AWS
Sign-In's CreateOAuth2Token (how botocore renews an `aws login` session; here it always answers
that the session has expired), spoken over HTTP on 127.0.0.1 in botocore's rest-json wire
format. Point boto3 at it with AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SSO and
AWS_ENDPOINT_URL_SIGNIN.

The credentials it hands out are accepted by moto (moto takes any key), so a test can sign in
here and then run the real checks against moto. Thread-safe; one instance per test.
"""
from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SECRET_MARK = "SENTINEL-IDC-SECRET"  # in every secret it issues, so a test can look for leaks


class FakeIdentityCenter:
    def __init__(self, accounts: list[dict[str, Any]], interval: int = 1, expires_in: int = 600, page_size: int = 2) -> None:
        self.accounts = accounts  # [{"accountId", "accountName", "emailAddress", "roles": [...]}]
        self.interval, self.expires_in, self.page_size = interval, expires_in, page_size
        self.lock = threading.Lock()
        self.log: list[tuple[str, float]] = []  # (operation, time.monotonic()) of every request
        self.slow_down_next = False
        self.approve_after_polls: int | None = None  # approve automatically after this many pending polls
        self.denied = False
        self.overrides: dict[str, dict[str, Any]] = {}  # operation → fields that replace the answer's (hostile answers)
        self.clients: dict[str, dict[str, Any]] = {}
        self.devices: dict[str, dict[str, Any]] = {}
        self.access_tokens: set[str] = set()
        self.refresh_tokens: dict[str, str] = {}  # refresh token → client id
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "FakeIdentityCenter":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- test controls ---------------------------------------------------------------------
    def approve(self, user_code: str | None = None) -> None:
        with self.lock:
            for device in self.devices.values():
                if user_code in (None, device["userCode"]):
                    device["approved"] = True

    def expire_tokens(self) -> None:
        with self.lock:
            self.access_tokens.clear()
            self.refresh_tokens.clear()

    def operations(self) -> list[str]:
        with self.lock:
            return [name for name, _ in self.log]

    def poll_times(self) -> list[float]:
        with self.lock:
            return [t for name, t in self.log if name == "CreateToken"]

    # -- the protocol ----------------------------------------------------------------------
    def _answer(self, operation: str, body: dict[str, Any], query: dict[str, str], token: str | None) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.log.append((operation, time.monotonic()))
            if operation == "RegisterClient":
                client = {"clientId": "client-" + secrets.token_hex(6), "clientSecret": SECRET_MARK + secrets.token_hex(8),
                          "scopes": body.get("scopes") or []}
                self.clients[client["clientId"]] = client
                return 200, {"clientId": client["clientId"], "clientSecret": client["clientSecret"],
                             "clientIdIssuedAt": int(time.time()), "clientSecretExpiresAt": int(time.time()) + 90 * 86400,
                             **self.overrides.get(operation, {})}
            if operation == "StartDeviceAuthorization":
                if body.get("clientId") not in self.clients:
                    return _error("InvalidClientException", "invalid_client")
                code = f"{secrets.token_hex(2).upper()}-{secrets.token_hex(2).upper()}"
                device = "device-" + secrets.token_hex(8)
                self.devices[device] = {"userCode": code, "clientId": body["clientId"], "approved": False, "polls": 0,
                                        "expires": time.monotonic() + self.expires_in}
                uri = "https://device.sso.eu-west-1.amazonaws.com/"
                return 200, {"deviceCode": device, "userCode": code, "verificationUri": uri,
                             "verificationUriComplete": f"{uri}?user_code={code}", "expiresIn": self.expires_in,
                             "interval": self.interval}
            if operation == "CreateToken":
                return self._token(body)
            if operation == "CreateOAuth2Token":  # an `aws login` session past its end
                return 400, {"__type": "AccessDeniedException", "error": "TOKEN_EXPIRED", "message": "expired"}
            if token not in self.access_tokens:
                return _error("UnauthorizedException", None, "Session token not found or invalid")
            return self._portal(operation, query)

    def _token(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        client = self.clients.get(body.get("clientId", ""))
        if client is None or client["clientSecret"] != body.get("clientSecret"):
            return _error("InvalidClientException", "invalid_client")
        if body.get("grantType") == "refresh_token":
            if self.refresh_tokens.pop(body.get("refreshToken", ""), None) != client["clientId"]:
                return _error("InvalidGrantException", "invalid_grant")
            return 200, self._issue(client)
        device = self.devices.get(body.get("deviceCode", ""))
        if device is None or time.monotonic() > device["expires"]:
            return _error("ExpiredTokenException", "expired_token")
        if self.denied:
            return _error("AccessDeniedException", "access_denied")
        if self.slow_down_next:
            self.slow_down_next = False
            return _error("SlowDownException", "slow_down")
        device["polls"] += 1
        if self.approve_after_polls is not None and device["polls"] > self.approve_after_polls:
            device["approved"] = True
        if not device["approved"]:
            return _error("AuthorizationPendingException", "authorization_pending")
        del self.devices[body["deviceCode"]]
        return 200, self._issue(client)

    def _issue(self, client: dict[str, Any]) -> dict[str, Any]:
        access = "access-" + secrets.token_hex(12)
        self.access_tokens.add(access)
        answer = {"accessToken": access, "tokenType": "Bearer", "expiresIn": 3600, **self.overrides.get("CreateToken", {})}
        if "sso:account:access" in client["scopes"]:
            refresh = SECRET_MARK + "-refresh-" + secrets.token_hex(8)
            self.refresh_tokens[refresh] = client["clientId"]
            answer["refreshToken"] = refresh
        return answer

    def _portal(self, operation: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if operation == "ListAccounts":
            items = [{k: a[k] for k in ("accountId", "accountName", "emailAddress")} for a in self.accounts]
            return 200, self._page(items, "accountList", query)
        account = next((a for a in self.accounts if a["accountId"] == query.get("account_id")), None)
        if operation == "ListAccountRoles":
            roles = [{"roleName": r, "accountId": query.get("account_id")} for r in (account or {}).get("roles", [])]
            return 200, self._page(roles, "roleList", query)
        if account is None or query.get("role_name") not in account["roles"]:
            return _error("ForbiddenException", None, "No access")
        return 200, {"roleCredentials": {"accessKeyId": "ASIA" + secrets.token_hex(8).upper(),
                                         "secretAccessKey": SECRET_MARK + secrets.token_hex(10),
                                         "sessionToken": SECRET_MARK + "-session-" + secrets.token_hex(20),
                                         "expiration": int(time.time() * 1000) + 3600_000}}

    def _page(self, items: list[dict[str, Any]], key: str, query: dict[str, str]) -> dict[str, Any]:
        start = int(query.get("next_token") or 0)
        end = start + min(self.page_size, int(query.get("max_result") or self.page_size))
        page: dict[str, Any] = {key: items[start:end]}
        if end < len(items):
            page["nextToken"] = str(end)
        return page

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self
        routes = {("POST", "/client/register"): "RegisterClient", ("POST", "/device_authorization"): "StartDeviceAuthorization",
                  ("POST", "/token"): "CreateToken", ("POST", "/v1/token"): "CreateOAuth2Token", ("GET", "/assignment/accounts"): "ListAccounts",
                  ("GET", "/assignment/roles"): "ListAccountRoles", ("GET", "/federation/credentials"): "GetRoleCredentials"}

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                operation = routes.get((method, url.path))
                if operation is None:
                    status, body = _error("InvalidRequestException", None, "unknown route")
                else:
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    status, body = fake._answer(operation, json.loads(raw or b"{}"), query, self.headers.get("x-amz-sso_bearer_token"))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if status >= 400:
                    self.send_header("x-amzn-ErrorType", body["__type"])
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 (http.server's names)
                self._serve("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._serve("POST")

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _error(kind: str, oauth_error: str | None, message: str = "") -> tuple[int, dict[str, Any]]:
    status = 401 if kind == "UnauthorizedException" else 403 if kind == "ForbiddenException" else 400
    body: dict[str, Any] = {"__type": kind, "message": message or kind}
    if oauth_error:
        body.update(error=oauth_error, error_description=message or oauth_error)
    return status, body
