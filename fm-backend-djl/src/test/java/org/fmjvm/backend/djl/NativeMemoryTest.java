package org.fmjvm.backend.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fmjvm.api.error.ConfigurationException;
import org.junit.jupiter.api.Test;

/** glibc keeps freed tensor memory for reuse unless asked not to; the choice is validated. */
class NativeMemoryTest {

    @Test
    void theDefaultBackendKeepsFreedMemoryOnLinux() {
        try (DjlBackend backend = DjlBackend.open()) {
            if (System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
                // mallopt accepted both settings (it answers 1 on success)
                assertThat(backend.description()).contains("freed native memory kept for reuse");
            }
        }
    }

    @Test
    void theModeParsesOrNamesTheChoices() {
        assertThat(NativeMemory.Mode.parse(" Keep ")).isEqualTo(NativeMemory.Mode.KEEP);
        assertThat(NativeMemory.Mode.parse("default")).isEqualTo(NativeMemory.Mode.DEFAULT);
        assertThatThrownBy(() -> NativeMemory.Mode.parse("off")).isInstanceOf(ConfigurationException.class)
                .hasMessage("djl: malloc must be 'keep' or 'default', got 'off'");
    }
}
