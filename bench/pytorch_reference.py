#!/usr/bin/python3
"""fm-jvm's plain-PyTorch baseline for the tutorial recipe.

The same flow-matching recipe that `fm demo` and `fm bench` run, written directly in PyTorch, so
that speed and sample quality can be put side by side in one session on one machine:

  source       N(0, I_2)
  target       equal-weight mixture of N(mu_k, 0.5^2 I_2), mu_k = (-3,-3), (-3,3), (3,-3), (3,3)
  path         x_t = t x1 + (1 - t) x0 with x0, x1 drawn independently and t ~ U[0, 1)
  regression   v(concat(x_t, t)) ~ x1 - x0, loss = batch mean of the squared error summed over x, y
  network      3 -> 256 -> 256 -> 256 -> 2, SiLU between layers, PyTorch's default Linear init
  optimiser    Adam, lr 1e-3 (constant, or a cosine decay to 0 as `fm demo` uses by default)
  training     batch 256, 5,000 steps
  sampling     10,000 points, Euler with 100 steps (midpoint and RK4 too, for the NFE table)

Timing follows `fm bench`: median train-step time at batch 256 (100 warm-up steps, 400 timed) and
at batch 4096 (40 warm-up, 80 timed), where one step draws the batch, builds the path, runs forward
and backward and applies Adam; Euler-100 throughput on 10,000 points (median of 3 after a warm-up).
Quality follows fm-core's QualityReport (energy distance, sliced W2, noise floors, log density,
mode weights). bench/README.md explains every number written to results.json.

Needs Debian's python3-torch and python3-numpy (and libopenblas0-pthread for a fast BLAS); run it
with /usr/bin/python3. By default it asks glibc to keep freed memory for reuse (--malloc keep), as
fresh pages are slow and erratic on the virtual machines this runs on; no computation changes.
"""

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import sys
import time
import zlib

PROG = "pytorch_reference.py"
SCHEMA = "fm-jvm.bench.pytorch-reference/1"

# --- the recipe -------------------------------------------------------------------------------
MODE_MEANS = ((-3.0, -3.0), (-3.0, 3.0), (3.0, -3.0), (3.0, 3.0))  # fm-core's component order
MODE_STD = 0.5
DIM = 2
WIDTHS = (256, 256, 256)
LEARNING_RATE = 1e-3
DEFAULT_STEPS = 5000
DEFAULT_BATCH = 256
DATASET = "four-gaussians"

# --- what is measured, full run and --quick ----------------------------------------------------
FULL = {
    "train_timing": ((256, 100, 400), (4096, 40, 80)),  # (batch, warm-up steps, timed steps)
    "sampling_points": 10_000,
    "sampling_steps": 100,
    "sampling_repeats": 3,
    "quality_points": 10_000,
    "floor_repeats": 5,
    "projections": 256,
    "entropy_samples": 100_000,
    "steps": DEFAULT_STEPS,
}
QUICK = {
    "train_timing": ((256, 10, 40), (4096, 3, 8)),
    "sampling_points": 2_000,
    "sampling_steps": 100,
    "sampling_repeats": 3,
    "quality_points": 2_000,
    "floor_repeats": 2,
    "projections": 256,
    "entropy_samples": 20_000,
    "steps": 500,
}
NFE_BUDGETS = (1, 2, 4, 8, 16, 32, 100)
EVALS_PER_STEP = {"euler": 1, "midpoint": 2, "rk4": 4}
IDLE_THRESHOLD_CORES = 0.25
IDLE_WINDOW_S = 5.0


# =============================================================================================
# Command line
# =============================================================================================
class OneLineParser(argparse.ArgumentParser):
    """Reports a bad command line as a single line on stderr and exits with status 2."""

    def error(self, message):
        sys.stderr.write(f"{PROG}: error: {message} (see --help)\n")
        sys.exit(2)


def _int_at_least(low):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {low}, got '{text}'")
        if value < low:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {low}, got {value}")
        return value
    return parse


def _seconds(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got '{text}'")
    if not (value >= 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got '{text}'")
    return value


def parse_args(argv):
    p = OneLineParser(
        prog=PROG,
        description="Plain-PyTorch run of fm-jvm's tutorial recipe: training-step and sampling timings, "
                    "the full training run, and sample quality, written to OUT/results.json.")
    p.add_argument("--out", metavar="DIR", default=None,
                   help="folder for results.json (default: ./pytorch-reference, or ./pytorch-reference-quick "
                        "with --quick)")
    p.add_argument("--steps", metavar="N", type=_int_at_least(1), default=None,
                   help=f"training steps of the full run (default: {DEFAULT_STEPS}; {QUICK['steps']} with --quick)")
    p.add_argument("--batch", metavar="N", type=_int_at_least(1), default=DEFAULT_BATCH,
                   help="batch size of the full run (default: %(default)s; the timings always use 256 and 4096)")
    p.add_argument("--seed", metavar="N", type=_int_at_least(0), default=0,
                   help="seed of every random draw (default: %(default)s)")
    p.add_argument("--threads", metavar="N", type=_int_at_least(1), default=None,
                   help="threads of the main measurements and the training run, for PyTorch and OpenBLAS "
                        "alike (default: PyTorch's own default)")
    p.add_argument("--lr-schedule", choices=("constant", "cosine"), default="constant",
                   help="learning rate of the full run: constant 1e-3 (the recipe, default) or a cosine decay "
                        "from 1e-3 to 0 over the run (fm demo's default)")
    p.add_argument("--malloc", choices=("keep", "default"), default="keep",
                   help="keep: glibc keeps freed memory for reuse instead of handing large blocks back to the "
                        "system after every tensor (default; see bench/README.md); default: glibc's own "
                        "behaviour")
    p.add_argument("--quick", action="store_true",
                   help="a smoke run of about a minute: fewer steps, points and timed steps (numbers not "
                        "comparable)")
    p.add_argument("--wait-idle", metavar="SECONDS", type=_seconds, default=0.0,
                   help="before each timing section wait up to SECONDS until other processes use < "
                        f"{IDLE_THRESHOLD_CORES} cores (from /proc/stat; default: 0, don't wait)")
    args = p.parse_args(argv)
    if args.out is None:
        args.out = "pytorch-reference-quick" if args.quick else "pytorch-reference"
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        p.error(f"--out {args.out} exists and is not a folder")
    return args


# =============================================================================================
# Random streams: one torch.Generator per purpose, so changing one part shifts no other
# =============================================================================================
def stream_seed(seed, purpose):
    return (seed * 0x9E3779B1 + zlib.crc32(purpose.encode("ascii"))) % (1 << 62)


def stream(seed, purpose):
    import torch
    return torch.Generator().manual_seed(stream_seed(seed, purpose))


# =============================================================================================
# Machine load, from /proc/stat
# =============================================================================================
def _system_busy_seconds():
    """CPU seconds the whole machine spent busy since boot (user..steal, less idle and iowait)."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu":
        return None
    ticks = [int(v) for v in fields[1:9]]
    busy = sum(ticks) - ticks[3] - ticks[4]
    return busy / os.sysconf("SC_CLK_TCK")


class LoadMeter:
    """Cores used by processes other than this one while the block runs."""

    def __enter__(self):
        self._wall = time.perf_counter()
        self._own = time.process_time()
        self._busy = _system_busy_seconds()
        self.other_cores = None
        self.own_cores = None
        self.wall_s = None
        return self

    def __exit__(self, *exc):
        self.wall_s = time.perf_counter() - self._wall
        own = time.process_time() - self._own
        busy = _system_busy_seconds()
        if self.wall_s > 0:
            self.own_cores = own / self.wall_s
            if busy is not None and self._busy is not None:
                self.other_cores = max(0.0, busy - self._busy - own) / self.wall_s
        return False


def wait_until_idle(max_wait_s, section, log):
    """Waits (up to max_wait_s) until other processes use < IDLE_THRESHOLD_CORES over a window."""
    if max_wait_s <= 0:
        return {"max_wait_s": max_wait_s}
    if _system_busy_seconds() is None:
        return {"max_wait_s": max_wait_s, "note": "/proc/stat not readable; did not wait"}
    start = time.perf_counter()
    told = False
    while True:
        with LoadMeter() as m:
            time.sleep(IDLE_WINDOW_S)
        load = m.other_cores or 0.0
        waited = time.perf_counter() - start
        if load < IDLE_THRESHOLD_CORES:
            if told:
                log(f"  machine idle after {waited:.0f} s; timing {section}")
            return {"max_wait_s": max_wait_s, "waited_s": round(waited, 1), "idle": True,
                    "other_cores_last_window": round(load, 3)}
        if waited >= max_wait_s:
            log(f"  WARNING: timing {section} although other processes use {load:.2f} cores "
                f"(waited {waited:.0f} s)")
            return {"max_wait_s": max_wait_s, "waited_s": round(waited, 1), "idle": False,
                    "other_cores_last_window": round(load, 3)}
        if not told:
            log(f"  waiting up to {max_wait_s:.0f} s for an idle machine before {section} "
                f"(other processes use {load:.2f} cores)")
            told = True


# =============================================================================================
# Memory: keep freed blocks in the process
# =============================================================================================
KEEP_MMAP_THRESHOLD = 32 << 20  # glibc's ceiling for this setting on 64-bit
KEEP_TRIM_THRESHOLD = 1 << 30


def configure_malloc(mode):
    """With mode 'keep', stops glibc from mapping each large block (an activation of 10,000 x 256
    floats is 10 MB) afresh and unmapping it when freed, so the same pages are reused. On these
    virtual machines touching fresh pages is expensive and varies with what the host reclaims."""
    if mode != "keep":
        return {"mode": mode}
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        ok = libc.mallopt(-3, KEEP_MMAP_THRESHOLD) == 1 and libc.mallopt(-1, KEEP_TRIM_THRESHOLD) == 1
    except (OSError, AttributeError):
        ok = False
    return {"mode": mode, "applied": ok, "mmap_threshold": KEEP_MMAP_THRESHOLD,
            "trim_threshold": KEEP_TRIM_THRESHOLD}


# =============================================================================================
# OpenBLAS, when it is the BLAS PyTorch uses
# =============================================================================================
class OpenBlas:
    """The OpenBLAS library loaded into this process, if any (found in /proc/self/maps)."""

    def __init__(self):
        self.path = None
        self._lib = None
        try:
            with open("/proc/self/maps") as f:
                paths = sorted({line.split()[-1] for line in f
                                if "openblas" in line and line.split()[-1].startswith("/")})
        except OSError:
            paths = []
        if not paths:
            return
        import ctypes
        for path in paths:
            try:
                lib = ctypes.CDLL(path)
                lib.openblas_get_corename.restype = ctypes.c_char_p
                lib.openblas_get_num_threads.restype = ctypes.c_int
                self._lib, self.path = lib, os.path.realpath(path)
                return
            except (OSError, AttributeError):
                continue

    @property
    def loaded(self):
        return self._lib is not None

    def corename(self):
        return self._lib.openblas_get_corename().decode() if self._lib else None

    def threads(self):
        return int(self._lib.openblas_get_num_threads()) if self._lib else None

    def set_threads(self, n):
        if self._lib:
            self._lib.openblas_set_num_threads(int(n))


def blas_libraries():
    """Shared libraries in this process that look like a BLAS or LAPACK."""
    try:
        with open("/proc/self/maps") as f:
            found = {line.split()[-1] for line in f if line.split()[-1].startswith("/")}
    except OSError:
        return []
    return sorted(os.path.realpath(p) for p in found
                  if any(key in os.path.basename(p) for key in ("blas", "lapack", "mkl")))


def cpu_facts():
    model, flags = None, set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and model is None:
                    model = value.strip()
                elif key == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    return model or platform.processor() or None, flags


# =============================================================================================
# The problem: target draws, exact log density, nearest modes
# =============================================================================================
def draw_target(n, gen):
    import torch
    means = torch.tensor(MODE_MEANS, dtype=torch.float32)
    which = torch.randint(0, len(MODE_MEANS), (n,), generator=gen)
    return means[which] + MODE_STD * torch.randn(n, DIM, generator=gen)


def draw_source(n, gen):
    import torch
    return torch.randn(n, DIM, generator=gen)


def log_density(points):
    """log q(x) in nats for each row, float64: logsumexp over the modes, minus log K."""
    import numpy as np
    x = np.asarray(points, dtype=np.float64)
    mu = np.asarray(MODE_MEANS, dtype=np.float64)
    sq = ((x[:, None, :] - mu[None, :, :]) ** 2).sum(axis=2)
    per_mode = -0.5 * DIM * math.log(2 * math.pi * MODE_STD ** 2) - sq / (2 * MODE_STD ** 2)
    top = per_mode.max(axis=1)
    return top + np.log(np.exp(per_mode - top[:, None]).sum(axis=1)) - math.log(len(MODE_MEANS))


def mode_fractions(points):
    """Fraction of rows nearest each mode (lowest index on a tie), in MODE_MEANS order."""
    import numpy as np
    x = np.asarray(points, dtype=np.float64)
    mu = np.asarray(MODE_MEANS, dtype=np.float64)
    nearest = ((x[:, None, :] - mu[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    counts = np.bincount(nearest, minlength=len(MODE_MEANS))
    return [float(c) / len(x) for c in counts]


# =============================================================================================
# Metrics, as fm-core defines them (float64)
# =============================================================================================
def _distance_sum(a, b, rows=500):
    """Sum of Euclidean distances over all pairs (a_i, b_j)."""
    import numpy as np
    total = 0.0
    for start in range(0, a.shape[0], rows):
        block = a[start:start + rows]
        sq = np.zeros((block.shape[0], b.shape[0]))
        for d in range(a.shape[1]):
            diff = block[:, d:d + 1] - b[None, :, d]
            sq += diff * diff
        total += float(np.sqrt(sq).sum())
    return total


class EnergyDistanceTo:
    """Squared energy distance to a fixed reference set Y, V-statistic (all pairs, diagonal in):
    D^2(X, Y) = 2 E|X - Y| - E|X - X'| - E|Y - Y'|."""

    def __init__(self, reference):
        import numpy as np
        self.y = np.asarray(reference, dtype=np.float64)
        m = self.y.shape[0]
        self.yy = _distance_sum(self.y, self.y) / (m * m)

    def __call__(self, points):
        import numpy as np
        x = np.asarray(points, dtype=np.float64)
        n, m = x.shape[0], self.y.shape[0]
        return 2 * _distance_sum(x, self.y) / (n * m) - _distance_sum(x, x) / (n * n) - self.yy


def _w2_squared_sorted(a, b):
    """Exact squared 2-Wasserstein distance of two sorted 1D samples (quantile functions)."""
    import numpy as np
    n, m = len(a), len(b)
    if n == m:
        return float(((a - b) ** 2).mean())
    # breakpoints of both quantile step functions, in units of 1 / (n m)
    cuts = np.union1d(np.arange(1, n + 1, dtype=np.int64) * m, np.arange(1, m + 1, dtype=np.int64) * n)
    widths = np.diff(np.concatenate(([0], cuts)))
    ia = (cuts - 1) // m
    ib = (cuts - 1) // n
    return float((widths * (a[ia] - b[ib]) ** 2).sum() / (n * m))


class SlicedW2:
    """sqrt(mean over unit directions of the exact 1D W2^2 of the projections)."""

    def __init__(self, projections, gen):
        import torch
        raw = torch.randn(projections, DIM, generator=gen, dtype=torch.float64).numpy()
        self.directions = raw / ((raw ** 2).sum(axis=1, keepdims=True) ** 0.5)

    def __call__(self, x, y):
        import numpy as np
        px = np.sort(np.asarray(x, dtype=np.float64) @ self.directions.T, axis=0)
        py = np.sort(np.asarray(y, dtype=np.float64) @ self.directions.T, axis=0)
        per_direction = [_w2_squared_sorted(px[:, l], py[:, l]) for l in range(px.shape[1])]
        return math.sqrt(sum(per_direction) / len(per_direction))


def mean_sd(values):
    return {"mean": statistics.fmean(values), "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
            "repeats": list(values)}


# =============================================================================================
# Model, training step, ODE solvers
# =============================================================================================
def new_model(seed):
    import torch
    import torch.nn as nn
    torch.manual_seed(stream_seed(seed, "init"))  # nn.Linear's default init draws from the global RNG
    layers, width = [], DIM + 1
    for w in WIDTHS:
        layers += [nn.Linear(width, w), nn.SiLU()]
        width = w
    layers.append(nn.Linear(width, DIM))
    return nn.Sequential(*layers)


def velocity(net, t, x):
    import torch
    return net(torch.cat([x, t.expand(x.shape[0], 1)], dim=1))


class Trainer:
    """One model, its Adam optimiser, and a stream of training batches."""

    def __init__(self, seed, batch, steps, schedule, purpose):
        import torch
        self.net = new_model(seed)
        self.opt = torch.optim.Adam(self.net.parameters(), lr=LEARNING_RATE)
        self.batch, self.steps, self.schedule = batch, steps, schedule
        self.gen = stream(seed, purpose)
        self.done = 0

    def lr_factor(self):
        if self.schedule == "constant" or self.steps <= 1:
            return 1.0
        progress = min(1.0, self.done / (self.steps - 1))  # fm-core's cosine: 1 at the first step, 0 at the last
        return 0.5 * (1 + math.cos(math.pi * progress))

    def step(self):
        """Draws a batch, builds the path, regresses the velocity, applies Adam; returns the loss tensor."""
        import torch
        n, g = self.batch, self.gen
        x0 = draw_source(n, g)
        x1 = draw_target(n, g)
        t = torch.rand(n, 1, generator=g)
        xt = t * x1 + (1 - t) * x0
        pred = self.net(torch.cat([xt, t], dim=1))
        loss = ((pred - (x1 - x0)) ** 2).sum(dim=1).mean()
        if self.schedule != "constant":
            for group in self.opt.param_groups:
                group["lr"] = LEARNING_RATE * self.lr_factor()
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.done += 1
        return loss


def integrate(net, x, steps, method):
    """Solves dx/dt = v(t, x) from t = 0 to 1 with a fixed step size."""
    import torch
    h = 1.0 / steps
    with torch.inference_mode():
        for k in range(steps):
            t = torch.full((1, 1), k * h)
            if method == "euler":
                x = x + h * velocity(net, t, x)
            elif method == "midpoint":
                half = x + 0.5 * h * velocity(net, t, x)
                x = x + h * velocity(net, t + 0.5 * h, half)
            elif method == "rk4":
                k1 = velocity(net, t, x)
                k2 = velocity(net, t + 0.5 * h, x + 0.5 * h * k1)
                k3 = velocity(net, t + 0.5 * h, x + 0.5 * h * k2)
                k4 = velocity(net, t + h, x + h * k3)
                x = x + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
            else:
                raise ValueError(method)
    return x


# =============================================================================================
# Timing
# =============================================================================================
def time_train_steps(seed, batch, warmup, timed):
    trainer = Trainer(seed, batch, warmup + timed, "constant", "timing-batches")
    for _ in range(warmup):
        trainer.step()
    spans = []
    with LoadMeter() as load:
        for _ in range(timed):
            t0 = time.perf_counter_ns()
            trainer.step()
            spans.append((time.perf_counter_ns() - t0) / 1e6)
    spans.sort()
    return {
        "median_ms": statistics.median(spans),
        "mean_ms": statistics.fmean(spans),
        "p10_ms": spans[int(0.1 * (len(spans) - 1))],
        "p90_ms": spans[int(0.9 * (len(spans) - 1))],
        "min_ms": spans[0],
        "warmup_steps": warmup,
        "timed_steps": timed,
        "other_processes_cores": load.other_cores,
    }


def time_sampling(seed, points, steps, repeats):
    net = new_model(seed)  # throughput does not depend on the weights; fm bench times initial weights too
    noise = draw_source(points, stream(seed, "timing-noise"))
    integrate(net, noise[: min(points, 1000)], 5, "euler")  # warm-up
    spans = []
    with LoadMeter() as load:
        for _ in range(repeats):
            t0 = time.perf_counter_ns()
            integrate(net, noise, steps, "euler")
            spans.append((time.perf_counter_ns() - t0) / 1e9)
    median = statistics.median(spans)
    return {
        "samples_per_s": points / median,
        "median_s": median,
        "repeats_s": spans,
        "points": points,
        "ode_steps": steps,
        "other_processes_cores": load.other_cores,
    }


def timing_block(cfg, seed, wait_s, label, log):
    """The three timed sections, each after the idle gate."""
    import torch
    block = {"torch_num_threads": torch.get_num_threads(), "train_step": {}, "idle_wait": {}}
    for batch, warmup, timed in cfg["train_timing"]:
        key = str(batch)
        block["idle_wait"]["train_step_" + key] = wait_until_idle(wait_s, f"train steps at batch {batch} ({label})",
                                                                  log)
        r = time_train_steps(seed, batch, warmup, timed)
        block["train_step"][key] = r
        log(f"  train step, batch {batch:>4}: median {r['median_ms']:.2f} ms "
            f"(p10 {r['p10_ms']:.2f}, p90 {r['p90_ms']:.2f}; other processes {_cores(r['other_processes_cores'])})")
    steps = cfg["sampling_steps"]
    block["idle_wait"]["sampling"] = wait_until_idle(wait_s, f"Euler-{steps} sampling ({label})", log)
    s = time_sampling(seed, cfg["sampling_points"], steps, cfg["sampling_repeats"])
    block[f"sampling_euler{steps}"] = s
    log(f"  Euler-{steps} on {s['points']:,} points: {s['samples_per_s']:,.0f} samples/s "
        f"(median of {len(s['repeats_s'])}: {s['median_s']:.2f} s; other processes "
        f"{_cores(s['other_processes_cores'])})")
    return block


def threads_label(block):
    blas = block.get("openblas_num_threads")
    what = f"torch {block['torch_num_threads']}" + ("" if blas is None else f", OpenBLAS {blas}")
    return f"{what} thread(s) ({block.get('threads_setting')})"


def _cores(v):
    return "n/a" if v is None else f"{v:.2f} cores"


# =============================================================================================
# Quality
# =============================================================================================
def quality_report(samples, seed, cfg):
    """fm-core's QualityReport, field for field, for the generated samples."""
    n = samples.shape[0]
    reference = draw_target(n, stream(seed, "quality-reference")).numpy()
    energy = EnergyDistanceTo(reference)
    sliced = SlicedW2(cfg["projections"], stream(seed, "quality-directions"))
    floor_gen = stream(seed, "quality-floor")
    ed_floor, sw_floor = [], []
    for _ in range(cfg["floor_repeats"]):
        other = draw_target(n, floor_gen).numpy()
        ed_floor.append(energy(other))
        sw_floor.append(sliced(other, reference))
    lq = log_density(samples)
    fresh_lq = log_density(draw_target(cfg["entropy_samples"], stream(seed, "quality-entropy")).numpy())
    generated_modes = mode_fractions(samples)
    weights = [1.0 / len(MODE_MEANS)] * len(MODE_MEANS)
    report = {
        "dataset": DATASET,
        "dim": DIM,
        "generated": n,
        "reference": n,
        "floorSize": n,
        "energyDistance": energy(samples),
        "energyDistanceFloor": mean_sd(ed_floor),
        "slicedW2": sliced(samples, reference),
        "slicedW2Floor": mean_sd(sw_floor),
        "projections": cfg["projections"],
        "logDensity": {
            "generatedMean": float(lq.mean()),
            "generatedSe": float(lq.std(ddof=1) / math.sqrt(n)),
            "generatedOutsideSupport": 0.0,
            "targetMean": float(fresh_lq.mean()),
            "targetSe": float(fresh_lq.std(ddof=1) / math.sqrt(len(fresh_lq))),
            "targetSamples": len(fresh_lq),
        },
        "modes": {
            "generated": generated_modes,
            "reference": mode_fractions(reference),
            "weights": weights,
            "maxAbsError": max(abs(g - w) for g, w in zip(generated_modes, weights)),
        },
    }
    return report, energy, sliced, reference


def nfe_table(net, noise, energy, sliced, reference):
    """Energy distance and sliced W2 against the number of velocity evaluations, per solver."""
    table = {}
    for method, per_step in EVALS_PER_STEP.items():
        rows = []
        for nfe in NFE_BUDGETS:
            if nfe % per_step:
                continue  # e.g. RK4 cannot spend 1 or 2 evaluations
            steps = nfe // per_step
            x = integrate(net, noise, steps, method).numpy()
            rows.append({"nfe": nfe, "steps": steps, "energy_distance": energy(x),
                         "sliced_w2": sliced(x, reference)})
        table[method] = rows
    return table


def solvers_at(net, noise, steps, energy, sliced, reference):
    """Quality of each solver with the same number of steps (so midpoint and RK4 spend 2x and 4x the NFE)."""
    out = {}
    for method, per_step in EVALS_PER_STEP.items():
        x = integrate(net, noise, steps, method).numpy()
        out[method] = {"steps": steps, "nfe": steps * per_step, "energy_distance": energy(x),
                       "sliced_w2": sliced(x, reference)}
    return out


# =============================================================================================
# Environment
# =============================================================================================
def environment(torch_default_threads, blas):
    import numpy
    import torch
    model, flags = cpu_facts()
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = None
    return {
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "torch_version": torch.__version__,
        "numpy_version": numpy.__version__,
        "platform": platform.platform(),
        "cpu_model": model,
        "avx512f": "avx512f" in flags,
        "avx2": "avx2" in flags,
        "cpu_count": os.cpu_count(),
        "cpus_usable": affinity,
        "torch_default_num_threads": torch_default_threads,
        "torch_num_threads": torch.get_num_threads(),
        "openblas_num_threads": blas.threads(),
        "openblas_coretype_env": os.environ.get("OPENBLAS_CORETYPE"),
        "openblas_corename": blas.corename(),
        "openblas_library": blas.path,
        "blas_libraries": blas_libraries(),
        "omp_num_threads_env": os.environ.get("OMP_NUM_THREADS"),
    }


# =============================================================================================
# Output
# =============================================================================================
def finite_or_none(obj):
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite_or_none(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite_or_none(v) for v in obj]
    return obj


def write_json_atomically(path, obj):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(finite_or_none(obj), f, indent=2, allow_nan=False)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def print_summary(res, log):
    env, q = res["environment"], res["quality"]
    main, one = res["timing"], res["timing_supplementary_1thread"]
    sk = next(k for k in main if k.startswith("sampling_euler"))
    log("")
    log("=" * 78)
    log(f"plain PyTorch {env['torch_version']} on {env['cpu_model']} "
        f"({env['cpus_usable']} CPUs usable; avx512f: {'yes' if env['avx512f'] else 'no'}; "
        f"OpenBLAS kernels: {env['openblas_corename'] or 'OpenBLAS not loaded'})")
    if res["run"]["quick"]:
        log("QUICK SMOKE RUN: fewer steps and points; the numbers are not comparable")
    log(f"{'':32} {'main':>18} {'1 thread':>14}    main: {threads_label(main)}")
    for b in ("256", "4096"):
        log(f"{'train step, batch ' + b:32} {main['train_step'][b]['median_ms']:>15.2f} ms "
            f"{one['train_step'][b]['median_ms']:>11.2f} ms")
    log(f"{'Euler-100, ' + format(main[sk]['points'], ',') + ' points':32} "
        f"{main[sk]['samples_per_s']:>16,.0f}/s {one[sk]['samples_per_s']:>12,.0f}/s")
    tr = res["training"]
    log(f"full training run: {tr['steps']:,} steps at batch {tr['batch']} ({tr['lr_schedule']} lr) in "
        f"{tr['wall_s']:.1f} s, {tr['ms_per_step']:.2f} ms/step; final loss (mean of last 100) "
        f"{tr['final_loss']:.3f}")
    log(f"quality of {q['generated']:,} Euler-100 samples vs {q['reference']:,} fresh target samples:")
    ef, sf = q["energyDistanceFloor"], q["slicedW2Floor"]
    log(f"  energy distance {q['energyDistance']:.4g} (noise floor {ef['mean']:.2g} +- {ef['sd']:.1g} over "
        f"{len(ef['repeats'])} pairs)")
    log(f"  sliced W2       {q['slicedW2']:.4g} (noise floor {sf['mean']:.3g} +- {sf['sd']:.1g}, "
        f"{q['projections']} directions)")
    ld = q["logDensity"]
    log(f"  mean -log q     {-ld['generatedMean']:.4g} +- {ld['generatedSe']:.1g} vs the target's entropy "
        f"{-ld['targetMean']:.4g} +- {ld['targetSe']:.1g}")
    log("  mode weights    " + " / ".join(f"{v:.3f}" for v in q["modes"]["generated"])
        + f" (max error {q['modes']['maxAbsError']:.3f}; ideal 0.25 each)")
    log("energy distance by NFE:")
    for method, rows in res["energy_distance_by_nfe"].items():
        log(f"  {method:9}" + "  ".join(f"{r['nfe']}: {r['energy_distance']:.3g}" for r in rows))
    log(f"{res['quality_sampler']['ode_steps']} steps of each solver: " + ", ".join(
        f"{m} {r['energy_distance']:.3g}" for m, r in res["solvers_same_steps"].items()) + " (energy distance)")
    loads = [v for v in res["run"]["other_processes_cores_seen"].values() if v is not None]
    if loads:
        log(f"other processes during the timed sections: {min(loads):.2f}-{max(loads):.2f} cores")
    log("=" * 78)


# =============================================================================================
def main(argv):
    args = parse_args(argv)
    cfg = dict(QUICK if args.quick else FULL)
    steps = args.steps if args.steps is not None else cfg["steps"]

    def log(msg):
        print(msg, flush=True)

    malloc = configure_malloc(args.malloc)
    try:
        import numpy  # noqa: F401
        import torch
    except ImportError as e:
        sys.stderr.write(f"{PROG}: error: {e.name} is missing: apt-get install -y python3-torch python3-numpy "
                         "libopenblas0-pthread, then run with /usr/bin/python3\n")
        return 1

    os.makedirs(args.out, exist_ok=True)
    started = time.time()
    torch_default_threads = torch.get_num_threads()
    torch.ones(8, 8) @ torch.ones(8, 8)  # loads the BLAS so it shows in /proc/self/maps
    blas = OpenBlas()
    blas_default_threads = blas.threads()
    threads = args.threads if args.threads is not None else torch_default_threads

    def use_threads(n):
        """torch.set_num_threads does not reach OpenBLAS's own pool, so both are set."""
        torch.set_num_threads(n)
        blas.set_threads(n)

    use_threads(threads)
    env = environment(torch_default_threads, blas)
    env["openblas_default_num_threads"] = blas_default_threads
    env["malloc"] = malloc
    log(f"PyTorch {env['torch_version']}: {env['torch_num_threads']} thread(s) "
        f"(PyTorch's default here: {torch_default_threads}), OpenBLAS "
        + (f"{env['openblas_corename']} kernels, {env['openblas_num_threads']} thread(s)"
           if blas.loaded else "not loaded (slow reference BLAS? apt-get install libopenblas0-pthread)")
        + f"; OPENBLAS_CORETYPE={env['openblas_coretype_env'] or '(unset)'}; avx512f: "
        + ("yes" if env["avx512f"] else "no") + f"; malloc: {args.malloc}")
    if args.malloc == "keep" and not malloc["applied"]:
        log("WARNING: could not configure glibc malloc (mallopt); memory is handled as by default")
    if not blas.loaded:
        log("WARNING: PyTorch is not using OpenBLAS here; timings will be far slower than a normal install")

    results = {
        "schema": SCHEMA,
        "run": {"started": datetime.datetime.fromtimestamp(started, datetime.timezone.utc).isoformat(
            timespec="seconds"), "quick": args.quick, "argv": list(argv), "wait_idle_s": args.wait_idle},
        "recipe": {
            "dataset": DATASET, "source": "standard normal", "mode_means": [list(m) for m in MODE_MEANS],
            "mode_std": MODE_STD, "hidden": list(WIDTHS), "activation": "silu", "input": "concat(x, t)",
            "optimizer": "adam", "learning_rate": LEARNING_RATE, "lr_schedule": args.lr_schedule,
            "batch": args.batch, "steps": steps, "coupling": "independent", "seed": args.seed,
            "sampler": "euler", "ode_steps": cfg["sampling_steps"], "samples": cfg["quality_points"],
        },
        "environment": env,
    }

    label = f"{threads} thread" + ("s" if threads != 1 else "")
    log(f"timing ({label}):")
    results["timing"] = timing_block(cfg, args.seed, args.wait_idle, label, log)
    results["timing"]["threads_setting"] = "torch default" if args.threads is None else "--threads"
    results["timing"]["openblas_num_threads"] = blas.threads()

    use_threads(1)
    log("timing, supplement with 1 thread:")
    results["timing_supplementary_1thread"] = timing_block(cfg, args.seed, args.wait_idle, "1 thread", log)
    results["timing_supplementary_1thread"]["threads_setting"] = "1 thread"
    results["timing_supplementary_1thread"]["openblas_num_threads"] = blas.threads()
    use_threads(threads)

    log(f"training {steps:,} steps at batch {args.batch} ({args.lr_schedule} lr) ...")
    gate = wait_until_idle(args.wait_idle, "the full training run", log)
    trainer = Trainer(args.seed, args.batch, steps, args.lr_schedule, "training-batches")
    losses = []
    with LoadMeter() as load:
        for _ in range(steps):
            losses.append(trainer.step().item())
    tail = losses[-min(100, len(losses)):]
    every = max(1, steps // 50)
    results["training"] = {
        "steps": steps, "batch": args.batch, "lr_schedule": args.lr_schedule,
        "torch_num_threads": torch.get_num_threads(), "openblas_num_threads": blas.threads(),
        "wall_s": load.wall_s, "ms_per_step": 1e3 * load.wall_s / steps,
        "other_processes_cores": load.other_cores, "idle_wait": gate,
        "final_loss": statistics.fmean(tail),
        "loss_trace": {"every": every, "values": [statistics.fmean(losses[i:i + every])
                                                  for i in range(0, steps, every)]},
    }
    log(f"  {load.wall_s:.1f} s ({1e3 * load.wall_s / steps:.2f} ms/step), final loss "
        f"{results['training']['final_loss']:.3f}")

    log("quality ...")
    net = trainer.net.eval()
    noise = draw_source(cfg["quality_points"], stream(args.seed, "sampling-noise"))
    samples = integrate(net, noise, cfg["sampling_steps"], "euler").numpy()
    if not numpy.isfinite(samples).all():
        sys.stderr.write(f"{PROG}: error: sampling diverged (non-finite samples)\n")
        return 1
    quality, energy, sliced, reference = quality_report(samples, args.seed, cfg)
    results["quality"] = quality
    results["quality_sampler"] = {"method": "euler", "ode_steps": cfg["sampling_steps"],
                                  "noise_stream": "sampling-noise"}
    results["energy_distance_by_nfe"] = nfe_table(net, noise, energy, sliced, reference)
    results["solvers_same_steps"] = solvers_at(net, noise, cfg["sampling_steps"], energy, sliced, reference)

    seen = {}
    for name, block in (("main", results["timing"]), ("1thread", results["timing_supplementary_1thread"])):
        for b, r in block["train_step"].items():
            seen[f"{name}.train_step.{b}"] = r["other_processes_cores"]
        seen[f"{name}.sampling"] = block[f"sampling_euler{cfg['sampling_steps']}"]["other_processes_cores"]
    seen["training"] = load.other_cores
    results["run"]["other_processes_cores_seen"] = seen
    results["run"]["wall_s"] = time.time() - started

    path = os.path.join(args.out, "results.json")
    write_json_atomically(path, results)
    print_summary(results, log)
    log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
