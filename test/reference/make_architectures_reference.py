"""torchvision's VGG16, GoogLeNet (without auxiliary heads) and ResNet-34, counted, for test/architectures.test.ts.

Regenerate in a virtual environment with torch==2.13.0 (CPU) and torchvision==0.28.0 (pip install --no-deps; its
compiled operators are not needed to build the models):

    python test/reference/make_architectures_reference.py

It writes test/reference/architectures_reference.json: the versions, each network's total, and the parameter count
of every module that holds parameters itself (Conv2d, BatchNorm2d, Linear), in module order.
"""
import json
import os

import torch

# torchvision's wheel on PyPI is built against a CUDA torch: its custom operators do not register on the CPU
# build. The model definitions are plain Python and do not use them.
torch.library.register_fake = lambda *a, **k: (lambda f: f)
import torchvision  # noqa: E402
from torchvision import models  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "architectures_reference.json")


def leaves(model):
    """[type, parameters] of every module with parameters of its own, in model.modules() order."""
    out = []
    for m in model.modules():
        own = sum(p.numel() for p in m.parameters(recurse=False))
        if own:
            out.append([type(m).__name__, own])
    return out


def main():
    nets = {
        "vgg16": models.vgg16(),
        "googlenet": models.googlenet(aux_logits=False, init_weights=False),
        "resnet34": models.resnet34(),
    }
    doc = {"torch": torch.__version__, "torchvision": torchvision.__version__}
    for name, m in nets.items():
        doc[name] = {"total": sum(p.numel() for p in m.parameters()), "leaves": leaves(m)}
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print({k: v["total"] for k, v in doc.items() if isinstance(v, dict)}, doc["torch"], doc["torchvision"])


if __name__ == "__main__":
    main()
