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
import tools.jackson.databind.ObjectMapper;

/**
 * {@code llama3 bench}, in the manner of llama-bench: {@code pp<N>} evaluates N random tokens as a prompt from
 * an empty context (in batches), {@code tg<N>} decodes N tokens one at a time from an empty context; each
 * test runs once to warm up, then {@code -r} times, reporting mean ± standard deviation of tokens/s.
 */
final class BenchCommand {

    record Result(String test, int promptTokens, int generatedTokens, double[] samples) {
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
        Args a = new Args(argv, Set.of("json"));
        Path model = a.path("model");
        List<Integer> prompts = a.integers("p", List.of(128, 512));
        List<Integer> gens = a.integers("n", List.of(64));
        int reps = a.integer("r", 3);
        int threads = a.integer("t", ComputePool.defaultThreads());
        int batch = a.integer("b", 64);
        boolean json = a.flag("json");
        a.rejectUnknown();
        if (reps <= 0) {
            throw new CliException("-r must be positive");
        }
        int maxTokens = 1;
        for (int p : prompts) {
            maxTokens = Math.max(maxTokens, p);
        }
        for (int n : gens) {
            maxTokens = Math.max(maxTokens, n);
        }
        EngineOptions options = EngineOptions.builder().threads(threads).contextLength(maxTokens + 1).batchSize(batch).build();
        List<Result> results = new ArrayList<>();
        try (LlamaEngine engine = LlamaEngine.load(model, options); Session session = engine.newSession()) {
            int vocab = engine.config().vocabSize();
            SplittableRandom random = new SplittableRandom(42);
            for (int p : prompts) {
                if (p <= 0) {
                    continue;
                }
                int[] ids = random.ints(p, 0, vocab).toArray();
                results.add(measure("pp" + p, p, 0, reps, () -> {
                    session.reset();
                    session.evaluate(ids);
                }));
            }
            for (int n : gens) {
                if (n <= 0) {
                    continue;
                }
                int[] one = new int[1];
                results.add(measure("tg" + n, 0, n, reps, () -> {
                    session.reset();
                    for (int i = 0; i < n; i++) {
                        one[0] = random.nextInt(vocab);
                        session.evaluate(one);
                    }
                }));
            }
            report(out, json, model, engine, threads, results);
        }
        return 0;
    }

    private static Result measure(String test, int p, int n, int reps, Runnable body) {
        body.run(); // warm-up: JIT compilation and page faults on the mapped weights
        double[] samples = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            body.run();
            long dt = System.nanoTime() - t0;
            samples[r] = (p + n) * 1e9 / dt;
        }
        return new Result(test, p, n, samples);
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
                row.put("kernels", Kernels.describe());
                row.put("test", r.test());
                row.put("n_prompt", r.promptTokens());
                row.put("n_gen", r.generatedTokens());
                row.put("avg_ts", round(r.mean()));
                row.put("stddev_ts", round(r.stddev()));
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
            out.printf(Locale.ROOT, "| %-28s | %6.2f GiB | %-14s | %7d | %6s | %9.2f ± %6.2f |%n",
                    model.getFileName(), size / (double) (1L << 30), types, threads, r.test(), r.mean(), r.stddev());
        }
        out.println("kernels: " + Kernels.describe());
    }

    private static String typeSummary(LlamaEngine engine) {
        return engine.model().weights().layers().get(0).ffnDown().type().toString();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
