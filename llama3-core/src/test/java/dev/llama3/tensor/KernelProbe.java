package dev.llama3.tensor;

import dev.llama3.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/** Run in a child JVM by {@link KernelsTest}: prints which kernels were chosen and uses them once. */
public final class KernelProbe {
    private KernelProbe() {}

    public static void main(String[] args) {
        float[] x = new float[256];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 7 - 3;
        }
        byte[] q = Quantizers.quantize(GgmlType.Q4_K, x, 0, 256);
        WeightMatrix w = WeightMatrix.of("probe", GgmlType.Q4_K, MemorySegment.ofArray(q), 1, 256);
        float[] row = new float[256];
        w.dequantizeRow(0, row, 0);
        double expected = 0;
        for (int i = 0; i < 256; i++) {
            expected += (double) row[i] * x[i];
        }
        System.out.println("vectorized=" + Kernels.vectorized());
        System.out.println("describe=" + Kernels.describe());
        System.out.println("dotOk=" + (Math.abs(w.dotRow(0, x, 0) - expected) <= 1e-4 * Math.abs(expected)));
    }
}
