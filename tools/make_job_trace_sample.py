#!/usr/bin/env python3
"""Writes data/workloads/philly-format-synthetic.csv: a synthetic job trace in
the Tiresias/Philly column format (job_id,num_gpu,submit_time,iterations,
model_name,duration,interval), for examples and tests that must not depend on
../shared/traces. Numbers are drawn here (seeded), not taken from any trace:
Poisson submissions (mean gap 85 s), GPU counts 1/2/4/8/16 with weights
50/15/15/15/5 %, log-normal durations (median 20 min, sigma 1.4, capped at 24 h).
That offers about 90 % of a 128-GPU cluster, enough for queues to form.
"""
import math
import random

rng = random.Random(20261205)
models = ["resnet50", "vgg16", "inception3", "bert", "gpt2", "transformer"]
rows = ["job_id,num_gpu,submit_time,iterations,model_name,duration,interval"]
t = 0
for job in range(240):
    gap = int(round(rng.expovariate(1 / 85.0)))
    t += gap
    gpus = rng.choices([1, 2, 4, 8, 16], weights=[50, 15, 15, 15, 5])[0]
    duration = min(86400, max(30, int(round(1200 * math.exp(rng.gauss(0, 1.4))))))
    iterations = max(1, duration * rng.randint(2, 10))
    rows.append(f"{job},{gpus},{t},{iterations},{rng.choice(models)},{duration},{gap}")
with open("data/workloads/philly-format-synthetic.csv", "w") as out:
    out.write("\n".join(rows) + "\n")
