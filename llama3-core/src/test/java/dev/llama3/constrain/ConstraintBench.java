package dev.llama3.constrain;

import dev.llama3.tokenizer.Llama3Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Per-token cost of constrained decoding (mask + accept) on the real 128K vocabulary, for a schema-constrained object
 * and for tool calls with three tools. Tokens are chosen at random among the allowed ones (closing tokens more likely
 * as the output grows), so strings, numbers and structure all occur.
 *
 * <pre>
 * ./mvnw -B -ntp -q test-compile -pl llama3-core
 * java -cp "llama3-core/target/test-classes:llama3-core/target/classes:$(cat /tmp/cp.txt)" \
 *     dev.llama3.constrain.ConstraintBench [fixtures dir] [generations]
 * </pre>
 */
public final class ConstraintBench {
    private ConstraintBench() {}

    public static void main(String[] args) {
        Path fixtures = Path.of(args.length > 0 ? args[0] : "../shared/fixtures");
        int generations = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path model = fixtures.resolve("models/tiny64-q4_0.gguf");
        if (!Files.exists(model)) {
            System.err.println("fixture " + model + " not found; pass the fixtures directory as the first argument");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        Llama3Tokenizer tokenizer = Vocabularies.load(model);
        long t1 = System.nanoTime();
        TokenIndex index = TokenIndex.of(tokenizer);
        long t2 = System.nanoTime();
        System.out.printf(Locale.ROOT, "vocabulary: %d tokens (loaded in %.0f ms); token index: %d trie nodes, %d"
                + " tokens with '\"', built in %.0f ms%n", tokenizer.vocabSize(), (t1 - t0) / 1e6, index.nodeCount(),
                index.exitTokens.length, (t2 - t1) / 1e6);

        Constraint schema = JsonConstraints.forSchema(tokenizer, JsonSchema.parse(Schemas.FILM));
        Constraint tools = JsonConstraints.forToolCalls(tokenizer, Schemas.tools(), ToolChoice.AUTO);
        Constraint toolsRequired = JsonConstraints.forToolCalls(tokenizer, Schemas.tools(), ToolChoice.REQUIRED);
        for (int round = 0; round < 2; round++) {
            String label = round == 0 ? "warm-up" : "measured";
            run(label + " schema (Film record, BeanOutputConverter style)", tokenizer, schema, generations);
            run(label + " tool calls (3 tools, AUTO, calls only)", tokenizer, tools, generations);
            run(label + " tool calls (3 tools, REQUIRED)", tokenizer, toolsRequired, generations);
        }
    }

    private static void run(String label, Llama3Tokenizer tokenizer, Constraint constraint, int generations) {
        SplittableRandom random = new SplittableRandom(1);
        TokenIndex index = TokenIndex.of(tokenizer);
        float[] logits = new float[tokenizer.vocabSize()];
        int[] allowed = new int[logits.length];
        long maskNanos = 0;
        long acceptNanos = 0;
        long[] perToken = new long[generations * 301];
        int tokens = 0;
        int completed = 0;
        for (int g = 0; g < generations; g++) {
            TokenConstraint c = constraint.start();
            boolean first = true;
            for (int step = 0; step < 300; step++) {
                Arrays.fill(logits, 0f);
                long a = System.nanoTime();
                c.mask(logits);
                long b = System.nanoTime();
                int n = 0;
                for (int i = 0; i < logits.length; i++) {
                    if (logits[i] == 0f) {
                        allowed[n++] = i;
                    }
                }
                if (n == 0) {
                    completed++;
                    break;
                }
                int pick = pick(index, tokenizer, allowed, n, random, step, first);
                first = false;
                if (tokenizer.endOfGenerationIds().contains(pick)) {
                    completed++;
                    maskNanos += b - a;
                    perToken[tokens++] = b - a;
                    break;
                }
                long d = System.nanoTime();
                c.accept(pick);
                long e = System.nanoTime();
                maskNanos += b - a;
                acceptNanos += e - d;
                perToken[tokens++] = (b - a) + (e - d);
            }
        }
        long[] sorted = Arrays.copyOf(perToken, tokens);
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-58s %6d tokens, %3d/%d complete: mask %.3f + accept %.3f = %.3f ms/token"
                + " (p50 %.3f, p99 %.3f, max %.2f ms)%n", label, tokens, completed, generations,
                maskNanos / 1e6 / tokens, acceptNanos / 1e6 / tokens, (maskNanos + acceptNanos) / 1e6 / tokens,
                sorted[tokens / 2] / 1e6, sorted[(int) (tokens * 0.99)] / 1e6, sorted[tokens - 1] / 1e6);
    }

    /**
     * A random allowed token; closing tokens get likelier as the output grows. In AUTO tool mode the first token is
     * '{'-led when one is allowed, so the benchmark measures calls rather than free text.
     */
    private static int pick(TokenIndex index, Llama3Tokenizer tokenizer, int[] allowed, int n, SplittableRandom random,
            int step, boolean first) {
        if (first) {
            for (int i = 0; i < n; i++) {
                byte[] b = index.bytes[allowed[i]];
                if (b != null && b[0] == '{') {
                    return allowed[i];
                }
            }
        }
        if (random.nextInt(300) < 20 + 4 * step) {
            int start = random.nextInt(n);
            for (int k = 0; k < n; k++) {
                int id = allowed[(start + k) % n];
                byte[] b = index.bytes[id];
                if (b == null ? tokenizer.endOfGenerationIds().contains(id) : closes(b)) {
                    return id;
                }
            }
        }
        return allowed[random.nextInt(n)];
    }

    private static boolean closes(byte[] b) {
        for (byte x : b) {
            if (x == '"' || x == '}' || x == ']') {
                return true;
            }
        }
        return false;
    }
}
