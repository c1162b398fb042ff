package org.fmjvm.solvers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;

import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.api.solver.RungeKutta;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.ParamSpec;
import org.fmjvm.api.spi.Registration;
import org.junit.jupiter.api.Test;

class SolversModuleTest {

    private static Map<String, Registration> registrations() {
        Set<Registration> regs = Guice.createInjector(new SolversModule())
                .getInstance(Key.get(new TypeLiteral<Set<Registration>>() { }));
        return regs.stream().collect(Collectors.toMap(r -> r.factory().name(), r -> r));
    }

    ComponentFactory<?> factory(String name) {
        return registrations().get(name).factory();
    }

    @Test
    void registersEachSolverUnderItsNameWithTheMatchingOrder() {
        Map<String, Registration> byName = registrations();
        assertThat(byName.keySet()).containsExactlyInAnyOrder("euler", "midpoint", "heun", "rk4", "dopri5",
                "commons-dp54");
        assertThat(byName.values()).allMatch(r -> r.kind() == ComponentKind.SOLVER);
        assertThat(byName.get("rk4").origin()).contains(SolversModule.class.getName());
        Map<String, Integer> orders = Map.of("euler", 1, "midpoint", 2, "heun", 2, "rk4", 4, "dopri5", 5);
        orders.forEach((name, order) -> {
            ComponentFactory<?> f = byName.get(name).factory();
            Object solver = f.create(new ComponentParams(name, f.parameters(), Map.of()));
            assertThat(((RungeKutta) solver).order()).isEqualTo(order);
            assertThat(((RungeKutta) solver).name()).isEqualTo(name);
        });
        assertThat(((OdeSolver) factory("commons-dp54").create(new ComponentParams("c", factory("commons-dp54")
                .parameters(), Map.of()))).order()).isEqualTo(5);
    }

    @Test
    void adaptiveSolversDeclareTheirParametersForFmList() {
        for (String name : new String[] {"dopri5", "commons-dp54"}) {
            assertThat(factory(name).parameters()).extracting(ParamSpec::name, ParamSpec::defaultValue)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("rtol", "1.0E-5"),
                            org.assertj.core.groups.Tuple.tuple("atol", "1.0E-5"),
                            org.assertj.core.groups.Tuple.tuple("max-steps", "10000"),
                            org.assertj.core.groups.Tuple.tuple("first-step", "0.0"));
        }
        assertThat(factory("rk4").parameters()).isEmpty();
    }
}
