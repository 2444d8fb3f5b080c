package dev.llama3.cli;

import dev.llama3.engine.EngineOptions;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.engine.Session;
import dev.llama3.tensor.ComputePool;
import dev.llama3.tensor.Kernels;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code llama3 bench}, in the manner of llama-bench: {@code pp<N>} evaluates N random tokens as a prompt from
 * an empty context (in batches), {@code tg<N>} decodes N tokens one at a time from an empty context; each
 * test runs once to warm up, then {@code -r} times, reporting mean ± standard deviation of tokens/s.
 */
final class BenchCommand {
    private static final Logger log = LoggerFactory.getLogger(BenchCommand.class);

    record Result(String test, int promptTokens, int generatedTokens, int concurrency, double[] samples) {
        double mean() {
            double s = 0;
            for (double v : samples) {
                s += v;
            }
            return s / samples.length;
        }

        double stddev() {
            if (samples.length < 2) {
                return 0;
            }
            double m = mean();
            double s = 0;
            for (double v : samples) {
                s += (v - m) * (v - m);
            }
            return Math.sqrt(s / (samples.length - 1));
        }
    }

    int run(List<String> argv, PrintStream out, PrintStream err) throws IOException {
        Args a = new Args(argv, Set.of("json", "prefix-reuse"));
        Path model = a.path("model");
        List<Integer> prompts = a.integers("p", List.of(128, 512));
        List<Integer> gens = a.integers("n", List.of(64));
        int reps = a.integer("r", 3);
        int threads = a.integer("t", ComputePool.defaultThreads());
        int batch = a.integer("b", 64);
        int concurrency = a.integer("concurrency", 1);
        boolean json = a.flag("json");
        boolean prefixReuse = a.flag("prefix-reuse");
        String backend = a.backend();
        a.rejectUnknown();
        if (reps <= 0) {
            throw new CliException("-r must be positive");
        }
        if (concurrency <= 0) {
            throw new CliException("--concurrency must be positive");
        }
        int maxTokens = 1;
        for (int p : prompts) {
            maxTokens = Math.max(maxTokens, p);
        }
        for (int n : gens) {
            maxTokens = Math.max(maxTokens, n);
        }
        if (prefixReuse) {
            maxTokens += NEW_TURN_TOKENS;
        }
        EngineOptions options = EngineOptions.builder().threads(threads).contextLength(maxTokens + 1).batchSize(batch)
                .maxBatchSequences(Math.max(8, concurrency)).backend(backend).build();
        List<Result> results = new ArrayList<>();
        try (LlamaEngine engine = LlamaEngine.load(model, options); Session session = engine.newSession()) {
            int vocab = engine.config().vocabSize();
            SplittableRandom random = new SplittableRandom(42);
            for (int p : prompts) {
                if (p <= 0) {
                    continue;
                }
                int[] ids = random.ints(p, 0, vocab).toArray();
                results.add(measure(engine, "pp" + p, p, 0, 1, reps, () -> {
                    session.reset();
                    session.evaluate(ids);
                }));
            }
            for (int n : gens) {
                if (n <= 0) {
                    continue;
                }
                results.add(measure(engine, "tg" + n, 0, n, 1, reps, () -> {
                    session.reset();
                    for (int i = 0; i < n; i++) {
                        session.decode(random.nextInt(vocab));
                    }
                }));
                if (concurrency > 1) {
                    results.add(measureConcurrent(engine, n, concurrency, reps));
                }
            }
            if (prefixReuse) {
                for (int p : prompts) {
                    if (p > 0) {
                        results.add(measureTurn(engine, p, reps, false));
                        results.add(measureTurn(engine, p, reps, true));
                    }
                }
            }
            report(out, json, model, engine, threads, results);
        }
        return 0;
    }

    private static Result measure(LlamaEngine engine, String test, int p, int n, int concurrency, int reps,
                                  Runnable body) {
        body.run(); // warm-up: JIT compilation and page faults on the mapped weights
        awaitSteadyState(engine);
        double[] samples = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            body.run();
            long dt = System.nanoTime() - t0;
            samples[r] = (p + n) * concurrency * 1e9 / dt;
        }
        return new Result(concurrency > 1 ? test + "x" + concurrency : test, p, n, concurrency, samples);
    }

    /**
     * Lets the backend finish what it started after the first forward pass and that changes its speed (the weights
     * moving onto huge pages), so that every test measures the engine as it runs from then on.
     */
    private static void awaitSteadyState(LlamaEngine engine) {
        try {
            if (!engine.awaitBackgroundWork(java.time.Duration.ofMinutes(2))) {
                log.warn("The backend's background work did not finish in 2 minutes; measuring anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Tokens of the new user message in the second-turn test. */
    private static final int NEW_TURN_TOKENS = 16;

    /**
     * Time to first token of a conversation's second turn: {@code p} tokens already evaluated in the first turn,
     * {@value #NEW_TURN_TOKENS} new ones. Cold evaluates all {@code p + 16}; with reuse, a new session restores the
     * first turn's snapshot from a prefix cache and evaluates the 16. Samples are tokens/s of the whole prompt
     * ({@code (p + 16) / ttft}), so the table stays comparable; the JSON also gives milliseconds.
     */
    private static Result measureTurn(LlamaEngine engine, int p, int reps, boolean reuse) {
        int vocab = engine.config().vocabSize();
        SplittableRandom random = new SplittableRandom(7);
        int[] first = random.ints(p, 0, vocab).toArray();
        int[] second = java.util.Arrays.copyOf(first, p + NEW_TURN_TOKENS);
        for (int i = p; i < second.length; i++) {
            second[i] = random.nextInt(vocab);
        }
        try (dev.llama3.engine.BoundedPrefixCache cache = new dev.llama3.engine.BoundedPrefixCache(Long.MAX_VALUE)) {
            if (reuse) {
                try (Session s = engine.newSession()) {
                    s.evaluate(first);
                    cache.put(s.snapshot());
                }
            }
            String test = (reuse ? "turn2-reuse-" : "turn2-cold-") + p + "+" + NEW_TURN_TOKENS;
            return measure(engine, test, p + NEW_TURN_TOKENS, 0, 1, reps, () -> {
                try (Session s = engine.newSession()) {
                    int[] todo = reuse ? s.reusePrefix(second, cache) : second;
                    s.evaluate(todo);
                }
            });
        }
    }

    /** {@code sessions} sessions decode {@code n} tokens each at the same time; aggregate tokens/s. */
    private static Result measureConcurrent(LlamaEngine engine, int n, int sessions, int reps) {
        int vocab = engine.config().vocabSize();
        List<Session> all = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            all.add(engine.newSession());
        }
        try {
            return measure(engine, "tg" + n, 0, n, sessions, reps, () -> {
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < sessions; i++) {
                    Session s = all.get(i);
                    SplittableRandom random = new SplittableRandom(1000 + i);
                    threads.add(Thread.ofPlatform().start(() -> {
                        s.reset();
                        for (int k = 0; k < n; k++) {
                            s.decode(random.nextInt(vocab));
                        }
                    }));
                }
                for (Thread t : threads) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted", e);
                    }
                }
            });
        } finally {
            all.forEach(Session::close);
        }
    }

    private static void report(PrintStream out, boolean json, Path model, LlamaEngine engine, int threads,
            List<Result> results) throws IOException {
        long size = Files.size(model);
        String types = typeSummary(engine);
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Result r : results) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("model", model.getFileName().toString());
                row.put("model_size", size);
                row.put("types", types);
                row.put("n_layer", engine.config().blockCount());
                row.put("n_embd", engine.config().embeddingLength());
                row.put("threads", threads);
                row.put("backend", engine.backendName());
                row.put("backend_description", engine.backendDescription());
                row.put("kernels", Kernels.describe());
                row.put("test", r.test());
                row.put("n_prompt", r.promptTokens());
                row.put("n_gen", r.generatedTokens());
                row.put("concurrency", r.concurrency());
                row.put("avg_ts", round(r.mean()));
                row.put("stddev_ts", round(r.stddev()));
                if (r.test().startsWith("turn2")) {
                    row.put("avg_ms", round((r.promptTokens() * 1000.0) / r.mean()));
                }
                List<Double> samples = new ArrayList<>();
                for (double s : r.samples()) {
                    samples.add(round(s));
                }
                row.put("samples_ts", samples);
                rows.add(row);
            }
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(rows));
            return;
        }
        out.printf(Locale.ROOT, "| %-28s | %10s | %-14s | %7s | %6s | %18s |%n", "model", "size", "types", "threads", "test", "t/s");
        out.printf("| %s | %s | %s | %s | %s | %s |%n", "-".repeat(28), "-".repeat(10), "-".repeat(14), "-".repeat(7),
                "-".repeat(6), "-".repeat(18));
        for (Result r : results) {
            out.printf(Locale.ROOT, "| %-28s | %6.2f GiB | %-14s | %7d | %6s | %9.2f ± %6.2f |%s%n",
                    model.getFileName(), size / (double) (1L << 30), types, threads, r.test(), r.mean(), r.stddev(),
                    r.test().startsWith("turn2")
                            ? String.format(Locale.ROOT, " time to first token %.0f ms", r.promptTokens() * 1000.0 / r.mean())
                            : "");
        }
        out.println("backend: " + engine.backendDescription());
    }

    /** The quantized types of the weights, most tensors first, e.g. {@code Q4_K+Q6_K} for a Q4_K_M file. */
    private static String typeSummary(LlamaEngine engine) {
        Map<String, Long> counts = engine.gguf().tensors().stream()
                .filter(t -> t.type() != dev.llama3.gguf.GgmlType.F32)
                .collect(java.util.stream.Collectors.groupingBy(t -> t.type().toString(),
                        java.util.stream.Collectors.counting()));
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(Map.Entry::getKey).collect(java.util.stream.Collectors.joining("+"));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
