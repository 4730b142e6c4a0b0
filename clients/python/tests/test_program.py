"""tinysweep.params() and tinysweep.report(): the command backend's JSON-lines protocol, no API needed."""

import io
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import tinysweep

REPO = Path(__file__).resolve().parents[3]


class ParamsTest(unittest.TestCase):
    def test_reads_the_trials_parameters_from_the_environment_or_its_file(self):
        with mock.patch.dict(os.environ, {"TINYSWEEP_PARAMS": '{"lr": 0.1, "adapter": {"rank": 2}, "seed": 3}'}):
            self.assertEqual(tinysweep.params(), {"lr": 0.1, "adapter": {"rank": 2}, "seed": 3})
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write('{"width": 8}')
        try:
            with mock.patch.dict(os.environ, {"TINYSWEEP_PARAMS_FILE": f.name}, clear=False):
                os.environ.pop("TINYSWEEP_PARAMS", None)
                self.assertEqual(tinysweep.params(), {"width": 8})
        finally:
            os.unlink(f.name)
        with mock.patch.dict(os.environ, {}, clear=True):
            self.assertEqual(tinysweep.params(), {})
        with mock.patch.dict(os.environ, {"TINYSWEEP_PARAMS": "[1]"}):
            self.assertRaises(ValueError, tinysweep.params)

    def test_eval_at_lists_the_asha_rungs(self):
        with mock.patch.dict(os.environ, {"TINYSWEEP_EVAL_AT": "3,9,27"}):
            self.assertEqual(tinysweep.eval_at(), [3, 9, 27])


class ReportTest(unittest.TestCase):
    def lines(self, *calls):
        out = io.StringIO()
        for args, kwargs in calls:
            tinysweep.report(*args, out=out, **kwargs)
        return [json.loads(line.replace("NaN", '"NaN"')) for line in out.getvalue().splitlines()]

    def test_writes_curve_points_and_the_final_result_as_json_lines(self):
        got = self.lines(((), {"step": 10, "loss": 0.5}), ((), {"final": True, "score": 0.97, "trainable_params": 13, "adapter": {"v": [1]}}))
        self.assertEqual(got, [{"step": 10, "loss": 0.5}, {"final": True, "score": 0.97, "trainable_params": 13, "adapter": {"v": [1]}}])

    def test_keeps_a_diverged_loss_and_refuses_what_is_not_a_metric(self):
        self.assertEqual(self.lines(((), {"step": 1, "loss": math.nan})), [{"step": 1, "loss": "NaN"}])
        self.assertRaises(TypeError, tinysweep.report, step=1, loss="high")
        self.assertRaises(ValueError, tinysweep.report, step=-1, loss=1.0)
        self.assertRaises(ValueError, tinysweep.report, step=1)

    def test_the_example_program_speaks_the_protocol(self):
        env = {**os.environ, "TINYSWEEP_PARAMS": json.dumps({"lr": 0.2, "width": 4, "steps": 20, "seed": 1})}
        out = subprocess.run([sys.executable, str(REPO / "examples" / "python-train" / "train.py")], env=env, capture_output=True, text=True, check=True).stdout
        lines = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([l.get("step") for l in lines[:-1]], [10, 20])
        self.assertTrue(lines[-1]["final"])
        self.assertGreater(lines[-1]["score"], 0)
        self.assertEqual(lines[-1]["trainable_params"], 13)


if __name__ == "__main__":
    unittest.main()
