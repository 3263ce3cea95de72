"""One epoch through fit() inside a real tslab kernel (the TypeScript kernel JupyterLab runs), with the live progress
line and the live curve that a notebook shows: the notebook's overhead, measured. Run by scripts/bench.js:

    .venv/bin/python scripts/bench/kernel_epoch.py <tensorflow|wasm> <cnn|mlp>

prints one JSON line {backend, model, mode: "kernel", seconds, rss_mb, display_messages}. The cell calls fitEpoch()
of scripts/bench/epoch.js, the same function the plain node row runs with --fit.
"""
import json
import os
import queue
import sys
import time

from jupyter_client.manager import start_new_kernel

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def run(kc, code, timeout):
    """Executes `code`, collects its iopub messages until idle; returns (status, messages)."""
    msg_id = kc.execute(code)
    messages, t_end = [], time.time() + timeout
    while time.time() < t_end:
        try:
            m = kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            continue
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
        messages.append(m)
    while True:
        reply = kc.get_shell_msg(timeout=30)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]["status"], messages


def main():
    backend, model = sys.argv[1], sys.argv[2]
    km, kc = start_new_kernel(kernel_name="tslab", cwd=os.path.join(ROOT, "notebooks"))
    try:
        pid = km.provisioner.process.pid
        status, msgs = run(kc, f'import {{ useBackend }} from "lecture3";\nconst backend_info = await useBackend("{backend}");', 120)
        if status != "ok":
            raise SystemExit(json.dumps({"error": f"useBackend: {status} {msgs[-1:]}"}))
        code = (
            f'const {{ fitEpoch }} = require({json.dumps(os.path.join(ROOT, "scripts", "bench", "epoch.js"))});\n'
            f'const bench_result = await fitEpoch("{model}", true);\n'
            'console.log("BENCH " + JSON.stringify(bench_result));'
        )
        status, msgs = run(kc, code, 3600)
        texts = [m["content"].get("text", "") for m in msgs if m["msg_type"] == "stream"]
        line = next((t for t in "".join(texts).split("\n") if t.startswith("BENCH ")), None)
        if status != "ok" or line is None:
            raise SystemExit(json.dumps({"error": f"fit in the kernel: {status} {''.join(texts)[-500:]}"}))
        result = json.loads(line[len("BENCH "):])
        with open(f"/proc/{pid}/status") as f:
            hwm = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
        displays = sum(m["msg_type"] in ("display_data", "update_display_data") for m in msgs)
        print(json.dumps({"backend": backend, "model": model, "mode": "kernel", **result, "images": 60000,
                          "rss_mb": round(hwm / 1024), "display_messages": displays}))
    finally:
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
