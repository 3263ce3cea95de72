"""The PyTorch reference of `npm run bench`: one training epoch of the seed's MLP or CNN (../shared/seed/lecture3.md,
copied below as they stand on the slides) on real MNIST, CPU, batch 100, SGD, as many threads as the machine has
cores (TensorFlow's default), denormal numbers flushed to zero as TensorFlow's CPU kernels do (without that,
the sigmoid MLP's tiny gradients make PyTorch's epoch several times slower here: measured 57 s against 8 s).
The images are decoded from the same gz files into one tensor first, and each batch is
indexed from it (the fastest data path PyTorch has), so the comparison is of the training step itself.

    python scripts/bench/torch_epoch.py <cnn|mlp> <folder holding the four MNIST .gz files>

prints one JSON line {model, seconds, images, rss_mb, ...}. Needs torch (bench-only; not a project dependency).
"""
import gzip
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):  # MNIST数字認識コード(2)
    def __init__(self):
        super(MLP, self).__init__()
        self.l1 = nn.Linear(784, 784)
        self.l2 = nn.Linear(784, 784)
        self.l3 = nn.Linear(784, 10)

    def forward(self, x):
        x = x.view(-1, 28 * 28)
        x = torch.sigmoid(self.l1(x))
        x = torch.sigmoid(self.l2(x))
        x = self.l3(x)
        return F.log_softmax(x, dim=1)


class CNN(nn.Module):  # PyTorchで畳み込みNN
    def __init__(self):
        super(CNN, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(12 * 12 * 64, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = self.pool(x)
        x = x.view(-1, 12 * 12 * 64)
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


def idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def main():
    model_name, folder = sys.argv[1], sys.argv[2]
    torch.manual_seed(1)
    torch.set_num_threads(os.cpu_count())  # all cores, as the tfjs backends use
    torch.set_flush_denormal(True)  # as TensorFlow does; see the docstring
    images = idx(os.path.join(folder, "train-images-idx3-ubyte.gz"), 16).reshape(-1, 1, 28, 28)
    labels = idx(os.path.join(folder, "train-labels-idx1-ubyte.gz"), 8).astype(np.int64)
    x_all = torch.from_numpy(images.astype(np.float32) / 255.0 - 0.5)  # ToTensor, Normalize((0.5,), (1.0,))
    y_all = torch.from_numpy(labels)
    model = CNN() if model_name == "cnn" else MLP()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1 if model_name == "cnn" else 0.5)
    model.train()

    def epoch(limit=None):
        order = torch.randperm(len(y_all))
        total, count = 0.0, 0
        for b, start in enumerate(range(0, len(order), 100)):
            if limit is not None and b == limit:
                break
            i = order[start:start + 100]
            input, target = x_all[i], y_all[i]
            optimizer.zero_grad()
            output = model(input)
            loss = F.nll_loss(output, target)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(i)
            count += len(i)
        return total / count, count

    epoch(limit=3)  # warm-up, as the TypeScript side does
    t0 = time.perf_counter()
    loss, count = epoch()
    seconds = time.perf_counter() - t0
    print(json.dumps({
        "backend": f"pytorch {torch.__version__}", "model": model_name, "mode": "epoch", "seconds": seconds,
        "images": count, "train_loss": loss, "threads": torch.get_num_threads(), "flush_denormal": True,
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


if __name__ == "__main__":
    main()
