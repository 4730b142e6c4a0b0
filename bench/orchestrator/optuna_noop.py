#!/usr/bin/python3
"""
Optuna baseline for `npm run bench:orchestrator`: N no-op trials through Optuna's RDB storage on
Postgres, spread over W worker processes (each `study.optimize(objective, n_trials=N/W)`).

    /usr/bin/python3 bench/orchestrator/optuna_noop.py --url postgresql+psycopg2://u:p@host:port/db \
        [--trials 2000] [--workers 8]

Run with Debian's /usr/bin/python3 (python3-optuna, python3-psycopg2, python3-sqlalchemy).
The workers are forked once the study exists, each opens its own RDBStorage (own SQLAlchemy engine),
loads the study and waits on a barrier; the clock runs from the barrier's release to the last
worker's return, so interpreter start-up and imports are not counted (as the tinysweep side does
not count trainer start-up). The sampler is Optuna's default (TPE, which for an objective that
suggests nothing does no search work). Progress goes to stderr; the last stdout line is JSON.
"""
import argparse
import json
import multiprocessing as mp
import sys
import time

import optuna


def objective(trial):
    return 0.0


def worker(url, study_name, n_trials, barrier, results):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.RDBStorage(url)
    study = optuna.load_study(study_name=study_name, storage=storage)
    barrier.wait()
    t0 = time.time()
    study.optimize(objective, n_trials=n_trials)
    results.put((t0, time.time()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--trials", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--study", default="bench-noop")
    a = ap.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    storage = optuna.storages.RDBStorage(a.url)
    try:
        optuna.delete_study(study_name=a.study, storage=storage)
    except KeyError:
        pass
    study = optuna.create_study(study_name=a.study, storage=storage, direction="minimize")
    sampler = type(study.sampler).__name__
    storage.engine.dispose()  # no pooled connections may cross the fork
    del study, storage

    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(a.workers + 1)
    results = ctx.Queue()
    per = [a.trials // a.workers + (1 if i < a.trials % a.workers else 0) for i in range(a.workers)]
    procs = [ctx.Process(target=worker, args=(a.url, a.study, n, barrier, results)) for n in per]
    t_fork = time.time()
    for p in procs:
        p.start()
    barrier.wait(timeout=120)
    t0 = time.time()
    spans = [results.get(timeout=600) for _ in procs]
    t1 = max(end for _, end in spans)
    for p in procs:
        p.join()
    failed = [p.exitcode for p in procs if p.exitcode != 0]

    storage = optuna.storages.RDBStorage(a.url)
    study = optuna.load_study(study_name=a.study, storage=storage)
    complete = len(study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,)))
    seconds = t1 - t0
    print(f"optuna: {complete} trials in {seconds:.2f}s with {a.workers} workers", file=sys.stderr)
    print(json.dumps({
        "optuna_version": optuna.__version__,
        "sampler": sampler,
        "workers": a.workers,
        "trials": a.trials,
        "complete": complete,
        "seconds": round(seconds, 3),
        "startup_seconds": round(t0 - t_fork, 3),
        "trials_per_s": round(complete / seconds, 2) if seconds > 0 else None,
        "failed_workers": failed,
    }))
    return 0 if not failed and complete == a.trials else 1


if __name__ == "__main__":
    sys.exit(main())
