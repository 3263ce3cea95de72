"""Runs a notebook's code cells several times in one tslab kernel (a student pressing Run All again and again) and
prints, after each pass and a full garbage collection, one JSON line: the pass, its seconds, the cells that failed,
tf.memory().numTensors, the kernel's resident memory, and the value of an optional TypeScript expression evaluated in the notebook's kernel.
Used by test/faults-rerun.test.ts (issue 12, item 5):

    .venv/bin/python test/kernel/rerun.py notebooks/02_mnist_mlp.ipynb 3 "model.parameters().length" ["loop < 3=>loop < 1"]

The optional last argument, OLD=>NEW, replaces OLD by NEW in the code cells (each pass alike): the test trains one epoch
instead of 02's three, since what it measures is what a re-run leaves behind. A notebook without OLD is an error.
"""
import json
import os
import sys
import time

from jupyter_client.manager import start_new_kernel

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from kernel_client import execute  # noqa: E402

# A full garbage collection first (what V8 does by itself sooner or later): it frees no weights (lib/core/ownership.ts:
# a cell run again frees what its previous run made), so the count shows what the re-runs themselves left.
PROBE = """import * as tf from "@tensorflow/tfjs";
require("v8").setFlagsFromString("--expose-gc");
for (let i = 0; i < 3; i++) { require("vm").runInNewContext("gc")(); await new Promise((r) => setTimeout(r, 20)); }
console.log("PROBE " + JSON.stringify({ numTensors: tf.memory().numTensors, rss: process.memoryUsage().rss, value: %s }));"""


def main(notebook, passes, expression="null", replace=None):
    with open(notebook, encoding="utf-8") as f:
        cells = ["".join(c["source"]) for c in json.load(f)["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    if replace:
        old, new = replace.split("=>", 1)
        if not any(old in code for code in cells):
            sys.exit(f"rerun.py: {old!r} is in no code cell of {notebook}: nothing to replace")
        cells = [code.replace(old, new) for code in cells]
    km, kc = start_new_kernel(kernel_name="tslab", cwd=os.path.dirname(os.path.abspath(notebook)))
    try:
        for n in range(1, passes + 1):
            t0, failed = time.time(), []
            for i, code in enumerate(cells):
                reply, msgs, _, _ = execute(km, kc, code, timeout=900)
                if reply["status"] != "ok":
                    failed.append(f"code cell {i}: {reply.get('ename')}: {reply.get('evalue', '')[:200]}")
            seconds = time.time() - t0
            _, msgs, _, _ = execute(km, kc, PROBE % expression)
            out = "".join(m["content"].get("text", "") for m in msgs if m["msg_type"] == "stream")
            probe = json.loads(out.split("PROBE ", 1)[1].split("\n")[0])
            print(json.dumps({"pass": n, "seconds": round(seconds, 1), "failed": failed, **probe}), flush=True)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2, sys.argv[3] if len(sys.argv) > 3 else "null", sys.argv[4] if len(sys.argv) > 4 else None)
