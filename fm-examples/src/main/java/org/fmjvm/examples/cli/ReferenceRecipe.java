package org.fmjvm.examples.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.data.GaussianSource;
import org.fmjvm.core.train.LearningRateSchedule;
import org.fmjvm.core.train.TrainingConfig;

/**
 * The recipe of the project's plain-PyTorch comparison ({@code bench/pytorch_reference.py}) and the
 * quality it measured, so that {@code fm demo} puts its results next to the reference only when the
 * run follows that recipe: four Gaussians from N(0, I), the {@code cond-ot} path, independent pairs,
 * uniform times, the 3x256 SiLU MLP on {@code concat(x, t)}, Adam at 1e-3 without decay or
 * clipping, batch 256, 5,000 steps, then Euler with 100 steps on 10,000 points. The learning-rate
 * schedule picks which reference run applies (constant, the reference's own, or the demo's cosine
 * decay); the seed and the backend may differ.
 */
final class ReferenceRecipe {

    /** Where the numbers come from. */
    static final String SOURCE = "bench/pytorch_reference.py --seed 0 (--lr-schedule constant or cosine), Debian's"
            + " PyTorch 1.13 on OpenBLAS, 2-core AMD EPYC with AVX-512, 2026-11-29";

    /**
     * What the reference measured for one learning-rate schedule, on the same measures as
     * {@link org.fmjvm.core.metrics.QualityReport}.
     *
     * @param schedule the schedule's name
     * @param energyDistance energy distance of its 10,000 samples
     * @param energyDistanceFloor its noise floor
     * @param slicedW2 sliced W2
     * @param slicedW2Floor its noise floor
     * @param meanNegLogQ the samples' mean {@code -log q}
     * @param entropy the target's entropy estimate
     * @param modeFractions the samples' mode fractions
     */
    record Result(String schedule, double energyDistance, double energyDistanceFloor, double slicedW2,
            double slicedW2Floor, double meanNegLogQ, double entropy, List<Double> modeFractions) {

        /** @return one line for the demo's output */
        String line() {
            return String.format(Locale.ROOT, "plain PyTorch, same recipe (%s lr): energy distance %.4f (floor %.4f),"
                    + " sliced W2 %.3f (floor %.3f), mean -log q %.3f vs entropy %.3f", schedule, energyDistance,
                    energyDistanceFloor, slicedW2, slicedW2Floor, meanNegLogQ, entropy);
        }

        /** @return the entry of {@code metrics.json} */
        Map<String, Object> json() {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("source", SOURCE);
            r.put("lr_schedule", schedule);
            r.put("energy_distance", energyDistance);
            r.put("energy_distance_floor", energyDistanceFloor);
            r.put("sliced_w2", slicedW2);
            r.put("sliced_w2_floor", slicedW2Floor);
            r.put("mean_neg_log_q", meanNegLogQ);
            r.put("entropy", entropy);
            r.put("mode_fractions", modeFractions);
            return r;
        }
    }

    /** The reference's own recipe: a constant learning rate. */
    static final Result CONSTANT = new Result("constant", 0.00627, 0.00068, 0.279, 0.119, 2.930, 2.837,
            List.of(0.233, 0.241, 0.262, 0.264));
    /** The recipe with the cosine decay {@code fm demo} uses by default ({@code --lr-schedule cosine}). */
    static final Result COSINE = new Result("cosine", 0.00315, 0.00068, 0.238, 0.119, 2.877, 2.837,
            List.of(0.262, 0.239, 0.248, 0.250));

    private static final int STEPS = 5000;
    private static final int BATCH = 256;
    private static final int ODE_STEPS = 100;
    private static final int SAMPLES = 10_000;

    private ReferenceRecipe() {
    }

    /**
     * @param fm the run's components
     * @param data the target
     * @param source the source of {@code x0}
     * @param spec the network
     * @param optimizer the optimizer
     * @param training the budget and schedule
     * @param odeSteps the sampling steps
     * @param samples the number of generated points
     * @return the reference result for this run's schedule if the run follows the recipe, else empty
     */
    static Optional<Result> matching(FmRuntime fm, Dataset data, Dataset source, ModelSpec spec,
            OptimizerSpec optimizer, TrainingConfig training, int odeSteps, int samples) {
        boolean same = data.name().equals(Datasets.FOUR_GAUSSIANS) && source instanceof GaussianSource
                && plain(fm, ComponentKind.PATH, "cond-ot") && plain(fm, ComponentKind.COUPLING, "independent")
                && plain(fm, ComponentKind.TIME_SAMPLER, "uniform") && plain(fm, ComponentKind.SOLVER, "euler")
                && spec.equals(ModelSpec.mlp(2)) && optimizer.equals(OptimizerSpec.adam(1e-3))
                && training.steps() == STEPS && training.batch() == BATCH && training.emaDecay().isEmpty()
                && odeSteps == ODE_STEPS
                && samples == SAMPLES;
        if (!same) {
            return Optional.empty();
        }
        if (training.schedule() instanceof LearningRateSchedule.Constant) {
            return Optional.of(CONSTANT);
        }
        if (training.schedule().equals(new LearningRateSchedule.Cosine(0))) {
            return Optional.of(COSINE);
        }
        return Optional.empty();
    }

    private static boolean plain(FmRuntime fm, ComponentKind<?> kind, String name) {
        var c = fm.component(kind);
        return c.name().equals(name) && c.params().isEmpty();
    }
}
