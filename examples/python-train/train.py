#!/usr/bin/env python3
"""A training program in Python for tinysweep's ``command`` backend, using the Python client's
program helpers — the shape your own PyTorch script would have:

    python3 examples/python-train/train.py          # run by a trainer started with --allow-command python3

It reads its trial's parameters with ``tinysweep.params()`` (lr, width, steps, seed), fits y = sin(3x)
with a one-hidden-layer tanh network by plain SGD (standard library only), reports the loss as it
goes with ``tinysweep.report(step=…, loss=…)`` and the result with ``tinysweep.report(final=True, score=…)``.
Run by hand (no tinysweep), it uses the defaults below and prints the same JSON lines.
"""

import math
import random
import sys
from pathlib import Path

try:
    import tinysweep
except ImportError:  # run from a checkout without `pip install clients/python`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "clients" / "python" / "src"))
    import tinysweep

p = {"lr": 0.05, "width": 8, "steps": 200, "seed": 0, **tinysweep.params()}
lr, width, steps = float(p["lr"]), int(p["width"]), int(p["steps"])
if not (lr > 0 and width >= 1 and steps >= 1):
    sys.exit(f"bad parameters: lr={lr} width={width} steps={steps}")
rng = random.Random(int(p["seed"]))

xs = [-1 + 2 * i / 63 for i in range(64)]
ys = [math.sin(3 * x) for x in xs]
w1 = [rng.uniform(-1, 1) for _ in range(width)]
b1 = [rng.uniform(-0.1, 0.1) for _ in range(width)]
w2 = [rng.uniform(-0.1, 0.1) for _ in range(width)]
b2 = 0.0

def epoch(update: bool) -> float:
    """Mean squared error over the data set, and one full-batch SGD step when `update`."""
    global b2
    loss, g1, gb1, g2, gb2 = 0.0, [0.0] * width, [0.0] * width, [0.0] * width, 0.0
    for x, y in zip(xs, ys):
        h = [math.tanh(w * x + b) for w, b in zip(w1, b1)]
        e = sum(hj * wj for hj, wj in zip(h, w2)) + b2 - y
        loss += e * e
        gb2 += 2 * e
        for j in range(width):
            g2[j] += 2 * e * h[j]
            dh = 2 * e * w2[j] * (1 - h[j] * h[j])
            g1[j] += dh * x
            gb1[j] += dh
    if update:
        n = len(xs)
        for j in range(width):
            w1[j] -= lr * g1[j] / n
            b1[j] -= lr * gb1[j] / n
            w2[j] -= lr * g2[j] / n
        b2 -= lr * gb2 / n
    return loss / len(xs)

for step in range(1, steps + 1):
    loss = epoch(update=True)
    if step % 10 == 0 or step == steps:
        tinysweep.report(step=step, loss=loss)

final = epoch(update=False)
# score: higher is better (the sweep maximises it); the parameter counts place it on the board's
# metric-against-parameters plots and the Pareto front
size = 3 * width + 1
tinysweep.report(final=True, score=1 / (1 + final), loss=final, trainable_params=size, effective_params=size)
