"""Where one training step's time goes in PyTorch: torch.profiler over one step of the seed's model (batch 100, CPU,
the bench's threads and denormal setting), operators summed by name (self CPU time). Run by `npm run bench -- --profile`.

    python scripts/bench/torch_profile.py <cnn|mlp>      prints one JSON line
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile

sys.path.insert(0, os.path.dirname(__file__))
from torch_epoch import CNN, MLP  # noqa: E402


def main():
    model_name = sys.argv[1]
    torch.manual_seed(1)
    torch.set_num_threads(os.cpu_count())
    torch.set_flush_denormal(True)
    model = CNN() if model_name == "cnn" else MLP()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1 if model_name == "cnn" else 0.5)
    x = torch.rand(100, 1, 28, 28) - 0.5
    y = torch.arange(100) % 10

    def step():
        optimizer.zero_grad()
        loss = F.nll_loss(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(5):
        step()
    t0 = time.perf_counter()
    for _ in range(20):
        step()
    step_ms = (time.perf_counter() - t0) / 20 * 1000
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(5):
            step()
    ops = [{"name": e.key, "calls": round(e.count / 5), "ms": e.self_cpu_time_total / 1000 / 5}
           for e in prof.key_averages() if e.self_cpu_time_total > 0]
    ops.sort(key=lambda o: -o["ms"])
    print(json.dumps({"framework": f"pytorch {torch.__version__}", "model": model_name, "step_ms": step_ms, "kernels": ops}))


if __name__ == "__main__":
    main()
