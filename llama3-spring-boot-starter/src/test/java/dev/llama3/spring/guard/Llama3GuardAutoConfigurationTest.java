package dev.llama3.spring.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llama3.guard.GuardVerdict;
import dev.llama3.spring.autoconfigure.InvalidLlama3PropertyException;
import dev.llama3.testing.Fixtures;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration;
import org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;

/**
 * The guard in front of and behind a ChatClient whose model is not ours (a counting fake): a fixture model with
 * random weights and the real vocabulary stands in for the guard model, and thresholds 0 and 1 drive both outcomes.
 */
class Llama3GuardAutoConfigurationTest {

    /** A remote-like chat model that counts how often it is asked. */
    static class CountingChatModel implements ChatModel {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public ChatResponse call(Prompt prompt) {
            calls.incrementAndGet();
            return new ChatResponse(List.of(new Generation(new AssistantMessage("Paris is the capital."))));
        }

        @Override
        public Flux<ChatResponse> stream(Prompt prompt) {
            calls.incrementAndGet();
            return Flux.just("Paris ", "is the ", "capital.")
                    .map(t -> new ChatResponse(List.of(new Generation(new AssistantMessage(t)))));
        }
    }

    @Configuration
    static class Model {
        @Bean
        CountingChatModel chatModel() {
            return new CountingChatModel();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    private static ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(Llama3GuardAutoConfiguration.class,
                        ToolCallingAutoConfiguration.class, ChatClientAutoConfiguration.class))
                .withUserConfiguration(Model.class);
    }

    private static ApplicationContextRunner guarded(String... more) {
        Path guard = Fixtures.require("models/tiny64-q8_0.gguf");
        return runner().withPropertyValues("spring.ai.llama3.guard.enabled=true",
                "spring.ai.llama3.guard.model.path=" + guard, "spring.ai.llama3.guard.threads=1",
                "spring.ai.llama3.guard.context-length=1024").withPropertyValues(more);
    }

    private static ChatClient client(ApplicationContext context) {
        return context.getBean(ChatClient.Builder.class).build();
    }

    @Test
    void offUnlessEnabled() {
        runner().run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(Llama3SafetyGuard.class)
                    .doesNotHaveBean(Llama3GuardAdvisor.class);
            assertThat(client(context).prompt("hi").call().content()).isEqualTo("Paris is the capital.");
        });
    }

    @Test
    void enabledWithoutAModelFailsStartupNamingTheProperty() {
        runner().withPropertyValues("spring.ai.llama3.guard.enabled=true").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidLlama3PropertyException.class)
                    .hasMessageContaining("spring.ai.llama3.guard.model.path");
        });
        guarded("spring.ai.llama3.guard.threshold=1.5").run(context -> assertThat(context.getStartupFailure())
                .rootCause().hasMessageContaining("spring.ai.llama3.guard.threshold"));
        guarded("spring.ai.llama3.guard.categories.exclude=S42").run(context -> assertThat(
                context.getStartupFailure()).rootCause().hasMessageContaining("S42"));
    }

    @Test
    void blockedInputNeverReachesTheChatModel() {
        guarded("spring.ai.llama3.guard.threshold=0").run(context -> {
            CountingChatModel model = context.getBean(CountingChatModel.class);
            ChatResponse response = client(context).prompt("How do I bake bread?").call().chatResponse();
            assertThat(response.getResult().getOutput().getText()).isEqualTo("Sorry, I can't help with that.");
            assertThat(response.getResult().getMetadata().getFinishReason()).isEqualTo(Llama3GuardAdvisor.BLOCKED);
            List<String> categories = response.getResult().getMetadata().get(Llama3GuardAdvisor.CATEGORIES_KEY);
            assertThat(categories).isNotEmpty().allMatch(c -> c.matches("S\\d+"));
            List<String> streamed = client(context).prompt("How do I bake bread?").stream().content()
                    .collectList().block();
            assertThat(streamed).containsExactly("Sorry, I can't help with that.");
            assertThat(model.calls).hasValue(0);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("llama3.guard.checks").tag("direction", "input").tag("outcome", "blocked")
                    .counters().stream().mapToDouble(c -> c.count()).sum()).isEqualTo(2);
            // the second, identical request was answered from the verdict cache
            assertThat(registry.get("llama3.guard.checks").tag("cached", "true").counter().count()).isEqualTo(1);
        });
    }

    @Test
    void safeTrafficPassesUntouched() {
        guarded("spring.ai.llama3.guard.threshold=1").run(context -> {
            CountingChatModel model = context.getBean(CountingChatModel.class);
            assertThat(client(context).prompt("What is the capital of France?").call().content())
                    .isEqualTo("Paris is the capital.");
            assertThat(client(context).prompt("What is the capital of France?").stream().content().collectList()
                    .block()).containsExactly("Paris ", "is the ", "capital.");
            assertThat(model.calls).hasValue(2);
        });
    }

    @Test
    void unsafeOutputIsReplacedForCallsAndStreams() {
        guarded("spring.ai.llama3.guard.threshold=0", "spring.ai.llama3.guard.checks=output",
                "spring.ai.llama3.guard.blocked-response=[withheld]").run(context -> {
            CountingChatModel model = context.getBean(CountingChatModel.class);
            assertThat(client(context).prompt("Capital of France?").call().content()).isEqualTo("[withheld]");
            assertThat(client(context).prompt("Capital of France?").stream().content().collectList().block())
                    .containsExactly("[withheld]");
            assertThat(model.calls).hasValue(2); // output checks let the model run, then hold its reply back
        });
    }

    @Test
    void onBlockExceptionCarriesTheCategories() {
        guarded("spring.ai.llama3.guard.threshold=0", "spring.ai.llama3.guard.on-block=exception").run(context -> {
            assertThatThrownBy(() -> client(context).prompt("How do I bake bread?").call().content())
                    .isInstanceOf(Llama3GuardBlockedException.class)
                    .satisfies(e -> assertThat(((Llama3GuardBlockedException) e).direction())
                            .isEqualTo(GuardDirection.INPUT))
                    .hasMessageContaining("blocked the input");
        });
    }

    @Test
    void theGuardBeanWorksOnItsOwn() {
        guarded("spring.ai.llama3.guard.threshold=1", "spring.ai.llama3.guard.categories.exclude=S6",
                "spring.ai.llama3.guard.categories.custom[0].name=Competitor Promotion.",
                "spring.ai.llama3.guard.categories.custom[0].description=Do not recommend competitors.").run(context -> {
            Llama3SafetyGuard guard = context.getBean(Llama3SafetyGuard.class);
            assertThat(guard.policy().category("S6")).isNull();
            assertThat(guard.policy().category("S15").name()).isEqualTo("Competitor Promotion.");
            GuardVerdict v = guard.check(List.of(new UserMessage("Hello"), new AssistantMessage("Hi! How can I help?")));
            assertThat(v.safe()).isTrue();
            assertThat(v.unsafeProbability()).isBetween(0.0, 1.0);
        });
    }
}
