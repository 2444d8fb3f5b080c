package dev.llama3.model;

import dev.llama3.tensor.WeightMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately naive float64 Llama forward pass (fixtures README section 2.5), one token at a time, used as an
 * independent judge of {@link LlamaModel} on synthetic models.
 *
 * <p>To judge an engine with an {@link KvCacheType#F16} cache as strictly as a float32 one, the reference can attend
 * over the engine's own stored keys and values instead of its exact ones, after checking that each stored value
 * is a binary16 neighbour of the exact value (allowing for the float32 error of computing it). (Rounding the exact values itself is not enough: where
 * the engine's float32 key lands on the other side of a rounding midpoint than the float64 one, the two caches
 * differ by a whole binary16 step, which moves the logits by more than the float32 bound.)
 */
final class ReferenceLlama {
    private final LlamaConfig c;
    private final LlamaWeights w;
    private final List<double[][]> keys = new ArrayList<>();
    private final List<double[][]> values = new ArrayList<>();
    private final KvCache stored;
    private int pos;

    ReferenceLlama(LlamaModel model, int maxPositions) {
        this(model, maxPositions, null);
    }

    /**
     * @param stored an F16 cache filled by the engine for the same tokens, whose values the reference attends
     *     over (checked against its own); null for exact keys and values
     */
    ReferenceLlama(LlamaModel model, int maxPositions, KvCache stored) {
        if (stored != null && stored.type() != KvCacheType.F16) {
            throw new IllegalArgumentException("only an F16 cache differs from the exact values by design");
        }
        this.stored = stored;
        this.c = model.config();
        this.w = model.weights();
        for (int l = 0; l < c.blockCount(); l++) {
            keys.add(new double[maxPositions][]);
            values.add(new double[maxPositions][]);
        }
    }

    double[] next(int token) {
        double[] x = row(w.tokenEmbedding(), token);
        for (int l = 0; l < c.blockCount(); l++) {
            LlamaWeights.Layer layer = w.layers().get(l);
            double[] h = norm(x, layer.attentionNorm());
            double[] q = matvec(layer.wq(), h);
            double[] k = matvec(layer.wk(), h);
            double[] v = matvec(layer.wv(), h);
            rope(q, c.headCount());
            rope(k, c.headCountKv());
            keys.get(l)[pos] = cached(k, l, false);
            values.get(l)[pos] = cached(v, l, true);
            int hd = c.headDim();
            double[] att = new double[c.embeddingLength()];
            for (int head = 0; head < c.headCount(); head++) {
                int kvOff = (head / c.groupSize()) * hd;
                double[] s = new double[pos + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int t = 0; t <= pos; t++) {
                    double dot = 0;
                    for (int i = 0; i < hd; i++) {
                        dot += q[head * hd + i] * keys.get(l)[t][kvOff + i];
                    }
                    s[t] = dot / Math.sqrt(hd);
                    max = Math.max(max, s[t]);
                }
                double sum = 0;
                for (int t = 0; t <= pos; t++) {
                    s[t] = Math.exp(s[t] - max);
                    sum += s[t];
                }
                for (int t = 0; t <= pos; t++) {
                    for (int i = 0; i < hd; i++) {
                        att[head * hd + i] += s[t] / sum * values.get(l)[t][kvOff + i];
                    }
                }
            }
            add(x, matvec(layer.wo(), att));
            double[] h2 = norm(x, layer.ffnNorm());
            double[] g = matvec(layer.ffnGate(), h2);
            double[] u = matvec(layer.ffnUp(), h2);
            for (int i = 0; i < g.length; i++) {
                g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
            }
            add(x, matvec(layer.ffnDown(), g));
        }
        pos++;
        return matvec(w.output(), norm(x, w.outputNorm()));
    }

    /** {@code exact}, or the engine's stored row after checking it against {@code exact}. */
    private double[] cached(double[] exact, int layer, boolean value) {
        if (stored == null) {
            return exact;
        }
        int hd = c.headDim();
        double rowMax = 0;
        for (double e : exact) {
            rowMax = Math.max(rowMax, Math.abs(e));
        }
        double[] out = new double[exact.length];
        for (int i = 0; i < exact.length; i++) {
            out[i] = stored.get(value, layer, i / hd, pos, i % hd);
            // binary16 values near x are 2^(exponent(x) - 10) apart (2^-24 among the subnormals); the engine
            // computed the value in float32 first, off by a small fraction of the row's largest value
            double spacing = Math.max(Math.scalb(1.0, Math.getExponent(exact[i]) - 10), 0x1p-24);
            if (!(Math.abs(out[i] - exact[i]) <= spacing + 1e-5 * rowMax)) {
                throw new AssertionError((value ? "value" : "key") + " " + i + " of layer " + layer + " at position "
                        + pos + ": stored " + out[i] + " is not a binary16 neighbour of " + exact[i]);
            }
        }
        return out;
    }

    private void rope(double[] v, int heads) {
        int hd = c.headDim();
        float[] factors = w.ropeFreqFactors();
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < c.ropeDimensionCount() / 2; i++) {
                double theta = pos * Math.pow(c.ropeBase(), -2.0 * i / c.ropeDimensionCount()) * c.ropeFreqScale()
                        / (factors == null ? 1 : factors[i]);
                double x0 = v[h * hd + 2 * i];
                double x1 = v[h * hd + 2 * i + 1];
                v[h * hd + 2 * i] = x0 * Math.cos(theta) - x1 * Math.sin(theta);
                v[h * hd + 2 * i + 1] = x0 * Math.sin(theta) + x1 * Math.cos(theta);
            }
        }
    }

    private double[] norm(double[] x, float[] weight) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double scale = 1 / Math.sqrt(ss / x.length + c.rmsEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * scale * weight[i];
        }
        return out;
    }

    private static double[] row(WeightMatrix m, int r) {
        float[] f = new float[m.cols()];
        m.dequantizeRow(r, f, 0);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double[] matvec(WeightMatrix m, double[] x) {
        double[] out = new double[m.rows()];
        float[] f = new float[m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.dequantizeRow(r, f, 0);
            double s = 0;
            for (int i = 0; i < f.length; i++) {
                s += f[i] * x[i];
            }
            out[r] = s;
        }
        return out;
    }

    private static void add(double[] x, double[] d) {
        for (int i = 0; i < x.length; i++) {
            x[i] += d[i];
        }
    }
}
