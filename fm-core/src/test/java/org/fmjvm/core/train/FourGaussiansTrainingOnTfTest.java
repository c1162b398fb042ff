package org.fmjvm.core.train;

/** The tutorial run on the {@code tf} backend. */
class FourGaussiansTrainingOnTfTest extends FourGaussiansTraining {
    @Override
    String backend() {
        return "tf";
    }
}
