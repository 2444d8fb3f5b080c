package dev.llama3.samples.chat;

import dev.llama3.model.ModelShape;
import dev.llama3.model.SyntheticModel;
import dev.llama3.tensor.ComputePool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/** Test support shared by the samples (the other samples get it from this module's test jar). */
public final class SampleTesting {

    private SampleTesting() {}

    /**
     * A synthetic tiny Llama 3 model (random weights, byte-level vocabulary) in a temporary file deleted at exit:
     * its replies are noise, the plumbing is real, and greedy decoding makes every reply reproducible.
     */
    public static Path tinyModel() {
        try {
            Path dir = Files.createTempDirectory("llama3-sample-test");
            Path file = dir.resolve("tiny-q8_0.gguf");
            try (ComputePool pool = new ComputePool(1)) {
                new SyntheticModel(ModelShape.TINY, SyntheticModel.WeightFormat.Q8_0, 11, null).write(file, pool);
            }
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records every model call that Spring AI's tool loop makes (innermost advisor: it sees each round). */
    public static final class ModelCalls implements CallAdvisor {
        public final List<ChatClientRequest> requests = new CopyOnWriteArrayList<>();
        public final List<ChatClientResponse> responses = new CopyOnWriteArrayList<>();

        @Override
        public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
            this.requests.add(request);
            ChatClientResponse response = chain.nextCall(request);
            this.responses.add(response);
            return response;
        }

        @Override
        public String getName() {
            return "model-calls";
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE - 1;
        }

        public void clear() {
            this.requests.clear();
            this.responses.clear();
        }
    }

    /** Adds a {@link ModelCalls} bean to every ChatClient of a test's application ({@code @Import} it). */
    @TestConfiguration(proxyBeanMethods = false)
    public static class RecordModelCalls {
        @Bean
        ModelCalls modelCalls() {
            return new ModelCalls();
        }

        @Bean
        ChatClientCustomizer recordModelCalls(ModelCalls calls) {
            return builder -> builder.defaultAdvisors(calls);
        }
    }

    /**
     * A fixed {@link Clock} bean ({@code @Import} it), which the chat model reads for the tool prompt's "Today Date":
     * what a random-weight model generates depends on every token of its prompt, so with the system clock a test's
     * conversation changes from one day to the next (on some dates a tool call's string argument ran past
     * max-tokens).
     */
    @TestConfiguration(proxyBeanMethods = false)
    public static class FixedDate {
        @Bean
        Clock clock() {
            return Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);
        }
    }
}
