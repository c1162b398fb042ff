package org.fmjvm.api.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.FakeTensors;
import org.fmjvm.api.Tensor;
import org.junit.jupiter.api.Test;

/** The checks every backend makes on the tensors it is handed. */
class TensorChecksTest {
    private final Backend mine = backend();
    private final Backend other = backend();

    private static Backend backend() {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> method.getName();
                });
    }

    @Test
    void unwrapAcceptsOnlyItsOwnBackendsTensors() {
        Tensor t = FakeTensors.tensor(mine, DType.FLOAT32, 2);
        assertThat(TensorChecks.unwrap(mine, Tensor.class, t, "x")).isSameAs(t);
        assertThatThrownBy(() -> TensorChecks.unwrap(other, Tensor.class, t, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("x is a tensor of another backend")
                .hasMessageContaining("fromArray()");
        assertThatThrownBy(() -> TensorChecks.unwrap(mine, OwnTensor.class, t, "x"))
                .as("a tensor of another class claiming this backend").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TensorChecks.unwrap(mine, Tensor.class, null, "t"))
                .isInstanceOf(NullPointerException.class).hasMessage("t");
    }

    /** Stands for a backend's own tensor class. */
    private interface OwnTensor extends Tensor {
    }

    @Test
    void operandsMustShareTheirDType() {
        Tensor f = FakeTensors.tensor(DType.FLOAT32, 2);
        Tensor d = FakeTensors.tensor(DType.FLOAT64, 2);
        TensorChecks.requireSameDType("add", f, FakeTensors.tensor(DType.FLOAT32, 1));
        assertThatThrownBy(() -> TensorChecks.requireSameDType("add", f, d)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("add: operands have different dtypes FLOAT32 and FLOAT64; convert one with toDType()");
    }

    @Test
    void aClosedTensorSaysHowToKeepIt() {
        TensorChecks.requireOpen(false, new int[] {2});
        assertThatThrownBy(() -> TensorChecks.requireOpen(true, new int[] {2, 3}))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("tensor [2, 3] was closed")
                .hasMessageContaining("keep()");
    }
}
