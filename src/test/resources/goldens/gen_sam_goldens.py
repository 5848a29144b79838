#!/usr/bin/python3
"""Generates sam_goldens.json: iterates of the official PyTorch SAM (float64) around torch.optim bases.

Run with Debian's torch:  apt-get install -y python3-torch python3-numpy; /usr/bin/python3 gen_sam_goldens.py
SAM is Foret, Kleiner, Mobahi & Neyshabur 2021, arXiv:2010.01412; `adaptive` is ASAM (Kwon et al. 2021,
arXiv:2102.11600). The class SAM below is github.com/davda54/sam, sam.py at commit
3c3afdbd71cff2462ec91c734b3d1170bd0f3707, copied verbatim (less its load_state_dict, unused here), since the
generator runs offline.

The problems, the gradient (plain Python floats in the Java oracle's summation order), the trace of
evaluations and the mapping from ratelab's spec keys to torch.optim's constructors are gen_torch_goldens.py's
(imported): the quadratic F = 1/2 (x1^2 + 10 x2^2) from (1, 1) and its logistic regression. Each step is
the official usage: the gradient at x (trace), first_step (x + e), the gradient there on the same (full)
batch (trace), second_step (back to x, then the base's step). The Java test (SamGoldensTest) replays each
case's trace as TorchGoldensTest does, so every evaluation is checked to come at the recorded point.
"""
import json

import torch

import gen_torch_goldens as g

torch.set_default_dtype(torch.float64)

STEPS = 12


class SAM(torch.optim.Optimizer):
    def __init__(self, params, base_optimizer, rho=0.05, adaptive=False, **kwargs):
        assert rho >= 0.0, f"Invalid rho, should be non-negative: {rho}"

        defaults = dict(rho=rho, adaptive=adaptive, **kwargs)
        super(SAM, self).__init__(params, defaults)

        self.base_optimizer = base_optimizer(self.param_groups, **kwargs)
        self.param_groups = self.base_optimizer.param_groups
        self.defaults.update(self.base_optimizer.defaults)

    @torch.no_grad()
    def first_step(self, zero_grad=False):
        grad_norm = self._grad_norm()
        for group in self.param_groups:
            scale = group["rho"] / (grad_norm + 1e-12)

            for p in group["params"]:
                if p.grad is None: continue
                self.state[p]["old_p"] = p.data.clone()
                e_w = (torch.pow(p, 2) if group["adaptive"] else 1.0) * p.grad * scale.to(p)
                p.add_(e_w)  # climb to the local maximum "w + e(w)"

        if zero_grad: self.zero_grad()

    @torch.no_grad()
    def second_step(self, zero_grad=False):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None: continue
                p.data = self.state[p]["old_p"]  # get back to "w" from "w + e(w)"

        self.base_optimizer.step()  # do the actual "sharpness-aware" update

        if zero_grad: self.zero_grad()

    def _grad_norm(self):
        shared_device = self.param_groups[0]["params"][0].device  # put everything on the same device, in case of model parallelism
        norm = torch.norm(
                    torch.stack([
                        ((torch.abs(p) if group["adaptive"] else 1.0) * p.grad).norm(p=2).to(shared_device)
                        for group in self.param_groups for p in group["params"]
                        if p.grad is not None
                    ]),
                    p=2
               )
        return norm


# ratelab's sam sections: rho, adaptive, and the base optimizer's section
CONFIGS = [
    {"name": "sam", "rho": 0.05, "base": {"name": "sgd", "lr": 0.01, "momentum": 0.9}},
    {"name": "sam", "rho": 0.2, "base": {"name": "sgd", "lr": 0.02, "momentum": 0.9, "nesterov": True,
                                         "weight_decay": 0.1}},
    {"name": "sam", "rho": 0.5, "adaptive": True, "base": {"name": "sgd", "lr": 0.01, "momentum": 0.5}},
    {"name": "sam", "rho": 0.05, "base": {"name": "adam", "lr": 0.1}},
    {"name": "sam", "rho": 0.3, "base": {"name": "adam", "lr": 0.05, "weight_decay": 0.1}},
    {"name": "sam", "rho": 0.5, "adaptive": True, "base": {"name": "adam", "lr": 0.1}},
]


def run(problem, cfg):
    p = torch.tensor(problem["x0"], dtype=torch.float64, requires_grad=True)
    opt = SAM([p], lambda groups: g.torch_optimizer(cfg["base"], groups), rho=cfg["rho"],
              adaptive=cfg.get("adaptive", False))
    case = {"problem": problem["name"], "config": cfg, "iterates": [], "trace": []}
    for _ in range(STEPS):
        p.grad = torch.tensor(g.evaluate(problem, p.detach().tolist(), case["trace"])[1], dtype=torch.float64)
        opt.first_step(zero_grad=True)
        p.grad = torch.tensor(g.evaluate(problem, p.detach().tolist(), case["trace"])[1], dtype=torch.float64)
        opt.second_step(zero_grad=True)
        case["iterates"].append(p.detach().tolist())
    return case


def main():
    cases = [run(problem, cfg) for problem in (g.QUAD, g.LOGREG) for cfg in CONFIGS]
    doc = {"generator": "gen_sam_goldens.py", "torch_version": torch.__version__, "steps": STEPS,
           "problems": [g.QUAD, g.LOGREG], "cases": []}
    head = json.dumps(doc, indent=1)
    with open("sam_goldens.json", "w") as f:  # one case a line, as gen_torch_goldens.py's second file
        f.write(head[:-len("[]\n}")] + "[\n")
        f.write(",\n".join(json.dumps(c) for c in cases))
        f.write("\n ]\n}\n")


if __name__ == "__main__":
    main()
