package dev.llama3.model;

import java.util.Arrays;
import java.util.Locale;

/** Hyper-parameters of well-known Llama 3 sizes, for synthetic models (benchmarks, tests). */
public enum ModelShape {
    /** The fixtures' small shape: runs anywhere in milliseconds. */
    TINY("tiny", 64, 2, 4, 2, 192, true, 2048),
    LLAMA_3_2_1B("llama-3.2-1b", 2048, 16, 32, 8, 8192, true, 131072),
    LLAMA_3_2_3B("llama-3.2-3b", 3072, 28, 24, 8, 8192, true, 131072),
    LLAMA_3_1_8B("llama-3.1-8b", 4096, 32, 32, 8, 14336, false, 131072);

    private final String id;
    private final int embeddingLength;
    private final int blockCount;
    private final int headCount;
    private final int headCountKv;
    private final int feedForwardLength;
    private final boolean tiedEmbeddings;
    private final int contextLength;

    ModelShape(String id, int embeddingLength, int blockCount, int headCount, int headCountKv, int feedForwardLength,
            boolean tiedEmbeddings, int contextLength) {
        this.id = id;
        this.embeddingLength = embeddingLength;
        this.blockCount = blockCount;
        this.headCount = headCount;
        this.headCountKv = headCountKv;
        this.feedForwardLength = feedForwardLength;
        this.tiedEmbeddings = tiedEmbeddings;
        this.contextLength = contextLength;
    }

    public String id() {
        return id;
    }

    public int embeddingLength() {
        return embeddingLength;
    }

    public int blockCount() {
        return blockCount;
    }

    public int headCount() {
        return headCount;
    }

    public int headCountKv() {
        return headCountKv;
    }

    public int feedForwardLength() {
        return feedForwardLength;
    }

    public boolean tiedEmbeddings() {
        return tiedEmbeddings;
    }

    public int contextLength() {
        return contextLength;
    }

    public int headDim() {
        return embeddingLength / headCount;
    }

    public static ModelShape byId(String id) {
        for (ModelShape s : values()) {
            if (s.id.equals(id.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown shape '" + id + "'; known: "
                + Arrays.stream(values()).map(ModelShape::id).toList());
    }
}
