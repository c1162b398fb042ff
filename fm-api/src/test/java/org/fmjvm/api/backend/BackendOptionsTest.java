package org.fmjvm.api.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.fmjvm.api.Device;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.ParamSpec;
import org.junit.jupiter.api.Test;

/** The threads and device options every backend parses alike. */
class BackendOptionsTest {

    @Test
    void parsesAutoCountsAndDevices() {
        assertThat(BackendOptions.parse("djl", "auto", "cpu")).isEqualTo(BackendOptions.defaults());
        assertThat(BackendOptions.defaults()).isEqualTo(new BackendOptions(BackendOptions.AUTO, Device.CPU));
        assertThat(BackendOptions.parse("tf", " AUTO ", "CPU").autoThreads()).isTrue();
        assertThat(BackendOptions.parse("tf", "2", "cpu").threads()).isEqualTo(2);
        assertThat(BackendOptions.parse("tf", "2", "cpu").autoThreads()).isFalse();
        assertThat(BackendOptions.parse("djl", "1", "gpu:1").device()).isEqualTo(new Device("gpu", 1));
    }

    @Test
    void badValuesNameTheBackendAndTheValue() {
        for (String bad : new String[] {"0", "-1", "many", ""}) {
            assertThatThrownBy(() -> BackendOptions.parse("djl", bad, "cpu")).as(bad)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("djl: threads must be 'auto' or an integer >= 1, got '" + bad + "'");
        }
        assertThatThrownBy(() -> BackendOptions.parse("tf", "auto", "tpu")).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("tf: ").hasMessageContaining("tpu");
        assertThatThrownBy(() -> new BackendOptions(-1, Device.CPU)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("threads");
    }

    @Test
    void declaresAndReadsTheTwoStandardParameters() {
        ParamSpec threads = BackendOptions.threadsParameter("how many");
        ParamSpec device = BackendOptions.deviceParameter("cpu only");
        assertThat(threads).isEqualTo(new ParamSpec("threads", ParamSpec.Type.TEXT, "auto", "how many"));
        assertThat(device).isEqualTo(new ParamSpec("device", ParamSpec.Type.TEXT, "cpu", "cpu only"));
        List<ParamSpec> declared = List.of(threads, device, ParamSpec.bool("extra", false, "a backend's own"));
        assertThat(BackendOptions.parse("my", new ComponentParams("backend 'my'", declared, Map.of())))
                .isEqualTo(BackendOptions.defaults());
        assertThat(BackendOptions.parse("my", new ComponentParams("backend 'my'", declared,
                Map.of("threads", "3", "extra", "true")))).isEqualTo(new BackendOptions(3, Device.CPU));
        assertThatThrownBy(() -> BackendOptions.parse("my", new ComponentParams("backend 'my'", declared,
                Map.of("threads", "lots")))).isInstanceOf(ConfigurationException.class)
                .hasMessage("my: threads must be 'auto' or an integer >= 1, got 'lots'");
    }
}
