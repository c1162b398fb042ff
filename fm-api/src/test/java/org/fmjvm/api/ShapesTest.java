package org.fmjvm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fmjvm.api.error.ShapeMismatchException;
import org.junit.jupiter.api.Test;

/** The shape rules of the Tensor contract, on shapes alone. */
class ShapesTest {

    @Test
    void sizeIsTheProductAndOneForAScalar() {
        assertThat(Shapes.size(2, 3, 4)).isEqualTo(24);
        assertThat(Shapes.size()).isEqualTo(1);
        assertThat(Shapes.size(5, 0)).isZero();
        assertThatThrownBy(() -> Shapes.size(2, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Shapes.size(1 << 16, 1 << 16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2^31");
    }

    @Test
    void broadcastAlignsOnTheLastAxisAndStretchesOnes() {
        assertThat(Shapes.broadcast("add", new int[] {256, 1}, new int[] {256, 2})).containsExactly(256, 2);
        assertThat(Shapes.broadcast("add", new int[] {4, 1}, new int[] {3})).containsExactly(4, 3);
        assertThat(Shapes.broadcast("add", new int[] {}, new int[] {2, 3})).containsExactly(2, 3);
        assertThat(Shapes.broadcast("add", new int[] {2, 1, 3}, new int[] {4, 1})).containsExactly(2, 4, 3);
        assertThat(Shapes.broadcast("add", new int[] {0, 1}, new int[] {1, 5})).containsExactly(0, 5);
    }

    @Test
    void broadcastMismatchNamesBothShapesAndTheAxis() {
        assertThatThrownBy(() -> Shapes.broadcast("mul", new int[] {4, 3}, new int[] {4}))
                .isInstanceOf(ShapeMismatchException.class)
                .hasMessage("mul: shapes [4, 3] and [4] do not broadcast (axis -1 has 3 vs 4; lengths must be equal"
                        + " or 1)");
        assertThatThrownBy(() -> Shapes.broadcast("sub", new int[] {4, 3}, new int[] {5, 3}))
                .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("axis -2 has 4 vs 5");
    }

    @Test
    void axisCountsNegativesFromTheEnd() {
        int[] shape = {2, 3, 4};
        assertThat(Shapes.axis("sum", 0, shape)).isZero();
        assertThat(Shapes.axis("sum", -1, shape)).isEqualTo(2);
        assertThat(Shapes.axis("sum", -3, shape)).isZero();
        assertThatThrownBy(() -> Shapes.axis("sum", 3, shape)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sum: axis 3 is out of range for shape [2, 3, 4]");
        assertThatThrownBy(() -> Shapes.axis("mean", -4, shape)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Shapes.axis("mean", 0, new int[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reductionDropsTheAxisOrKeepsItWithLengthOne() {
        assertThat(Shapes.reduce(new int[] {4, 3, 2}, 1, false)).containsExactly(4, 2);
        assertThat(Shapes.reduce(new int[] {4, 3, 2}, 1, true)).containsExactly(4, 1, 2);
        assertThat(Shapes.reduce(new int[] {5}, 0, false)).isEmpty();
        assertThat(Shapes.reduce(new int[] {5}, 0, true)).containsExactly(1);
    }

    @Test
    void reshapeInfersOneAxis() {
        int[] shape = {3, 4};
        assertThat(Shapes.reshape(shape, new int[] {2, 6})).containsExactly(2, 6);
        assertThat(Shapes.reshape(shape, new int[] {-1})).containsExactly(12);
        assertThat(Shapes.reshape(shape, new int[] {-1, 2, 2})).containsExactly(3, 2, 2);
        assertThat(Shapes.reshape(new int[] {1, 1}, new int[0])).isEmpty();
        int[] request = {4, -1};
        assertThat(Shapes.reshape(shape, request)).containsExactly(4, 3);
        assertThat(request).as("the request is not modified").containsExactly(4, -1);
    }

    @Test
    void reshapeRejectsBadRequests() {
        int[] shape = {2, 3};
        assertThatThrownBy(() -> Shapes.reshape(shape, new int[] {-1, -1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only one axis may be -1");
        assertThatThrownBy(() -> Shapes.reshape(shape, new int[] {-2, 3})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Shapes.reshape(shape, new int[] {4, 2})).isInstanceOf(ShapeMismatchException.class)
                .hasMessage("cannot reshape [2, 3] (6 elements) to [4, 2] (8 elements)");
        assertThatThrownBy(() -> Shapes.reshape(shape, new int[] {4, -1})).isInstanceOf(ShapeMismatchException.class)
                .hasMessage("cannot reshape [2, 3] (6 elements) to [4, *]");
        assertThatThrownBy(() -> Shapes.reshape(shape, new int[] {0, -1})).isInstanceOf(ShapeMismatchException.class);
    }

    @Test
    void elementCountMustFitTheShape() {
        Shapes.requireElementCount(6, 2, 3);
        Shapes.requireElementCount(1);
        assertThatThrownBy(() -> Shapes.requireElementCount(5, 2, 3)).isInstanceOf(ShapeMismatchException.class)
                .hasMessage("data has 5 values but shape [2, 3] needs 6");
    }

    @Test
    void concatNeedsEqualRanksAndEqualOtherAxes() {
        assertThat(Shapes.concatAxis(new int[] {2, 3}, new int[] {5, 3}, 0)).isZero();
        assertThat(Shapes.concatAxis(new int[] {2, 3}, new int[] {2, 1}, -1)).isEqualTo(1);
        assertThatThrownBy(() -> Shapes.concatAxis(new int[] {2, 3}, new int[] {3}, 0))
                .isInstanceOf(ShapeMismatchException.class).hasMessage("concat: ranks differ: [2, 3] and [3]");
        assertThatThrownBy(() -> Shapes.concatAxis(new int[] {2, 3}, new int[] {2, 4}, 0))
                .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("differ on axis 1");
        assertThatThrownBy(() -> Shapes.concatAxis(new int[] {2, 3}, new int[] {2, 3}, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void gatheredRowsMustExist() {
        Shapes.requireRows(new int[] {3, 2}, new int[] {0, 2, 2, 1});
        assertThatThrownBy(() -> Shapes.requireRows(new int[0], new int[] {0}))
                .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("scalar");
        assertThatThrownBy(() -> Shapes.requireRows(new int[] {3, 2}, new int[] {0, 3}))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("gatherRows: row index 3 at position 1 is outside [0, 3)");
        assertThatThrownBy(() -> Shapes.requireRows(new int[] {3}, new int[] {-1}))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void sliceBoundsMustLieInTheAxis() {
        assertThat(Shapes.sliceAxis(new int[] {4, 5}, -1, 1, 5)).isEqualTo(1);
        assertThat(Shapes.sliceAxis(new int[] {4, 5}, 0, 2, 2)).isZero();
        assertThatThrownBy(() -> Shapes.sliceAxis(new int[] {4, 5}, 1, 2, 6))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("slice of axis 1 of [4, 5]: need 0 <= start <= end <= 5, got [2, 6)");
        assertThatThrownBy(() -> Shapes.sliceAxis(new int[] {4, 5}, 0, 3, 2))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Shapes.sliceAxis(new int[] {4, 5}, 2, 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reductionsWithoutIdentityAndItemNeedElements() {
        Shapes.requireNonEmptyAxis("max", new int[] {0, 2}, 1);
        assertThatThrownBy(() -> Shapes.requireNonEmptyAxis("max", new int[] {0, 2}, 0))
                .isInstanceOf(ShapeMismatchException.class).hasMessage("max over an empty axis of [0, 2]");
        Shapes.requireOneElement(new int[0]);
        Shapes.requireOneElement(new int[] {1, 1});
        assertThatThrownBy(() -> Shapes.requireOneElement(new int[] {2}))
                .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("[2]");
    }

    @Test
    void requireNamesTheTensorAndBothShapes() {
        Tensor t = FakeTensors.tensor(DType.FLOAT32, 256);
        Shapes.require("t", FakeTensors.tensor(DType.FLOAT32, 256, 1), 256, 1);
        Shapes.require("x", FakeTensors.tensor(DType.FLOAT32, 7, 2), -1, 2);
        assertThatThrownBy(() -> Shapes.require("t", t, 256, 1)).isInstanceOf(ShapeMismatchException.class)
                .hasMessage("t must have shape [256, 1], got [256]");
        assertThatThrownBy(() -> Shapes.require("x", FakeTensors.tensor(DType.FLOAT32, 7, 3), -1, 2))
                .isInstanceOf(ShapeMismatchException.class).hasMessage("x must have shape [*, 2], got [7, 3]");
    }
}
