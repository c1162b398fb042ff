package org.fmjvm.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.fmjvm.api.error.CheckpointException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.random.Rng;
import org.fmjvm.testkit.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes writing one checkpoint folder: the second fails at once, naming the first. */
class TwoWritersTest {

    private static final ModelSpec SPEC = new ModelSpec(2, List.of(8), Activation.SILU, new TimeEmbedding.Raw());

    @TempDir
    Path tmp;

    static CheckpointInfo info() {
        return CheckpointInfo.of(SPEC, CheckpointInfo.Component.named("cond-ot"),
                CheckpointInfo.Component.named("independent"), "four-gaussians", "standard-normal", 1, 10, 8,
                OptimizerSpec.adam(1e-3), "djl", new CheckpointInfo.TrainingSummary(1, 1), Instant.EPOCH);
    }

    /** A writer in another process: locks the folder, saves once, reports, and holds on until stdin closes. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (Checkpoints.Writer w = Checkpoints.open(Path.of(args[0]), "fm train")) {
                w.save(info(), SPEC.initialWeights(Rng.seeded(1)), null, null);
                System.out.println("result locked " + ProcessHandle.current().pid());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // hold the lock until the parent closes our stdin or kills us
                }
            }
        }
    }

    @Test
    void theSecondWriterFailsAtOnceNamingTheFirstAndTheLockDiesWithItsHolder() throws Exception {
        Path dir = tmp.resolve("ck");
        Process child = ChildJvm.processBuilder(Holder.class, dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as("the child's report").startsWith("result locked ");
            String pid = line.substring("result locked ".length());
            assertThatThrownBy(() -> Checkpoints.save(dir, info(), SPEC.initialWeights(Rng.seeded(2))))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(dir + " is being written by another process (fm train, pid " + pid + " on ")
                    .hasMessageContaining("wait for it to finish, or write to another folder");
            // what the holder committed is intact
            assertThat(Checkpoints.load(dir).weights()).isEqualTo(SPEC.initialWeights(Rng.seeded(1)));
            child.destroyForcibly(); // kill -9: the operating system releases the lock
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Checkpoints.save(dir, info(), SPEC.initialWeights(Rng.seeded(3)));
            assertThat(Checkpoints.load(dir).weights()).isEqualTo(SPEC.initialWeights(Rng.seeded(3)));
        } finally {
            child.destroyForcibly();
        }
    }
}
