package org.fmjvm.paths;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;

import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.Registration;
import org.junit.jupiter.api.Test;

class PathsModuleTest {

    @Test
    void registersTheCondOtPathAndTheUniformTimeSampler() {
        Set<Registration> regs = Guice.createInjector(new PathsModule())
                .getInstance(Key.get(new TypeLiteral<Set<Registration>>() { }));
        Registration path = regs.stream().filter(r -> r.kind() == ComponentKind.PATH).findFirst().orElseThrow();
        assertThat(path.factory().name()).isEqualTo("cond-ot");
        Object created = path.factory().create(ComponentParams.none("path 'cond-ot'"));
        assertThat(created).isInstanceOf(AffinePath.class);
        assertThat(((AffinePath) created).scheduler()).isInstanceOf(CondOtScheduler.class);
        assertThat(regs).anyMatch(r -> r.kind() == ComponentKind.TIME_SAMPLER && r.factory().name().equals("uniform"));
        assertThat(regs).allMatch(r -> r.origin().startsWith(PathsModule.class.getName()));
    }
}
