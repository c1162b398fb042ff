package org.fmjvm.nn;

import java.util.Arrays;
import java.util.Objects;

import org.fmjvm.api.Shapes;

/**
 * A parameter's stable name and shape, e.g. {@code net.0.weight [256, 3]}. Names are what
 * checkpoints store; they follow PyTorch's module paths so weights load by name in Python too.
 *
 * @param name the name
 * @param shape the shape
 */
public record ParamSpec(String name, int[] shape) {

    /** Checks and copies. */
    public ParamSpec {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a parameter needs a name");
        }
        shape = shape.clone();
        Shapes.size(shape);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** @return the number of values */
    public int size() {
        return Shapes.size(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec p && p.name.equals(name) && Arrays.equals(p.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(shape);
    }
}
