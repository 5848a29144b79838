#!/usr/bin/python3
"""Generates muon_goldens.json: iterates of the reference Muon (float64) on small matrix regressions.

Run with Debian's torch:  apt-get install -y python3-torch python3-numpy; /usr/bin/python3 gen_muon_goldens.py
Muon is Jordan et al. 2024 (kellerjordan.github.io/posts/muon). zeropower_via_newtonschulz5, muon_update,
adam_update and SingleDeviceMuonWithAuxAdam below are github.com/KellerJordan/Muon, muon.py at commit
857d1adc159e098212f828d927460782d3da59e9, copied verbatim but for one line: the Newton-Schulz iterate is
kept in float64 (the reference casts it to bfloat16, `X = G.bfloat16()`), so that the comparison is to
roundoff. The vector fallback is the reference's auxiliary Adam (use_muon=False groups) or, for ratelab's
`fallback: {name: sgd}`, torch.optim.SGD on the bias.

Problems: least-squares matrix regression F(W, c) = (1/n) sum_i 1/2 |W a_i + c - y_i|^2 with W of shape
(rows, cols) = (3, 4) (wide, no transpose) and (4, 3) (tall: transposed, scaled by sqrt(4/3)), bias c, fixed
inputs a_i (n x cols) and targets y_i (n x rows). theta = (W row-major, c), as ratelab lays out a layer. The
gradient is computed here with plain Python floats in the Java test's summation order and handed to torch
through p.grad, so what is compared is the update rule.
"""
import json
import random

import torch

torch.set_default_dtype(torch.float64)

STEPS = 10


def zeropower_via_newtonschulz5(G, steps: int):
    assert G.ndim >= 2 # batched Muon implementation by @scottjmaddox, and put into practice in the record by @YouJiacheng
    a, b, c = (3.4445, -4.7750,  2.0315)
    X = G.double()  # the reference: X = G.bfloat16()
    if G.size(-2) > G.size(-1):
        X = X.mT

    # Ensure spectral norm is at most 1
    X = X / (X.norm(dim=(-2, -1), keepdim=True) + 1e-7)
    # Perform the NS iterations
    for _ in range(steps):
        A = X @ X.mT
        B = b * A + c * A @ A # quintic computation strategy adapted from suggestion by @jxbz, @leloykun, and @YouJiacheng
        X = a * X + B @ X

    if G.size(-2) > G.size(-1):
        X = X.mT
    return X


def muon_update(grad, momentum, beta=0.95, ns_steps=5, nesterov=True):
    momentum.lerp_(grad, 1 - beta)
    update = grad.lerp_(momentum, beta) if nesterov else momentum
    if update.ndim == 4: # for the case of conv filters
        update = update.view(len(update), -1)
    update = zeropower_via_newtonschulz5(update, steps=ns_steps)
    update *= max(1, grad.size(-2) / grad.size(-1))**0.5
    return update


def adam_update(grad, buf1, buf2, step, betas, eps):
    buf1.lerp_(grad, 1 - betas[0])
    buf2.lerp_(grad.square(), 1 - betas[1])
    buf1c = buf1 / (1 - betas[0]**step)
    buf2c = buf2 / (1 - betas[1]**step)
    return buf1c / (buf2c.sqrt() + eps)


class SingleDeviceMuonWithAuxAdam(torch.optim.Optimizer):
    """
    Non-distributed variant of MuonWithAuxAdam. (ratelab: muon_update is called with the group's nesterov
    and ns_steps, which the reference leaves at their defaults; the group keys are extended to match.)
    """
    def __init__(self, param_groups):
        for group in param_groups:
            assert "use_muon" in group
            if group["use_muon"]:
                # defaults
                group["lr"] = group.get("lr", 0.02)
                group["momentum"] = group.get("momentum", 0.95)
                group["weight_decay"] = group.get("weight_decay", 0)
                group["nesterov"] = group.get("nesterov", True)
                group["ns_steps"] = group.get("ns_steps", 5)
                assert set(group.keys()) == set(["params", "lr", "momentum", "weight_decay", "use_muon", "nesterov", "ns_steps"])
            else:
                # defaults
                group["lr"] = group.get("lr", 3e-4)
                group["betas"] = group.get("betas", (0.9, 0.95))
                group["eps"] = group.get("eps", 1e-10)
                group["weight_decay"] = group.get("weight_decay", 0)
                assert set(group.keys()) == set(["params", "lr", "betas", "eps", "weight_decay", "use_muon"])
        super().__init__(param_groups, dict())

    @torch.no_grad()
    def step(self, closure=None):

        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()

        for group in self.param_groups:
            if group["use_muon"]:
                for p in group["params"]:
                    if p.grad is None:
                        # continue
                        p.grad = torch.zeros_like(p)  # Force synchronization
                    state = self.state[p]
                    if len(state) == 0:
                        state["momentum_buffer"] = torch.zeros_like(p)
                    update = muon_update(p.grad, state["momentum_buffer"], beta=group["momentum"],
                                         ns_steps=group["ns_steps"], nesterov=group["nesterov"])
                    p.mul_(1 - group["lr"] * group["weight_decay"])
                    p.add_(update.reshape(p.shape), alpha=-group["lr"])
            else:
                for p in group["params"]:
                    if p.grad is None:
                        # continue
                        p.grad = torch.zeros_like(p)  # Force synchronization
                    state = self.state[p]
                    if len(state) == 0:
                        state["exp_avg"] = torch.zeros_like(p)
                        state["exp_avg_sq"] = torch.zeros_like(p)
                        state["step"] = 0
                    state["step"] += 1
                    update = adam_update(p.grad, state["exp_avg"], state["exp_avg_sq"],
                                         state["step"], group["betas"], group["eps"])
                    p.mul_(1 - group["lr"] * group["weight_decay"])
                    p.add_(update, alpha=-group["lr"])

        return loss


def problem(name, rows, cols, seed):
    rnd = random.Random(seed)
    n = 6
    a = [[round(rnd.uniform(-1, 1), 3) for _ in range(cols)] for _ in range(n)]
    y = [[round(rnd.uniform(-1, 1), 3) for _ in range(rows)] for _ in range(n)]
    w0 = [round(rnd.uniform(-0.5, 0.5), 3) for _ in range(rows * cols)]
    c0 = [round(rnd.uniform(-0.5, 0.5), 3) for _ in range(rows)]
    return {"name": name, "rows": rows, "cols": cols, "a": a, "y": y, "x0": w0 + c0}


PROBLEMS = [problem("matrix_3x4", 3, 4, 20261201), problem("matrix_4x3", 4, 3, 20261202)]


def grad(p, x):
    """Gradient of F at theta = (W row-major, c), summed in the Java test's order."""
    rows, cols, a, y = p["rows"], p["cols"], p["a"], p["y"]
    n = len(a)
    g = [0.0] * (rows * cols + rows)
    for i in range(n):
        for r in range(rows):
            z = 0.0
            for k in range(cols):
                z += x[r * cols + k] * a[i][k]
            res = z + x[rows * cols + r] - y[i][r]
            for k in range(cols):
                g[r * cols + k] += res * a[i][k]
            g[rows * cols + r] += res
    return [gj / n for gj in g]


# ratelab's muon sections
CONFIGS = [
    {"name": "muon", "lr": 0.05, "fallback": {"name": "adamw", "lr": 0.01}},
    {"name": "muon", "lr": 0.02, "momentum": 0.9, "nesterov": False, "ns_steps": 3, "weight_decay": 0.1,
     "fallback": {"name": "adamw", "lr": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-8, "weight_decay": 0.1}},
    {"name": "muon", "lr": 0.05, "fallback": {"name": "sgd", "lr": 0.1, "momentum": 0.9}},
    {"name": "muon", "lr": 0.03, "ns_steps": 7, "fallback": {"name": "sgd", "lr": 0.05, "momentum": 0.5,
                                                            "nesterov": True, "weight_decay": 0.1}},
]


def run(p, cfg):
    rows, cols = p["rows"], p["cols"]
    x0 = p["x0"]
    w = torch.nn.Parameter(torch.tensor(x0[:rows * cols]).reshape(rows, cols))
    c = torch.nn.Parameter(torch.tensor(x0[rows * cols:]))
    muon = {"params": [w], "use_muon": True, "lr": cfg["lr"]}
    for key in ("momentum", "weight_decay", "nesterov", "ns_steps"):
        if key in cfg:
            muon[key] = cfg[key]
    fb = cfg["fallback"]
    groups = [muon]
    sgd = None
    if fb["name"] == "adamw":
        aux = {"params": [c], "use_muon": False, "lr": fb["lr"],
               "betas": (fb.get("beta1", 0.9), fb.get("beta2", 0.95))}
        for key in ("eps", "weight_decay"):
            if key in fb:
                aux[key] = fb[key]
        groups.append(aux)
    else:
        sgd = torch.optim.SGD([c], lr=fb["lr"], momentum=fb.get("momentum", 0.0),
                              nesterov=fb.get("nesterov", False), weight_decay=fb.get("weight_decay", 0.0))
    opt = SingleDeviceMuonWithAuxAdam(groups)
    out = []
    for _ in range(STEPS):
        x = w.detach().reshape(-1).tolist() + c.detach().tolist()
        g = grad(p, x)
        w.grad = torch.tensor(g[:rows * cols]).reshape(rows, cols)
        c.grad = torch.tensor(g[rows * cols:])
        opt.step()
        if sgd is not None:
            sgd.step()
        out.append(w.detach().reshape(-1).tolist() + c.detach().tolist())
    return out


def main():
    cases = [{"problem": p["name"], "config": cfg, "iterates": run(p, cfg)} for p in PROBLEMS for cfg in CONFIGS]
    doc = {"generator": "gen_muon_goldens.py", "torch_version": torch.__version__, "steps": STEPS,
           "problems": PROBLEMS, "cases": []}
    head = json.dumps(doc, indent=1)
    with open("muon_goldens.json", "w") as f:  # one case a line
        f.write(head[:-len("[]\n}")] + "[\n")
        f.write(",\n".join(json.dumps(c) for c in cases))
        f.write("\n ]\n}\n")


if __name__ == "__main__":
    main()
