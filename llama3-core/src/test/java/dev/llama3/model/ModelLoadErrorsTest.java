package dev.llama3.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llama3.engine.EngineOptions;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.gguf.GgmlType;
import dev.llama3.gguf.GgufFile;
import dev.llama3.gguf.GgufTensorInfo;
import dev.llama3.gguf.GgufWriter;
import dev.llama3.tensor.ComputePool;
import dev.llama3.tensor.UnsupportedTensorTypeException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that are valid GGUF but not a usable Llama model are refused at load time with a message naming the problem. */
class ModelLoadErrorsTest {
    @TempDir
    static Path dir;
    static Path good;

    @BeforeAll
    static void synthesize() throws IOException {
        good = dir.resolve("good.gguf");
        try (ComputePool pool = new ComputePool(1)) {
            new SyntheticModel(ModelShape.TINY, SyntheticModel.WeightFormat.F32, 1, null).write(good, pool);
        }
    }

    /** Copies the good model, letting {@code edit} change metadata, and dropping or retyping tensors. */
    static Path variant(String name, Consumer<GgufWriter> edit, String dropTensor, String retypeTensor) throws IOException {
        Path out = dir.resolve(name + ".gguf");
        try (GgufFile src = GgufFile.open(good)) {
            GgufWriter w = new GgufWriter().putAll(src);
            edit.accept(w);
            for (GgufTensorInfo t : src.tensors()) {
                if (t.name().equals(dropTensor)) {
                    continue;
                }
                if (t.name().equals(retypeTensor)) {
                    // same element count, stored as Q8_K (an activation-only type): 256 values per 292-byte block
                    long elements = t.elementCount();
                    w.addTensor(t.name(), GgmlType.Q8_K, new long[] {256, elements / 256},
                            new byte[(int) GgmlType.Q8_K.byteSize(elements)]);
                    continue;
                }
                w.addTensor(t.name(), t.type(), t.shape(), src.data(t));
            }
            w.write(out);
        }
        return out;
    }

    static void load(Path p) throws IOException {
        try (LlamaEngine e = LlamaEngine.load(p, EngineOptions.builder().threads(1).build())) {
            e.config();
        }
    }

    @Test
    void notALlamaModel() throws IOException {
        Path p = variant("gemma", w -> w.putString("general.architecture", "gemma"), null, null);
        assertThatThrownBy(() -> load(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gemma").hasMessageContaining("llama").hasMessageContaining(p.toString());
    }

    @Test
    void missingTensor() throws IOException {
        Path p = variant("no-ffn", w -> {}, "blk.1.ffn_down.weight", null);
        assertThatThrownBy(() -> load(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blk.1.ffn_down.weight").hasMessageContaining("missing");
    }

    @Test
    void missingMetadata() throws IOException {
        Path p = variant("no-blocks", w -> w.remove("llama.block_count"), null, null);
        assertThatThrownBy(() -> load(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("llama.block_count");
    }

    @Test
    void unsupportedTensorType() throws IOException {
        Path p = variant("q8k", w -> {}, null, "blk.0.ffn_up.weight");
        assertThatThrownBy(() -> load(p)).isInstanceOf(UnsupportedTensorTypeException.class)
                .hasMessageContaining("blk.0.ffn_up.weight").hasMessageContaining("Q8_K");
    }

    @Test
    void inconsistentHeads() throws IOException {
        Path p = variant("heads", w -> w.putUInt32("llama.attention.head_count_kv", 3), null, null);
        assertThatThrownBy(() -> load(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("head_count");
    }
}
