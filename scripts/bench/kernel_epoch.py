"""One epoch through fit() inside a real tslab kernel (the TypeScript kernel JupyterLab runs), with the live progress
line and the live curve that a notebook shows: the notebook's overhead, measured. Run by scripts/bench.js:

    .venv/bin/python scripts/bench/kernel_epoch.py <tensorflow|wasm> <cnn|mlp>
    .venv/bin/python scripts/bench/kernel_epoch.py tensorflow --costs    (scripts/bench/kernel_costs.js in the kernel)

prints one JSON line {backend, model, mode: "kernel", seconds, rss_mb, display_messages}. The cell calls fitEpoch()
of scripts/bench/epoch.js, the same function the plain node row runs with --fit.
"""
import json
import os
import sys

from jupyter_client.manager import start_new_kernel

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from kernel_client import execute  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main():
    backend, model = sys.argv[1], sys.argv[2]
    km, kc = start_new_kernel(kernel_name="tslab", cwd=os.path.join(ROOT, "notebooks"))
    try:
        pid = km.provisioner.process.pid
        reply, msgs, _, _ = execute(km, kc, f'import {{ useBackend }} from "lecture3";\nconst backend_info = await useBackend("{backend}");')
        status = reply["status"]
        if status != "ok":
            raise SystemExit(json.dumps({"error": f"useBackend: {status} {msgs[-1:]}"}))
        if model == "--costs":  # scripts/bench/kernel_costs.js inside the kernel
            code = (f'const {{ costs }} = require({json.dumps(os.path.join(ROOT, "scripts", "bench", "kernel_costs.js"))});\n'
                    'console.log("BENCH " + JSON.stringify({ mode: "costs", where: "kernel", ...(await costs()) }));')
        else:
            code = (
                f'const {{ fitEpoch }} = require({json.dumps(os.path.join(ROOT, "scripts", "bench", "epoch.js"))});\n'
                f'const bench_result = await fitEpoch("{model}", true);\n'
                'console.log("BENCH " + JSON.stringify(bench_result));'
            )
        reply, msgs, _, _ = execute(km, kc, code, timeout=3600)
        status = reply["status"]
        texts = [m["content"].get("text", "") for m in msgs if m["msg_type"] == "stream"]
        line = next((t for t in "".join(texts).split("\n") if t.startswith("BENCH ")), None)
        if status != "ok" or line is None:
            raise SystemExit(json.dumps({"error": f"fit in the kernel: {status} {''.join(texts)[-500:]}"}))
        result = json.loads(line[len("BENCH "):])
        if model == "--costs":
            print(json.dumps(result))
            return
        with open(f"/proc/{pid}/status") as f:
            hwm = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
        displays = sum(m["msg_type"] in ("display_data", "update_display_data") for m in msgs)
        print(json.dumps({"backend": backend, "model": model, "mode": "kernel", **result, "images": 60000,
                          "rss_mb": round(hwm / 1024), "display_messages": displays}))
    finally:
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
