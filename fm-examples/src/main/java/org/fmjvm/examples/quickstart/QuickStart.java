package org.fmjvm.examples.quickstart;

import java.nio.file.Path;
import java.util.List;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.io.PointsCsv;
import org.fmjvm.core.metrics.QualityReport;
import org.fmjvm.core.train.LearningRateSchedule;
import org.fmjvm.core.train.LoggingProgressListener;
import org.fmjvm.core.train.TrainingConfig;

/**
 * The library in a dozen lines: choose components by name, train on the four Gaussians, sample with
 * RK4, score the samples, save them. Run with {@code java -cp 'fm-examples/target/fm.jar:fm-examples/target/lib/*'
 * org.fmjvm.examples.quickstart.QuickStart [out.csv]}.
 */
public final class QuickStart {

    private QuickStart() {
    }

    /**
     * @param args optional output file for the samples
     * @throws Exception on I/O failure
     */
    public static void main(String[] args) throws Exception {
        FmConfig config = FmConfig.defaults()              // the highest-ranked backend on the class path
                .withPath(ComponentChoice.of("cond-ot"))
                .withSolver(ComponentChoice.of("rk4"))
                .withSeed(42);
        Dataset data = Datasets.byName("four-gaussians");
        try (FmRuntime fm = FlowMatching.bootstrap(config);
                TrainableModel model = fm.newTrainableModel(ModelSpec.mlp(2), OptimizerSpec.adam(1e-3))) {
            fm.trainer(data).train(model, new TrainingConfig(3000, 256, new LearningRateSchedule.Cosine(0)),
                    List.of(new LoggingProgressListener()));
            float[] samples = fm.sampler(model).generate(10_000, SolveOptions.steps(25), fm.rng().split("sample"));
            QualityReport report = QualityReport.builder(data, samples).build(fm.rng().split("metrics"));
            report.lines().forEach(System.out::println);
            PointsCsv.write(Path.of(args.length > 0 ? args[0] : "quickstart-samples.csv"), samples, data.dim());
        }
    }
}
