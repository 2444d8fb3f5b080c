package dev.llama3.tensor;

import dev.llama3.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * Manual micro-benchmark of the matrix-vector kernels (not a test): single-thread and pool throughput in GB/s of
 * weight data for each hot type. Run with the test classpath, e.g.
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:<slf4j> dev.llama3.tensor.KernelBench [MB] [threads] [types...]}.
 */
public final class KernelBench {
    private KernelBench() {}

    public static void main(String[] args) {
        int mb = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        String[] types = args.length > 2 ? java.util.Arrays.copyOfRange(args, 2, args.length)
                : new String[] {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K", "Q5_K", "IQ4_XS"};
        System.out.println("kernels: " + Kernels.describe() + ", threads " + threads);
        int cols = 2048;
        Random rnd = new Random(1);
        float[] xs = new float[cols * 64];
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
                for (int batch : new int[] {1, 8, 64}) {
                    float[] out = new float[rows * batch];
                    long best = Long.MAX_VALUE;
                    for (int it = 0; it < 15; it++) {
                        long t0 = System.nanoTime();
                        w.matmul(pool, xs, batch, out);
                        best = Math.min(best, System.nanoTime() - t0);
                    }
                    com.sun.management.ThreadMXBean mx =
                            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
                    long a0 = mx.getCurrentThreadAllocatedBytes();
                    w.matmul(pool, xs, batch, out);
                    long allocated = mx.getCurrentThreadAllocatedBytes() - a0;
                    double gbs = rows * rowBytes / (best / 1e9) / 1e9;
                    System.out.printf("%-7s batch %d: %8.3f ms  %6.2f GB/s  %6.2f Gweights*batch/s  (%d bytes allocated"
                            + " by the caller per call)%n", t, batch, best / 1e6, gbs, (double) rows * cols * batch / best,
                            allocated);
                }
            }
        }
    }
}
