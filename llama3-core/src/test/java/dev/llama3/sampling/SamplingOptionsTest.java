package dev.llama3.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SamplingOptionsTest {

    @Test
    void builderDefaultsMatchTheDocumentedOnes() {
        SamplingOptions o = SamplingOptions.builder().seed(7).build();
        assertThat(o.temperature()).isEqualTo(0.8f);
        assertThat(o.topK()).isEqualTo(40);
        assertThat(o.topP()).isEqualTo(0.95f);
        assertThat(o.minP()).isEqualTo(0.05f);
        assertThat(o.repetitionPenalty()).isEqualTo(1.0f);
        assertThat(o.frequencyPenalty()).isZero();
        assertThat(o.presencePenalty()).isZero();
        assertThat(o.penaltyLastN()).isEqualTo(64);
        assertThat(o.seed()).isEqualTo(7L);
        assertThat(o.isGreedy()).isFalse();
    }

    @Test
    void unsetSeedIsDrawnAtRandom() {
        long first = SamplingOptions.builder().build().seed();
        boolean differs = false;
        for (int i = 0; i < 10 && !differs; i++) {
            differs = SamplingOptions.builder().build().seed() != first;
        }
        assertThat(differs).as("ten builds without a seed all got seed %d", first).isTrue();
    }

    @Test
    void greedyHasTemperatureZeroAndNoPenalties() {
        SamplingOptions g = SamplingOptions.greedy();
        assertThat(g.isGreedy()).isTrue();
        assertThat(g.temperature()).isZero();
        assertThat(Penalties.active(g)).isFalse();
    }

    @Test
    void toBuilderRoundTrips() {
        SamplingOptions o = SamplingOptions.builder()
                .temperature(0.3f).topK(5).topP(0.5f).minP(0.1f).repetitionPenalty(1.1f)
                .frequencyPenalty(0.2f).presencePenalty(-0.3f).penaltyLastN(8).seed(42).build();
        assertThat(o.toBuilder().build()).isEqualTo(o);
        assertThat(o.toBuilder().topK(0).build().topK()).isZero();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("temperature", b -> b.temperature(-0.1f)),
                bad("temperature", b -> b.temperature(Float.NaN)),
                bad("temperature", b -> b.temperature(Float.POSITIVE_INFINITY)),
                bad("topK", b -> b.topK(-1)),
                bad("topP", b -> b.topP(0f)),
                bad("topP", b -> b.topP(1.01f)),
                bad("topP", b -> b.topP(Float.NaN)),
                bad("minP", b -> b.minP(-0.01f)),
                bad("minP", b -> b.minP(1.5f)),
                bad("minP", b -> b.minP(Float.NaN)),
                bad("repetitionPenalty", b -> b.repetitionPenalty(0f)),
                bad("repetitionPenalty", b -> b.repetitionPenalty(-1f)),
                bad("repetitionPenalty", b -> b.repetitionPenalty(Float.POSITIVE_INFINITY)),
                bad("frequencyPenalty", b -> b.frequencyPenalty(Float.NaN)),
                bad("presencePenalty", b -> b.presencePenalty(Float.NEGATIVE_INFINITY)),
                bad("penaltyLastN", b -> b.penaltyLastN(-1)));
    }

    private static Arguments bad(String name, UnaryOperator<SamplingOptions.Builder> change) {
        return Arguments.of(name, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidSettingsAreRejectedNamingTheSetting(String name, UnaryOperator<SamplingOptions.Builder> change) {
        SamplingOptions.Builder b = SamplingOptions.builder().seed(1);
        assertThatIllegalArgumentException().isThrownBy(() -> change.apply(b).build()).withMessageStartingWith(name);
    }

    @Test
    void boundaryValuesAreAccepted() {
        SamplingOptions o = SamplingOptions.builder()
                .temperature(0f).topK(0).topP(1f).minP(0f).penaltyLastN(0).seed(1).build();
        assertThat(o.isGreedy()).isTrue();
        assertThat(SamplingOptions.builder().minP(1f).topP(Float.MIN_VALUE).seed(1).build().minP()).isEqualTo(1f);
    }
}
