"""HTTP to the tinysweep API with the standard library: JSON in and out, a bearer token, clear errors."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, BinaryIO, Mapping, Optional


class ApiError(Exception):
    """The API refused a request (``status``: 400 names the fields in ``issues``) or could not be reached (``status`` None)."""

    def __init__(self, message: str, status: Optional[int] = None, issues: Optional[list] = None):
        super().__init__(message)
        self.status = status
        self.issues = issues or []


class Http:
    """One API: base URL and token, JSON requests, streamed downloads."""

    def __init__(self, url: str, token: Optional[str], timeout: float = 30.0):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _open(self, method: str, path: str, query: Optional[Mapping[str, Any]], body: Optional[bytes], content_type: Optional[str], accept: str, timeout: Optional[float]):
        qs = urllib.parse.urlencode({k: v for k, v in (query or {}).items() if v is not None})
        req = urllib.request.Request(self.url + path + (f"?{qs}" if qs else ""), data=body, method=method)
        req.add_header("Accept", accept)
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        if content_type:
            req.add_header("Content-Type", content_type)
        try:
            return urllib.request.urlopen(req, timeout=timeout)
        except urllib.error.HTTPError as err:
            text = err.read().decode("utf-8", "replace")
            try:
                payload = json.loads(text)
            except ValueError:
                payload = {"message": text}
            message = payload.get("message", text) if isinstance(payload, dict) else text
            if isinstance(message, list):
                message = "; ".join(map(str, message))
            issues = payload.get("issues", []) if isinstance(payload, dict) else []
            detail = "".join(f"\n  {i.get('path')}: {i.get('message')}" for i in issues if isinstance(i, dict))
            raise ApiError(f"{method} {path} → {err.code}: {message}{detail}", err.code, issues) from None
        except urllib.error.URLError as err:
            raise ApiError(f"cannot reach the tinysweep API at {self.url}: {err.reason}") from None

    def json(self, method: str, path: str, body: Any = None, query: Optional[Mapping[str, Any]] = None, raw: Optional[str] = None, content_type: Optional[str] = None) -> Any:
        """A JSON request; ``raw`` sends text as is (a YAML spec) with ``content_type``."""
        data = raw.encode("utf-8") if raw is not None else None if body is None else json.dumps(body).encode("utf-8")
        ctype = content_type or ("application/json" if data is not None else None)
        with self._open(method, path, query, data, ctype, "application/json", self.timeout) as res:
            text = res.read().decode("utf-8")
        return json.loads(text) if text else None

    def download(self, path: str, query: Optional[Mapping[str, Any]], sink: BinaryIO) -> str:
        """Streams a download into ``sink``; returns its content type. No timeout: exports of large models take a while."""
        with self._open("GET", path, query, None, None, "application/x-tar, application/json", None) as res:
            while True:
                chunk = res.read(1 << 20)
                if not chunk:
                    break
                sink.write(chunk)
            return res.headers.get("Content-Type", "")
