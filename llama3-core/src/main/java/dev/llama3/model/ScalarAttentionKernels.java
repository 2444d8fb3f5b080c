package dev.llama3.model;

import java.lang.foreign.MemorySegment;

/** Attention loops in plain Java: the fallback when the Vector API is absent, and the reference in tests. */
final class ScalarAttentionKernels implements AttentionKernels {
    static final ScalarAttentionKernels INSTANCE = new ScalarAttentionKernels();

    private ScalarAttentionKernels() {}

    @Override
    public void dotRows(float[] q, int qOff, float[] rows, int rowsOff, int n, int count, float scale,
            float[] scores, int sOff) {
        for (int r = 0; r < count; r++) {
            scores[sOff + r] = VectorMath.dot(q, qOff, rows, rowsOff + r * n, n) * scale;
        }
    }

    @Override
    public void dotRows(float[] q, int qOff, MemorySegment rows, long rowsOff, int n, int count, float scale,
            float[] scores, int sOff) {
        for (int r = 0; r < count; r++) {
            long at = rowsOff + 4L * r * n;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = 0;
            for (; i + 3 < n; i += 4) {
                s0 += q[qOff + i] * rows.get(KvCache.FLOAT_LE, at + 4L * i);
                s1 += q[qOff + i + 1] * rows.get(KvCache.FLOAT_LE, at + 4L * (i + 1));
                s2 += q[qOff + i + 2] * rows.get(KvCache.FLOAT_LE, at + 4L * (i + 2));
                s3 += q[qOff + i + 3] * rows.get(KvCache.FLOAT_LE, at + 4L * (i + 3));
            }
            for (; i < n; i++) {
                s0 += q[qOff + i] * rows.get(KvCache.FLOAT_LE, at + 4L * i);
            }
            scores[sOff + r] = ((s0 + s1) + (s2 + s3)) * scale;
        }
    }

    @Override
    public void accumulateRows(float[] p, int pOff, float[] rows, int rowsOff, int n, int count, float[] out, int outOff) {
        for (int r = 0; r < count; r++) {
            VectorMath.axpy(p[pOff + r], rows, rowsOff + r * n, out, outOff, n);
        }
    }

    @Override
    public void accumulateRows(float[] p, int pOff, MemorySegment rows, long rowsOff, int n, int count,
            float[] out, int outOff) {
        for (int r = 0; r < count; r++) {
            float a = p[pOff + r];
            long at = rowsOff + 4L * r * n;
            for (int i = 0; i < n; i++) {
                out[outOff + i] += a * rows.get(KvCache.FLOAT_LE, at + 4L * i);
            }
        }
    }

    @Override
    public void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int t = off; t < off + n; t++) {
            if (x[t] > max) {
                max = x[t];
            }
        }
        double sum = 0;
        for (int t = off; t < off + n; t++) {
            float e = (float) Math.exp(x[t] - max);
            x[t] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int t = off; t < off + n; t++) {
            x[t] *= inv;
        }
    }

    @Override
    public void swiglu(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    @Override
    public void halfToFloat(MemorySegment src, long off, int n, float[] dst, int dstOff) {
        // C2 turns this loop into vcvtph2ps where the CPU has F16C
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Float.float16ToFloat(src.get(KvCache.SHORT_LE, off + 2L * i));
        }
    }

    @Override
    public boolean vectorized() {
        return false;
    }
}
