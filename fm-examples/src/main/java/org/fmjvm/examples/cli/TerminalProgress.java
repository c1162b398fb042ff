package org.fmjvm.examples.cli;

import java.util.Locale;

import org.fmjvm.api.train.StepEnd;
import org.fmjvm.api.train.TrainingEnd;
import org.fmjvm.api.train.TrainingListener;
import org.fmjvm.api.train.TrainingStart;
import org.fmjvm.api.train.ValidationEnd;
import org.fmjvm.core.train.LoggingProgressListener;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress for people: a redrawn bar with the running loss when standard error is a
 * terminal, plain log lines otherwise (CI, files, pipes).
 */
final class TerminalProgress implements TrainingListener {

    private ProgressBar bar;
    private double ema = Double.NaN;
    private String heldOut = "";

    private TerminalProgress() {
    }

    /** @return a bar on a terminal, else a {@link LoggingProgressListener} */
    static TrainingListener create() {
        return System.console() != null ? new TerminalProgress() : new LoggingProgressListener();
    }

    @Override
    public void onStart(TrainingStart event) {
        bar = new ProgressBarBuilder().setTaskName("training").setInitialMax(event.totalSteps())
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate()
                .startsFrom(event.resumedFrom(), java.time.Duration.ZERO)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build();
    }

    @Override
    public void onStep(StepEnd e) {
        ema = Double.isNaN(ema) ? e.loss() : 0.98 * ema + 0.02 * e.loss();
        bar.stepTo(e.step());
        if (e.step() % 50 == 0 || e.step() == e.totalSteps()) {
            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f%s", ema, heldOut));
        }
    }

    @Override
    public void onValidation(ValidationEnd event) {
        heldOut = String.format(Locale.ROOT, ", held-out %.4f%s", event.heldOutLoss(),
                event.heldOutNll() == null ? "" : String.format(Locale.ROOT, " (NLL %.3f)", event.heldOutNll()));
        bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f%s", ema, heldOut));
    }

    @Override
    public void onEnd(TrainingEnd event) {
        bar.close();
    }
}
