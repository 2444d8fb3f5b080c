package dev.llama3.spring.autoconfigure;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Checks {@link Llama3Properties} before anything is loaded, so a bad setting fails startup with a message that
 * names the property, its value, the allowed range and what to write instead.
 */
final class Llama3PropertiesValidator {

    private static final String P = Llama3Properties.PREFIX + ".";

    private Llama3PropertiesValidator() {}

    /** The settings the engine is loaded with (the model file itself is checked when it is opened). */
    static void validateEngine(Llama3Properties p) {
        Integer threads = p.getThreads();
        if (threads != null && threads <= 0) {
            throw invalid("threads", threads, "the number of compute threads must be at least 1",
                    "Set it to a positive number, or remove it to use one thread per available processor ("
                            + Runtime.getRuntime().availableProcessors() + ").");
        }
        if (p.getContextLength() < 0) {
            throw invalid("context-length", p.getContextLength(), "the context length cannot be negative",
                    "Set it to the number of positions a conversation needs (e.g. 4096), or to 0 for the model's "
                            + "trained context (capped at 8192).");
        }
        if (p.getBatchSize() <= 0) {
            throw invalid("batch-size", p.getBatchSize(), "the prompt batch size must be at least 1",
                    "Set it to a positive number of tokens (the default is 64), or remove it.");
        }
        if (p.getMaxBatchSequences() <= 0) {
            throw invalid("max-batch-sequences", p.getMaxBatchSequences(),
                    "at least one conversation must fit in a decode batch",
                    "Set it to a positive number (the default is 8), or remove it.");
        }
    }

    /** The default chat options: the same ranges the sampler enforces for every request. */
    static void validateChat(Llama3Properties.Chat c) {
        if (!(c.getTemperature() >= 0) || Double.isInfinite(c.getTemperature())) {
            throw invalid("chat.temperature", c.getTemperature(), "the temperature must be a finite number >= 0",
                    "Use 0 for deterministic (greedy) replies or a value such as 0.7; the default is 0.8.");
        }
        if (!(c.getTopP() > 0 && c.getTopP() <= 1)) {
            throw invalid("chat.top-p", c.getTopP(), "top-p must be in (0, 1]",
                    "Use a value such as 0.9, or 1 to disable nucleus sampling; the default is 0.95.");
        }
        if (c.getTopK() < 0) {
            throw invalid("chat.top-k", c.getTopK(), "top-k cannot be negative",
                    "Use a value such as 40, or 0 to disable top-k sampling.");
        }
        if (!(c.getMinP() >= 0 && c.getMinP() <= 1)) {
            throw invalid("chat.min-p", c.getMinP(), "min-p must be in [0, 1]",
                    "Use a value such as 0.05, or 0 to disable min-p sampling.");
        }
        Integer maxTokens = c.getMaxTokens();
        if (maxTokens != null && maxTokens <= 0) {
            throw invalid("chat.max-tokens", maxTokens, "a reply must be allowed at least one token",
                    "Set it to a positive number of tokens, or remove it to let replies run until the model "
                            + "ends its turn or the context is full.");
        }
        if (!(c.getRepetitionPenalty() > 0) || Double.isInfinite(c.getRepetitionPenalty())) {
            throw invalid("chat.repetition-penalty", c.getRepetitionPenalty(),
                    "the repetition penalty must be a finite number > 0",
                    "Use a value such as 1.1, or 1 to disable it.");
        }
        if (!Double.isFinite(c.getFrequencyPenalty())) {
            throw invalid("chat.frequency-penalty", c.getFrequencyPenalty(),
                    "the frequency penalty must be a finite number", "Use a value such as 0.5, or 0 to disable it.");
        }
        if (!Double.isFinite(c.getPresencePenalty())) {
            throw invalid("chat.presence-penalty", c.getPresencePenalty(),
                    "the presence penalty must be a finite number", "Use a value such as 0.5, or 0 to disable it.");
        }
        List<String> stop = c.getStop();
        for (int i = 0; i < stop.size(); i++) {
            String s = stop.get(i);
            if (s == null || s.isEmpty()) {
                throw invalid("chat.stop[" + i + "]", s, "an empty stop sequence would end every reply at once",
                        "Remove the empty entry or give it some text.");
            }
        }
    }

    private static InvalidLlama3PropertyException invalid(String name, @Nullable Object value, String problem,
            String action) {
        return new InvalidLlama3PropertyException(P + name, value, problem, action);
    }
}
