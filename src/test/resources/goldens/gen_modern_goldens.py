#!/usr/bin/python3
"""Generates modern_optim_goldens.json: iterates of the official schedule-free SGD/AdamW and Prodigy (float64).

Run with Debian's torch:  /usr/bin/python3 gen_modern_goldens.py   (torch 1.13 ships neither method)

The update code below is vendored from the official repositories, line for line, with only what ratelab's
single-tensor, single-group, single-process use never reaches taken out (type hints, the foreach flag, FSDP's
all-reduce, slice_p > 1, the print of eval()/train()):

  facebookresearch/schedule_free at commit 70785b53e778d0e872c0bbb75ff4ee54ee10c291
    schedulefree/sgd_schedulefree_reference.py    (SGDScheduleFreeReference)
    schedulefree/adamw_schedulefree_reference.py  (AdamWScheduleFreeReference, with its defaults
                                                   decay_at_z=False and inner_momentum=0)
    The reference versions keep x, y and z explicitly, as ratelab does; the memory-efficient
    sgd_schedulefree.py / adamw_schedulefree.py (which keep y in the parameters and z as state, and recover x
    with .eval()) are the same recurrences, and main() checks that too: it runs their step (non-foreach
    branch, vendored below as well) side by side and asserts y and eval()'s x agree to 1e-13.
  konstmish/prodigy at commit 3efb213ee8af5a6bf76f28726398433a847b38e9 (prodigy.py last changed in a1b4f0e)
    prodigyopt/prodigy.py                         (Prodigy)

Problems and gradients are gen_torch_goldens.py's (imported): the quadratic F = 1/2 (x1^2 + 10 x2^2) from
x0 = (1, 1) and the logistic regression. Each case has the trace of every evaluation {x, f, g} the optimizer
asked for (for schedule-free: at y = (1-beta) z + beta x) and the iterates ratelab records: for schedule-free
the averaged sequence x (state['x'], what .eval() puts in the parameters), for Prodigy the parameters.
"""
import json
import math

import torch
import torch.optim

import gen_torch_goldens as base
from gen_torch_goldens import evaluate, QUAD, LOGREG

torch.set_default_dtype(torch.float64)

STEPS = 40


# ---- facebookresearch/schedule_free, schedulefree/sgd_schedulefree_reference.py (70785b5) ----
class SGDScheduleFreeReference(torch.optim.Optimizer):
    def __init__(self, params, lr=1.0, momentum=0.9, weight_decay=0, warmup_steps=0, r=0.0,
                 weight_lr_power=2):
        if lr < 0.0:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if weight_decay < 0.0:
            raise ValueError("Invalid weight_decay value: {}".format(weight_decay))
        if momentum <= 0 or momentum >= 1:
            raise ValueError("Momentum must be between 0 and 1 exclusive: {}".format(momentum))

        defaults = dict(lr=lr, momentum=momentum, r=r, k=0, warmup_steps=warmup_steps, train_mode=True,
                        weight_sum=0.0, lr_max=-1.0, scheduled_lr=0.0, weight_lr_power=weight_lr_power,
                        weight_decay=weight_decay)
        super().__init__(params, defaults)

    @torch.no_grad()
    def eval(self):
        for group in self.param_groups:
            train_mode = group['train_mode']
            if train_mode:
                for p in group['params']:
                    state = self.state[p]
                    if 'x' in state:
                        # Set p to x
                        p.copy_(state['x'])
                group['train_mode'] = False

    @torch.no_grad()
    def train(self):
        for group in self.param_groups:
            train_mode = group['train_mode']
            if not train_mode:
                for p in group['params']:
                    state = self.state[p]
                    if 'y' in state:
                        # Set p to y
                        p.copy_(state['y'])
                group['train_mode'] = True

    @torch.no_grad()
    def step(self, closure=None):
        if not self.param_groups[0]['train_mode']:
            raise Exception("Optimizer was not in train mode when step is called.")

        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()

        for group in self.param_groups:
            momentum = group['momentum']
            lr = group['lr']
            weight_decay = group['weight_decay']
            k = group['k']
            warmup_steps = group['warmup_steps']

            if k < warmup_steps:
                sched = (k+1) / warmup_steps
            else:
                sched = 1.0
            lr = group['lr']*sched
            group['scheduled_lr'] = lr  # For logging purposes

            weight_lr_power = group['weight_lr_power']

            r = group['r']
            lr_max = group['lr_max'] = max(lr, group['lr_max'])

            weight = ((k+1)**r) * (lr_max**weight_lr_power)
            weight_sum = group['weight_sum'] = group['weight_sum'] + weight

            try:
                ckp1 = weight/weight_sum
            except ZeroDivisionError:
                ckp1 = 0

            for p in group['params']:
                if p.grad is None:
                    continue

                grad = p.grad
                state = self.state[p]

                if 'z' not in state:
                    state['z'] = torch.clone(p, memory_format=torch.preserve_format)
                    state['x'] = torch.clone(p, memory_format=torch.preserve_format)
                    state['y'] = torch.clone(p, memory_format=torch.preserve_format)

                z = state['z']
                x = state['x']
                y = state['y']

                # Apply weight decay
                if weight_decay != 0:
                    grad.add_(y, alpha=weight_decay)

                # SGD step
                z.sub_(grad, alpha=lr)

                ### Take step
                x.mul_(1-ckp1).add_(z, alpha=ckp1)

                # Compute y
                y.copy_(x.mul(momentum).add_(z, alpha=1-momentum))
                p.copy_(y)

            group['k'] = k+1
        return loss


# ---- facebookresearch/schedule_free, schedulefree/adamw_schedulefree_reference.py (70785b5) ----
class AdamWScheduleFreeReference(torch.optim.Optimizer):
    def __init__(self, params, lr=0.0025, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, warmup_steps=0, r=0,
                 weight_lr_power=2, decay_at_z=False, inner_momentum=0.0):
        defaults = dict(lr=lr, betas=betas, eps=eps, r=r, k=0, warmup_steps=warmup_steps, train_mode=False,
                        weight_sum=0.0, lr_max=-1.0, scheduled_lr=0.0, weight_lr_power=weight_lr_power,
                        decay_at_z=decay_at_z, inner_momentum=inner_momentum, weight_decay=weight_decay)
        super().__init__(params, defaults)

    @torch.no_grad()
    def eval(self):
        for group in self.param_groups:
            train_mode = group['train_mode']
            if train_mode:
                for p in group['params']:
                    state = self.state[p]
                    if 'x' in state:
                        # Switch p to x
                        p.copy_(state['x'])
                group['train_mode'] = False

    @torch.no_grad()
    def train(self):
        for group in self.param_groups:
            train_mode = group['train_mode']
            if not train_mode:
                for p in group['params']:
                    state = self.state[p]
                    if 'y' in state:
                        p.copy_(state['y'])
                group['train_mode'] = True

    @torch.no_grad()
    def step(self, closure=None):
        if not self.param_groups[0]['train_mode']:
            raise Exception("Optimizer was not in train mode when step is called.")

        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()

        for group in self.param_groups:
            eps = group['eps']
            lr = max(group['lr'], eps)
            decay = group['weight_decay']
            beta1, beta2 = group['betas']
            k = group['k']
            r = group['r']
            warmup_steps = group['warmup_steps']
            weight_lr_power = group['weight_lr_power']
            decay_at_z = group['decay_at_z']
            inner_momentum = group['inner_momentum']

            if k < warmup_steps:
                sched = (k+1) / warmup_steps
            else:
                sched = 1.0

            bias_correction2 = 1 - beta2 ** (k+1)
            if inner_momentum != 0:
                bias_correction1 = 1 - inner_momentum ** (k+1)
            lr = group['lr']*sched
            group['scheduled_lr'] = lr  # For logging purposes

            lr_max = group['lr_max'] = max(lr, group['lr_max'])

            weight = ((k+1)**r) * (lr_max**weight_lr_power)
            weight_sum = group['weight_sum'] = group['weight_sum'] + weight

            try:
                ckp1 = weight/weight_sum
            except ZeroDivisionError:
                ckp1 = 0

            for p in group['params']:
                if p.grad is None:
                    continue
                grad = p.grad

                state = self.state[p]

                if 'z' not in state:
                    state['z'] = torch.clone(p, memory_format=torch.preserve_format)
                    state['exp_avg_sq'] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state['x'] = torch.clone(p, memory_format=torch.preserve_format)
                    state['y'] = torch.clone(p, memory_format=torch.preserve_format)
                    if inner_momentum != 0:
                        state['exp_avg'] = torch.zeros_like(p, memory_format=torch.preserve_format)

                exp_avg_sq = state['exp_avg_sq']
                z = state['z']
                x = state['x']
                y = state['y']

                # Weight decay
                if decay != 0:
                    decay_point = z if decay_at_z else y
                    z.sub_(decay_point, alpha=lr*decay)

                # Decay the first and second moment running average coefficient
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1-beta2)
                denom = exp_avg_sq.div(bias_correction2).sqrt_().add_(eps)

                if inner_momentum != 0:
                    exp_avg = state['exp_avg']
                    exp_avg.mul_(inner_momentum).add_(grad, alpha=1-inner_momentum)
                    update_num = exp_avg.div(bias_correction1)
                else:
                    update_num = grad

                z.addcdiv_(update_num, denom, value=-lr)

                ### Take step
                x.mul_(1-ckp1).add_(z, alpha=ckp1)

                # Compute y
                y.copy_(x.mul(beta1).add_(z, alpha=1-beta1))
                p.copy_(y)

            group['k'] = k+1
        return loss


# ---- the memory-efficient versions' step (sgd_schedulefree.py, adamw_schedulefree.py, 70785b5, non-foreach
# branch, inner_momentum=0), on a plain dict of state: p holds y, z is state, eval() gives x ----
def sf_efficient_step(st, p, grad, adam):
    k = st['k']
    momentum = st['beta1'] if adam else st['momentum']
    if k < st['warmup_steps']:
        sched = (k+1) / st['warmup_steps']
    else:
        sched = 1.0
    if adam:
        bias_correction2 = 1 - st['beta2'] ** (k+1)
    lr = st['lr']*sched
    lr_max = st['lr_max'] = max(lr, st['lr_max'])
    weight = ((k+1)**st['r']) * (lr_max**st['weight_lr_power'])
    weight_sum = st['weight_sum'] = st['weight_sum'] + weight
    try:
        ckp1 = weight/weight_sum
    except ZeroDivisionError:
        ckp1 = 0
    if 'z' not in st:
        st['z'] = torch.clone(p)
        st['exp_avg_sq'] = torch.zeros_like(p)
    y = p
    z = st['z']
    if adam:
        exp_avg_sq = st['exp_avg_sq']
        exp_avg_sq.mul_(st['beta2']).addcmul_(grad, grad, value=1-st['beta2'])
        denom = exp_avg_sq.div(bias_correction2).sqrt_().add_(st['eps'])
        grad = grad.div_(denom)
        if st['weight_decay'] != 0:
            grad.add_(y, alpha=st['weight_decay'])
    elif st['weight_decay'] != 0:
        grad.add_(y, alpha=st['weight_decay'])
    y.lerp_(end=z, weight=ckp1)
    y.add_(grad, alpha=lr*(momentum*(1-ckp1)-1))
    z.sub_(grad, alpha=lr)
    st['k'] = k+1


def sf_efficient_eval_x(st, p):
    """eval(): p.lerp_(end=z, weight=1-1/momentum), on a copy."""
    momentum = st['beta1'] if 'beta1' in st else st['momentum']
    return p.clone().lerp_(end=st['z'], weight=1-1/momentum)


# ---- konstmish/prodigy, prodigyopt/prodigy.py (3efb213); fsdp_in_use=False, slice_p=1 ----
class Prodigy(torch.optim.Optimizer):
    def __init__(self, params, lr=1.0,
                 betas=(0.9, 0.999), beta3=None,
                 eps=1e-8, weight_decay=0, decouple=True,
                 use_bias_correction=False, safeguard_warmup=False,
                 d0=1e-6, d_coef=1.0, growth_rate=float('inf')):
        if not 0.0 < d0:
            raise ValueError("Invalid d0 value: {}".format(d0))
        if not 0.0 < lr:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if not 0.0 < eps:
            raise ValueError("Invalid epsilon value: {}".format(eps))
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError("Invalid beta parameter at index 0: {}".format(betas[0]))
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError("Invalid beta parameter at index 1: {}".format(betas[1]))

        defaults = dict(lr=lr, betas=betas, beta3=beta3,
                        eps=eps, weight_decay=weight_decay,
                        d=d0, d0=d0, d_max=d0,
                        d_numerator=0.0, d_coef=d_coef,
                        k=0, growth_rate=growth_rate,
                        use_bias_correction=use_bias_correction,
                        decouple=decouple, safeguard_warmup=safeguard_warmup)
        self.d0 = d0
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = None
        if closure is not None:
            loss = closure()

        d_denom = 0.0

        group = self.param_groups[0]
        use_bias_correction = group['use_bias_correction']
        beta1, beta2 = group['betas']
        beta3 = group['beta3']
        if beta3 is None:
            beta3 = math.sqrt(beta2)
        k = group['k']

        d = group['d']
        d_max = group['d_max']
        d_coef = group['d_coef']
        lr = max(group['lr'] for group in self.param_groups)

        if use_bias_correction:
            bias_correction = ((1 - beta2**(k+1))**0.5) / (1 - beta1**(k+1))
        else:
            bias_correction = 1

        dlr = d*lr*bias_correction

        growth_rate = group['growth_rate']
        decouple = group['decouple']

        d_numerator = group['d_numerator']
        d_numerator *= beta3
        delta_numerator = 0.0

        for group in self.param_groups:
            decay = group['weight_decay']
            k = group['k']
            eps = group['eps']
            group_lr = group['lr']
            d0 = group['d0']
            safeguard_warmup = group['safeguard_warmup']

            if group_lr not in [lr, 0.0]:
                raise RuntimeError("Setting different lr values in different parameter groups is only supported for values of 0")

            for p in group['params']:
                if p.grad is None:
                    continue

                grad = p.grad.data

                # Apply weight decay (coupled variant)
                if decay != 0 and not decouple:
                    grad.add_(p.data, alpha=decay)

                state = self.state[p]

                # State initialization
                if 'step' not in state:
                    state['step'] = 0

                    state['s'] = torch.zeros_like(p.data.flatten()).detach()

                    if p.any():
                        state['p0'] = p.flatten().detach().clone()
                    else:
                        # All values are zero, so save VRAM with a zero-tensor
                        state['p0'] = torch.tensor(0, device=p.device, dtype=p.dtype)

                    # Exponential moving average of gradient values
                    if beta1 > 0:
                        state['exp_avg'] = torch.zeros_like(p.data).detach()
                    # Exponential moving average of squared gradient values
                    state['exp_avg_sq'] = torch.zeros_like(p.data).detach()

                exp_avg_sq = state['exp_avg_sq']

                s = state['s']
                p0 = state['p0']

                if group_lr > 0.0:
                    # we use d / d0 instead of just d to avoid getting values that are too small
                    sliced_grad = grad.flatten()
                    delta_numerator += (d / d0) * dlr * torch.dot(sliced_grad, p0.data - p.data.flatten()).item()

                    # Adam EMA updates
                    if beta1 > 0:
                        exp_avg = state['exp_avg']
                        exp_avg.mul_(beta1).add_(grad, alpha=d * (1-beta1))
                    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=d * d * (1-beta2))

                    if safeguard_warmup:
                        s.mul_(beta3).add_(sliced_grad, alpha=((d / d0) * d))
                    else:
                        s.mul_(beta3).add_(sliced_grad, alpha=((d / d0) * dlr))
                    d_denom += s.abs().sum().item()

            ######

        d_hat = d

        # if we have not done any progres, return
        # if we have any gradients available, will have d_denom > 0 (unless \|g\|=0)
        if d_denom == 0:
            return loss

        if lr > 0.0:
            global_d_numerator = d_numerator + delta_numerator
            global_d_denom = d_denom

            d_hat = d_coef * global_d_numerator / global_d_denom
            if d == group['d0']:
                d = max(d, d_hat)
            d_max = max(d_max, d_hat)
            d = min(d_max, d * growth_rate)

        for group in self.param_groups:
            group['d_numerator'] = global_d_numerator
            group['d_denom'] = global_d_denom
            group['d'] = d
            group['d_max'] = d_max
            group['d_hat'] = d_hat

            decay = group['weight_decay']
            k = group['k']
            eps = group['eps']

            for p in group['params']:
                if p.grad is None:
                    continue
                grad = p.grad.data

                state = self.state[p]

                exp_avg_sq = state['exp_avg_sq']

                state['step'] += 1

                denom = exp_avg_sq.sqrt().add_(d * eps)

                # Apply weight decay (decoupled variant)
                if decay != 0 and decouple:
                    p.data.add_(p.data, alpha=-decay * dlr)

                ### Take step
                if beta1 > 0:
                    exp_avg = state['exp_avg']
                    p.data.addcdiv_(exp_avg, denom, value=-dlr)
                else:
                    p.data.addcdiv_(grad, denom, value=-dlr * d)

            group['k'] = k + 1

        return loss


# ---- cases, in ratelab's spec keys ----
SF_SGD = [
    {"name": "schedule_free_sgd", "lr": 0.07},                       # lr 0.1 would zero x2 (1 - 0.1*10)
    {"name": "schedule_free_sgd", "lr": 0.15, "momentum": 0.5, "warmup_steps": 5, "weight_lr_power": 1.0},
    {"name": "schedule_free_sgd", "lr": 0.1, "r": 1.0, "weight_decay": 0.1},
    {"name": "schedule_free_sgd", "lr": 0.05, "momentum": 0.95, "warmup_steps": 10, "r": 0.5,
     "weight_lr_power": 3.0, "weight_decay": 0.01},
]
SF_ADAMW = [
    {"name": "schedule_free_adamw", "lr": 0.05},
    {"name": "schedule_free_adamw", "lr": 0.05, "beta1": 0.5, "beta2": 0.9, "eps": 1e-6, "weight_decay": 0.1},
    {"name": "schedule_free_adamw", "lr": 0.1, "warmup_steps": 5, "r": 1.0, "weight_lr_power": 1.0},
    {"name": "schedule_free_adamw", "lr": 0.02, "beta1": 0.95, "weight_decay": 0.5, "warmup_steps": 3},
]
PRODIGY = [
    {"name": "prodigy"},
    {"name": "prodigy", "lr": 0.3, "beta1": 0.0},   # lr 1: d = 0.4 zigzags, and roundoff doubles every 2 steps
    {"name": "prodigy", "use_bias_correction": True, "safeguard_warmup": True},   # d rises slowly
    {"name": "prodigy", "safeguard_warmup": True, "d0": 1e-4, "beta1": 0.8},
    {"name": "prodigy", "d0": 1e-3, "d_coef": 0.5, "growth_rate": 1.1, "weight_decay": 0.1},
    {"name": "prodigy", "weight_decay": 0.1, "decouple": False, "beta3": 0.9, "eps": 1e-6},
    {"name": "prodigy", "lr": 0.5, "beta1": 0.5, "beta2": 0.99, "use_bias_correction": True},
]


def make(cfg, params):
    c = {k: v for k, v in cfg.items() if k != "name"}
    if cfg["name"] == "schedule_free_sgd":
        return SGDScheduleFreeReference(params, **c)
    betas = (c.pop("beta1", 0.9), c.pop("beta2", 0.999))
    if cfg["name"] == "schedule_free_adamw":
        return AdamWScheduleFreeReference(params, betas=betas, **c)
    return Prodigy(params, betas=betas, **c)


def efficient_state(cfg):
    adam = cfg["name"] == "schedule_free_adamw"
    st = {"lr": cfg.get("lr", 0.0025 if adam else 1.0), "warmup_steps": cfg.get("warmup_steps", 0),
          "r": cfg.get("r", 0.0), "weight_lr_power": cfg.get("weight_lr_power", 2.0),
          "weight_decay": cfg.get("weight_decay", 0.0), "k": 0, "lr_max": -1.0, "weight_sum": 0.0}
    if adam:
        st.update(beta1=cfg.get("beta1", 0.9), beta2=cfg.get("beta2", 0.999), eps=cfg.get("eps", 1e-8))
    else:
        st["momentum"] = cfg.get("momentum", 0.9)
    return st


def close(a, b, where):
    """Agreement to 1e-13 of max(1, the max norm): the iterates start at norm 1, and the two forms round
    differently (recovering x from y and z cancels digits), so near x* = 0 the error is absolute."""
    scale = max(max(abs(u) for u in a.tolist()), max(abs(v) for v in b.tolist()), 1.0)
    for u, v in zip(a.tolist(), b.tolist()):
        if abs(u - v) > 1e-13 * scale:
            raise AssertionError(where + ": " + str(a.tolist()) + " vs " + str(b.tolist()))


def run(problem, cfg):
    p = torch.tensor(problem["x0"], dtype=torch.float64, requires_grad=True)
    opt = make(cfg, [p])
    sf = cfg["name"] != "prodigy"
    if sf:
        opt.train()
        st = efficient_state(cfg)
        pe = torch.tensor(problem["x0"], dtype=torch.float64)
    case = {"problem": problem["name"], "config": cfg, "iterates": [], "trace": []}
    for k in range(STEPS):
        x = p.detach().tolist()
        g = evaluate(problem, x, case["trace"])[1]
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        if sf:
            xk = opt.state[p]["x"]
            case["iterates"].append(xk.tolist())
            with torch.no_grad():
                sf_efficient_step(st, pe, torch.tensor(g, dtype=torch.float64), cfg["name"] == "schedule_free_adamw")
            close(pe, p.detach(), "%s %s step %d: y" % (problem["name"], cfg, k + 1))
            close(sf_efficient_eval_x(st, pe), xk, "%s %s step %d: x" % (problem["name"], cfg, k + 1))
        else:
            case["iterates"].append(p.detach().tolist())
    if sf:
        opt.eval()
        close(p.detach(), opt.state[p]["x"], "eval() puts x in the parameters")
    return case


def main():
    cases = []
    for problem in (QUAD, LOGREG):
        for cfg in SF_SGD + SF_ADAMW + PRODIGY:
            cases.append(run(problem, cfg))
    doc = {
        "generator": "gen_modern_goldens.py",
        "torch_version": torch.__version__,
        "schedule_free_commit": "70785b53e778d0e872c0bbb75ff4ee54ee10c291",
        "prodigy_commit": "3efb213ee8af5a6bf76f28726398433a847b38e9",
        "steps": STEPS,
        "problems": [QUAD, LOGREG],
        "cases": [],
    }
    with open("modern_optim_goldens.json", "w") as f:
        head = json.dumps(doc, indent=1)
        assert head.endswith('"cases": []\n}')
        f.write(head[:-len("[]\n}")] + "[\n")
        f.write(",\n".join(json.dumps(c) for c in cases))
        f.write("\n ]\n}\n")


if __name__ == "__main__":
    main()
