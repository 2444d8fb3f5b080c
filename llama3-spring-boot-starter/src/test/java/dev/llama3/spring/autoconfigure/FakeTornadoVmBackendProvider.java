package dev.llama3.spring.autoconfigure;

import dev.llama3.backend.Availability;
import dev.llama3.backend.Backend;
import dev.llama3.backend.BackendProvider;
import dev.llama3.backend.BackendRequest;
import dev.llama3.backend.CpuBackendProvider;
import dev.llama3.backend.SequenceState;

/**
 * A test-only provider named {@code tornadovm}, registered through {@code META-INF/services} in the test resources,
 * so that the starter's backend selection is exercised both ways without TornadoVM. By default it reports the
 * runtime missing (as on a machine without TornadoVM); a test may make it usable, and it then runs on the CPU
 * under its own name.
 */
public final class FakeTornadoVmBackendProvider implements BackendProvider {

    static final Availability RUNTIME_MISSING = Availability.missing(Availability.Missing.RUNTIME,
            "TornadoVM is not on the JVM's command line (test fake)",
            "start the JVM with @$TORNADOVM_HOME/tornado-argfile");

    /** What {@link #probe} answers; tests set it and restore it. ServiceLoader creates a new instance per load. */
    static volatile Availability availability = RUNTIME_MISSING;

    @Override
    public String name() {
        return "tornadovm";
    }

    @Override
    public Availability probe(BackendRequest request) {
        return availability;
    }

    @Override
    public Backend open(BackendRequest request) {
        Backend cpu = new CpuBackendProvider().open(request);
        return new Backend() {
            @Override
            public String name() {
                return "tornadovm";
            }

            @Override
            public String description() {
                return "fake TornadoVM device (the CPU)";
            }

            @Override
            public int batchCapacity() {
                return cpu.batchCapacity();
            }

            @Override
            public SequenceState newSequence(int capacity) {
                return cpu.newSequence(capacity);
            }

            @Override
            public long sequenceBytes(int capacity) {
                return cpu.sequenceBytes(capacity);
            }

            @Override
            public void prefill(SequenceState sequence, int[] tokens, int from, int count, float[] logits,
                    int logitsOffset, boolean allPositions) {
                cpu.prefill(sequence, tokens, from, count, logits, logitsOffset, allPositions);
            }

            @Override
            public void decode(SequenceState[] sequences, int[] tokens, int n, float[] logits) {
                cpu.decode(sequences, tokens, n, logits);
            }

            @Override
            public void close() {
                cpu.close();
            }
        };
    }
}
