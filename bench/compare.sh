#!/usr/bin/env bash
# bench/compare.sh: fm-jvm next to plain PyTorch on the tutorial recipe, in one session.
#
# Runs bench/pytorch_reference.py, then `fm bench --reference <its results.json>` for each backend,
# writes every log and JSON file under one output folder and prints a side-by-side table.
# See bench/README.md.
#
#   bench/compare.sh [--out DIR] [--wait-idle SECONDS] [--backends "djl tf"] [--quick]
#                    [--skip-pytorch] [-- OPTIONS FOR pytorch_reference.py]
#
# Environment: PYTHON (default /usr/bin/python3), FM (default: the repository's ./fm),
# OPENBLAS_CORETYPE (chosen from /proc/cpuinfo when unset).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
PYTHON="${PYTHON:-/usr/bin/python3}"
FM="${FM:-$ROOT/fm}"

OUT="$HERE/results/$(date +%Y%m%d-%H%M%S)"
WAIT_IDLE=0
BACKENDS="djl tf"
QUICK=0
SKIP_PYTORCH=0
PY_EXTRA=()

die() { echo "compare.sh: $*" >&2; exit 2; }
usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || die "--out needs a folder"; OUT="$2"; shift 2 ;;
    --out=*) OUT="${1#*=}"; shift ;;
    --wait-idle) [ $# -ge 2 ] || die "--wait-idle needs a number of seconds"; WAIT_IDLE="$2"; shift 2 ;;
    --wait-idle=*) WAIT_IDLE="${1#*=}"; shift ;;
    --backends) [ $# -ge 2 ] || die "--backends needs a list such as \"djl tf\""; BACKENDS="$2"; shift 2 ;;
    --backends=*) BACKENDS="${1#*=}"; shift ;;
    --quick) QUICK=1; shift ;;
    --skip-pytorch) SKIP_PYTORCH=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; PY_EXTRA=("$@"); break ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[[ "$WAIT_IDLE" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--wait-idle must be a number of seconds >= 0, got '$WAIT_IDLE'"
for b in $BACKENDS; do
  case "$b" in djl|tf) ;; *) die "unknown backend '$b' (djl, tf)" ;; esac
done
[ -n "${BACKENDS// /}" ] || die "--backends is empty"

# --- OpenBLAS kernels --------------------------------------------------------------------------
# Debian's OpenBLAS can pick the wrong kernel set on these AMD EPYC machines; SkylakeX kernels
# crash with "Illegal instruction" where AVX-512 is missing.
if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then CPU_KIND=avx512f; SUGGESTED=SkylakeX
elif grep -qw avx2 /proc/cpuinfo 2>/dev/null; then CPU_KIND=avx2; SUGGESTED=Haswell
else CPU_KIND=other; SUGGESTED=""; fi
if [ -n "${OPENBLAS_CORETYPE:-}" ]; then
  CORETYPE_NOTE="OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE (already set in your environment; kept)"
  if [ -n "$SUGGESTED" ] && [ "${OPENBLAS_CORETYPE,,}" != "${SUGGESTED,,}" ]; then
    CORETYPE_NOTE="$CORETYPE_NOTE; this CPU ($CPU_KIND) would get $SUGGESTED: unset it to let compare.sh choose"
  fi
  if [ "$CPU_KIND" != avx512f ] && [[ "${OPENBLAS_CORETYPE,,}" =~ skylakex|cooperlake|sapphirerapids ]]; then
    echo "compare.sh: WARNING: OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE needs AVX-512, which this CPU lacks;" \
      "expect 'Illegal instruction'" >&2
  fi
elif [ -n "$SUGGESTED" ]; then
  export OPENBLAS_CORETYPE="$SUGGESTED"
  CORETYPE_NOTE="OPENBLAS_CORETYPE=$SUGGESTED (chosen: /proc/cpuinfo has $CPU_KIND)"
else
  CORETYPE_NOTE="OPENBLAS_CORETYPE left unset (neither avx512f nor avx2 in /proc/cpuinfo)"
fi

# --- checks ------------------------------------------------------------------------------------
if [ "$SKIP_PYTORCH" = 0 ] && ! "$PYTHON" -c 'import torch, numpy' 2>/dev/null; then
  echo "compare.sh: $PYTHON cannot import torch and numpy; install them with" >&2
  echo "  apt-get update && apt-get install -y python3-torch python3-numpy libopenblas0-pthread" >&2
  exit 1
fi
[ -x "$FM" ] || { echo "compare.sh: no fm launcher at $FM (set FM=/path/to/fm)" >&2; exit 1; }

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
REF="$OUT/pytorch/results.json"
{
  echo "fm-jvm vs plain PyTorch, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//'), $(nproc) CPUs, $CPU_KIND"
  echo "$CORETYPE_NOTE"
  echo "wait-idle: ${WAIT_IDLE} s per timing section; output: $OUT"
  if [ "$QUICK" = 1 ]; then echo "QUICK smoke run: the numbers are not comparable"; fi
} | tee "$OUT/session.txt"

# --- 1. plain PyTorch --------------------------------------------------------------------------
if [ "$SKIP_PYTORCH" = 0 ]; then
  echo; echo "== plain PyTorch ($PYTHON $HERE/pytorch_reference.py)"
  PY_ARGS=(--out "$OUT/pytorch" --wait-idle "$WAIT_IDLE")
  if [ "$QUICK" = 1 ]; then PY_ARGS+=(--quick); fi
  "$PYTHON" "$HERE/pytorch_reference.py" "${PY_ARGS[@]}" ${PY_EXTRA[@]+"${PY_EXTRA[@]}"} 2>&1 \
    | tee "$OUT/pytorch.log"
fi
[ -f "$REF" ] || { echo "compare.sh: no $REF (run without --skip-pytorch first)" >&2; exit 1; }

# --- 2. fm bench, each backend -----------------------------------------------------------------
FAILED=()
for b in $BACKENDS; do
  echo; echo "== fm bench --backend $b"
  FM_ARGS=(bench --backend "$b" --reference "$REF" --json "$OUT/fm-$b.json" --wait-idle "$WAIT_IDLE")
  if [ "$QUICK" = 1 ]; then FM_ARGS+=(--steps 40 --samples 2000); fi
  rm -f "$OUT/fm-$b.json"
  if ! "$FM" "${FM_ARGS[@]}" 2>&1 | tee "$OUT/fm-$b.log"; then
    echo "compare.sh: fm bench --backend $b failed; see $OUT/fm-$b.log" >&2
    FAILED+=("$b")
  fi
done

# --- 3. the side-by-side table -----------------------------------------------------------------
echo
"$PYTHON" - "$OUT" $BACKENDS <<'PY' | tee "$OUT/summary.txt"
import json, os, sys

out, backends = sys.argv[1], sys.argv[2:]
ref = json.load(open(os.path.join(out, "pytorch", "results.json")))
env = ref["environment"]
cols = []  # (header, [ms256, ms4096, per_s])

def pt(block):
    s = next(v for k, v in block.items() if k.startswith("sampling_euler"))
    return [block["train_step"]["256"]["median_ms"], block["train_step"]["4096"]["median_ms"], s["samples_per_s"]]

main = ref["timing"]
n = main["torch_num_threads"]
cols.append(("PyTorch main", pt(main)))
cols.append(("PyTorch 1 thr", pt(ref["timing_supplementary_1thread"])))
how = "PyTorch's default here" if main.get("threads_setting") == "torch default" else "set with --threads"
note = (f"PyTorch main: {n} thread{'' if n == 1 else 's'} ({how}; {env['cpus_usable']} CPUs usable), "
        f"PyTorch 1 thr: 1 thread; torch and OpenBLAS always at the same count")
for b in backends:
    path = os.path.join(out, f"fm-{b}.json")
    if not os.path.exists(path):
        cols.append((f"fm {b}", [None, None, None]))
        continue
    r = json.load(open(path))
    per_s = next((v for k, v in r.items() if k.startswith("euler") and k.endswith("_samples_per_s")), None)
    cols.append((f"fm {b}", [r.get("train_step_256_median_ms"), r.get("train_step_4096_median_ms"), per_s]))

rows = ["train step, batch 256 (ms)", "train step, batch 4096 (ms)", "Euler-100 sampling (samples/s)"]
def cell(v, i):
    return "n/a" if v is None else (f"{v:.2f}" if i < 2 else f"{v:,.0f}")
w = max(16, *(len(h) + 2 for h, _ in cols))
print(f"{'':32}" + "".join(f"{h:>{w}}" for h, _ in cols))
for i, name in enumerate(rows):
    print(f"{name:32}" + "".join(f"{cell(v[i], i):>{w}}" for _, v in cols))
print(f"({note})")
base = cols[0][1]
print()
print(f"speedup of fm over {cols[0][0]} (> 1: fm is faster):")
for h, v in cols[2:]:
    parts = []
    for i, name in enumerate(("batch 256", "batch 4096", "sampling")):
        if v[i] is None or base[i] is None:
            parts.append(f"{name} n/a")
        else:
            parts.append(f"{name} {(base[i] / v[i]) if i < 2 else (v[i] / base[i]):.2f}x")
    print(f"  {h}: " + ", ".join(parts))
q = ref["quality"]
print()
print(f"PyTorch quality ({ref['recipe']['steps']:,} steps, {ref['recipe']['lr_schedule']} lr, seed {ref['recipe']['seed']}): "
      f"energy distance {q['energyDistance']:.4g} (floor {q['energyDistanceFloor']['mean']:.2g}), "
      f"sliced W2 {q['slicedW2']:.3g} (floor {q['slicedW2Floor']['mean']:.3g}), "
      f"mean -log q {-q['logDensity']['generatedMean']:.3f} vs entropy {-q['logDensity']['targetMean']:.3f}")
print(f"PyTorch {env['torch_version']}, OpenBLAS kernels {env['openblas_corename']}, "
      f"avx512f {'yes' if env['avx512f'] else 'no'}; timings compare only within this session on this machine")
PY

if [ ${#FAILED[@]} -gt 0 ]; then
  echo "compare.sh: failed backends: ${FAILED[*]}" >&2
  exit 1
fi
echo "everything is in $OUT"
