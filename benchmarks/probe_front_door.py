"""Count how optlib answers the bad inputs of the test tables: clear, unclear or silent.

The tables are the ``CASES`` lists of ``tests/test_bad_inputs_*.py``: each row is
``(case_id, thunk, expected exception type, name the message must contain)``. Each thunk runs
once and its outcome is sorted into

- clear: the expected exception type (TypeError or ValueError), whose message names the argument;
- unclear: an exception, but of another type or without the argument's name;
- silent: no exception at all.

The on-disk cases that could kill the interpreter (SIGBUS) are not here: they run in
subprocesses in ``tests/test_memmap.py``.

Run:     .venv/bin/python benchmarks/probe_front_door.py
Writes:  benchmarks/results/front_door.json
"""

from __future__ import annotations

import importlib.util
import json
import sys
import warnings
from collections import Counter, defaultdict
from pathlib import Path

import matplotlib
from _machine import describe_machine

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "results" / "front_door.json"


def load_tables() -> dict[str, list]:
    tables = {}
    for path in sorted((ROOT / "tests").glob("test_bad_inputs_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        tables[path.stem.removeprefix("test_bad_inputs_")] = module.CASES
    return tables


# Which optlib module answers each group of cases (the first word of a case id).
MODULES = {
    **dict.fromkeys(["batch_indices", "minibatches"], "data"),
    **dict.fromkeys(
        ["load_digits", "load_iris", "make_classification", "make_regression"], "datasets"
    ),
    **dict.fromkeys(["make_regression_memmap", "open_memmap", "to_memmap"], "memmap"),
    **dict.fromkeys(
        [
            "adagrad",
            "adam",
            "adamw",
            "momentum",
            "nesterov",
            "rmsprop",
            "sgd",
            "init",
            "state",
            "step",
        ],
        "optimizers",
    ),
    **dict.fromkeys(["linear", "mlp", "loss", "labels", "gradcheck"], "models"),
    **dict.fromkeys(["classifier", "est"], "estimators"),
    **dict.fromkeys(["fit", "minimize"], "train"),
    "check": "check",
    "objective": "objectives",
    "plot": "plotting",
    **dict.fromkeys(["range", "schedule"], "schedules"),
    "search": "search",
    "widget": "widgets",
}


def outcome(thunk, expected, name) -> str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            thunk()
    except expected as err:
        return "clear" if name in str(err) else "unclear"
    except Exception:  # noqa: BLE001 - any other exception is what this probe counts
        return "unclear"
    return "silent"


def main() -> int:
    import matplotlib.pyplot as plt

    per_group: dict[str, Counter] = defaultdict(Counter)
    per_module: dict[str, Counter] = defaultdict(Counter)
    details = []
    for table, cases in load_tables().items():
        for case_id, thunk, expected, name in cases:
            result = outcome(thunk, expected, name)
            plt.close("all")
            group = f"{table}: {case_id.split('-')[0]}"
            per_group[group][result] += 1
            per_module[MODULES[case_id.split("-")[0].split(" ")[0]]][result] += 1
            if result != "clear":
                details.append(dict(table=table, case=case_id, outcome=result))
    total = Counter()
    for counts in per_group.values():
        total.update(counts)
    for group in sorted(per_group):
        c = per_group[group]
        print(f"{group:32} clear {c['clear']:4}  unclear {c['unclear']:3}  silent {c['silent']:3}")
    for module in sorted(per_module):
        c = per_module[module]
        print(
            f"{'optlib.' + module:32} clear {c['clear']:4}  unclear {c['unclear']:3}  "
            f"silent {c['silent']:3}"
        )
    print(
        f"{'all':32} clear {total['clear']:4}  unclear {total['unclear']:3}  "
        f"silent {total['silent']:3}"
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            dict(
                command="python benchmarks/probe_front_door.py",
                host=describe_machine(),
                total=dict(total),
                modules={m: dict(c) for m, c in sorted(per_module.items())},
                groups={g: dict(c) for g, c in sorted(per_group.items())},
                not_clear=details,
            ),
            indent=2,
        )
        + "\n"
    )
    return 0 if not details else 1


if __name__ == "__main__":
    sys.exit(main())
