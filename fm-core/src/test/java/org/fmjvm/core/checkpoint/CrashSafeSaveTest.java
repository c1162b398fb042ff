package org.fmjvm.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.testkit.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL while it saves checkpoints in a loop ({@link SaveLoop}) and checks
 * that the folder always holds a complete checkpoint: {@link Checkpoints#load} succeeds and returns
 * exactly one of the two weight sets the child alternates between, with that set's EMA weights,
 * never a mix or a failure. The next save (without EMA weights) must clean up whatever the crash
 * left, the EMA file of the committed generation included, so that only the checkpoint's files
 * (and a {@code .lock}) remain.
 */
class CrashSafeSaveTest {

    private static final int KILLS = 15;
    private static final String LOCK_FILE = ".lock";

    @TempDir
    Path tmp;

    @Test
    void aKilledSaveLeavesTheOldOrTheNewCheckpointAndTheNextSaveCleansUp() throws Exception {
        ModelWeights a = SaveLoop.weights(1f);
        ModelWeights b = SaveLoop.weights(2f);
        Random random = new Random(20261129L); // when to kill
        Path dir = tmp.resolve("ckpt");
        List<String> problems = new ArrayList<>();
        int loadedA = 0;
        int loadedB = 0;
        int midSave = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            int delayMs = 50 + random.nextInt(351);
            int saves = killWhileSaving(dir, delayMs);
            String when = "kill " + kill + " (" + delayMs + " ms after the first save, " + saves + " saves reported)";
            try {
                Checkpoints.Loaded l = Checkpoints.load(dir);
                ModelWeights loaded = l.weights();
                ModelWeights ema = l.emaWeights().orElse(null);
                if (bitwiseEqual(loaded, a) && ema != null && bitwiseEqual(ema, SaveLoop.ema(1f).weights())) {
                    loadedA++;
                } else if (bitwiseEqual(loaded, b) && ema != null && bitwiseEqual(ema, SaveLoop.ema(2f).weights())) {
                    loadedB++;
                } else {
                    problems.add(when + ": loaded weights that are neither set A nor set B with its EMA weights");
                }
            } catch (RuntimeException e) {
                problems.add(when + ": load threw " + e);
            }
            if (!leftovers(dir).isEmpty()) {
                midSave++; // the kill interrupted a save: files of an uncommitted generation or temporaries remain
            }
            Checkpoints.save(dir, SaveLoop.info(), a);
            Set<String> leftover = leftovers(dir);
            if (!leftover.isEmpty()) {
                problems.add(when + ": after the next save the folder still holds " + leftover);
            }
            assertThat(bitwiseEqual(Checkpoints.load(dir).weights(), a)).as("the save after " + when).isTrue();
            assertThat(Checkpoints.load(dir).ema()).as("the save after " + when + " holds no EMA weights").isNull();
        }
        System.out.printf("CrashSafeSaveTest summary: %d kills; loaded set A %d times, set B %d times; %d kills"
                + " interrupted a save (left uncommitted files)%n", KILLS, loadedA, loadedB, midSave);
        assertThat(problems).as("%d kills during saves", KILLS).isEmpty();
    }

    /** Starts a {@link SaveLoop}, waits for its first save plus {@code delayMs}, kills it. */
    private static int killWhileSaving(Path dir, int delayMs) throws IOException, InterruptedException {
        Process p = ChildJvm.processBuilder(SaveLoop.class, dir.toString()).redirectErrorStream(true).start();
        CountDownLatch firstSave = new CountDownLatch(1);
        List<String> output = new ArrayList<>();
        int[] saves = {0};
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    synchronized (output) {
                        if (line.startsWith("result saved ")) {
                            saves[0]++;
                            firstSave.countDown();
                        } else if (output.size() < 50) {
                            output.add(line);
                        }
                    }
                }
            } catch (IOException e) {
                // the child was killed: its output ends here
            }
        }, "save-loop-output");
        reader.setDaemon(true);
        reader.start();
        try {
            boolean saved = firstSave.await(60, TimeUnit.SECONDS);
            synchronized (output) {
                assertThat(saved).as("the child saved once; its output: %s", output).isTrue();
            }
            Thread.sleep(delayMs);
        } finally {
            p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the killed child exited").isTrue();
        }
        reader.join(10_000);
        synchronized (output) {
            return saves[0];
        }
    }

    /** The folder's files other than the checkpoint's own (the sidecar, its weights and EMA files) and the lock. */
    private static Set<String> leftovers(Path dir) throws IOException {
        JsonNode sidecar = new ObjectMapper().readTree(dir.resolve(Checkpoints.INFO_FILE).toFile());
        Set<String> expected = new HashSet<>(Set.of(Checkpoints.INFO_FILE, sidecar.get("weights").textValue(),
                LOCK_FILE));
        if (sidecar.has("ema")) {
            expected.add(sidecar.at("/ema/file").textValue());
        }
        Set<String> rest = new HashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(f -> f.getFileName().toString()).filter(n -> !expected.contains(n)).forEach(rest::add);
        }
        return rest;
    }

    private static boolean bitwiseEqual(ModelWeights x, ModelWeights y) {
        if (!x.names().equals(y.names())) {
            return false;
        }
        for (int i = 0; i < x.parameters().size(); i++) {
            float[] u = x.parameters().get(i).values();
            float[] v = y.parameters().get(i).values();
            if (u.length != v.length) {
                return false;
            }
            for (int k = 0; k < u.length; k++) {
                if (Float.floatToRawIntBits(u[k]) != Float.floatToRawIntBits(v[k])) {
                    return false;
                }
            }
        }
        return true;
    }
}
