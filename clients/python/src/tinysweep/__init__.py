"""tinysweep's Python client.

Drive a tinysweep API from Python or a notebook::

    from tinysweep import Client
    client = Client("http://127.0.0.1:4100", token="tsw_...")
    sweep = client.submit("examples/demo-sweep.yaml")
    sweep.wait()                       # progress bar (tqdm when installed)
    df = sweep.results()               # a pandas DataFrame when pandas is installed, else records
    sweep.trial(df["id"][0]).adapter(format="peft-lora", out="adapter/")

and, inside a training program the ``command`` backend runs::

    import tinysweep
    p = tinysweep.params()             # this trial's parameters
    tinysweep.report(step=10, loss=0.31)
    tinysweep.report(final=True, score=0.97)
"""

from ._http import ApiError
from .client import Client, Schedule, Sweep, Trial
from .program import eval_at, params, report, trial_dir

__all__ = ["ApiError", "Client", "Schedule", "Sweep", "Trial", "eval_at", "params", "report", "trial_dir"]
__version__ = "0.1.0"
