package dev.llama3.spring.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.engine.PrefixCache;
import dev.llama3.spring.ai.Llama3ChatModel;
import dev.llama3.spring.autoconfigure.Llama3AutoConfiguration;
import dev.llama3.testing.TestModels;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The prompt-prefix cache behind the chat model: same replies, less prompt work, bounded memory. */
class Llama3PrefixCacheTest {

    @Configuration
    static class Metrics {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    private static ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(Llama3AutoConfiguration.class))
                .withUserConfiguration(Metrics.class)
                .withPropertyValues("spring.ai.llama3.model.path=" + TestModels.tiny(), "spring.ai.llama3.threads=1",
                        "spring.ai.llama3.context-length=256", "spring.ai.llama3.chat.temperature=0",
                        "spring.ai.llama3.chat.max-tokens=8");
    }

    /** Two turns of one conversation; returns the replies and the second turn's prompt token count. */
    private static List<Object> conversation(Llama3ChatModel model) {
        List<Message> messages = new ArrayList<>(List.of(new SystemMessage("You are terse."),
                new UserMessage("Name a colour.")));
        ChatResponse first = model.call(new Prompt(messages));
        messages.add(new AssistantMessage(first.getResult().getOutput().getText()));
        messages.add(new UserMessage("And another one?"));
        ChatResponse second = model.call(new Prompt(messages));
        return List.of(first.getResult().getOutput().getText(), second.getResult().getOutput().getText(),
                second.getMetadata().getUsage().getPromptTokens());
    }

    @Test
    void secondTurnIsIdenticalWithAndWithoutTheCacheAndUsageCountsTheWholePrompt() {
        List<Object> cached = new ArrayList<>();
        runner().run(context -> {
            assertThat(context).hasSingleBean(PrefixCache.class);
            cached.addAll(conversation(context.getBean(Llama3ChatModel.class)));
            CaffeinePrefixCache cache = context.getBean(CaffeinePrefixCache.class);
            assertThat(cache.size()).isEqualTo(2);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            // the second turn found the first one's snapshot
            assertThat(registry.get("cache.gets").tag("cache", "llama3.prefix").tag("result", "hit")
                    .functionCounter().count()).isEqualTo(1);
        });
        runner().withPropertyValues("spring.ai.llama3.cache.prefix.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(PrefixCache.class);
            assertThat(conversation(context.getBean(Llama3ChatModel.class))).isEqualTo(cached);
        });
    }

    @Test
    void aSmallByteBoundEvicts() {
        runner().withPropertyValues("spring.ai.llama3.cache.prefix.max-bytes=1KB").run(context -> {
            conversation(context.getBean(Llama3ChatModel.class));
            assertThat(context.getBean(CaffeinePrefixCache.class).size()).isZero();
        });
        runner().withPropertyValues("spring.ai.llama3.cache.prefix.max-bytes=0").run(context -> assertThat(
                context.getStartupFailure()).rootCause().hasMessageContaining("spring.ai.llama3.cache.prefix.max-bytes"));
    }
}
