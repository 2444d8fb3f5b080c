package dev.llama3;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VersionTest {
    @Test
    void runsOnJdk25WithVectorApi() {
        assertThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
        assertThat(FloatVector.SPECIES_PREFERRED.length()).isPositive();
    }
}
