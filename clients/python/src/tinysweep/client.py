"""The tinysweep API from Python: sweeps, trials, adapters, schedules.

Every call maps to one endpoint in ``ENDPOINTS`` (checked against the API's OpenAPI document by the
project's tests, so a renamed route fails there first).
"""

from __future__ import annotations

import io
import json
import os
import sys
import tarfile
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union
from urllib.parse import urlparse

from ._http import ApiError, Http
from ._progress import Progress

#: (method, path) of every endpoint the client calls.
ENDPOINTS = {
    "submit": ("POST", "/sweeps"),
    "sweeps": ("GET", "/sweeps"),
    "sweep": ("GET", "/sweeps/{id}"),
    "trials": ("GET", "/sweeps/{id}/trials"),
    "configs": ("GET", "/sweeps/{id}/configs"),
    "front": ("GET", "/sweeps/{id}/front"),
    "cancel": ("POST", "/sweeps/{id}/cancel"),
    "extend": ("POST", "/sweeps/{id}/extend"),
    "trial": ("GET", "/trials/{id}"),
    "retry": ("POST", "/trials/{id}/retry"),
    "adapter": ("GET", "/trials/{id}/adapter"),
    "nodes": ("GET", "/nodes"),
    "create_schedule": ("POST", "/schedules"),
    "schedules": ("GET", "/schedules"),
    "schedule_runs": ("GET", "/schedules/{id}/runs"),
    "pause": ("POST", "/schedules/{id}/pause"),
    "resume": ("POST", "/schedules/{id}/resume"),
    "run": ("POST", "/schedules/{id}/run"),
    "delete_schedule": ("DELETE", "/schedules/{id}"),
}

TERMINAL = ("completed", "failed", "cancelled")
ADAPTER_FORMATS = ("peft-lora", "merged", "tinysweep")
DEFAULT_URL = "http://127.0.0.1:4100"


def _has_pandas() -> bool:
    try:
        import pandas  # noqa: F401
    except ImportError:
        return False
    return True


def _flatten(prefix: str, value: Any, out: Dict[str, Any]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else k, v, out)
    else:
        out[prefix] = value


def _default_token(url: str) -> Optional[str]:
    """$TINYSWEEP_API_TOKEN, $TINYSWEEP_API_TOKEN_FILE, or (for a local API only) the stack's .data/api-token."""
    if os.environ.get("TINYSWEEP_API_TOKEN"):
        return os.environ["TINYSWEEP_API_TOKEN"]
    path = os.environ.get("TINYSWEEP_API_TOKEN_FILE")
    if not path and urlparse(url).hostname in ("127.0.0.1", "localhost", "::1") and Path(".data/api-token").is_file():
        path = ".data/api-token"
    return Path(path).read_text(encoding="utf-8").strip() if path else None


class Client:
    """A tinysweep API. ``url`` defaults to $TINYSWEEP_API_URL (else http://127.0.0.1:4100); ``token``
    to $TINYSWEEP_API_TOKEN, the file $TINYSWEEP_API_TOKEN_FILE, or a local stack's .data/api-token."""

    def __init__(self, url: Optional[str] = None, token: Optional[str] = None, timeout: float = 30.0):
        url = url or os.environ.get("TINYSWEEP_API_URL") or DEFAULT_URL
        self._http = Http(url, token if token is not None else _default_token(url), timeout)

    @property
    def url(self) -> str:
        return self._http.url

    def _call(self, name: str, id: Optional[str] = None, **kwargs: Any) -> Any:
        method, path = ENDPOINTS[name]
        return self._http.json(method, path.replace("{id}", str(id)), **kwargs)

    # ---- sweeps
    def submit(self, spec: Union[Mapping[str, Any], str, Path]) -> "Sweep":
        """Submits a spec: a dict, or the path of a YAML or JSON file (sent as written)."""
        if isinstance(spec, Mapping):
            r = self._call("submit", body=dict(spec))
        else:
            path = Path(spec)
            text = path.read_text(encoding="utf-8")
            ctype = "application/json" if path.suffix == ".json" else "application/yaml"
            r = self._call("submit", raw=text, content_type=ctype)
        return Sweep(self, r["id"])

    def sweep(self, id: str) -> "Sweep":
        s = Sweep(self, id)
        s.refresh()
        return s

    def sweeps(self, limit: int = 50) -> List["Sweep"]:
        return [Sweep(self, s["id"], s) for s in self._call("sweeps", query={"limit": limit})["items"]]

    def trial(self, id: str) -> "Trial":
        return Trial(self, id)

    def nodes(self) -> List[Dict[str, Any]]:
        """Trainer nodes, with what each busy slot runs (``work``)."""
        return self._call("nodes")["items"]

    # ---- schedules
    def schedule(self, sweep: Union[str, "Sweep"], cron: str, time_zone: str = "UTC", mode: str = "full", top_k: Optional[int] = None,
                 tolerance: Optional[float] = None, extra_seeds: Optional[int] = None, webhook_url: Optional[str] = None, name: Optional[str] = None) -> "Schedule":
        """Re-runs a sweep on a cron (nightly reproductions with drift verdicts)."""
        body = {"sweepId": sweep.id if isinstance(sweep, Sweep) else sweep, "cron": cron, "timeZone": time_zone, "mode": mode,
                "topK": top_k, "tolerance": tolerance, "extraSeeds": extra_seeds, "webhookUrl": webhook_url, "name": name}
        r = self._call("create_schedule", body={k: v for k, v in body.items() if v is not None})
        return Schedule(self, r["id"], r)

    def schedules(self) -> List["Schedule"]:
        return [Schedule(self, s["id"], s) for s in self._call("schedules")["items"]]


class Sweep:
    """A submitted sweep. ``info`` is its last summary (status, counts, trainings, best)."""

    def __init__(self, client: Client, id: str, info: Optional[Dict[str, Any]] = None):
        self.client = client
        self.id = id
        self.info: Dict[str, Any] = info or {}

    def __repr__(self) -> str:
        return f"Sweep({self.id!r}, status={self.info.get('status')!r})"

    def refresh(self) -> Dict[str, Any]:
        self.info = self.client._call("sweep", self.id)
        return self.info

    @property
    def status(self) -> str:
        return self.refresh()["status"]

    def wait(self, timeout: Optional[float] = None, poll: float = 2.0, progress: bool = True) -> "Sweep":
        """Blocks until the sweep completes, fails or is cancelled, with a progress bar (tqdm when
        installed, else a line on stderr); raises TimeoutError past ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        bar = Progress(enabled=progress)
        try:
            while True:
                info = self.refresh()
                bar.update(info)
                if info["status"] in TERMINAL:
                    return self
                if deadline is not None and time.monotonic() >= deadline:
                    raise TimeoutError(f"sweep {self.id} is still {info['status']} after {timeout} s")
                time.sleep(poll if deadline is None else max(0.0, min(poll, deadline - time.monotonic())))
        finally:
            bar.close()

    def trials(self, status: Optional[str] = None) -> List[Dict[str, Any]]:
        """Every trial (paged from the server), as the API serves them."""
        out: List[Dict[str, Any]] = []
        while True:
            page = self.client._call("trials", self.id, query={"offset": len(out), "limit": 100, "status": status})
            out.extend(page["items"])
            if not page["items"] or len(out) >= page["total"]:
                return out

    def results(self, as_frame: Optional[bool] = None, status: Optional[str] = None):
        """One row per trial: id, ordinal, status, seed, ``params.<path>`` and ``metrics.<name>`` columns,
        parameter counts. A pandas DataFrame when pandas is installed (or ``as_frame=True``), else records."""
        rows = []
        for t in self.trials(status):
            row: Dict[str, Any] = {k: t.get(k) for k in ("id", "ordinal", "status", "seed", "trainableParams", "effectiveParams", "reusedFromTrialId", "error")}
            _flatten("params", {k: v for k, v in (t.get("params") or {}).items() if k != "seed"}, row)
            _flatten("metrics", t.get("metrics") or {}, row)
            rows.append(row)
        return _frame(rows, as_frame)

    def configs(self, metric: Optional[str] = None, as_frame: Optional[bool] = None):
        """Configs (seeds as replicates), best first: mean, std, the t-interval over seeds (3+ seeds)
        and, for accuracies, the pooled Wilson interval over all held-out items of all seeds."""
        rows = []
        page = self.client._call("configs", self.id, query={"metric": metric, "limit": 500})
        for c in page["items"]:
            s = c.get("summary") or {}
            pooled = s.get("pooled") or {}
            rows.append({"label": c["label"], "seeds": c["seeds"], "failed": c["failed"], "n": s.get("n", 0), "mean": s.get("mean"), "std": s.get("std"),
                         "t95_lo": (s.get("ci95") or [None, None])[0], "t95_hi": (s.get("ci95") or [None, None])[1],
                         "pooled95_lo": (pooled.get("ci95") or [None, None])[0], "pooled95_hi": (pooled.get("ci95") or [None, None])[1],
                         "items": pooled.get("items"), "params": c["params"], "groupHash": c["groupHash"]})
        return _frame(rows, as_frame)

    def front(self) -> Dict[str, Any]:
        """The Pareto front of finished configs."""
        return self.client._call("front", self.id)

    def cancel(self) -> int:
        """Cancels queued and running trials; returns how many."""
        return self.client._call("cancel", self.id)["cancelled"]

    def extend(self, seeds: Optional[Sequence[int]] = None, set: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Adds trials: more ``seeds``, and/or values joining axes (``set={"adapter.rank": [4]}``)."""
        body: Dict[str, Any] = {}
        if seeds is not None:
            body["seeds"] = list(seeds)
        if set is not None:
            body["set"] = dict(set)
        return self.client._call("extend", self.id, body=body)

    def trial(self, id: str) -> "Trial":
        return Trial(self.client, id)

    def best(self) -> Optional["Trial"]:
        best = self.refresh().get("best")
        return Trial(self.client, best["trialId"]) if best else None


class Trial:
    """One trial: its detail (curve, metrics, adapter), retry, and its adapter as files."""

    def __init__(self, client: Client, id: str):
        self.client = client
        self.id = id

    def __repr__(self) -> str:
        return f"Trial({self.id!r})"

    def info(self) -> Dict[str, Any]:
        return self.client._call("trial", self.id)

    def retry(self) -> Dict[str, Any]:
        return self.client._call("retry", self.id)

    def adapter(self, format: str = "peft-lora", out: Union[str, Path, None] = None) -> Path:
        """Writes the trial's adapter into directory ``out`` (default ./<trial>-<format>) and returns it:
        ``peft-lora`` a PEFT LoRA directory (``PeftModel.from_pretrained(base, out)``), ``merged`` the
        base HF model with the adapter merged in (``AutoModelForCausalLM.from_pretrained(out)``),
        ``tinysweep`` the adapter file (out/adapter.json)."""
        if format not in ADAPTER_FORMATS:
            raise ValueError(f"format must be one of {', '.join(ADAPTER_FORMATS)} (got {format!r})")
        target = Path(out or f"{self.id[:8]}-{format}")
        target.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        method, path = ENDPOINTS["adapter"]
        self.client._http.download(path.replace("{id}", self.id), {"format": format}, buf)
        if format == "tinysweep":
            (target / "adapter.json").write_bytes(buf.getvalue())
        else:
            _extract(buf, target)
        return target


def _extract(buf: io.BytesIO, target: Path) -> None:
    """Regular files only, never outside ``target`` (tarfile's data filter is not in every Python 3)."""
    buf.seek(0)
    with tarfile.open(fileobj=buf, mode="r:") as tar:
        for m in tar.getmembers():
            name = Path(m.name)
            if not m.isfile() or name.is_absolute() or ".." in name.parts:
                raise ApiError(f"unexpected entry in the adapter archive: {m.name!r}")
            dest = target / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            src = tar.extractfile(m)
            assert src is not None
            dest.write_bytes(src.read())


class Schedule:
    """A schedule that re-runs a sweep on a cron."""

    def __init__(self, client: Client, id: str, info: Optional[Dict[str, Any]] = None):
        self.client = client
        self.id = id
        self.info = info or {}

    def __repr__(self) -> str:
        return f"Schedule({self.id!r}, cron={self.info.get('cron')!r})"

    def pause(self) -> None:
        self.client._call("pause", self.id)

    def resume(self) -> None:
        self.client._call("resume", self.id)

    def run(self) -> Dict[str, Any]:
        """Fires now: a reproduction run."""
        return self.client._call("run", self.id)

    def runs(self) -> List[Sweep]:
        return [Sweep(self.client, s["id"], s) for s in self.client._call("schedule_runs", self.id)["items"]]

    def delete(self) -> None:
        self.client._call("delete_schedule", self.id)


def _frame(rows: List[Dict[str, Any]], as_frame: Optional[bool]):
    if as_frame is False or (as_frame is None and not _has_pandas()):
        return rows
    import pandas as pd  # noqa: F811 — optional

    return pd.DataFrame.from_records(rows)


__all__ = ["Client", "Sweep", "Trial", "Schedule", "ENDPOINTS", "ApiError"]
