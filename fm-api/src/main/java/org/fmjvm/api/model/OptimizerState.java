package org.fmjvm.api.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.fmjvm.api.error.ShapeMismatchException;

/**
 * Adam's state between two steps, on the host: what a {@link TrainableModel} needs besides its
 * weights so that its next {@link TrainableModel#trainStep} is bitwise the one it would have taken
 * without interruption. The bias corrections {@code 1 - b^t} follow from {@code steps}; the
 * hyper-parameters are the model's {@link OptimizerSpec}.
 *
 * @param steps optimizer steps taken so far ({@code t} of the last update), {@code >= 0}
 * @param learningRate the rate the next step uses, finite and {@code >= 0}
 * @param firstMoments Adam's {@code m}, one float32 array per parameter, named and shaped like the
 *     model's parameters ({@link ModelSpec#parameterShapes()}), finite
 * @param secondMoments Adam's {@code v}, likewise, finite and {@code >= 0}
 */
public record OptimizerState(long steps, double learningRate, ModelWeights firstMoments, ModelWeights secondMoments) {

    /**
     * Validates the scalars and that both moment sets have the same names and shapes.
     *
     * @throws IllegalArgumentException naming the bad value
     * @throws ShapeMismatchException naming the tensor whose two moments differ in name or shape
     */
    public OptimizerState {
        Objects.requireNonNull(firstMoments, "firstMoments");
        Objects.requireNonNull(secondMoments, "secondMoments");
        if (steps < 0) {
            throw new IllegalArgumentException("optimizer steps must be >= 0, got " + steps);
        }
        ModelInputs.learningRate(learningRate);
        List<ModelWeights.Parameter> m = firstMoments.parameters();
        List<ModelWeights.Parameter> v = secondMoments.parameters();
        if (m.size() != v.size()) {
            throw new ShapeMismatchException("Adam has " + m.size() + " first moments " + firstMoments.names()
                    + " but " + v.size() + " second moments " + secondMoments.names());
        }
        for (int i = 0; i < m.size(); i++) {
            if (!m.get(i).name().equals(v.get(i).name()) || !Arrays.equals(m.get(i).shape(), v.get(i).shape())) {
                throw new ShapeMismatchException("Adam's first moment " + i + " is " + m.get(i)
                        + " but its second moment is " + v.get(i));
            }
            requireValues("first", m.get(i), false);
            requireValues("second", v.get(i), true);
        }
    }

    private static void requireValues(String which, ModelWeights.Parameter p, boolean nonNegative) {
        float[] values = p.values();
        for (int j = 0; j < values.length; j++) {
            float x = values[j];
            if (!Float.isFinite(x) || (nonNegative && x < 0)) {
                throw new IllegalArgumentException("Adam's " + which + " moment " + p.name() + " element " + j + " is "
                        + x + "; it must be finite" + (nonNegative ? " and >= 0" : ""));
            }
        }
    }

    /**
     * The state of an optimizer that has taken no step: zero moments for every parameter of {@code spec}.
     *
     * @param spec the architecture
     * @param learningRate the rate the first step uses
     * @return the fresh state
     */
    public static OptimizerState initial(ModelSpec spec, double learningRate) {
        ModelWeights zeros = new ModelWeights(spec.parameterShapes());
        return new OptimizerState(0, learningRate, zeros, zeros);
    }

    /**
     * Builds the state from a backend's arrays, naming them after {@code spec}'s parameters.
     *
     * @param spec the architecture; parameter {@code i} is {@code spec.parameterShapes().get(i)}
     * @param steps optimizer steps taken
     * @param learningRate the rate the next step uses
     * @param firstMoments {@code m} per parameter, in {@code spec}'s order, row-major
     * @param secondMoments {@code v} per parameter, likewise
     * @return the state
     * @throws IllegalArgumentException if an array's length differs from its parameter's size
     */
    public static OptimizerState of(ModelSpec spec, long steps, double learningRate, float[][] firstMoments,
            float[][] secondMoments) {
        return new OptimizerState(steps, learningRate, named(spec, firstMoments), named(spec, secondMoments));
    }

    private static ModelWeights named(ModelSpec spec, float[][] arrays) {
        List<ModelWeights.Parameter> shapes = spec.parameterShapes();
        if (arrays.length != shapes.size()) {
            throw new IllegalArgumentException("expected " + shapes.size() + " moment arrays for " + spec.describe()
                    + ", got " + arrays.length);
        }
        List<ModelWeights.Parameter> out = new ArrayList<>();
        for (int i = 0; i < arrays.length; i++) {
            out.add(new ModelWeights.Parameter(shapes.get(i).name(), shapes.get(i).shape(), arrays[i]));
        }
        return new ModelWeights(out);
    }

    /**
     * Checks that this state fits a model of {@code spec}: both moment sets have its parameters'
     * names, order and shapes.
     *
     * @param spec the architecture
     * @throws ShapeMismatchException naming the moment set, the tensor and both shapes
     */
    public void requireMatches(ModelSpec spec) {
        requireMatches("first", firstMoments, spec);
        requireMatches("second", secondMoments, spec);
    }

    private static void requireMatches(String which, ModelWeights moments, ModelSpec spec) {
        try {
            moments.requireMatches(spec);
        } catch (ShapeMismatchException e) {
            throw new ShapeMismatchException("Adam's " + which + " moments do not fit the model: " + e.getMessage());
        }
    }

    /**
     * @param i parameter index in {@link ModelSpec#parameterShapes()} order
     * @return a copy of {@code m} of that parameter
     */
    public float[] firstMoment(int i) {
        return firstMoments.parameters().get(i).values();
    }

    /**
     * @param i parameter index in {@link ModelSpec#parameterShapes()} order
     * @return a copy of {@code v} of that parameter
     */
    public float[] secondMoment(int i) {
        return secondMoments.parameters().get(i).values();
    }
}
