#!/usr/bin/python3
"""Generates torch_optim_goldens.json: iterates of torch.optim (float64) on two fixed problems.

Run with Debian's torch:  apt-get install -y python3-torch python3-numpy; /usr/bin/python3 gen_torch_goldens.py
The gradient is computed here with plain Python floats in a fixed summation order (the same order as the
Java test's oracle, so both sides feed bit-identical gradients to the optimizer), and handed to torch through
p.grad; what the goldens test is the optimizer's update rule, not autograd.

Problems (F as a function of x in R^d):
  quadratic:     F = 1/2 (x1^2 + 10 x2^2), x0 = (1, 1)                         (THEORY.md's table)
  least_squares: F = (1/n) sum_i 1/2 (a_i . x - b_i)^2, fixed A (n x d), b, x0  (data written to the JSON)
Each optimizer config is written in ratelab's spec keys; TORCH maps it to torch.optim's constructor.
"""
import json
import random

import torch

STEPS = 60

QUAD = {"name": "quadratic", "diag": [1.0, 10.0], "x0": [1.0, 1.0]}

rnd = random.Random(20240607)
N, D = 8, 3
A = [[round(rnd.uniform(-2, 2), 3) for _ in range(D)] for _ in range(N)]
B = [round(rnd.uniform(-1, 1), 3) for _ in range(N)]
LSQ = {"name": "least_squares", "a": A, "b": B, "x0": [0.5, -0.25, 1.0]}


def grad(problem, x):
    if problem["name"] == "quadratic":
        return [problem["diag"][j] * x[j] for j in range(len(x))]
    a, b = problem["a"], problem["b"]
    n, d = len(a), len(x)
    g = [0.0] * d
    for i in range(n):
        r = 0.0
        for j in range(d):
            r += a[i][j] * x[j]
        r -= b[i]
        for j in range(d):
            g[j] += a[i][j] * r
    return [gj / n for gj in g]


CONFIGS = [
    {"name": "sgd", "lr": 0.01},
    {"name": "sgd", "lr": 0.01, "momentum": 0.9},
    {"name": "sgd", "lr": 0.01, "momentum": 0.9, "dampening": 0.5},
    {"name": "sgd", "lr": 0.01, "momentum": 0.9, "nesterov": True},
    {"name": "sgd", "lr": 0.01, "momentum": 0.9, "weight_decay": 0.1},
    {"name": "sgd", "lr": 0.01, "momentum": 0.9, "dampening": 0.5, "weight_decay": 0.1},
    {"name": "sgd", "lr": 0.01, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1},
    {"name": "adam", "lr": 0.1},
    {"name": "adam", "lr": 0.1, "weight_decay": 0.1},
    {"name": "adam", "lr": 0.05, "beta1": 0.3, "beta2": 0.9, "eps": 1e-6},
    {"name": "adam", "lr": 0.1, "amsgrad": True},
    {"name": "adam", "lr": 0.1, "amsgrad": True, "weight_decay": 0.1},
    {"name": "adagrad", "lr": 0.1},
    {"name": "adagrad", "lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1},
    {"name": "adagrad", "lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1, "weight_decay": 0.1},
    {"name": "rmsprop", "lr": 0.01},
    {"name": "rmsprop", "lr": 0.01, "weight_decay": 0.1},
    {"name": "rmsprop", "lr": 0.01, "centered": True},
    {"name": "rmsprop", "lr": 0.01, "momentum": 0.9},
    {"name": "rmsprop", "lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True, "weight_decay": 0.1},
]


def torch_optimizer(cfg, params):
    c = {k: v for k, v in cfg.items() if k != "name"}
    name = cfg["name"]
    if name == "sgd":
        return torch.optim.SGD(params, **c)
    if name == "adam":
        betas = (c.pop("beta1", 0.9), c.pop("beta2", 0.999))
        return torch.optim.Adam(params, betas=betas, **c)
    if name == "adagrad":
        return torch.optim.Adagrad(params, **c)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, **c)
    raise ValueError(name)


def run(problem, cfg):
    p = torch.tensor(problem["x0"], dtype=torch.float64, requires_grad=True)
    opt = torch_optimizer(cfg, [p])
    out = []
    for _ in range(STEPS):
        x = p.detach().tolist()
        p.grad = torch.tensor(grad(problem, x), dtype=torch.float64)
        opt.step()
        out.append(p.detach().tolist())
    return out


def main():
    cases = []
    for problem in (QUAD, LSQ):
        for cfg in CONFIGS:
            cases.append({"problem": problem["name"], "config": cfg, "iterates": run(problem, cfg)})
    doc = {
        "generator": "gen_torch_goldens.py",
        "torch_version": torch.__version__,
        "steps": STEPS,
        "problems": [QUAD, LSQ],
        "cases": cases,
    }
    with open("torch_optim_goldens.json", "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
