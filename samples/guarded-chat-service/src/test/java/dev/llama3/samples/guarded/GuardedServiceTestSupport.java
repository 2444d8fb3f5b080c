package dev.llama3.samples.guarded;

import dev.llama3.samples.chat.SampleTesting;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A synthetic tiny Llama 3 model (random weights, byte-level vocabulary) serves as both the chat model and the guard
 * model: its verdicts are noise, so the tests set the threshold to 0 (everything is unsafe) or 1 (nothing is) to drive
 * each outcome through the whole service.
 */
abstract class GuardedServiceTestSupport {

    static final Path MODEL = SampleTesting.tinyModel();

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        registry.add("spring.ai.llama3.model.path", MODEL::toString);
        registry.add("spring.ai.llama3.threads", () -> "1");
        registry.add("spring.ai.llama3.context-length", () -> "2048");
        registry.add("spring.ai.llama3.chat.temperature", () -> "0");
        registry.add("spring.ai.llama3.chat.max-tokens", () -> "40");
        registry.add("spring.ai.llama3.chat.tool-choice", () -> "none");
        registry.add("spring.ai.llama3.guard.model.path", MODEL::toString);
        registry.add("spring.ai.llama3.guard.threads", () -> "1");
        // Meta's Guard 3 policy is about 3,000 bytes: as many tokens in a byte-level vocabulary
        registry.add("spring.ai.llama3.guard.context-length", () -> "8192");
    }
}
