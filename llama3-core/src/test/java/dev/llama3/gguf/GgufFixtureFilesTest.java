package dev.llama3.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.testing.Fixtures;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the shared fixture files and checks them against the fixtures README. */
class GgufFixtureFilesTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void readsVocabOnlyFile() throws Exception {
        Path path = Fixtures.require("tokenizer/ggml-vocab-llama-bpe.gguf");
        try (GgufFile f = GgufFile.open(path)) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.alignment()).isEqualTo(32);
            assertThat(f.tensors()).isEmpty();
            assertThat(f.getString("tokenizer.ggml.model")).isEqualTo("gpt2");
            assertThat(f.getString("tokenizer.ggml.pre")).isEqualTo("llama-bpe");
            List<String> tokens = f.getStringArray("tokenizer.ggml.tokens");
            assertThat(tokens).hasSize(128256);
            assertThat(tokens.get(128000)).isEqualTo("<|begin_of_text|>");
            assertThat(f.getStringArray("tokenizer.ggml.merges")).hasSize(280147);
            assertThat(f.getLong("tokenizer.ggml.bos_token_id")).isEqualTo(128000);
            assertThat(f.getLong("tokenizer.ggml.eos_token_id")).isEqualTo(128001);
            assertThat(f.findBoolean("tokenizer.ggml.add_bos_token")).contains(true);
            int[] types = f.getIntArray("tokenizer.ggml.token_type");
            assertThat(types).hasSize(128256);
            assertThat(types[0]).isEqualTo(1);
            assertThat(types[128255]).isEqualTo(3);
        }
    }

    @Test
    void opensVocabQuickly() throws Exception {
        Path path = Fixtures.require("tokenizer/ggml-vocab-llama-bpe.gguf");
        GgufFile.open(path).close(); // warm up class loading and the page cache
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            try (GgufFile f = GgufFile.open(path)) {
                assertThat(f.metadata()).isNotEmpty();
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        // generous bound for a shared 2-core machine; typical is far below
        assertThat(best / 1_000_000).as("open time in ms").isLessThan(1000);
    }

    @Test
    void readsTiny64F32Model() throws Exception {
        Path path = Fixtures.require("models/tiny64-f32.gguf");
        try (GgufFile f = GgufFile.open(path)) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.alignment()).isEqualTo(32);
            assertThat(f.has("general.alignment")).isFalse();
            assertThat(f.getString("general.architecture")).isEqualTo("llama");
            assertThat(f.getLong("llama.embedding_length")).isEqualTo(64);
            assertThat(f.getLong("llama.block_count")).isEqualTo(2);
            assertThat(f.getLong("llama.attention.head_count")).isEqualTo(4);
            assertThat(f.getLong("llama.attention.head_count_kv")).isEqualTo(2);
            assertThat(f.getLong("llama.feed_forward_length")).isEqualTo(192);
            assertThat(f.getLong("llama.context_length")).isEqualTo(2048);
            assertThat(f.getLong("llama.rope.dimension_count")).isEqualTo(16);
            assertThat(f.getDouble("llama.rope.freq_base")).isEqualTo(500000.0);
            assertThat(f.getDouble("llama.attention.layer_norm_rms_epsilon")).isEqualTo(9.999999747378752e-06);
            assertThat(f.getLong("llama.vocab_size")).isEqualTo(128256);
            assertThat(f.getString("tokenizer.ggml.pre")).isEqualTo("llama-bpe");
            assertThat(f.getStringArray("tokenizer.ggml.tokens")).hasSize(128256);
            assertThat(f.getStringArray("tokenizer.ggml.merges")).hasSize(280147);
            assertThat(f.getLong("tokenizer.ggml.eos_token_id")).isEqualTo(128009);
            assertThat(f.getString("tokenizer.chat_template")).contains("<|start_header_id|>");

            GgufTensorInfo embd = f.tensor("token_embd.weight");
            assertThat(embd.type()).isEqualTo(GgmlType.F32);
            assertThat(embd.shape()).containsExactly(64, 128256);
            assertThat(embd.rowLength()).isEqualTo(64);
            assertThat(embd.rowCount()).isEqualTo(128256);
            assertThat(embd.byteSize()).isEqualTo(64L * 128256 * 4);
            assertThat(f.tensor("output.weight")).isNull();
            assertThat(f.tensor("blk.0.attn_q.weight").shape()).containsExactly(64, 64);
            assertThat(f.tensor("blk.1.attn_k.weight").shape()).containsExactly(64, 32);
            assertThat(f.tensor("blk.0.ffn_down.weight").shape()).containsExactly(192, 64);
            assertThat(f.tensor("output_norm.weight").shape()).containsExactly(64);

            GgufTensorInfo rope = f.tensor("rope_freqs.weight");
            assertThat(rope.shape()).containsExactly(8);
            MemorySegment data = f.data(rope);
            float[] freqs = new float[8];
            for (int i = 0; i < 8; i++) {
                freqs[i] = data.get(F32, 4L * i);
            }
            assertThat(freqs).containsExactly(1, 1, 1, 1, 3.2922627925872803f, 32, 32, 32);

            for (GgufTensorInfo t : f.tensors()) {
                assertThat(t.offset() % 32).as(t.name()).isZero();
                assertThat(t.offset()).isGreaterThanOrEqualTo(f.dataOffset());
                assertThat(t.offset() + t.byteSize()).isLessThanOrEqualTo(Files.size(path));
            }
            // 2 layers x 9 tensors + token_embd, output_norm, rope_freqs
            assertThat(f.tensors()).hasSize(21);
        }
    }

    /** Copying a llama.cpp-written model through the writer must reproduce it byte for byte. */
    @Test
    void rewritingAModelReproducesItExactly(@TempDir Path dir) throws Exception {
        for (String name : List.of("quants/tensor-zoo.gguf", "models/tiny64-q4_0.gguf")) {
            Path path = Fixtures.require(name);
            Path copy = dir.resolve("copy.gguf");
            try (GgufFile f = GgufFile.open(path)) {
                GgufWriter w = new GgufWriter().putAll(f);
                for (GgufTensorInfo t : f.tensors()) {
                    w.addTensor(t.name(), t.type(), t.shape(), f.data(t));
                }
                w.write(copy);
            }
            assertThat(Files.mismatch(path, copy)).as(name).isEqualTo(-1L);
        }
    }

    @Test
    void readsQuantizedModelTypes() throws Exception {
        Path path = Fixtures.require("models/tiny256-q4_k_m.gguf");
        try (GgufFile f = GgufFile.open(path)) {
            assertThat(f.tensor("token_embd.weight").type()).isEqualTo(GgmlType.Q6_K);
            assertThat(f.tensor("blk.0.attn_q.weight").type()).isEqualTo(GgmlType.Q4_K);
            assertThat(f.tensor("blk.1.attn_v.weight").type()).isEqualTo(GgmlType.Q6_K);
            assertThat(f.tensor("blk.1.ffn_down.weight").type()).isEqualTo(GgmlType.Q6_K);
            GgufTensorInfo embd = f.tensor("token_embd.weight");
            assertThat(embd.byteSize()).isEqualTo(128256L * (256 / 256 * 210));
        }
    }

    @Test
    void readsTensorZoo() throws Exception {
        Path path = Fixtures.require("quants/tensor-zoo.gguf");
        List<String> names = List.of("F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K",
                "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS");
        try (GgufFile f = GgufFile.open(path)) {
            assertThat(f.getString("general.architecture")).isEqualTo("tensor-zoo");
            assertThat(f.getStringArray("zoo.types")).containsExactlyElementsOf(names);
            assertThat(f.getLong("zoo.rows")).isEqualTo(8);
            assertThat(f.getLong("zoo.cols")).isEqualTo(512);
            assertThat(f.tensor("x").shape()).containsExactly(512);
            assertThat(f.tensor("x").type()).isEqualTo(GgmlType.F32);
            for (String name : names) {
                GgmlType type = GgmlType.valueOf(name);
                GgufTensorInfo q = f.tensor(name + ".q");
                assertThat(q.type()).as(name).isEqualTo(type);
                assertThat(q.shape()).as(name).containsExactly(512, 8);
                assertThat(q.byteSize()).as(name).isEqualTo(8L * 512 / type.blockSize() * type.blockBytes());
                assertThat(f.data(q).byteSize()).isEqualTo(q.byteSize());
                assertThat(f.tensor(name + ".ref").type()).isEqualTo(GgmlType.F32);
                assertThat(f.tensor(name + ".ref").shape()).containsExactly(512, 8);
                assertThat(f.tensor(name + ".dot").shape()).containsExactly(8);
            }
            assertThat(f.tensors()).hasSize(1 + 3 * names.size());
        }
    }
}
