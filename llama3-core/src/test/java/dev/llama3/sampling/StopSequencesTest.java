package dev.llama3.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StopSequencesTest {

    /** Feeds the chunks and returns everything emitted, flush included when no stop matched. */
    private static String run(StopSequences stops, String... chunks) {
        StringBuilder out = new StringBuilder();
        for (String chunk : chunks) {
            out.append(stops.accept(chunk));
            if (stops.matched()) {
                break;
            }
        }
        out.append(stops.flush());
        return out.toString();
    }

    @Test
    void withoutStopsTextPassesThroughImmediately() {
        StopSequences none = StopSequences.none();
        assertThat(none.accept("Hello")).isEqualTo("Hello");
        assertThat(none.accept(" world")).isEqualTo(" world");
        assertThat(none.matched()).isFalse();
        assertThat(none.flush()).isEmpty();
    }

    @Test
    void stopWithinOneChunkCutsItAndTheRest() {
        StopSequences s = new StopSequences(List.of("STOP"));
        assertThat(s.accept("abc STOP def")).isEqualTo("abc ");
        assertThat(s.matched()).isTrue();
        assertThat(s.accept("more")).isEmpty();
        assertThat(s.flush()).isEmpty();
    }

    @Test
    void stopAcrossChunkBoundaries() {
        StopSequences s = new StopSequences(List.of("<END>"));
        assertThat(s.accept("text <")).isEqualTo("text ");
        assertThat(s.accept("EN")).isEmpty();
        assertThat(s.matched()).isFalse();
        assertThat(s.accept("D> tail")).isEmpty();
        assertThat(s.matched()).isTrue();
        assertThat(s.flush()).isEmpty();
    }

    @Test
    void heldBackPrefixIsReleasedWhenTheStopDoesNotComplete() {
        StopSequences s = new StopSequences(List.of("###"));
        assertThat(s.accept("a #")).isEqualTo("a ");
        assertThat(s.accept("#")).isEmpty();
        assertThat(s.accept("x")).isEqualTo("##x");
        assertThat(s.accept("##")).isEmpty();
        assertThat(s.matched()).isFalse();
        assertThat(s.flush()).isEqualTo("##");
    }

    @Test
    void overlappingPrefixKeepsOnlyWhatCanStillMatch() {
        // "aab" can follow "aa" + "aab" only if the held part restarts inside itself.
        StopSequences s = new StopSequences(List.of("aab"));
        assertThat(s.accept("aa")).isEmpty();
        assertThat(s.accept("a")).isEqualTo("a");
        assertThat(s.accept("b")).isEmpty();
        assertThat(s.matched()).isTrue();
    }

    @Test
    void multipleStopsTheEarliestWins() {
        StopSequences s = new StopSequences(List.of("world", "lo w"));
        assertThat(s.accept("hello world")).isEqualTo("hel");
        assertThat(s.matched()).isTrue();

        StopSequences t = new StopSequences(List.of("\nUser:", "</s>"));
        assertThat(run(t, "Sure", ".</", "s>User")).isEqualTo("Sure.");
        assertThat(t.matched()).isTrue();
    }

    @Test
    void holdsTheLongestCandidateOverAllStops() {
        StopSequences s = new StopSequences(List.of("xyz", "yz!"));
        assertThat(s.accept("axy")).isEqualTo("a"); // "xy" could start "xyz"
        assertThat(s.accept("z")).isEmpty();
        assertThat(s.matched()).isTrue();
    }

    @Test
    void stopAtTheVeryStart() {
        StopSequences s = new StopSequences(List.of("<|eot|>"));
        assertThat(s.accept("<|eot|>")).isEmpty();
        assertThat(s.matched()).isTrue();

        StopSequences split = new StopSequences(List.of("<|eot|>"));
        assertThat(run(split, "<|", "eot", "|>", "after")).isEmpty();
        assertThat(split.matched()).isTrue();
    }

    @Test
    void characterByCharacterStreamingGivesTheSameTextAsOneChunk() {
        String text = "The answer is 42.\n\nQuestion: what else?";
        List<String> stops = List.of("\n\nQuestion:", "???");
        String whole = run(new StopSequences(stops), text);
        String[] chars = text.split("");
        String streamed = run(new StopSequences(stops), chars);
        assertThat(whole).isEqualTo("The answer is 42.");
        assertThat(streamed).isEqualTo(whole);
    }

    @Test
    void unmatchedTextIsEmittedCompletelyAcrossAnyChunking() {
        String text = "a#b##c#";
        List<String> stops = List.of("###");
        for (int cut = 0; cut <= text.length(); cut++) {
            StopSequences s = new StopSequences(stops);
            assertThat(run(s, text.substring(0, cut), text.substring(cut))).as("cut at %d", cut).isEqualTo(text);
            assertThat(s.matched()).isFalse();
        }
    }

    @Test
    void aSplitSurrogatePairIsNotEmittedHalf() {
        String emoji = "\uD83D\uDE00"; // one code point, two chars
        StopSequences s = new StopSequences(List.of("STOP"));
        assertThat(s.accept("hi " + emoji.charAt(0))).isEqualTo("hi ");
        assertThat(s.accept(emoji.substring(1) + "!")).isEqualTo(emoji + "!");
    }

    @Test
    void emptyChunksAreHarmless() {
        StopSequences s = new StopSequences(List.of("ab"));
        assertThat(s.accept("")).isEmpty();
        assertThat(s.accept("a")).isEmpty();
        assertThat(s.accept("")).isEmpty();
        assertThat(s.accept("b")).isEmpty();
        assertThat(s.matched()).isTrue();
    }

    @Test
    void invalidStopsAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> new StopSequences(List.of("ok", "")))
                .withMessageContaining("stop string 1 is empty");
        assertThatIllegalArgumentException().isThrownBy(() -> new StopSequences(Arrays.asList("ok", null)))
                .withMessageContaining("stop string 1 is null");
    }
}
