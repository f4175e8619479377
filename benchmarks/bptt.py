#!/usr/bin/env python3
"""Time rnncore's full BPTT (forward + backward) and the Figure 6 grid; compare with
torch.nn.RNN + backward() where torch is importable.

    python benchmarks/bptt.py [--repeats 7]

Problems (tanh RNN, loss = summed squared residuals at every step):
  A: B = 32, T = 200, H = 64, D = 32, O = 1
  B: B = 1,  T = 1000, H = 128, D = 32, O = 1
rnncore runs in float64. torch runs in float64 (the same arithmetic) and float32
(its usual setting), with torch.set_num_threads as it comes. Medians of the repeats
are printed, with peak memory (tracemalloc for rnncore, which sees numpy's
allocations; the process's peak RSS for torch). Timings are printed, never asserted.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rnncore import pascanu, rnn  # noqa: E402

PROBLEMS = {"A (B=32, T=200, H=64)": (32, 200, 64), "B (B=1, T=1000, H=128)": (1, 1000, 128)}
D, O = 32, 1


def median_time(function, repeats: int) -> float:
    function()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved(functions: dict, repeats: int) -> dict[str, float]:
    """Median time of each function, the repeats taken in turn (A, B, C, A, B, C, …)
    so that a busy machine slows every contender alike."""
    for function in functions.values():
        function()  # warm up
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def peak_traced(function) -> int:
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def rnncore_problem(B, T, H):
    model = rnn.RNN.random(D, H, O, activation="tanh", seed=0)
    rng = np.random.default_rng(1)
    x, targets = rng.normal(size=(B, T, D)), rng.normal(size=(B, T, O))

    def run():
        rnn.bptt(model, rnn.forward(model, x), targets)

    return model, x, targets, run


def torch_problem(torch, model, x, targets, dtype):
    net = torch.nn.RNN(D, model.sizes[1], nonlinearity="tanh", batch_first=True).to(dtype)
    head = torch.nn.Linear(model.sizes[1], O).to(dtype)
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.tensor(model.W_hx))
        net.weight_hh_l0.copy_(torch.tensor(model.W_hh))
        net.bias_ih_l0.copy_(torch.tensor(model.b_h))
        net.bias_hh_l0.zero_()
        head.weight.copy_(torch.tensor(model.W_yh))
        head.bias.copy_(torch.tensor(model.b_y))
    xt, tt = torch.tensor(x, dtype=dtype), torch.tensor(targets, dtype=dtype)

    def run():
        net.zero_grad(set_to_none=True)
        head.zero_grad(set_to_none=True)
        out, _ = net(xt)
        loss = ((head(out) - tt) ** 2).sum()
        loss.backward()

    return run


def peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        torch = None
    print(f"numpy {np.__version__}; torch {torch.__version__ if torch else 'not importable'}"
          + (f" ({torch.get_num_threads()} threads)" if torch else ""))
    print(f"D = {D}, O = {O}, tanh; medians of {args.repeats} repeats\n")
    for name, (B, T, H) in PROBLEMS.items():
        model, x, targets, run = rnncore_problem(B, T, H)
        contenders = {"rnncore float64 forward+BPTT": run}
        if torch:
            for dtype in (torch.float64, torch.float32):
                label = str(dtype).replace("torch.", "")
                contenders[f"torch.nn.RNN {label} + backward"] = torch_problem(torch, model, x, targets, dtype)
        times = interleaved(contenders, args.repeats)
        ours = times["rnncore float64 forward+BPTT"]
        peak = peak_traced(run) / 2 ** 20
        print(f"{name}: rnncore float64 forward+BPTT {ours * 1e3:8.2f} ms, peak traced memory {peak:7.1f} MiB")
        for label, theirs in times.items():
            if label.startswith("torch"):
                print(f"{'':>{len(name)}}  {label:<29} {theirs * 1e3:8.2f} ms, rnncore / torch = "
                      f"{ours / theirs:5.2f} (target ≤ 0.5), process peak RSS {peak_rss_mib():.0f} MiB")
        print()
    grid = np.linspace(-2, 12, 400)
    W, Bg = np.meshgrid(grid, np.linspace(-8, 3, 400))
    grid_time = median_time(lambda: pascanu.loss_and_gradient(W, Bg), args.repeats)
    grid_peak = peak_traced(lambda: pascanu.loss_and_gradient(W, Bg)) / 2 ** 20
    print(f"Figure 6 grid 400 × 400, 50 steps, loss and gradient: {grid_time * 1e3:.1f} ms, "
          f"peak traced memory {grid_peak:.1f} MiB")


if __name__ == "__main__":
    main()
