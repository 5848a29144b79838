#!/usr/bin/python3
"""Generates torch_optim_goldens.json and torch_optim_more_goldens.json: iterates of torch.optim (float64).

Run with Debian's torch:  apt-get install -y python3-torch python3-numpy; /usr/bin/python3 gen_torch_goldens.py
The gradient is computed here with plain Python floats in a fixed summation order (the same order as the
Java test's oracle, so both sides feed bit-identical gradients to the optimizer), and handed to torch through
p.grad; what the goldens test is the optimizer's update rule, not autograd.

Problems (F as a function of x in R^d):
  quadratic:     F = 1/2 (x1^2 + 10 x2^2), x0 = (1, 1)                         (THEORY.md's table)
  least_squares: F = (1/n) sum_i 1/2 (a_i . x - b_i)^2, fixed A (n x d), b, x0  (data written to the JSON)
  logistic:      F = (1/n) sum_i log(1 + exp(-y_i a_i . x)), y_i in {-1, 1}, not separable (rows +-e_j
                 labelled 1), so F has a minimizer                              (data written to the JSON)
torch_optim_goldens.json holds sgd, adam, adagrad, rmsprop on quadratic and least_squares;
torch_optim_more_goldens.json holds adamw, nadam, radam, adamax, rprop, asgd (and its averaged iterate
ax) and lbfgs (and the closure calls of each step) on quadratic and logistic, each case with its trace: every
evaluation {x, f, g} torch's optimizer asked for, in order. The Java test replays the trace (checking that
it asks at the same x, to 1e-12, and that its own oracle gives the same f and g there), because exp here
(libm) and Java's Math.exp differ in the last bit now and then, and near the optimum of the logistic loss a
last-bit change of the gradient grows past 1e-12 over 60 steps.
Each optimizer config is written in ratelab's spec keys; torch_optimizer maps it to torch.optim's constructor.

The default dtype is float64, so that the scalar state torch keeps in tensors (NAdam's mu_product, ASGD's
eta and mu) is float64 too (it is float32 otherwise).

NAdam: torch 1.13's single-tensor NAdam computes mu_product_next = mu_product * mu * mu_next after
mu_product *= mu, a factor mu too many; pytorch/pytorch#92699 (torch 2.0) fixed it to mu_product * mu_next,
which is Dozat's rule. ratelab follows the fixed rule, so patch_nadam() replaces exactly that one line of
torch 1.13's own function (and fails if the line is not there).
"""
import importlib
import inspect
import json
import math
import random

import torch

torch.set_default_dtype(torch.float64)

STEPS = 60
LBFGS_STEPS = 8

QUAD = {"name": "quadratic", "diag": [1.0, 10.0], "x0": [1.0, 1.0]}

rnd = random.Random(20240607)
N, D = 8, 3
A = [[round(rnd.uniform(-2, 2), 3) for _ in range(D)] for _ in range(N)]
B = [round(rnd.uniform(-1, 1), 3) for _ in range(N)]
LSQ = {"name": "least_squares", "a": A, "b": B, "x0": [0.5, -0.25, 1.0]}

lrnd = random.Random(20261201)
LN, LD = 10, 3
LA = [[round(lrnd.uniform(-2, 2), 3) for _ in range(LD)] for _ in range(LN)]
LY = [1.0 if (LA[i][0] - 0.5 * LA[i][1] + 0.25 * LA[i][2] + lrnd.uniform(-1, 1)) >= 0 else -1.0
      for i in range(LN)]
# rows +-e_j labelled 1: every w != 0 has a sample of negative margin, so F is coercive (not separable)
for j in range(LD):
    for sgn in (1.0, -1.0):
        LA.append([sgn if k == j else 0.0 for k in range(LD)])
        LY.append(1.0)
LOGREG = {"name": "logistic", "a": LA, "y": LY, "x0": [0.5, -0.25, 1.0]}


def loss_grad(problem, x):
    """(F(x), grad F(x)), summed in the same order as the Java test's oracle."""
    if problem["name"] == "quadratic":
        lam = problem["diag"]
        f = 0.0
        for j in range(len(x)):
            f += 0.5 * lam[j] * x[j] * x[j]
        return f, [lam[j] * x[j] for j in range(len(x))]
    if problem["name"] == "logistic":
        a, y = problem["a"], problem["y"]
        n, d = len(a), len(x)
        f = 0.0
        g = [0.0] * d
        for i in range(n):
            z = 0.0
            for j in range(d):
                z += a[i][j] * x[j]
            m = -y[i] * z
            f += m + math.log1p(math.exp(-m)) if m > 0 else math.log1p(math.exp(m))
            sig = 1 / (1 + math.exp(-m)) if m >= 0 else math.exp(m) / (1 + math.exp(m))  # sigma(m)
            for j in range(d):
                g[j] += -y[i] * sig * a[i][j]
        return f / n, [gj / n for gj in g]
    raise ValueError(problem["name"])


def grad(problem, x):
    if problem["name"] != "least_squares":
        return loss_grad(problem, x)[1]
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

MORE_CONFIGS = [
    {"name": "adamw", "lr": 0.1},
    {"name": "adamw", "lr": 0.1, "weight_decay": 0.5},
    {"name": "adamw", "lr": 0.05, "beta1": 0.3, "beta2": 0.9, "eps": 1e-6, "weight_decay": 0.0},
    {"name": "adamw", "lr": 0.1, "amsgrad": True},
    {"name": "adamw", "lr": 0.1, "amsgrad": True, "weight_decay": 0.5},
    {"name": "nadam", "lr": 0.1},
    {"name": "nadam", "lr": 0.1, "weight_decay": 0.1},
    {"name": "nadam", "lr": 0.05, "beta1": 0.5, "beta2": 0.9, "eps": 1e-6, "momentum_decay": 0.1},
    {"name": "nadam", "lr": 0.1, "momentum_decay": 0.0},
    {"name": "radam", "lr": 0.1},                                    # rectified from step 6
    {"name": "radam", "lr": 0.1, "weight_decay": 0.1},
    {"name": "radam", "lr": 0.05, "beta1": 0.5, "beta2": 0.9, "eps": 1e-6},   # also from step 6 (rho_6 = 5.39)
    {"name": "radam", "lr": 0.02, "beta2": 0.5},                     # rho_inf = 3: never rectified
    {"name": "adamax", "lr": 0.1},
    {"name": "adamax", "lr": 0.1, "weight_decay": 0.1},
    {"name": "adamax", "lr": 0.05, "beta1": 0.5, "beta2": 0.9, "eps": 1e-6},
    {"name": "rprop", "lr": 0.01},
    {"name": "rprop", "lr": 0.1, "etaminus": 0.3, "etaplus": 1.5},
    {"name": "rprop", "lr": 0.1, "step_size_min": 0.01, "step_size_max": 0.2},
    {"name": "rprop", "lr": 0.05, "etaminus": 0.4, "etaplus": 1.1, "step_size_min": 1e-3, "step_size_max": 1.0},
    {"name": "asgd", "lr": 0.01},                                    # t0 = 1e6: ax is the iterate
    {"name": "asgd", "lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 3.0},
    {"name": "asgd", "lr": 0.05, "lambd": 0.1, "alpha": 1.0, "t0": 0.0, "weight_decay": 0.1},
    {"name": "asgd", "lr": 0.02, "weight_decay": 0.1, "t0": 10.0},
]

LBFGS_CONFIGS = [
    {"name": "lbfgs", "lr": 0.1, "max_iter": 1},
    {"name": "lbfgs", "lr": 0.1, "max_iter": 3, "history_size": 2},
    {"name": "lbfgs", "lr": 0.5, "max_iter": 4, "max_eval": 3, "history_size": 5},
    {"name": "lbfgs", "lr": 1.0},                                    # defaults: stops on tolerance
    {"name": "lbfgs", "lr": 1.0, "max_iter": 2, "tolerance_grad": 1e-3, "tolerance_change": 1e-4},
    {"name": "lbfgs", "lr": 1.0, "max_iter": 1, "line_search_fn": "strong_wolfe"},
    {"name": "lbfgs", "lr": 1.0, "max_iter": 3, "history_size": 3, "line_search_fn": "strong_wolfe"},
    {"name": "lbfgs", "lr": 1.0, "line_search_fn": "strong_wolfe"},
    # first trial steps too short (extrapolation with cubic interpolation)
    {"name": "lbfgs", "lr": 0.01, "max_iter": 2, "line_search_fn": "strong_wolfe"},
    {"name": "lbfgs", "lr": 0.002, "max_iter": 1, "history_size": 2, "line_search_fn": "strong_wolfe"},
]

# First trial steps too long (the zoom phase). On the 2-d quadratic the cubic interpolation is exact, so two
# such line searches end at x* = 0 up to roundoff (1e-16 from x0 = (1, 1)), where comparing digits means
# nothing: these run on the logistic problem only.
LBFGS_LOGISTIC_CONFIGS = [
    {"name": "lbfgs", "lr": 20.0, "max_iter": 2, "line_search_fn": "strong_wolfe"},
    {"name": "lbfgs", "lr": 5.0, "max_iter": 3, "history_size": 2, "line_search_fn": "strong_wolfe"},
]


def patch_nadam():
    """Replaces torch 1.13's mu_product_next line by torch 2.0's (see the module docstring)."""
    mod = importlib.import_module("torch.optim.nadam")  # torch.optim's __init__ deletes the attribute
    src = inspect.getsource(mod._single_tensor_nadam)
    bad = "mu_product_next = mu_product * mu * mu_next"
    if src.count(bad) != 1:
        raise RuntimeError("torch's _single_tensor_nadam has changed; check the NAdam patch")
    ns = {}
    exec(src.replace(bad, "mu_product_next = mu_product * mu_next"), vars(mod), ns)
    mod._single_tensor_nadam = ns["_single_tensor_nadam"]


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
    if name in ("adamw", "nadam", "radam", "adamax"):
        betas = (c.pop("beta1", 0.9), c.pop("beta2", 0.999))
        cls = {"adamw": torch.optim.AdamW, "nadam": torch.optim.NAdam, "radam": torch.optim.RAdam,
               "adamax": torch.optim.Adamax}[name]
        return cls(params, betas=betas, foreach=False, **c)
    if name == "rprop":
        etas = (c.pop("etaminus", 0.5), c.pop("etaplus", 1.2))
        step_sizes = (c.pop("step_size_min", 1e-6), c.pop("step_size_max", 50.0))
        return torch.optim.Rprop(params, etas=etas, step_sizes=step_sizes, foreach=False, **c)
    if name == "asgd":
        return torch.optim.ASGD(params, foreach=False, **c)
    if name == "lbfgs":
        return torch.optim.LBFGS(params, **c)
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


def evaluate(problem, x, trace):
    """loss_grad(problem, x), recorded in trace as {x, f, g}."""
    f, g = loss_grad(problem, x)
    trace.append({"x": x, "f": f, "g": g})
    return f, g


def run_more(problem, cfg):
    """run() for the new methods: also ASGD's averaged iterate ax, and the trace of evaluations."""
    p = torch.tensor(problem["x0"], dtype=torch.float64, requires_grad=True)
    opt = torch_optimizer(cfg, [p])
    case = {"problem": problem["name"], "config": cfg, "iterates": [], "trace": []}
    if cfg["name"] == "asgd":
        case["averages"] = []
    for _ in range(STEPS):
        x = p.detach().tolist()
        p.grad = torch.tensor(evaluate(problem, x, case["trace"])[1], dtype=torch.float64)
        opt.step()
        case["iterates"].append(p.detach().tolist())
        if cfg["name"] == "asgd":
            case["averages"].append(opt.state[p]["ax"].tolist())
    return case


def run_lbfgs(problem, cfg, steps):
    """LBFGS steps with a closure; records each step's iterate and its closure calls (f and grad each)."""
    p = torch.tensor(problem["x0"], dtype=torch.float64, requires_grad=True)
    opt = torch_optimizer(cfg, [p])
    calls = [0]
    case = {"problem": problem["name"], "config": cfg, "iterates": [], "evaluations": [], "trace": []}

    def closure():
        calls[0] += 1
        f, g = evaluate(problem, p.detach().tolist(), case["trace"])
        p.grad = torch.tensor(g, dtype=torch.float64)
        return torch.tensor(f, dtype=torch.float64)

    for _ in range(steps):
        before = calls[0]
        opt.step(closure)
        case["iterates"].append(p.detach().tolist())
        case["evaluations"].append(calls[0] - before)
    return case


def write(path, problems, cases, one_line_cases=False):
    doc = {
        "generator": "gen_torch_goldens.py",
        "torch_version": torch.__version__,
        "steps": STEPS,
        "problems": problems,
        "cases": [] if one_line_cases else cases,
    }
    with open(path, "w") as f:
        if not one_line_cases:
            json.dump(doc, f, indent=1)
        else:  # one case a line: a third of the size, and a diff still names the case
            head = json.dumps(doc, indent=1)
            assert head.endswith('"cases": []\n}')
            f.write(head[:-len("[]\n}")] + "[\n")
            f.write(",\n".join(json.dumps(c) for c in cases))
            f.write("\n ]\n}")
        f.write("\n")


def main():
    cases = []
    for problem in (QUAD, LSQ):
        for cfg in CONFIGS:
            cases.append({"problem": problem["name"], "config": cfg, "iterates": run(problem, cfg)})
    write("torch_optim_goldens.json", [QUAD, LSQ], cases)

    patch_nadam()
    more = []
    for problem in (QUAD, LOGREG):
        for cfg in MORE_CONFIGS:
            more.append(run_more(problem, cfg))
        for cfg in LBFGS_CONFIGS + (LBFGS_LOGISTIC_CONFIGS if problem is LOGREG else []):
            more.append(run_lbfgs(problem, cfg, LBFGS_STEPS))
    write("torch_optim_more_goldens.json", [QUAD, LOGREG], more, one_line_cases=True)


if __name__ == "__main__":
    main()
