#!/usr/bin/env python3
"""Time rnncore's forward pass plus full BPTT against torch.nn.RNN + backward(), and the
Figure 6 grid; print whether each speed and memory target is met.

    python benchmarks/bptt.py [--repeats 9] [--long-repeats 3] [--numpy-threads N] [--no-long]

Problems (tanh RNN, D = 32, O = 1, loss = summed squared residuals at every step):
  A:    B = 32, T = 200,    H = 64
  B:    B = 1,  T = 1000,   H = 128
  long: B = 32, T = 10,000, H = 64 (float32 only)

Contenders: rnncore in float32 and float64, the way a training loop calls it (the run's and
the gradients' arrays passed back with ``out=``; "fresh" rows allocate a new run every call),
and torch.nn.RNN with a linear head in float32 and float64 at 1 and 2 threads
(torch.set_num_threads, set before each of its repeats). The repeats are interleaved
(every contender once, then again …) so that a busy machine slows all alike, and medians
are printed. numpy's BLAS (OpenBLAS) threads are as they come unless ``--numpy-threads N``
(which restarts the script with OPENBLAS_NUM_THREADS=N). CPU time is
printed beside wall-clock time: the CPU time of the calling thread (time.thread_time), which
is all the work of a single-threaded contender. On a busy machine that is close to what it
takes on an idle one, so with ``--numpy-threads 1`` the targets are also judged on CPU time
against torch at 1 thread. Each call is followed by a short pause (:data:`PAUSE`).

Memory: for rnncore, tracemalloc's peak during one fresh forward + BPTT with no scratch
arrays kept (it sees every numpy allocation); for both, the rise of the process's peak
resident memory (VmHWM, reset just before) during one call in a fresh subprocess, after a
small warm-up
(torch's allocations are invisible to tracemalloc). Both are given in arrays of shape
(T, B, H) of the dtype. Timings are printed, never asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rnncore import pascanu, rnn, workspace  # noqa: E402

D, O = 32, 1
PROBLEMS = {"A": (32, 200, 64), "B": (1, 1000, 128), "long": (32, 10_000, 64)}
DTYPES = ("float32", "float64")
# seconds of rest after each call: torch's OpenMP threads spin-wait for a while after a parallel
# region, and on a 2-core machine that spinning would slow whichever contender runs next
PAUSE = 0.05


def data(B, T, dtype):
    rng = np.random.default_rng(1)
    return rng.normal(size=(B, T, D)).astype(dtype), rng.normal(size=(B, T, O)).astype(dtype)


def rnncore_call(B, T, H, dtype, reuse=True):
    """forward + full BPTT; with ``reuse`` the run and gradient arrays are passed back (out=)."""
    model = rnn.RNN.random(D, H, O, activation="tanh", seed=0, dtype=dtype)
    x, targets = data(B, T, dtype)
    state = {}

    def call():
        state["run"] = rnn.forward(model, x, out=state.get("run") if reuse else None)
        state["grads"] = rnn.bptt(model, state["run"], targets, out=state.get("grads") if reuse else None)

    return call


def torch_call(torch, B, T, H, dtype, threads):
    tdtype = getattr(torch, dtype)
    model = rnn.RNN.random(D, H, O, activation="tanh", seed=0)
    net = torch.nn.RNN(D, H, nonlinearity="tanh", batch_first=True).to(tdtype)
    head = torch.nn.Linear(H, O).to(tdtype)
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.tensor(model.W_hx))
        net.weight_hh_l0.copy_(torch.tensor(model.W_hh))
        net.bias_ih_l0.copy_(torch.tensor(model.b_h))
        net.bias_hh_l0.zero_()
        head.weight.copy_(torch.tensor(model.W_yh))
        head.bias.copy_(torch.tensor(model.b_y))
    x, targets = (torch.tensor(a) for a in data(B, T, dtype))

    def call():
        net.zero_grad(set_to_none=True)
        head.zero_grad(set_to_none=True)
        out, _ = net(x)
        ((head(out) - targets) ** 2).sum().backward()

    call.threads = threads
    return call


def interleaved(contenders: dict, repeats: int, torch) -> tuple[dict[str, float], dict[str, float]]:
    """Median wall-clock and CPU seconds of each contender, the repeats taken in turn."""
    wall: dict[str, list[float]] = {name: [] for name in contenders}
    cpu: dict[str, list[float]] = {name: [] for name in contenders}
    for round_ in range(repeats + 1):              # round 0 warms up
        for name, call in contenders.items():
            if hasattr(call, "threads"):
                torch.set_num_threads(call.threads)
            start, start_cpu = time.perf_counter(), time.thread_time()
            call()
            if round_:
                wall[name].append(time.perf_counter() - start)
                cpu[name].append(time.thread_time() - start_cpu)
            time.sleep(PAUSE)
    return ({name: statistics.median(values) for name, values in wall.items()},
            {name: statistics.median(values) for name, values in cpu.items()})


def traced_peak_arrays(B, T, H, dtype) -> float:
    call = rnncore_call(B, T, H, dtype, reuse=False)
    workspace.release()
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    workspace.release()
    return peak / (T * B * H * np.dtype(dtype).itemsize)


def rss_rise_arrays(which: str, B, T, H, dtype, threads=1) -> float:
    """Peak-RSS rise of one call, measured in a fresh subprocess, in (T, B, H) arrays."""
    out = subprocess.run([sys.executable, __file__, "--rss-child", json.dumps([which, B, T, H, dtype, threads])],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if out.returncode:
        return float("nan")
    return float(out.stdout.split()[-1]) / (T * B * H * np.dtype(dtype).itemsize)


def rss_child(spec: str) -> None:
    which, B, T, H, dtype, threads = json.loads(spec)
    if which == "torch":
        import torch

        torch.set_num_threads(threads)
        torch_call(torch, 2, 3, 4, dtype, threads)()          # warm up threads and kernels
        call = torch_call(torch, B, T, H, dtype, threads)
    else:
        rnncore_call(2, 3, 4, dtype)()
        call = rnncore_call(B, T, H, dtype, reuse=False)
    before = _status_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")    # resets the peak (VmHWM) to the current RSS
    call()
    print((_status_kib("VmHWM") - before) * 1024)


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def verdict(met: bool) -> str:
    return "MET" if met else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--long-repeats", type=int, default=3)
    parser.add_argument("--numpy-threads", type=int)
    parser.add_argument("--no-long", action="store_true", help="skip the T = 10,000 problem")
    parser.add_argument("--only", choices=list(PROBLEMS), action="append", help="run only these problems")
    parser.add_argument("--torch-threads", type=int, choices=(1, 2), action="append",
                        help="torch thread counts to time (default: 1 and 2)")
    parser.add_argument("--no-memory", action="store_true", help="skip the subprocess memory measurements")
    parser.add_argument("--rss-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        return rss_child(args.rss_child)
    if args.numpy_threads and os.environ.get("OPENBLAS_NUM_THREADS") != str(args.numpy_threads):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": str(args.numpy_threads), "OMP_NUM_THREADS": str(args.numpy_threads)}
        os.execve(sys.executable, [sys.executable, __file__, *sys.argv[1:]], env)
    try:
        import torch
    except ImportError:
        torch = None
    print(f"numpy {np.__version__} (OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}), "
          f"torch {torch.__version__ if torch else 'not importable'}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"D = {D}, O = {O}, tanh; medians of {args.repeats} interleaved repeats "
          f"({args.long_repeats} for the long sequence)\n")
    targets: list[str] = []
    names = args.only or [n for n in PROBLEMS if not (n == "long" and args.no_long)]
    thread_counts = tuple(sorted(set(args.torch_threads or (1, 2))))
    for problem in names:
        B, T, H = PROBLEMS[problem]
        dtypes = ("float32",) if problem == "long" else DTYPES
        contenders = {}
        for dtype in dtypes:
            contenders[f"rnncore {dtype}"] = rnncore_call(B, T, H, dtype)
            if problem != "long":
                contenders[f"rnncore {dtype} fresh"] = rnncore_call(B, T, H, dtype, reuse=False)
        if torch:
            for dtype in dtypes:
                for threads in thread_counts:
                    contenders[f"torch {dtype} {threads} thr"] = torch_call(torch, B, T, H, dtype, threads)
        times, cpu = interleaved(contenders, args.long_repeats if problem == "long" else args.repeats, torch)
        print(f"{problem}: B = {B}, T = {T}, H = {H}  (wall-clock median, CPU-time median)")
        for name, seconds in times.items():
            dtype = name.split()[1]
            memory = ""
            if name.startswith("rnncore") and not name.endswith("fresh"):
                memory = f"  tracemalloc peak {traced_peak_arrays(B, T, H, dtype):4.2f} arrays"
                if not args.no_memory:
                    memory += f", RSS rise {rss_rise_arrays('rnncore', B, T, H, dtype):4.2f} arrays"
            elif name.startswith("torch") and not args.no_memory:
                memory = f"  RSS rise {rss_rise_arrays('torch', B, T, H, dtype, int(name.split()[2])):4.2f} arrays"
            print(f"  {name:<22} {seconds * 1e3:9.2f} ms {cpu[name] * 1e3:9.2f} ms CPU{memory}")
        for dtype in dtypes:
            ours = times[f"rnncore {dtype}"]
            peak = traced_peak_arrays(B, T, H, dtype)
            if problem != "long":
                targets.append(f"{problem}: rnncore {dtype} peak memory {peak:.2f} arrays of (T, B, H) ≤ 6.5: "
                               f"{verdict(peak <= 6.5)}")
            if not torch:
                continue
            best = min(times[f"torch {dtype} {n} thr"] for n in thread_counts)
            limit = 2.0 if problem == "long" else 0.5
            targets.append(f"{problem}: rnncore {dtype} / best torch {dtype} = {ours / best:.2f} "
                           f"({ours * 1e3:.1f} ms / {best * 1e3:.1f} ms), target ≤ {limit}: {verdict(ours <= limit * best)}")
            if os.environ.get("OPENBLAS_NUM_THREADS") == "1" and 1 in thread_counts:   # CPU time is then a single thread's, as torch's 1-thread
                ours_cpu, theirs_cpu = cpu[f"rnncore {dtype}"], cpu[f"torch {dtype} 1 thr"]
                targets.append(f"{problem}: single-thread CPU time, rnncore {dtype} / torch {dtype} 1 thread = "
                               f"{ours_cpu / theirs_cpu:.2f} ({ours_cpu * 1e3:.1f} ms / {theirs_cpu * 1e3:.1f} ms), "
                               f"target ≤ {limit}: {verdict(ours_cpu <= limit * theirs_cpu)}")
        print()
    grid = np.linspace(-2, 12, 400)
    W, Bg = np.meshgrid(grid, np.linspace(-8, 3, 400))
    grid_times, _ = interleaved({"grid": lambda: pascanu.loss_and_gradient(W, Bg)}, args.repeats, torch)
    tracemalloc.start()
    pascanu.loss_and_gradient(W, Bg)
    grid_peak = tracemalloc.get_traced_memory()[1] / 2 ** 20
    tracemalloc.stop()
    print(f"Figure 6 grid 400 × 400, 50 steps, loss and gradient: {grid_times['grid'] * 1e3:.1f} ms, "
          f"peak traced memory {grid_peak:.1f} MiB\n")
    print("Targets")
    for line in targets:
        print("  " + line)


if __name__ == "__main__":
    main()
