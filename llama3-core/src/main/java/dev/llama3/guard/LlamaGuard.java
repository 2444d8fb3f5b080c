package dev.llama3.guard;

import dev.llama3.chat.ChatMessage;
import dev.llama3.engine.BoundedPrefixCache;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.engine.PrefixCache;
import dev.llama3.engine.Session;
import dev.llama3.tokenizer.Llama3Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Llama Guard classifier running on a loaded guard model.
 *
 * <p>The verdict comes from the model's distribution over its first answer token, as in Meta's reference: with
 * {@code p = P(unsafe)} (the softmax probability of the first token of the word {@code unsafe}), the message is
 * unsafe when {@code p >= threshold} — so threshold 0 blocks everything and 1 lets everything through but
 * certainties. For an unsafe verdict the model then names the violated categories, decoded greedily and held to
 * {@link CategoryLine}: only codes of the policy can come out.
 *
 * <p>Llama Guard 3's answer starts on a new line after the assistant header ({@code \n\nsafe}); those two newlines
 * are fed as given before the verdict token is read, exactly as if the model had generated them. Guard 2 answers
 * right after {@code [/INST]} with a leading space ({@code " safe"}).
 *
 * <p>Thread-safe: each check uses its own session.
 */
public final class LlamaGuard {
    /** Most category tokens decoded after {@code unsafe} (a dozen codes fit). */
    private static final int MAX_CATEGORY_TOKENS = 48;

    private final LlamaEngine engine;
    private final GuardPrompt prompt;
    private final int[] answerPrefix;
    private final int unsafeToken;
    private final int[] unsafeRest;
    private final CategoryLine categoryLine;
    private final Set<Integer> endTokens;
    private final PrefixCache prefixes;
    private volatile String[] pieces;

    /**
     * A guard that keeps the last few prompts' keys and values (up to 64 MiB): every prompt starts with the same
     * policy text, a few hundred tokens that are then evaluated once instead of on every check.
     */
    public LlamaGuard(LlamaEngine engine, GuardPolicy policy) {
        this(engine, policy, new BoundedPrefixCache(64L << 20));
    }

    /** @param prefixes where evaluated prompts are kept for the next checks (results are identical either way) */
    public LlamaGuard(LlamaEngine engine, GuardPolicy policy, PrefixCache prefixes) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.prefixes = Objects.requireNonNull(prefixes, "prefixes");
        Llama3Tokenizer tokenizer = engine.tokenizer();
        this.prompt = new GuardPrompt(tokenizer, policy);
        boolean guard3 = policy.version() == GuardVersion.GUARD_3;
        this.answerPrefix = guard3 ? tokenizer.encode("\n\n") : new int[0];
        int[] unsafe = tokenizer.encode(guard3 ? "unsafe" : " unsafe");
        this.unsafeToken = unsafe[0];
        this.unsafeRest = java.util.Arrays.copyOfRange(unsafe, 1, unsafe.length);
        this.categoryLine = new CategoryLine(policy.categories().stream().map(GuardCategory::code)
                .collect(Collectors.toSet()));
        this.endTokens = engine.chatFormat().stopTokens();
    }

    public GuardPolicy policy() {
        return prompt.policy();
    }

    /** The prompt renderer (for tests and for callers that log what is classified). */
    public GuardPrompt prompt() {
        return prompt;
    }

    /**
     * Classifies the last user or assistant message of {@code conversation}.
     *
     * @param threshold unsafe when P(unsafe) is at least this, in [0, 1]
     * @throws IllegalArgumentException when the conversation has no user or assistant message, or the prompt does
     *     not fit the guard model's context
     */
    public GuardVerdict check(List<ChatMessage> conversation, double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
        }
        int[] tokens = prompt.render(conversation);
        try (Session session = engine.newSession()) {
            int[] prompt = concat(tokens, answerPrefix);
            float[] logits = session.evaluate(session.reusePrefix(prompt, prefixes));
            double p = probability(logits, unsafeToken);
            prefixes.put(session.snapshot());
            if (p < threshold) {
                return new GuardVerdict(true, List.of(), p, "model");
            }
            return new GuardVerdict(false, categories(session), p, "model");
        }
    }

    /** Greedy decoding of the category line after the word {@code unsafe}, restricted to the policy's codes. */
    private List<String> categories(Session session) {
        if (session.position() + unsafeRest.length + MAX_CATEGORY_TOKENS >= session.contextLength()) {
            return List.of();
        }
        float[] current = session.evaluate(concat(new int[] {unsafeToken}, unsafeRest));
        String[] texts = pieces();
        StringBuilder line = new StringBuilder();
        for (int step = 0; step < MAX_CATEGORY_TOKENS; step++) {
            boolean complete = categoryLine.complete(line);
            int best = -1;
            float bestLogit = Float.NEGATIVE_INFINITY;
            for (int id = 0; id < texts.length; id++) {
                if (current[id] <= bestLogit) {
                    continue;
                }
                boolean allowed = complete && endTokens.contains(id)
                        || texts[id] != null && !texts[id].isEmpty() && categoryLine.viable(line + texts[id]);
                if (allowed) {
                    best = id;
                    bestLogit = current[id];
                }
            }
            if (best < 0 || endTokens.contains(best)) {
                break;
            }
            line.append(texts[best]);
            current = session.evaluate(new int[] {best});
        }
        if (!categoryLine.complete(line)) {
            return List.of();
        }
        Set<String> codes = new LinkedHashSet<>();
        for (String part : line.toString().strip().split(",")) {
            codes.add(part.strip());
        }
        return new ArrayList<>(codes);
    }

    /** Each token's text when it is printable ASCII or a newline (all a category line can contain), else null. */
    private String[] pieces() {
        String[] p = pieces;
        if (p == null) {
            Llama3Tokenizer t = engine.tokenizer();
            p = new String[t.vocabSize()];
            for (int id = 0; id < p.length; id++) {
                if (t.isSpecial(id)) {
                    continue;
                }
                byte[] bytes = t.tokenBytes(id);
                boolean ascii = true;
                for (byte b : bytes) {
                    ascii &= b == '\n' || (b >= 0x20 && b < 0x7f);
                }
                if (ascii) {
                    p[id] = new String(bytes, StandardCharsets.US_ASCII);
                }
            }
            pieces = p;
        }
        return p;
    }

    /** Softmax probability of {@code id}, computed in double with the maximum subtracted. */
    static double probability(float[] logits, int id) {
        int n = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(logits[i] - max);
        }
        return Math.exp(logits[id] - max) / sum;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
