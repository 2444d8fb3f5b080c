package dev.llama3.backend;

import dev.llama3.model.LlamaModel;
import dev.llama3.model.LlamaWeights;
import dev.llama3.tensor.ComputePool;
import dev.llama3.tensor.WeightMatrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the matrix kernels compiled while the engine is still loading.
 *
 * <p>Until the JIT has compiled them, Vector API kernels run interpreted, where every vector operation allocates:
 * a fresh JVM's first prompt used to take three to four times as long as the next. Loading spends a few hundred
 * milliseconds building the tokenizer on one thread while the other cores idle; this daemon thread uses that time
 * to run each distinct kernel of the model (weight format x row length) on the first rows of the real weight
 * matrices — the same code, data layout and shapes as the real forward pass, so the compiled code is what the
 * real work needs — for prompt-sized batches, a prompt's last token and decoded tokens. It stops at the first real
 * forward pass (so it never competes with one for long) or after a time budget.
 */
final class KernelWarmup implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(KernelWarmup.class);
    private static final int ROWS = 16;
    private static final int BATCH = 16;
    private static final long BUDGET_NANOS = 3_000_000_000L;

    /**
     * Calls of the feed-forward gate ({@link LlamaModel#warmUpGate}) on rows of GATE_VALUES, before the matrices.
     * Without them a cold JVM's first prompt ran the gate in C1's code, which boxes every vector, for about 0.4 s
     * (16-token prompt, 1B Q8_0: 1.47-2.03 against 1.18-1.51 s to the first token). Sixteen calls are enough for C2
     * under bin/llama3's thresholds (a hundredth of the usual), and each is a fraction of a millisecond before then.
     * Measured and not kept: the gate after the first round of matrices (the first prompt stopped this thread before
     * it got there) or after the first prompt product (1.24-1.60 s): its compilation (about 50 ms of C2's one
     * thread) then delays the prompt kernels' while the prompt already waits for them.
     */
    private static final int GATE_CALLS = 16;
    private static final int GATE_VALUES = 1024;

    private final LlamaModel model;
    private final List<WeightMatrix> samples;
    private volatile boolean stop;

    private KernelWarmup(LlamaModel model, List<WeightMatrix> samples) {
        this.model = model;
        this.samples = samples;
    }

    /** Starts warming up {@code model}'s kernels on a daemon thread. */
    static KernelWarmup start(LlamaModel model) {
        Map<String, WeightMatrix> distinct = new LinkedHashMap<>();
        LlamaWeights w = model.weights();
        List<WeightMatrix> all = new ArrayList<>();
        for (LlamaWeights.Layer l : w.layers()) {
            all.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.ffnGate(), l.ffnUp(), l.ffnDown()));
        }
        all.add(w.output());
        for (WeightMatrix m : all) {
            distinct.computeIfAbsent(m.type() + "/" + m.cols(), k -> WeightMatrix.of(m.name() + "[warm-up]", m.type(),
                    m.data().asSlice(0, Math.min(ROWS, m.rows()) * m.rowBytes()), Math.min(ROWS, m.rows()), m.cols()));
        }
        KernelWarmup warmup = new KernelWarmup(model, List.copyOf(distinct.values()));
        Thread.ofPlatform().daemon().name("llama3-warmup").start(warmup);
        return warmup;
    }

    /** Asks the thread to finish its current matrix product and end. */
    void stop() {
        stop = true;
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        int maxCols = 0;
        for (WeightMatrix m : samples) {
            maxCols = Math.max(maxCols, m.cols());
        }
        float[] x = new float[BATCH * maxCols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37);
        }
        float[] out = new float[BATCH * ROWS];
        int rounds = 0;
        try (ComputePool single = new ComputePool(1)) {
            model.warmUpGate(GATE_CALLS, GATE_VALUES); // first: see GATE_CALLS
            while (!stop && System.nanoTime() - start < BUDGET_NANOS) {
                for (WeightMatrix m : samples) {
                    if (stop) {
                        break;
                    }
                    m.matmulPrompt(single, x, BATCH, out); // a prompt
                    m.matmulPrompt(single, x, 1, out); // its last token's logits
                    m.matmul(single, x, 1, out); // decoding
                }
                rounds++;
            }
        } catch (RuntimeException e) {
            log.debug("Kernel warm-up stopped: {}", e.toString());
        }
        log.debug("Kernel warm-up: {} rounds over {} kernels in {} ms", rounds, samples.size(),
                (System.nanoTime() - start) / 1_000_000);
    }
}
