"""The client against a real tinysweep API (started by test/e2e/python-client.test.ts in `npm test`).

Needs TINYSWEEP_TEST_API_URL and TINYSWEEP_TEST_API_TOKEN (admin), a trainer that may run python3
programs, and TINYSWEEP_TEST_ADAPTER_TRIAL, a succeeded tinylora trial on a HF model; skipped without them.
"""

import contextlib
import io
import json
import os
import tempfile
import unittest
import urllib.request
from pathlib import Path

import tinysweep
from tinysweep.client import ENDPOINTS

URL = os.environ.get("TINYSWEEP_TEST_API_URL")
# The interpreter the trainer runs the example program with (it must be on the trainer's allow-list).
PROGRAM_PYTHON = os.environ.get("TINYSWEEP_TEST_PYTHON", "python3")
TOKEN = os.environ.get("TINYSWEEP_TEST_API_TOKEN")
WAIT = 240


def python_spec(name, **over):
    spec = {
        "name": name,
        "backend": {"kind": "command", "command": [PROGRAM_PYTHON, "examples/python-train/train.py"]},
        "params": {"lr": [0.05, 0.2], "width": 4, "steps": 20},
        "seeds": [1, 2],
        "objective": {"metric": "score", "mode": "max"},
        "budget": {"maxTrials": 100, "trialTimeout": "2m", "retries": 0},
    }
    spec.update(over)
    return spec


@unittest.skipUnless(URL and TOKEN, "TINYSWEEP_TEST_API_URL and TINYSWEEP_TEST_API_TOKEN name a running API")
class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = tinysweep.Client(URL, token=TOKEN)

    def test_every_endpoint_the_client_calls_is_in_the_openapi_document(self):
        req = urllib.request.Request(URL + "/docs-json", headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(req) as res:
            doc = json.load(res)
        for name, (method, path) in ENDPOINTS.items():
            with self.subTest(name):
                self.assertIn(path, doc["paths"], f"{name}: {path} is not in /docs-json")
                self.assertIn(method.lower(), doc["paths"][path], f"{name}: {method} {path} is not in /docs-json")

    def test_submit_wait_results_configs_front_and_extend(self):
        sweep = self.client.submit(python_spec("py-client"))
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            sweep.wait(timeout=WAIT, poll=0.5)
        self.assertEqual(sweep.info["status"], "completed")
        # the progress on stderr: tqdm's bar when installed ("py-client: 100%|…| 4/4 […, completed · …]"), else a line
        self.assertRegex(err.getvalue(), r"py-client: .*4/4.*completed")

        rows = sweep.results(as_frame=False)
        self.assertEqual(len(rows), 4)
        for r in rows:
            self.assertEqual(r["status"], "succeeded")
            self.assertIn(r["params.lr"], (0.05, 0.2))
            self.assertGreater(r["metrics.score"], 0)
            self.assertEqual(r["trainableParams"], 13)
        configs = sweep.configs(as_frame=False)
        self.assertEqual([c["n"] for c in configs], [2, 2])
        self.assertGreaterEqual(configs[0]["mean"], configs[1]["mean"])  # best first
        self.assertIsNone(configs[0]["t95_lo"])  # 2 seeds: no t-interval
        front = sweep.front()
        self.assertEqual(front["configs"], 2)
        self.assertTrue(front["front"])

        before = {r["id"]: r["metrics.score"] for r in rows}
        added = sweep.extend(seeds=[3])
        self.assertEqual((added["added"], added["seeds"]), (2, [1, 2, 3]))
        sweep.wait(timeout=WAIT, poll=0.5, progress=False)
        after = sweep.results(as_frame=False)
        self.assertEqual(len(after), 6)
        self.assertEqual({r["id"]: r["metrics.score"] for r in after if r["id"] in before}, before)  # old results untouched
        self.assertEqual(sorted(r["seed"] for r in after), [1, 1, 2, 2, 3, 3])

        trial = sweep.trial(rows[0]["id"])
        trial.retry()
        sweep.wait(timeout=WAIT, poll=0.5, progress=False)
        self.assertEqual(trial.info()["attempts"], 2)

    def test_cancel(self):
        # a spec file (JSON is YAML too) goes as written, as application/yaml
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            json.dump(python_spec("py-cancel", params={"lr": [0.01, 0.02, 0.03, 0.04], "width": 64, "steps": 100000}), f)
        try:
            sweep = self.client.submit(f.name)
        finally:
            os.unlink(f.name)
        self.assertGreater(sweep.cancel(), 0)
        self.assertEqual(sweep.status, "cancelled")

    def test_adapter_export(self):
        trial = self.client.trial(os.environ["TINYSWEEP_TEST_ADAPTER_TRIAL"])
        with tempfile.TemporaryDirectory() as d:
            out = trial.adapter(format="peft-lora", out=Path(d) / "lora")
            config = json.loads((out / "adapter_config.json").read_text())
            self.assertEqual((config["peft_type"], config["lora_alpha"]), ("LORA", config["r"]))
            self.assertTrue((out / "adapter_model.safetensors").is_file())
            own = trial.adapter(format="tinysweep", out=Path(d) / "own")
            self.assertTrue(json.loads((own / "adapter.json").read_text())["format"].startswith("tinysweep.tinylora/"))
        self.assertRaises(ValueError, trial.adapter, format="gguf")

    def test_schedules(self):
        sweep = self.client.sweeps(limit=1)[0]
        schedule = self.client.schedule(sweep, cron="0 3 * * *", time_zone="Europe/Paris", name="nightly")
        schedule.pause()
        self.assertIn(schedule.id, [s.id for s in self.client.schedules() if s.info["paused"]])
        schedule.resume()
        self.assertEqual(schedule.runs(), [])
        schedule.delete()
        self.assertNotIn(schedule.id, [s.id for s in self.client.schedules()])

    def test_a_bad_spec_names_the_field(self):
        with self.assertRaises(tinysweep.ApiError) as caught:
            self.client.submit(python_spec("bad", seeds=[-1]))
        self.assertEqual(caught.exception.status, 400)
        self.assertIn("seeds[0]", [i["path"] for i in caught.exception.issues])

    def test_nodes_say_what_each_trainer_runs(self):
        nodes = self.client.nodes()
        self.assertTrue(nodes)
        self.assertTrue(all("work" in n for n in nodes))


if __name__ == "__main__":
    unittest.main()
