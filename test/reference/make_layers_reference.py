"""PyTorch reference numbers for test/layers.test.ts (lib/core/layers.ts and Conv2d's stride/padding).

Regenerate (from the repository root, with the project's .venv, which has torch 2.13.0 CPU for reference
scripts only):

    .venv/bin/python test/reference/make_layers_reference.py

It writes test/reference/layers_reference.json. Deterministic (torch.manual_seed fixed, CPU only).
Conventions as in make_reference.py: tensors in PyTorch's layouts (Linear.weight [out, in], Conv2d.weight
[out, in, kh, kw], maps NCHW), values drawn in float32 and the arithmetic done in float64.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layers_reference.json")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import L, f32, start, state  # noqa: E402  (the same conventions as make_reference.py)



def conv_stride_padding():
    conv = nn.Conv2d(2, 3, 3, stride=2, padding=1).double()
    x = f32(2, 2, 7, 7)
    with torch.no_grad():
        y = conv(x)
    return {"input": L(x), "weight": L(conv.weight), "bias": L(conv.bias), "output": L(y)}


def pooling():
    x = f32(2, 3, 7, 5)
    with torch.no_grad():
        return {
            "input": L(x),
            "avg_k2": L(F.avg_pool2d(x, 2)),
            "avg_k3_s2_p1": L(F.avg_pool2d(x, 3, stride=2, padding=1)),
            "adaptive_1": L(F.adaptive_avg_pool2d(x, 1)),
            "adaptive_3x2": L(F.adaptive_avg_pool2d(x, (3, 2))),
        }


def activations():
    x = f32(3, 4, scale=3.0)
    with torch.no_grad():
        return {"input": L(x), "tanh": L(torch.tanh(x)), "sigmoid": L(torch.sigmoid(x))}


class ResMLP(nn.Module):
    """Linear(5,6) → ReLU → [x + Linear(6,6)(tanh(Linear(6,6)(x)))] → ReLU → Linear(6,3) → log_softmax."""

    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(5, 6)
        self.f1 = nn.Linear(6, 6)
        self.f2 = nn.Linear(6, 6)
        self.out = nn.Linear(6, 3)

    def forward(self, x):
        h = F.relu(self.inp(x))
        h = F.relu(h + self.f2(torch.tanh(self.f1(h))))
        return F.log_softmax(self.out(h), dim=1)


class DeepSigmoid(nn.Module):
    """4 × (Linear(5,5) → sigmoid) → Linear(5,3) → log_softmax: gradient norms shrink toward the input."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(5, 5) for _ in range(4)])
        self.out = nn.Linear(5, 3)

    def forward(self, x):
        for l in self.layers:
            x = torch.sigmoid(l(x))
        return F.log_softmax(self.out(x), dim=1)


def grad_norms(model):
    model = model.double()
    x = f32(8, 5)
    t = torch.randint(0, 3, (8,))
    out = model(x)
    loss = F.nll_loss(out, t)
    loss.backward()
    return {
        "state": state(model),
        "input": L(x),
        "target": L(t),
        "output": L(out),
        "loss": loss.item(),
        "grad_norms": {k: p.grad.norm().item() for k, p in model.named_parameters()},
    }


def main():
    ref = {
        "meta": start("test/reference/make_layers_reference.py"),
        "conv_stride2_pad1": conv_stride_padding(),
        "pooling": pooling(),
        "activations": activations(),
        "residual_mlp": grad_norms(ResMLP()),
        "deep_sigmoid": grad_norms(DeepSigmoid()),
    }
    with open(OUT, "w") as f:
        json.dump(ref, f, indent=1)


if __name__ == "__main__":
    main()
