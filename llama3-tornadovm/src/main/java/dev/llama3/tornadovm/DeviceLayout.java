package dev.llama3.tornadovm;

import dev.llama3.backend.BackendRequest;
import dev.llama3.model.LlamaConfig;
import dev.llama3.model.LlamaWeights;
import dev.llama3.tensor.WeightMatrix;
import java.util.ArrayList;
import java.util.List;

/** What the device holds for a model and how big it is, computed before anything is uploaded. */
record DeviceLayout(long weightBytes, long cacheBytes, long workBytes, long largestArrayBytes) {

    /**
     * The matrices every model needs on the device: every layer's, and the output (with tied embeddings also the
     * token embedding; an untied one is uploaded too when its type has a kernel, see {@link #embeddingOnDevice}).
     */
    static List<WeightMatrix> matrices(LlamaWeights w) {
        List<WeightMatrix> all = new ArrayList<>();
        for (LlamaWeights.Layer l : w.layers()) {
            all.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.ffnGate(), l.ffnUp(), l.ffnDown()));
        }
        all.add(w.output());
        return all;
    }

    /** Whether the tokens' rows are looked up on the device: the output matrix (tied) or the embedding matrix has a kernel. */
    static boolean embeddingOnDevice(LlamaWeights w) {
        return w.tiedEmbeddings() || DeviceMatrix.SUPPORTED.contains(w.tokenEmbedding().type());
    }

    /** Floats of one slot's keys (or values): {@code layers * kvHeads * context * headDim}. */
    static long slotFloats(LlamaConfig c, int context) {
        return (long) c.blockCount() * c.headCountKv() * context * c.headDim();
    }

    static DeviceLayout of(BackendRequest r, int slots) {
        LlamaConfig c = r.model().config();
        long weights = 0;
        long largest = 0;
        for (WeightMatrix m : matrices(r.model().weights())) {
            long b = DeviceMatrix.deviceBytes(m.type(), m.rows(), m.cols());
            weights += b;
            largest = Math.max(largest, b);
        }
        LlamaWeights w = r.model().weights();
        if (!w.tiedEmbeddings() && embeddingOnDevice(w)) {
            WeightMatrix e = w.tokenEmbedding();
            long b = DeviceMatrix.deviceBytes(e.type(), e.rows(), e.cols());
            weights += b;
            largest = Math.max(largest, b);
        }
        weights += 4L * c.embeddingLength() * (2L * c.blockCount() + 1); // norms
        long slot = 4 * slotFloats(c, r.contextLength());
        long caches = 2 * slots * slot;
        largest = Math.max(largest, slots * slot);
        int cap = r.batchCapacity();
        long work = 4L * cap * (4L * c.embeddingLength() + 2L * c.kvDim() + 2L * c.feedForwardLength())
                + 4L * r.maxSequences() * c.vocabSize() // logits
                + 2 * slot // staging for snapshots
                + 8L * r.contextLength() * (c.ropeDimensionCount() / 2); // RoPE tables
        return new DeviceLayout(weights, caches, work, largest);
    }

    long totalBytes() {
        return weightBytes + cacheBytes + workBytes;
    }
}
