#!/usr/bin/env bash
# Rebuilds the bundled MKL dispatch shim (a one-function shared library, see fm_mkl_dispatch.c).
# The result is committed as a resource so that building the project needs no C compiler.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out=../resources/org/fmjvm/backend/djl/native/linux-x86_64/libfm_mkl_dispatch.so
gcc -shared -fPIC -O2 -s -o "$out" fm_mkl_dispatch.c
echo "wrote $out"
