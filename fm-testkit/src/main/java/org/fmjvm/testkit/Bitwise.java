package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;

import org.fmjvm.api.model.ModelWeights;

/**
 * Bit-for-bit comparisons for reproducibility tests (resumed runs, repeated runs): floats by
 * {@link Float#floatToRawIntBits}, doubles by {@link Double#doubleToRawLongBits}, so {@code -0.0}
 * differs from {@code 0.0} and NaN payloads count. Stateless.
 */
public final class Bitwise {

    private Bitwise() {
    }

    /**
     * Asserts the same names, order, shapes and bits.
     *
     * @param what what is compared, for the failure message
     * @param want the expected weights
     * @param got the actual weights
     */
    public static void assertSameBits(String what, ModelWeights want, ModelWeights got) {
        assertThat(got.names()).as(what + ": names").containsExactlyElementsOf(want.names());
        List<ModelWeights.Parameter> w = want.parameters();
        List<ModelWeights.Parameter> g = got.parameters();
        for (int i = 0; i < w.size(); i++) {
            assertThat(g.get(i).shape()).as(what + ": shape of " + w.get(i).name()).containsExactly(w.get(i).shape());
            float[] a = w.get(i).values();
            float[] b = g.get(i).values();
            for (int j = 0; j < a.length; j++) {
                if (Float.floatToRawIntBits(a[j]) != Float.floatToRawIntBits(b[j])) {
                    fail(what + ": " + w.get(i).name() + " element " + j + " is " + b[j] + ", expected " + a[j]);
                }
            }
        }
    }

    /**
     * Asserts the same length and bits.
     *
     * @param what what is compared, for the failure message
     * @param want the expected values
     * @param got the actual values
     */
    public static void assertSameBits(String what, double[] want, double[] got) {
        assertThat(got.length).as(what + ": length").isEqualTo(want.length);
        for (int i = 0; i < want.length; i++) {
            if (Double.doubleToRawLongBits(want[i]) != Double.doubleToRawLongBits(got[i])) {
                fail(what + ": element " + i + " is " + got[i] + ", expected " + want[i]);
            }
        }
    }
}
