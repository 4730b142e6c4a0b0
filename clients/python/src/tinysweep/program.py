"""For training programs the ``command`` backend runs: their parameters in, metrics out.

The trainer starts the program with its trial's parameters in ``$TINYSWEEP_PARAMS`` (JSON) and reads
JSON lines from its stdout (apps/trainer/src/backends/command/program-output.ts)::

    {"step": 10, "loss": 0.31}                          a point on the learning curve
    {"final": true, "score": 0.97, "trainable_params": 13}   the trial's result

``report`` writes those lines (and flushes, so the board shows them as they come).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List, Optional, TextIO


def params() -> Dict[str, Any]:
    """This trial's parameters (its seed included, as ``seed``); {} when not run by tinysweep."""
    text = os.environ.get("TINYSWEEP_PARAMS")
    if text is None and os.environ.get("TINYSWEEP_PARAMS_FILE"):
        with open(os.environ["TINYSWEEP_PARAMS_FILE"], encoding="utf-8") as f:
            text = f.read()
    if not text:
        return {}
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("TINYSWEEP_PARAMS is not a JSON object")
    return value


def eval_at() -> List[int]:
    """The steps an ASHA sweep judges the trial at (report the metric at these steps); [] otherwise."""
    text = os.environ.get("TINYSWEEP_EVAL_AT", "")
    return [int(s) for s in text.replace(",", " ").split() if s.strip()]


def trial_dir() -> Optional[str]:
    """The directory the trial may write to (checkpoints), when run by tinysweep."""
    return os.environ.get("TINYSWEEP_TRIAL_DIR")


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        # numpy and torch scalars convert; anything else is a mistake worth naming
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"report(): metric {name!r} must be a number (got {type(value).__name__})") from None
    return value


def report(step: Optional[int] = None, *, final: bool = False, out: Optional[TextIO] = None, **metrics: Any) -> None:
    """Reports metrics, like ``wandb.log``.

    ``report(step=10, loss=0.31)`` adds a point to the learning curve (without ``step``, the next one);
    ``report(final=True, score=0.97)`` is the trial's result (the sweep's objective reads it; without a
    final report the last one counts). ``trainable_params`` and ``effective_params`` fill the result's
    parameter counts; ``adapter`` (any JSON value) becomes its adapter.
    """
    line: Dict[str, Any] = {}
    if step is not None:
        if isinstance(step, bool) or not isinstance(step, int) or step < 0:
            raise ValueError(f"report(): step must be a non-negative integer (got {step!r})")
        line["step"] = step
    if final:
        line["final"] = True
    for name, value in metrics.items():
        if name in ("step", "final"):
            raise ValueError(f"report(): {name!r} is not a metric name")
        line[name] = value if name == "adapter" else _number(name, value)
    if not any(k not in ("step", "final") for k in line):
        raise ValueError("report(): give at least one metric")
    # json writes NaN/Infinity for non-finite floats; the trainer accepts them (a diverged loss is a result too)
    stream = out or sys.stdout
    stream.write(json.dumps(line, allow_nan=True) + "\n")
    stream.flush()


__all__ = ["params", "report", "eval_at", "trial_dir"]
