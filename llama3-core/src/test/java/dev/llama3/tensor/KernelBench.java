package dev.llama3.tensor;

import dev.llama3.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * Manual micro-benchmark of the matrix kernels (not a test, no JMH): best time per {@code matmul} call, GB/s of weight
 * data and Gweights x batch per second, for each type and batch size, on one matrix of 2048 columns. From the
 * repository root, after {@code ./mvnw -B -ntp -q install -DskipTests -pl llama3-core}:
 * {@code java --add-modules jdk.incubator.vector -Dbench.batches=1,16 -Dbench.iterations=100
 * -cp "llama3-core/target/classes:llama3-core/target/test-classes:llama3-core/target/lib/*"
 * dev.llama3.tensor.KernelBench [MiB] [threads] [types...]} (defaults 64 MiB, 1 thread, the hot types). A matrix of a
 * few MiB stays in L3 and shows the arithmetic; ~100 MiB streams from memory as decoding does. See
 * docs/performance.md.
 */
public final class KernelBench {
    private static final int[] BATCHES = java.util.Arrays.stream(System.getProperty("bench.batches", "1,8,64")
            .split(",")).mapToInt(Integer::parseInt).toArray();
    private static final int ITERATIONS = Integer.getInteger("bench.iterations", 15);
    /** {@code -Dbench.prompt=true}: the prompt path ({@link WeightMatrix#matmulPrompt}) instead of matmul. */
    private static final boolean PROMPT = Boolean.getBoolean("bench.prompt");

    private KernelBench() {}

    public static void main(String[] args) {
        int mb = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        String[] types = args.length > 2 ? java.util.Arrays.copyOfRange(args, 2, args.length)
                : new String[] {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K", "Q5_K", "IQ4_XS"};
        System.out.println("kernels: " + Kernels.describe() + ", threads " + threads + (PROMPT ? ", prompt path" : ""));
        int cols = Integer.getInteger("bench.cols", 2048);
        Random rnd = new Random(1);
        float[] xs = new float[cols * java.util.Arrays.stream(BATCHES).max().orElse(1)];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) rnd.nextGaussian();
        }
        try (ComputePool pool = new ComputePool(threads); Arena arena = Arena.ofShared()) {
            for (String t : types) {
                GgmlType type = GgmlType.valueOf(t);
                long rowBytes = type.byteSize(cols);
                int rows = (int) Math.max(1, (long) mb * 1024 * 1024 / rowBytes);
                MemorySegment seg = arena.allocate(rows * rowBytes, 64);
                float[] src = new float[cols];
                for (int r = 0; r < Math.min(rows, 64); r++) {
                    for (int j = 0; j < cols; j++) {
                        src[j] = (float) rnd.nextGaussian() * 0.02f;
                    }
                    MemorySegment.copy(MemorySegment.ofArray(Quantizers.quantize(type, src, 0, cols)), 0, seg,
                            r * rowBytes, rowBytes);
                }
                for (int r = 64; r < rows; r++) {
                    MemorySegment.copy(seg, (r % 64) * rowBytes, seg, r * rowBytes, rowBytes);
                }
                WeightMatrix w = WeightMatrix.of(t, type, seg, rows, cols);
                for (int batch : BATCHES) {
                    float[] out = new float[rows * batch];
                    long best = Long.MAX_VALUE;
                    for (int it = 0; it < ITERATIONS; it++) {
                        long t0 = System.nanoTime();
                        multiply(w, pool, xs, batch, out);
                        best = Math.min(best, System.nanoTime() - t0);
                    }
                    com.sun.management.ThreadMXBean mx =
                            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
                    long a0 = mx.getTotalThreadAllocatedBytes();
                    for (int it = 0; it < 10; it++) {
                        multiply(w, pool, xs, batch, out);
                    }
                    long allocated = (mx.getTotalThreadAllocatedBytes() - a0) / 10;
                    double gbs = rows * rowBytes / (best / 1e9) / 1e9;
                    System.out.printf("%-7s batch %d: %8.3f ms  %6.2f GB/s  %6.2f Gweights*batch/s  (%d bytes allocated"
                            + " per call, all threads)%n", t, batch, best / 1e6, gbs, (double) rows * cols * batch / best,
                            allocated);
                }
            }
        }
    }

    private static void multiply(WeightMatrix w, ComputePool pool, float[] x, int batch, float[] out) {
        if (PROMPT) {
            w.matmulPrompt(pool, x, batch, out);
        } else {
            w.matmul(pool, x, batch, out);
        }
    }
}
