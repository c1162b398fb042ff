package org.fmjvm.solvers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;

import org.fmjvm.api.solver.RungeKutta;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.Registration;
import org.junit.jupiter.api.Test;

class SolversModuleTest {

    @Test
    void registersEachSolverUnderItsNameWithTheMatchingOrder() {
        Set<Registration> regs = Guice.createInjector(new SolversModule())
                .getInstance(Key.get(new TypeLiteral<Set<Registration>>() { }));
        Map<String, Registration> byName = regs.stream()
                .collect(Collectors.toMap(r -> r.factory().name(), r -> r));
        assertThat(byName.keySet()).containsExactlyInAnyOrder("euler", "midpoint", "heun", "rk4");
        assertThat(byName.values()).allMatch(r -> r.kind() == ComponentKind.SOLVER);
        assertThat(byName.get("rk4").origin()).contains(SolversModule.class.getName());
        Map<String, Integer> orders = Map.of("euler", 1, "midpoint", 2, "heun", 2, "rk4", 4);
        orders.forEach((name, order) -> {
            Object solver = byName.get(name).factory().create(ComponentParams.none(name));
            assertThat(((RungeKutta) solver).order()).isEqualTo(order);
            assertThat(((RungeKutta) solver).name()).isEqualTo(name);
        });
    }
}
