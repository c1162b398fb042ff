package org.fmjvm.examples.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.fmjvm.api.train.StepEnd;
import org.fmjvm.api.train.TrainingListener;

/** Records when each training step ended, for the median step time that demo, train and bench report. */
final class StepClock implements TrainingListener {

    private final List<Long> stamps = new ArrayList<>();

    @Override
    public void onStep(StepEnd e) {
        stamps.add(e.elapsedNanos());
    }

    /**
     * @param firstStep the 0-based index of the first step to count (later than any warm-up), at least 1
     *     because a step's time is the gap since the previous one
     * @return the median wall time of the counted steps in milliseconds; with a single recorded step,
     *     its time since training started; NaN with none
     */
    double medianMillis(int firstStep) {
        if (stamps.size() < 2) {
            return stamps.isEmpty() ? Double.NaN : stamps.get(0) / 1e6;
        }
        int from = Math.max(1, firstStep);
        double[] dt = new double[stamps.size() - from];
        for (int i = from; i < stamps.size(); i++) {
            dt[i - from] = (stamps.get(i) - stamps.get(i - 1)) / 1e6;
        }
        return median(dt);
    }

    /**
     * @param values at least one value
     * @return the median (the mean of the two middle values for an even count)
     */
    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
