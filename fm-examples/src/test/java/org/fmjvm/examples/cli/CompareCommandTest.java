package org.fmjvm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fm compare}: every solver at the budgets its step fits, with the NFE it really used. */
class CompareCommandTest {

    @TempDir
    Path dir;

    @Test
    void eachSolverRunsAtTheBudgetsItsStepDividesAndReportsTheEvaluationsItUsed() throws IOException {
        Path ck = dir.resolve("ck");
        CliRun train = CliRun.of("train", "--dataset", "four-gaussians", "--out", ck.toString(), "--steps", "1500",
                "--batch", "128", "--hidden", "64,64");
        assertThat(train.exitCode()).as(train.err()).isZero();
        Path out = dir.resolve("cmp");
        CliRun run = CliRun.of("compare", "--checkpoint", ck.toString(), "--out", out.toString(), "--solvers",
                "euler,midpoint,rk4,dopri5", "--nfe", "1,2,4,8", "--rtols", "1e-2,1e-4", "--samples", "400");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
        assertThat(csv.get(0)).isEqualTo("solver,setting,nfe,energy_distance,sliced_w2,wall_s");
        // euler at 1, 2, 4, 8; midpoint (2 per step) at 2, 4, 8; rk4 (4 per step) at 4, 8
        assertThat(csv.subList(1, 10)).extracting(l -> String.join(",", List.of(l.split(",")).subList(0, 3)))
                .containsExactly("euler,steps=1,1", "euler,steps=2,2", "euler,steps=4,4", "euler,steps=8,8",
                        "midpoint,steps=1,2", "midpoint,steps=2,4", "midpoint,steps=4,8", "rk4,steps=1,4",
                        "rk4,steps=2,8");
        // dopri5 chooses its steps: a tighter tolerance costs more evaluations, 2 + 6 per attempted step
        assertThat(csv.subList(10, csv.size())).extracting(l -> l.split(",")[1])
                .containsExactly("rtol=0.01", "rtol=1.0E-4");
        int loose = Integer.parseInt(csv.get(10).split(",")[2]);
        int tight = Integer.parseInt(csv.get(11).split(",")[2]);
        assertThat(tight).isGreaterThan(loose);
        assertThat((loose - 2) % 6).isZero();
        double[] euler = csv.subList(1, 5).stream().mapToDouble(l -> Double.parseDouble(l.split(",")[3])).toArray();
        double rk4At8 = Double.parseDouble(csv.get(9).split(",")[3]);
        // Euler's error falls with every doubling of its steps (0.83, 0.23, 0.085, 0.042 here); one step from
        // noise lands between the four modes, two rk4 steps come close to them (0.021)
        assertThat(euler).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(euler[0]).isGreaterThan(10 * rk4At8);
        assertThat(out.resolve("quality-vs-nfe.png")).isNotEmptyFile();
        assertThat(out.resolve("quality-vs-time.png")).isNotEmptyFile();
        assertThat(run.out()).contains("noise floors: energy distance");
    }

    @Test
    void budgetsThatNoSolverFitsAndBadNamesGetOneLine() {
        CliRun bad = CliRun.of("compare", "--checkpoint", dir.resolve("none").toString(), "--nfe", "0");
        assertThat(bad.errLines()).singleElement().asString().contains("--nfe budgets must be >= 1");
        CliRun missing = CliRun.of("compare", "--checkpoint", dir.resolve("none").toString(), "--out",
                dir.resolve("o").toString());
        assertThat(missing.errLines()).singleElement().asString().contains("no checkpoint at");
        assertThat(dir.resolve("o")).doesNotExist();
        CliRun coupling = CliRun.of("compare", "--couplings", "independent,bogus", "--out", dir.resolve("c").toString());
        assertThat(coupling.out()).isEmpty();
        assertThat(coupling.errLines()).singleElement().asString().contains("unknown coupling 'bogus'")
                .contains("minibatch-ot");
        assertThat(dir.resolve("c")).doesNotExist();
    }
}
