package org.fmjvm.api.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.fmjvm.api.Shapes;
import org.fmjvm.api.error.ShapeMismatchException;

/**
 * A model's weights on the host, by name, in a fixed order: the neutral form every backend exports
 * and imports, and what checkpoints store. Arrays are float32, row-major.
 *
 * @param parameters the named arrays, in the order of {@link ModelSpec#parameterShapes()}
 */
public record ModelWeights(List<Parameter> parameters) {

    /** Copies the list and rejects duplicate names. */
    public ModelWeights {
        parameters = List.copyOf(parameters);
        Map<String, Parameter> seen = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            if (seen.put(p.name(), p) != null) {
                throw new IllegalArgumentException("duplicate parameter name '" + p.name() + "'");
            }
        }
    }

    /**
     * One named array.
     *
     * @param name e.g. {@code net.0.weight}
     * @param shape e.g. {@code [256, 3]}
     * @param values the elements, row-major; length equals the shape's element count
     */
    public record Parameter(String name, int[] shape, float[] values) {
        /** Validates and copies the arrays. */
        public Parameter {
            Objects.requireNonNull(name, "name");
            shape = shape.clone();
            values = values.clone();
            if (Shapes.size(shape) != values.length) {
                throw new IllegalArgumentException("parameter " + name + " has shape " + Arrays.toString(shape)
                        + " but " + values.length + " values");
            }
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public float[] values() {
            return values.clone();
        }

        /** @return the element count */
        public int size() {
            return values.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Parameter p && p.name.equals(name) && Arrays.equals(p.shape, shape)
                    && Arrays.equals(p.values, values);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape);
        }
    }

    /**
     * @param name a parameter name
     * @return that parameter
     * @throws IllegalArgumentException if there is none
     */
    public Parameter get(String name) {
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no parameter named '" + name + "'; have " + names());
    }

    /** @return the parameter names in order */
    public List<String> names() {
        return parameters.stream().map(Parameter::name).toList();
    }

    /**
     * @param other weights with the same tensors, in the same order
     * @return the largest {@code |this - other|} over every value of every tensor
     * @throws IllegalArgumentException if the tensors or their sizes differ
     */
    public double maxAbsDifference(ModelWeights other) {
        if (other.parameters.size() != parameters.size()) {
            throw new IllegalArgumentException("cannot compare " + parameters.size() + " tensors with "
                    + other.parameters.size());
        }
        double max = 0;
        for (int i = 0; i < parameters.size(); i++) {
            float[] x = parameters.get(i).values;
            float[] y = other.parameters.get(i).values;
            if (x.length != y.length) {
                throw new IllegalArgumentException("tensor " + parameters.get(i).name() + " has " + x.length
                        + " values here and " + y.length + " in the other weights");
            }
            for (int k = 0; k < x.length; k++) {
                max = Math.max(max, Math.abs((double) x[k] - y[k]));
            }
        }
        return max;
    }

    /**
     * Checks these weights fit a spec: the same names, in the same order, with the same shapes.
     *
     * @param spec the architecture
     * @throws ShapeMismatchException naming the first parameter that differs
     */
    public void requireMatches(ModelSpec spec) {
        List<Parameter> want = spec.parameterShapes();
        if (want.size() != parameters.size()) {
            throw new ShapeMismatchException("weights have " + parameters.size() + " arrays " + names()
                    + " but " + spec.describe() + " needs " + want.size() + " "
                    + want.stream().map(Parameter::name).toList());
        }
        for (int i = 0; i < want.size(); i++) {
            Parameter w = want.get(i);
            Parameter p = parameters.get(i);
            if (!w.name().equals(p.name()) || !Arrays.equals(w.shape, p.shape)) {
                throw new ShapeMismatchException("weight " + i + " is " + p + " but " + spec.describe()
                        + " needs " + w);
            }
        }
    }
}
