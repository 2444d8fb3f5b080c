package dev.llama3.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llama3.gguf.GgufFile;
import dev.llama3.model.KvCacheType;
import dev.llama3.model.LlamaModel;
import dev.llama3.model.ModelShape;
import dev.llama3.model.SyntheticModel;
import dev.llama3.tensor.ComputePool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link BackendSelector} picks a backend: auto falls back to the CPU with a reason, names fail loudly. */
class BackendSelectorTest {
    @TempDir
    static Path dir;
    static GgufFile gguf;
    static BackendRequest request;

    @BeforeAll
    static void synthesize() throws IOException {
        Path model = dir.resolve("tiny.gguf");
        try (ComputePool pool = new ComputePool(1)) {
            new SyntheticModel(ModelShape.TINY, SyntheticModel.WeightFormat.Q8_0, 5, null).write(model, pool);
        }
        gguf = GgufFile.open(model);
        request = new BackendRequest(gguf, LlamaModel.fromGguf(gguf), 32, 8, 4, 1, KvCacheType.F32);
    }

    @AfterAll
    static void close() {
        gguf.close();
    }

    /** A provider whose probe answers {@code availability}; its backend is the CPU's under another name. */
    record FakeProvider(String name, Availability availability, boolean failOpen) implements BackendProvider {
        @Override
        public Availability probe(BackendRequest r) {
            return availability;
        }

        @Override
        public Backend open(BackendRequest r) {
            if (failOpen) {
                throw new BackendUnavailableException(name, Availability.missing(Availability.Missing.MEMORY,
                        "the device refused the allocation", "use a smaller model"));
            }
            Backend cpu = new CpuBackendProvider().open(r);
            return new Backend() {
                public String name() { return FakeProvider.this.name; }
                public String description() { return "fake device"; }
                public int batchCapacity() { return cpu.batchCapacity(); }
                public SequenceState newSequence(int capacity) { return cpu.newSequence(capacity); }
                public long sequenceBytes(int capacity) { return cpu.sequenceBytes(capacity); }
                public void prefill(SequenceState s, int[] t, int from, int count, float[] l, int off, boolean all) {
                    cpu.prefill(s, t, from, count, l, off, all);
                }
                public void decode(SequenceState[] s, int[] t, int n, float[] l) { cpu.decode(s, t, n, l); }
                public void close() { cpu.close(); }
            };
        }
    }

    private static final Availability NO_DRIVER = Availability.missing(Availability.Missing.DRIVER,
            "no OpenCL driver loads", "install an OpenCL ICD");

    @Test
    void autoUsesTheCpuWhenNothingElseIsPresent() {
        try (Backend b = new BackendSelector(List.of(), List.of()).open("auto", request)) {
            assertThat(b.name()).isEqualTo("cpu");
        }
    }

    @Test
    void autoPrefersAUsableOtherBackend() {
        BackendSelector s = new BackendSelector(List.of(new FakeProvider("gpu", Availability.usable("fake"), false)),
                List.of());
        assertThat(s.names()).containsExactly("gpu", "cpu");
        try (Backend b = s.open("AUTO", request)) {
            assertThat(b.name()).isEqualTo("gpu");
        }
    }

    @Test
    void autoPassesOverAnUnusableOrFailingBackend() {
        BackendSelector s = new BackendSelector(List.of(new FakeProvider("gpu", NO_DRIVER, false),
                new FakeProvider("other", Availability.usable("fake"), true)), List.of());
        try (Backend b = s.open("auto", request)) {
            assertThat(b.name()).isEqualTo("cpu");
        }
    }

    @Test
    void aProbeThatThrowsCountsAsUnusable() {
        BackendSelector s = new BackendSelector(List.of(new BackendProvider() {
            public String name() { return "gpu"; }
            public Availability probe(BackendRequest r) { throw new NoClassDefFoundError("uk/ac/manchester/tornado/api/TaskGraph"); }
            public Backend open(BackendRequest r) { throw new AssertionError("never opened"); }
        }), List.of());
        try (Backend b = s.open("auto", request)) {
            assertThat(b.name()).isEqualTo("cpu");
        }
        assertThatThrownBy(() -> s.open("gpu", request)).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("TaskGraph")
                .satisfies(e -> assertThat(((BackendUnavailableException) e).availability().missing())
                        .isEqualTo(Availability.Missing.RUNTIME));
    }

    @Test
    void aNamedBackendThatIsAbsentNamesTheModule() {
        assertThatThrownBy(() -> new BackendSelector(List.of(), List.of()).open("tornadovm", request))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("tornadovm").hasMessageContaining("llama3-tornadovm")
                .satisfies(e -> {
                    BackendUnavailableException u = (BackendUnavailableException) e;
                    assertThat(u.backend()).isEqualTo("tornadovm");
                    assertThat(u.availability().missing()).isEqualTo(Availability.Missing.MODULE);
                });
    }

    @Test
    void aNamedBackendThatIsUnusableSaysWhatIsMissing() {
        BackendSelector s = new BackendSelector(List.of(new FakeProvider("gpu", NO_DRIVER, false)), List.of());
        assertThatThrownBy(() -> s.open("gpu", request)).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("driver missing").hasMessageContaining("no OpenCL driver loads")
                .hasMessageContaining("install an OpenCL ICD");
    }

    @Test
    void theCpuNameCannotBeTakenOver() {
        BackendSelector s = new BackendSelector(List.of(new FakeProvider("cpu", NO_DRIVER, false)), List.of());
        assertThat(s.names()).containsExactly("cpu");
        try (Backend b = s.open("cpu", request)) {
            assertThat(b.description()).startsWith("cpu");
        }
    }

    @Test
    void memoryAvailabilityComparesNeededWithAvailable() {
        assertThat(Availability.memory("device memory", 10L << 20, 20L << 20, "ok").usable()).isTrue();
        Availability tooSmall = Availability.memory("device memory of X", 300L << 20, 200L << 20, "ok");
        assertThat(tooSmall.usable()).isFalse();
        assertThat(tooSmall.missing()).isEqualTo(Availability.Missing.MEMORY);
        assertThat(tooSmall.reason()).contains("300 MiB").contains("200 MiB").contains("device memory of X");
    }
}
