package org.fmjvm.core.normalize;

/**
 * {@code z = x}: the column map of {@link Normalizer.Kind#NONE}.
 *
 * <p>Thread safety: stateless; use {@link #INSTANCE}.
 */
final class IdentityColumn implements ColumnMap {

    /** The only instance. */
    static final IdentityColumn INSTANCE = new IdentityColumn();

    private IdentityColumn() {
    }

    @Override
    public double forward(double x) {
        return x;
    }

    @Override
    public double backward(double z) {
        return z;
    }

    /** 0: the identity keeps volume. */
    @Override
    public double logDerivative(double x) {
        return 0;
    }
}
