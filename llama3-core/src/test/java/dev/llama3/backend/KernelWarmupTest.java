package dev.llama3.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.engine.EngineOptions;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.engine.Session;
import dev.llama3.model.ModelShape;
import dev.llama3.model.SyntheticModel;
import dev.llama3.tensor.ComputePool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelWarmupTest {
    @TempDir
    Path dir;

    private static Optional<Thread> warmupThread() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("llama3-warmup"))
                .filter(Thread::isAlive).findFirst();
    }

    @Test
    void warmUpRunsDuringLoadAndStopsAtTheFirstRealForwardPass() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        try (ComputePool pool = new ComputePool(2)) {
            new SyntheticModel(ModelShape.TINY, SyntheticModel.WeightFormat.Q4_0, 5, null).write(model, pool);
        }
        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(2).build());
                Session s = engine.newSession()) {
            Optional<Thread> running = warmupThread();
            float[] before = s.evaluate(new int[] {1, 2, 3}).clone();
            if (running.isPresent()) {
                running.get().join(5_000);
                assertThat(running.get().isAlive()).as("warm-up still running after the first forward pass").isFalse();
            }
            // warm-up never touches a session: results are those of an engine loaded without it
            System.setProperty(LlamaEngine.WARMUP_PROPERTY, "false");
            try (LlamaEngine cold = LlamaEngine.load(model, EngineOptions.builder().threads(2).build());
                    Session c = cold.newSession()) {
                assertThat(c.evaluate(new int[] {1, 2, 3})).containsExactly(before);
            } finally {
                System.clearProperty(LlamaEngine.WARMUP_PROPERTY);
            }
        }
    }

    @Test
    void gateWarmUpLeavesResultsAsTheyWere() throws Exception {
        Path model = dir.resolve("tiny-gate.gguf");
        try (ComputePool pool = new ComputePool(2)) {
            new SyntheticModel(ModelShape.TINY, SyntheticModel.WeightFormat.Q8_0, 7, null).write(model, pool);
        }
        System.setProperty(LlamaEngine.WARMUP_PROPERTY, "false");
        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(2).build())) {
            float[] before;
            try (Session s = engine.newSession()) {
                before = s.evaluate(new int[] {4, 5, 6}).clone();
            }
            engine.model().warmUpGate(0, 64);
            engine.model().warmUpGate(3, 1 << 20); // more values than the feed-forward width: clamped to it
            try (Session s = engine.newSession()) {
                assertThat(s.evaluate(new int[] {4, 5, 6})).containsExactly(before);
            }
        } finally {
            System.clearProperty(LlamaEngine.WARMUP_PROPERTY);
        }
    }
}
