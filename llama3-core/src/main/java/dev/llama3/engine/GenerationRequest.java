package dev.llama3.engine;

import dev.llama3.constrain.Constraint;
import dev.llama3.sampling.SamplingOptions;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One generation: how to sample, how much, and when to stop.
 *
 * @param sampling sampler settings (temperature 0 = greedy)
 * @param maxTokens most tokens to generate
 * @param stopStrings text that ends generation (not included in the output)
 * @param stopTokens token ids that end generation (not included in the text); empty = never stop on a token
 * @param constraint what the output must look like (e.g. JSON of a schema), or null for free text. With a
 *     constraint, stop tokens and the tokenizer's end-of-generation tokens are allowed only where the output is
 *     complete, and generation also ends (STOP) where the output is complete and nothing may follow.
 */
public record GenerationRequest(SamplingOptions sampling, int maxTokens, List<String> stopStrings, Set<Integer> stopTokens,
        Constraint constraint) {

    public GenerationRequest {
        Objects.requireNonNull(sampling, "sampling");
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
        stopStrings = List.copyOf(stopStrings);
        stopTokens = Set.copyOf(stopTokens);
    }

    /** An unconstrained generation. */
    public GenerationRequest(SamplingOptions sampling, int maxTokens, List<String> stopStrings, Set<Integer> stopTokens) {
        this(sampling, maxTokens, stopStrings, stopTokens, null);
    }

    /** This request with a constraint on the output (null: none). */
    public GenerationRequest withConstraint(Constraint constraint) {
        return new GenerationRequest(sampling, maxTokens, stopStrings, stopTokens, constraint);
    }
}
