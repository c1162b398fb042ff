package org.fmjvm.core.train;

import java.util.Locale;

import org.fmjvm.api.train.StepEnd;
import org.fmjvm.api.train.TrainingEnd;
import org.fmjvm.api.train.TrainingListener;
import org.fmjvm.api.train.TrainingStart;
import org.fmjvm.api.train.ValidationEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress as plain log lines, for logs and non-terminal output: one line at each tenth of the
 * run with the step, the mean loss since the previous line, elapsed time and an estimate of the
 * time left.
 */
public final class LoggingProgressListener implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(LoggingProgressListener.class);

    private final int reports;
    private int every;
    private double lossSum;
    private int lossCount;

    /** Ten lines per run. */
    public LoggingProgressListener() {
        this(10);
    }

    /** @param reports lines per run, {@code >= 1} */
    public LoggingProgressListener(int reports) {
        this.reports = Math.max(1, reports);
    }

    @Override
    public void onStart(TrainingStart event) {
        every = Math.max(1, event.totalSteps() / reports);
        LOG.info("training {} steps, batch {}, seed {}{}", event.totalSteps(), event.batch(), event.seed(),
                event.resumed() ? ", resuming after step " + event.resumedFrom() : "");
    }

    @Override
    public void onStep(StepEnd e) {
        lossSum += e.loss();
        lossCount++;
        if (e.step() % every == 0 || e.step() == e.totalSteps()) {
            double elapsed = e.elapsedNanos() / 1e9;
            double eta = elapsed / e.step() * (e.totalSteps() - e.step());
            LOG.info(String.format(Locale.ROOT, "step %d/%d (%d%%) loss %.4f  %.1f s elapsed, %.1f s left", e.step(),
                    e.totalSteps(), 100L * e.step() / e.totalSteps(), lossSum / lossCount, elapsed, eta));
            lossSum = 0;
            lossCount = 0;
        }
    }

    @Override
    public void onValidation(ValidationEnd v) {
        LOG.info(describe(v));
    }

    /**
     * @param v an evaluation
     * @return one line, e.g. {@code step 500: held-out loss 1.2345 (training rows 1.2000), NLL 3.21 nats
     *     (training rows 3.10), best so far}
     */
    public static String describe(ValidationEnd v) {
        String nll = v.heldOutNll() == null ? "" : String.format(Locale.ROOT, ", NLL %.4f nats (training rows %.4f)",
                v.heldOutNll(), v.trainNll());
        return String.format(Locale.ROOT, "step %d: held-out loss %.4f (training rows %.4f)%s%s", v.step(),
                v.heldOutLoss(), v.trainLoss(), nll, v.best() ? ", best so far" : "");
    }

    @Override
    public void onEnd(TrainingEnd event) {
        LOG.info(String.format(Locale.ROOT, "trained %d steps in %.1f s, final loss %.4f", event.steps(),
                event.wallNanos() / 1e9, event.finalLoss()));
    }
}
