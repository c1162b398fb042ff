/*
 * Lets Intel MKL (linked into libtorch) choose its kernels by the CPU's instruction set alone.
 *
 * MKL asks mkl_serv_intel_cpu_true() whether the processor is an Intel one and, on any other
 * vendor, takes a generic code path: on an AMD EPYC with AVX-512 this halves sgemm throughput
 * (105 vs 236 GFLOP/s measured on one core). libtorch_cpu.so exports that function and calls it
 * through its PLT, so a definition that is already in the process's global symbol scope when
 * libtorch is loaded takes precedence. fm-backend-djl loads this library with RTLD_GLOBAL before
 * the PyTorch engine, on non-Intel x86-64 CPUs only; MKL still checks the actual ISA (CPUID
 * feature bits) when it picks a kernel, so a CPU without AVX-512 keeps its AVX2 kernels.
 *
 * Build (see build.sh): gcc -shared -fPIC -O2 -s -o libfm_mkl_dispatch.so fm_mkl_dispatch.c
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
