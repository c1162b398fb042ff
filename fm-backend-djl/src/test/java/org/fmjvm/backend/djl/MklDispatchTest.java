package org.fmjvm.backend.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.pytorch.jni.LibUtils;

import org.fmjvm.api.error.ConfigurationException;
import org.junit.jupiter.api.Test;

/** MKL inside libtorch runs its instruction-set kernels, not its generic path, whatever the CPU vendor. */
class MklDispatchTest {

    @Test
    void mklIsNotOnItsGenericPathOnACpuWithAvx2() throws IOException {
        String cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
        try (DjlBackend backend = DjlBackend.open()) {
            int cpuClass = MklDispatch.detectedCpuClass(LibUtils.getLibtorchPath());
            if (cpuinfo.contains(" avx2")) {
                assertThat(cpuClass).as("mkl_serv_cpu_detect (0 = generic kernels); backend: %s",
                        backend.description()).isPositive();
            }
            if (!cpuinfo.contains("GenuineIntel")) {
                assertThat(backend.mklDispatch()).startsWith("MKL dispatch by instruction set on ");
            } else {
                assertThat(backend.mklDispatch()).isEqualTo("MKL default dispatch (Intel CPU)");
            }
            assertThat(backend.description()).contains(backend.mklDispatch());
        }
    }

    @Test
    void theModeParsesOrNamesTheChoices() {
        assertThat(MklDispatch.Mode.parse(" Auto ")).isEqualTo(MklDispatch.Mode.AUTO);
        assertThat(MklDispatch.Mode.parse("off")).isEqualTo(MklDispatch.Mode.OFF);
        assertThatThrownBy(() -> MklDispatch.Mode.parse("on")).isInstanceOf(ConfigurationException.class)
                .hasMessage("djl: mkl-dispatch must be 'auto' or 'off', got 'on'");
    }
}
