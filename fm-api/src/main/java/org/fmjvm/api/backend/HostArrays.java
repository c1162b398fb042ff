package org.fmjvm.api.backend;

/**
 * Conversions between host arrays of the two {@link org.fmjvm.api.DType}s, for backend
 * implementors: a backend reads a tensor in its own precision and converts on the host for
 * {@link org.fmjvm.api.Tensor#toFloatArray()} of a float64 tensor and
 * {@link org.fmjvm.api.Tensor#toDoubleArray()} of a float32 one.
 *
 * <p>Stateless and thread-safe; the arguments are not modified.
 */
public final class HostArrays {
    private HostArrays() {
    }

    /**
     * @param values float64 values
     * @return a new array of the values rounded to float32
     */
    public static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /**
     * @param values float32 values
     * @return a new array of the same values in float64 (exactly)
     */
    public static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
