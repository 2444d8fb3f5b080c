package dev.llama3.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GuardVerdictParserTest {

    @Test
    void everyVerdictShape() {
        assertThat(GuardVerdictParser.parse("safe")).extracting(GuardVerdict::safe, GuardVerdict::categories)
                .containsExactly(true, List.of());
        assertThat(GuardVerdictParser.parse("\n\nsafe")).extracting(GuardVerdict::safe).isEqualTo(true);
        assertThat(GuardVerdictParser.parse(" Safe \n")).extracting(GuardVerdict::safe).isEqualTo(true);
        assertThat(GuardVerdictParser.parse("unsafe\nS1").categories()).containsExactly("S1");
        assertThat(GuardVerdictParser.parse("\n\nunsafe\nS1,S10").categories()).containsExactly("S1", "S10");
        assertThat(GuardVerdictParser.parse("unsafe\nS3, s10,S3").categories()).containsExactly("S3", "S10");
        assertThat(GuardVerdictParser.parse("unsafe")).extracting(GuardVerdict::safe, GuardVerdict::reason)
                .containsExactly(false, "model");
    }

    @Test
    void anythingElseFailsClosed() {
        for (String garbage : new String[] {"", "   ", "I cannot help with that", "safe\nS1", "unsafe\nviolence",
                "unsafe\nS1\nmore", "unsafe\nS0", "unsafe\nS1,,S2", "saf", "safe safe"}) {
            GuardVerdict v = GuardVerdictParser.parse(garbage);
            assertThat(v.safe()).as("'%s'", garbage).isFalse();
            assertThat(v.reason()).as("'%s'", garbage).isEqualTo("unparseable answer");
        }
        assertThat(GuardVerdictParser.parse(null).safe()).isFalse();
    }

    @Test
    void failuresAreUnsafeWhenFailingClosedAndSafeWhenFailingOpen() {
        assertThat(GuardVerdict.failure("timeout after 2 s", true).safe()).isFalse();
        assertThat(GuardVerdict.failure("timeout after 2 s", false).safe()).isTrue();
        assertThat(GuardVerdict.failure("timeout after 2 s", true).reason()).contains("timeout");
    }

    @Test
    void categoryLineGrammar() {
        CategoryLine g = new CategoryLine(Set.of("S1", "S2", "S10", "S11"));
        assertThat(g.viable("")).isTrue();
        assertThat(g.viable("\n")).isTrue();
        assertThat(g.viable("\nS")).isTrue();
        assertThat(g.viable("\nS1")).isTrue();
        assertThat(g.complete("\nS1")).isTrue();
        assertThat(g.viable("\nS1,")).isTrue();
        assertThat(g.viable("\nS1, S1")).isTrue();
        assertThat(g.complete("\nS1,S10")).isTrue();
        assertThat(g.complete("\nS1,")).isFalse();
        assertThat(g.viable("\nS3")).isFalse();
        assertThat(g.viable("\nS12")).isFalse();
        assertThat(g.viable("S1")).isFalse();
        assertThat(g.viable("\n S1")).isFalse();
        assertThat(g.viable("\nS1,  S2")).isFalse();
        assertThat(g.viable("\nS1\n")).isFalse();
        assertThat(g.complete("")).isFalse();
        assertThat(g.complete("\n")).isFalse();
    }
}
