package org.fmjvm.core.train;

/** The tutorial run on the {@code djl} backend. */
class FourGaussiansTrainingOnDjlTest extends FourGaussiansTraining {
    @Override
    String backend() {
        return "djl";
    }
}
