package org.fmjvm.backend.tf;

import java.util.List;

import com.google.inject.Binder;

import org.fmjvm.api.backend.BackendOptions;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.FmBinders;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.ParamSpec;

/**
 * Registers the {@code tf} backend (rank 50, below {@code djl}'s 100: with both on the class path,
 * PyTorch is the default) with its parameters {@code threads} ({@code auto} or a fixed count) and
 * {@code device} ({@code cpu}). Only declares bindings: the natives load when the backend is
 * created.
 */
public final class TfModule implements FmModule {
    /** The backend's rank when no backend is named. */
    static final int RANK = 50;

    /** The backend's parameters, as {@code fm list} shows them. */
    static final List<ParamSpec> PARAMETERS = List.of(
            BackendOptions.threadsParameter("TensorFlow intra-op threads: auto (cores, at most 4) or a fixed count"
                    + " >= 1; process-wide, the first tf backend opened in a JVM decides"),
            BackendOptions.deviceParameter("cpu (TensorFlow's GPU natives are not bundled)"));

    @Override
    public void configure(Binder binder) {
        FmBinders.backends(binder).add(ComponentFactory.of(TfBackend.NAME,
                "TensorFlow 2.18 through TensorFlow Java 1.1, CPU natives bundled", PARAMETERS, RANK,
                params -> TfBackend.open(BackendOptions.parse(TfBackend.NAME, params))));
    }
}
