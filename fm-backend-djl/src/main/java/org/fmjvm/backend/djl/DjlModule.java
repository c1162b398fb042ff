package org.fmjvm.backend.djl;

import java.util.List;

import com.google.inject.Binder;

import org.fmjvm.api.backend.BackendOptions;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.FmBinders;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.ParamSpec;

/**
 * Registers the {@code djl} backend (rank 100) with its parameters {@code threads} ({@code auto}
 * or a fixed count), {@code device} ({@code cpu}) and {@code mkl-dispatch} ({@code auto} or
 * {@code off}, see {@link MklDispatch}) and {@code malloc} ({@code keep} or {@code default}, see
 * {@link NativeMemory}). Only declares bindings: the natives load
 * when the backend is created.
 */
public final class DjlModule implements FmModule {
    /** The backend's parameters, as {@code fm list} shows them. */
    static final List<ParamSpec> PARAMETERS = List.of(
            BackendOptions.threadsParameter("native threads per call: auto (measured, 1..cores, at most 4)"
                    + " or a fixed count >= 1 (deterministic thread use)"),
            BackendOptions.deviceParameter("cpu (CUDA natives are not bundled)"),
            ParamSpec.text("mkl-dispatch", "auto", "auto: on non-Intel CPUs let MKL pick kernels by instruction set"
                    + " (2x faster matrix products on AMD EPYC); off: MKL's vendor check stands"),
            ParamSpec.text("malloc", "keep", "keep: glibc keeps freed tensor memory for reuse instead of mapping"
                    + " fresh pages every step; default: glibc's own settings"));

    @Override
    public void configure(Binder binder) {
        FmBinders.backends(binder).add(ComponentFactory.of(DjlBackend.NAME,
                "PyTorch 2.7 through DJL 0.36, CPU natives bundled", PARAMETERS, 100,
                params -> DjlBackend.open(BackendOptions.parse(DjlBackend.NAME, params),
                        MklDispatch.Mode.parse(params.text("mkl-dispatch")),
                        NativeMemory.Mode.parse(params.text("malloc")))));
    }
}
