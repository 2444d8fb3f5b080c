package dev.llama3.model;

/**
 * Rotary position embedding as ggml applies it to {@code llama} GGUF weights (NORM mode): inside each head
 * the adjacent pairs {@code (x[2i], x[2i+1])} are rotated by {@code pos * base^(-2i/n_rot) * freqScale /
 * freqFactor[i]}, where the optional factors carry Llama 3.1's long-context scaling ({@code rope_freqs}).
 */
final class Rope {
    private final int headDim;
    private final int pairs;
    /** Per pair: base^(-2i/n_rot) * freqScale / freqFactor[i]. */
    private final double[] inverseFrequency;

    Rope(LlamaConfig c, float[] freqFactors) {
        this.headDim = c.headDim();
        this.pairs = c.ropeDimensionCount() / 2;
        this.inverseFrequency = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            double f = Math.pow(c.ropeBase(), -2.0 * i / c.ropeDimensionCount()) * c.ropeFreqScale();
            if (freqFactors != null) {
                f /= freqFactors[i];
            }
            inverseFrequency[i] = f;
        }
    }

    /** Fills {@code pairs} cos/sin entries of position {@code pos} at {@code off}. */
    void angles(int pos, float[] cos, float[] sin, int off) {
        for (int i = 0; i < pairs; i++) {
            double theta = pos * inverseFrequency[i];
            cos[off + i] = (float) Math.cos(theta);
            sin[off + i] = (float) Math.sin(theta);
        }
    }

    int pairs() {
        return pairs;
    }

    /** Rotates {@code heads} consecutive heads of {@code v} at {@code off} with the angles at {@code angleOff}. */
    void apply(float[] v, int off, int heads, float[] cos, float[] sin, int angleOff) {
        for (int h = 0; h < heads; h++) {
            int base = off + h * headDim;
            for (int i = 0; i < pairs; i++) {
                float c = cos[angleOff + i];
                float s = sin[angleOff + i];
                float x0 = v[base + 2 * i];
                float x1 = v[base + 2 * i + 1];
                v[base + 2 * i] = x0 * c - x1 * s;
                v[base + 2 * i + 1] = x0 * s + x1 * c;
            }
        }
    }
}
