package dev.llama3.model;

import dev.llama3.tensor.WeightMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately naive float64 Llama forward pass (fixtures README section 2.5), one token at a time, used as an
 * independent judge of {@link LlamaModel} on synthetic models.
 */
final class ReferenceLlama {
    private final LlamaConfig c;
    private final LlamaWeights w;
    private final List<double[][]> keys = new ArrayList<>();
    private final List<double[][]> values = new ArrayList<>();
    private int pos;

    ReferenceLlama(LlamaModel model, int maxPositions) {
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
            keys.get(l)[pos] = k;
            values.get(l)[pos] = v;
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
