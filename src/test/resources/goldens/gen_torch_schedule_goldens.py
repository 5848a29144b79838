#!/usr/bin/python3
"""Generates torch_schedule_goldens.json: the lr sequences of torch.optim.lr_scheduler (float64).

Run with Debian's torch:  apt-get install -y python3-torch; /usr/bin/python3 gen_torch_schedule_goldens.py
Each case is a ratelab `schedule:` section (its spec keys), the optimizer's base `lr`, and torch's lr at
optimizer steps k = 0 .. steps-1: lrs[k] is param_groups[0]['lr'] after k calls of scheduler.step(), the lr
torch's optimizer uses at its k-th step, which ratelab's schedule gives as lr * factor(k).
Torch's schedulers are built on plain SGD over one scalar parameter; optimizer.step() is called before each
scheduler.step() (with no gradient it changes nothing) so that torch warns of no ordering problem.

Mappings (ratelab key = torch argument):
  cosine:         t_max = T_max (or T_0 with restarts), min_factor = eta_min / lr, t_mult = T_mult
  linear_decay:   start_factor, end_factor, total_iters (LinearLR's own)
  one_cycle:      lr = max_lr, the rest OneCycleLR's own names; cycle_momentum=False (ratelab cycles no momentum)
  linear_warmup:  SequentialLR([LinearLR(start_factor, 1.0, warmup_steps), then], milestones=[warmup_steps]);
                  start_factor 0 cannot be a LinearLR (torch refuses it, and its recursive form would stay at
                  0), so that case is a LambdaLR of the closed form, written here independently of the Java code.
Each case but OneCycleLR's (whose get_lr is its closed form) also records closed_form_max_diff: the largest |torch's lr - the closed form| over the case
(CosineAnnealingLR's and LinearLR's get_lr are recursive, chainable forms that drift from their closed forms
by rounding).
"""
import json
import math

import torch
from torch.optim import lr_scheduler as S

torch.set_default_dtype(torch.float64)


def opt(lr):
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def run(o, sched, steps):
    lrs = []
    for _ in range(steps):
        lrs.append(o.param_groups[0]["lr"])
        o.step()
        sched.step()
    return lrs


def cos_closed(lr, m, t, period):
    return m * lr + (lr - m * lr) * (1 + math.cos(math.pi * t / period)) / 2


def restart_t(k, t0, mult):
    t, period = k, t0
    while t >= period:
        t -= period
        period *= mult
    return t, period


def cases():
    out = []

    def add(label, lr, schedule, sched_fn, steps, closed):
        o = opt(lr)
        lrs = run(o, sched_fn(o), steps)
        diff = None if closed is None else max(abs(a - closed(k)) for k, a in enumerate(lrs))
        out.append({"label": label, "lr": lr, "schedule": schedule, "lrs": lrs, "closed_form_max_diff": diff})

    for lr, t_max, m, steps in [(0.1, 50, 0.0, 240), (0.1, 200, 0.01, 240), (1.0, 37, 0.25, 300)]:
        add(f"CosineAnnealingLR(T_max={t_max}, eta_min={m}*lr)", lr,
            {"kind": "cosine", "t_max": t_max, "min_factor": m},
            lambda o, t_max=t_max, m=m, lr=lr: S.CosineAnnealingLR(o, T_max=t_max, eta_min=m * lr), steps,
            lambda k, lr=lr, m=m, t_max=t_max: cos_closed(lr, m, k, t_max))
    for lr, t0, mult, m, steps in [(0.1, 30, 1, 0.0, 250), (0.1, 10, 2, 0.05, 320), (1.0, 7, 3, 0.0, 300)]:
        add(f"CosineAnnealingWarmRestarts(T_0={t0}, T_mult={mult}, eta_min={m}*lr)", lr,
            {"kind": "cosine", "t_max": t0, "min_factor": m, "restarts": True, "t_mult": mult},
            lambda o, t0=t0, mult=mult, m=m, lr=lr: S.CosineAnnealingWarmRestarts(o, T_0=t0, T_mult=mult, eta_min=m * lr),
            steps, lambda k, lr=lr, m=m, t0=t0, mult=mult: cos_closed(lr, m, *restart_t(k, t0, mult)))
    for lr, s, e, total, steps in [(0.1, 1.0, 0.0, 150, 220), (0.1, 0.25, 1.0, 100, 200), (0.3, 0.5, 0.1, 173, 230)]:
        add(f"LinearLR(start_factor={s}, end_factor={e}, total_iters={total})", lr,
            {"kind": "linear_decay", "start_factor": s, "end_factor": e, "total_iters": total},
            lambda o, s=s, e=e, total=total: S.LinearLR(o, start_factor=s, end_factor=e, total_iters=total), steps,
            lambda k, lr=lr, s=s, e=e, total=total: lr * (s + (e - s) * min(k, total) / total))
    for lr, total, pct, strat, div, fdiv, three in [(0.1, 250, 0.3, "cos", 25.0, 1e4, False),
                                                    (0.1, 240, 0.25, "linear", 10.0, 100.0, False),
                                                    (1.0, 300, 0.3, "cos", 25.0, 1e4, True),
                                                    (0.5, 211, 0.4, "linear", 20.0, 50.0, True)]:
        add(f"OneCycleLR(max_lr={lr}, total_steps={total}, pct_start={pct}, anneal_strategy={strat}, "
            f"div_factor={div}, final_div_factor={fdiv}, three_phase={three})", lr,
            {"kind": "one_cycle", "total_steps": total, "pct_start": pct, "anneal_strategy": strat,
             "div_factor": div, "final_div_factor": fdiv, "three_phase": three},
            lambda o, lr=lr, total=total, pct=pct, strat=strat, div=div, fdiv=fdiv, three=three: S.OneCycleLR(
                o, max_lr=lr, total_steps=total, pct_start=pct, anneal_strategy=strat, cycle_momentum=False,
                div_factor=div, final_div_factor=fdiv, three_phase=three), total,
            None)  # OneCycleLR's get_lr is its closed form

    def seq(o, w, s, then):
        return S.SequentialLR(o, [S.LinearLR(o, start_factor=s, end_factor=1.0, total_iters=w), then(o)], milestones=[w])

    lr, w, s, t_max, m = 0.1, 20, 0.1, 180, 0.0
    add(f"SequentialLR(LinearLR({s}, 1, {w}), CosineAnnealingLR(T_max={t_max}), milestones=[{w}])", lr,
        {"kind": "linear_warmup", "warmup_steps": w, "start_factor": s, "then": {"kind": "cosine", "t_max": t_max}},
        lambda o: seq(o, w, s, lambda o: S.CosineAnnealingLR(o, T_max=t_max)), 240,
        lambda k: lr * (s + (1 - s) * k / w) if k < w else cos_closed(lr, m, k - w, t_max))
    lr2, w2, s2, t0, mult, m2 = 0.1, 50, 0.01, 40, 2, 0.01
    add(f"SequentialLR(LinearLR({s2}, 1, {w2}), CosineAnnealingWarmRestarts(T_0={t0}, T_mult={mult}, "
        f"eta_min={m2}*lr), milestones=[{w2}])", lr2,
        {"kind": "linear_warmup", "warmup_steps": w2, "start_factor": s2,
         "then": {"kind": "cosine", "t_max": t0, "min_factor": m2, "restarts": True, "t_mult": mult}},
        lambda o: seq(o, w2, s2, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=t0, T_mult=mult, eta_min=m2 * lr2)),
        260, lambda k: lr2 * (s2 + (1 - s2) * k / w2) if k < w2 else cos_closed(lr2, m2, *restart_t(k - w2, t0, mult)))
    lr3, w3, t3 = 0.05, 25, 200

    def warm0(k):
        return k / w3 if k < w3 else (1 + math.cos(math.pi * (k - w3) / t3)) / 2
    add(f"LambdaLR(k/{w3} for k < {w3}, then the cosine over {t3})", lr3,
        {"kind": "linear_warmup", "warmup_steps": w3, "start_factor": 0.0, "then": {"kind": "cosine", "t_max": t3}},
        lambda o: S.LambdaLR(o, warm0), 240, lambda k: lr3 * warm0(k))
    return out


def main():
    cs = cases()
    with open("torch_schedule_goldens.json", "w") as f:
        f.write('{"generator": "gen_torch_schedule_goldens.py", "torch": ' + json.dumps(torch.__version__) + ',\n"cases": [\n')
        f.write(",\n".join(json.dumps(c) for c in cs))
        f.write("\n]}\n")
    for c in cs:
        print(f"{c['label']}: {len(c['lrs'])} steps, |torch - closed form| max {c['closed_form_max_diff']}")


if __name__ == "__main__":
    main()
