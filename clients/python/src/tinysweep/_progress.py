"""A sweep's progress: a tqdm bar when tqdm is installed, else one line on stderr when it changes."""

from __future__ import annotations

import sys
from typing import Any, Dict, Optional


def _done(counts: Dict[str, int]) -> int:
    return sum(counts.get(k, 0) for k in ("succeeded", "failed", "cancelled", "stopped"))


def describe(info: Dict[str, Any]) -> str:
    """``running · 2 running (1 training) · best score=0.81``: what the bar's caption says."""
    c = info.get("counts", {})
    t = info.get("trainings") or {"total": 0, "running": 0}
    running = c.get("running", 0) + t.get("running", 0)
    parts = [info.get("status", "?"), f"{running} running" + (f" ({t['running']} training{'s' if t['running'] != 1 else ''})" if t.get("total") else "")]
    best = info.get("best")
    if best:
        parts.append(f"best {info.get('metric')}={best['value']:.4g}")
    return " · ".join(parts)


class Progress:
    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self._bar: Optional[Any] = None
        self._last = ""

    def update(self, info: Dict[str, Any]) -> None:
        if not self.enabled:
            return
        total = info.get("trialCount", 0)
        done = _done(info.get("counts", {}))
        text = describe(info)
        try:
            from tqdm.auto import tqdm
        except ImportError:
            line = f"{info.get('name', info.get('id'))}: {done}/{total} done · {text}"
            if line != self._last:
                print(line, file=sys.stderr, flush=True)
                self._last = line
            return
        if self._bar is None:
            self._bar = tqdm(total=total, desc=info.get("name", "sweep"), unit="trial")
        self._bar.total = total
        self._bar.n = done
        self._bar.set_postfix_str(text)
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
