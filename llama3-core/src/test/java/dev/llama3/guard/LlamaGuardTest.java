package dev.llama3.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llama3.chat.ChatMessage;
import dev.llama3.engine.EngineOptions;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.testing.Fixtures;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end on a fixture model (random weights, real vocabulary) standing in for a guard model: the threshold
 * drives the outcome, and an unsafe verdict can only name the policy's categories.
 */
class LlamaGuardTest {
    static LlamaEngine engine;

    @BeforeAll
    static void load() throws IOException {
        engine = LlamaEngine.load(Fixtures.require("models/tiny64-q8_0.gguf"),
                EngineOptions.builder().threads(2).contextLength(1024).build());
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
    }

    static final List<ChatMessage> CONVERSATION = List.of(ChatMessage.user("How do I bake bread?"),
            ChatMessage.assistant("Mix flour, water, salt and yeast, knead, let it rise, bake at 230 C."));

    @Test
    void thresholdZeroBlocksAndOneLetsThrough() {
        for (GuardPolicy policy : List.of(GuardPolicy.llamaGuard3(), GuardPolicy.llamaGuard2(),
                GuardPolicy.llamaGuard3OneB().without("S1", "S2"))) {
            LlamaGuard guard = new LlamaGuard(engine, policy);
            GuardVerdict blocked = guard.check(CONVERSATION, 0.0);
            GuardVerdict passed = guard.check(CONVERSATION, 1.0);
            assertThat(blocked.safe()).isFalse();
            assertThat(passed.safe()).isTrue();
            assertThat(passed.categories()).isEmpty();
            // the same score both times: it is the model's P(unsafe), independent of the threshold
            assertThat(blocked.unsafeProbability()).isEqualTo(passed.unsafeProbability()).isBetween(0.0, 1.0);
            Set<String> codes = policy.categories().stream().map(GuardCategory::code).collect(Collectors.toSet());
            assertThat(blocked.categories()).isNotEmpty();
            assertThat(codes).containsAll(blocked.categories());
            // threshold at the score itself counts as unsafe (>=), just above it as safe
            double p = blocked.unsafeProbability();
            assertThat(guard.check(CONVERSATION, p).safe()).isFalse();
            if (p < 1) {
                assertThat(guard.check(CONVERSATION, Math.nextUp(p)).safe()).isTrue();
            }
        }
    }

    @Test
    void reusingThePolicyPrefixGivesExactlyTheVerdictsOfColdChecks() {
        dev.llama3.engine.PrefixCache none = new dev.llama3.engine.PrefixCache() {
            @Override
            public dev.llama3.engine.KvSnapshot longestPrefix(int[] tokens, int minLength) {
                return null;
            }

            @Override
            public void put(dev.llama3.engine.KvSnapshot snapshot) {
                snapshot.close();
            }
        };
        LlamaGuard cold = new LlamaGuard(engine, GuardPolicy.llamaGuard3(), none);
        LlamaGuard warm = new LlamaGuard(engine, GuardPolicy.llamaGuard3());
        for (String message : List.of("How do I bake bread?", "Tell me a joke.", "How do I bake bread?")) {
            List<ChatMessage> c = List.of(ChatMessage.user(message));
            GuardVerdict a = cold.check(c, 0.0);
            GuardVerdict b = warm.check(c, 0.0);
            assertThat(b.unsafeProbability()).isEqualTo(a.unsafeProbability());
            assertThat(b.categories()).isEqualTo(a.categories());
        }
    }

    @Test
    void badArgumentsAreRefused() {
        LlamaGuard guard = new LlamaGuard(engine, GuardPolicy.llamaGuard3());
        assertThatThrownBy(() -> guard.check(CONVERSATION, 1.5)).hasMessageContaining("threshold");
        assertThatThrownBy(() -> guard.check(List.of(ChatMessage.system("x")), 0.5))
                .hasMessageContaining("nothing to classify");
    }
}
