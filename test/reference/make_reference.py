"""PyTorch reference numbers for test/nn.test.ts.

Regenerate (from the repository root, in a virtual environment with torch==2.13.0 and numpy):

    python test/reference/make_reference.py

It writes test/reference/pytorch_reference.json. The script is deterministic (torch.manual_seed
fixed, CPU only), so running it again gives the same file.

Conventions of the JSON file:
  * every tensor is a plain nested list in PyTorch's own layout: Linear.weight is [out, in],
    Conv2d.weight is [out, in, kh, kw], images and feature maps are NCHW. The TypeScript test
    converts to lib's layout itself (Linear [in, out], Conv2d [kh, kw, in, out], images NHWC).
  * every value is drawn in float32 (so TensorFlow.js holds it exactly) and the arithmetic is
    then done in float64, so the numbers are the exact results for those float32 inputs.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 0
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pytorch_reference.json")


def L(t):
    """A tensor as a nested list of Python floats (or ints)."""
    return t.detach().tolist()


def f32(*shape, scale=1.0):
    """Standard-normal numbers drawn in float32, held as float64."""
    return (torch.randn(*shape, dtype=torch.float32) * scale).double()


def state(model):
    return {k: L(v) for k, v in model.state_dict().items()}


# ---------------------------------------------------------------- a. nll_loss
def nll_section():
    logits = f32(4, 5, scale=2.0)
    log_probs = F.log_softmax(logits, dim=1)
    # round the log-probabilities to float32 so that both sides start from the same numbers
    log_probs = log_probs.float().double()
    target = torch.tensor([1, 0, 4, 2])
    return {
        "log_probs": L(log_probs),
        "target": L(target),
        "mean": F.nll_loss(log_probs, target).item(),
        "sum": F.nll_loss(log_probs, target, reduction="sum").item(),
    }


# ---------------------------------------------------------------- b. a tiny MLP and its optimizer steps
class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(6, 4)
        self.l2 = nn.Linear(4, 3)

    def forward(self, x):
        return F.log_softmax(self.l2(torch.sigmoid(self.l1(x))), dim=1)


def l2_penalty(model, lam):
    """(λ/2)·Σ‖W‖² over the weights (parameters with two or more axes), not the biases — as lib's l2Penalty."""
    return lam / 2 * sum((p ** 2).sum() for p in model.parameters() if p.dim() >= 2)


def mlp_section():
    base = TinyNet()  # PyTorch's default init, seeded; float32 values
    base = base.double()
    init = {k: v.clone() for k, v in base.state_dict().items()}
    x = f32(5, 6)
    y = torch.tensor([0, 2, 1, 2, 0])

    def fresh():
        m = TinyNet().double()
        m.load_state_dict(init)
        return m

    # forward, loss, gradients
    m = fresh()
    out = m(x)
    loss = F.nll_loss(out, y)
    loss.backward()
    grads = {k: L(p.grad) for k, p in m.named_parameters()}

    # one plain SGD step
    m = fresh()
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    opt.zero_grad()
    F.nll_loss(m(x), y).backward()
    opt.step()
    sgd_after = state(m)

    def two_steps(make_opt):
        m = fresh()
        opt = make_opt(m.parameters())
        losses = []
        for _ in range(2):
            opt.zero_grad()
            loss = F.nll_loss(m(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses, state(m)

    mom_losses, mom_after = two_steps(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9))
    adam_losses, adam_after = two_steps(lambda p: torch.optim.Adam(p, lr=0.01))

    # weight decay as lib implements it: the penalty is part of the loss (weights only, not biases)
    lam = 0.1
    m = fresh()
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    opt.zero_grad()
    nll = F.nll_loss(m(x), y)
    total = nll + l2_penalty(m, lam)
    total.backward()
    opt.step()
    wd = {"lambda": lam, "lr": 0.1, "nll": nll.item(), "loss": total.item(), "after_1": state(m)}

    return {
        "input": L(x),
        "target": L(y),
        "init": {k: L(v) for k, v in init.items()},
        "output": L(out),
        "loss": loss.item(),
        "grads": grads,
        "sgd": {"lr": 0.1, "after_1": sgd_after},
        "momentum": {"lr": 0.1, "momentum": 0.9, "losses": mom_losses, "after_2": mom_after},
        "adam": {"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-8, "losses": adam_losses, "after_2": adam_after},
        "weight_decay": wd,
    }


# ---------------------------------------------------------------- c. convolution, ReLU, max-pooling
def conv_section(in_ch, out_ch):
    conv = nn.Conv2d(in_ch, out_ch, 3).double()  # default init, seeded; float32 values
    x = f32(2, in_ch, 6, 6)
    with torch.no_grad():
        y = conv(x)
        pooled = F.max_pool2d(F.relu(y), kernel_size=2, stride=2)
    return {
        "input": L(x),
        "weight": L(conv.weight),
        "bias": L(conv.bias),
        "conv": L(y),
        "relu_pool": L(pooled),
    }


# ---------------------------------------------------------------- d. batch normalization
def bn_section(bn, train_shape, eval_shape):
    with torch.no_grad():
        bn.weight.copy_(torch.rand(bn.num_features, dtype=torch.float32).double() + 0.5)
        bn.bias.copy_(f32(bn.num_features, scale=0.5))
    weight, bias = L(bn.weight), L(bn.bias)
    x_train = f32(*train_shape, scale=2.0) + 1.0
    x_eval = f32(*eval_shape, scale=2.0) + 1.0
    with torch.no_grad():
        bn.train()
        y_train = bn(x_train)
        running_mean, running_var = L(bn.running_mean), L(bn.running_var)
        bn.eval()
        y_eval = bn(x_eval)
    return {
        "eps": bn.eps,
        "momentum": bn.momentum,
        "weight": weight,
        "bias": bias,
        "train_input": L(x_train),
        "train_output": L(y_train),
        "running_mean": running_mean,
        "running_var": running_var,
        "eval_input": L(x_eval),
        "eval_output": L(y_eval),
    }


def start(generator):
    """Seeds torch deterministically; returns the "meta" record a reference file starts with."""
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    return {
        "torch": torch.__version__,
        "seed": SEED,
        "generator": generator,
        "layout": "PyTorch: Linear.weight [out,in], Conv2d.weight [out,in,kh,kw], images NCHW",
    }


def main():
    ref = {
        "meta": start("test/reference/make_reference.py"),
        "nll_loss": nll_section(),
        "mlp": mlp_section(),
        "conv_1ch": conv_section(1, 3),
        "conv_2ch": conv_section(2, 4),
        "batchnorm1d": bn_section(nn.BatchNorm1d(3).double(), (6, 3), (4, 3)),
        "batchnorm2d": bn_section(nn.BatchNorm2d(3).double(), (2, 3, 4, 4), (2, 3, 4, 4)),
    }
    with open(OUT, "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
