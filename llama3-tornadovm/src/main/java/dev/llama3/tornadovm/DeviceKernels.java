package dev.llama3.tornadovm;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * The forward pass's kernels, written for TornadoVM's {@link KernelContext} API (explicit work-groups and local
 * memory) so that they compile to OpenCL/PTX; as plain Java they run one work-item at a time, which is how the
 * tests check them against the CPU backend.
 *
 * <p>Conventions. A batch holds up to {@code capacity} entries (prompt tokens or sequences); how many are real, and
 * where each one is, is in the {@code meta} array ({@link Meta}) uploaded every pass, so the task graph is built
 * once for every batch size. Activations are row-major {@code [entry][features]}.
 *
 * <p>Choices forced by the targets: reductions go through local memory within one work-group (TornadoVM's
 * {@code @Reduce} gave wrong sums on PoCL), spelled out in each kernel (a local array handed to a helper method is
 * miscompiled); no {@code half} type (Debian's PoCL lacks it) and no
 * {@code Float.intBitsToFloat} in kernels, so F16 weights are decoded with integer arithmetic and a 32-entry table
 * of powers of two; Q8_0/Q4_0 blocks are repacked on upload into quants and float32 scales for the same reason.
 */
public final class DeviceKernels {
    private DeviceKernels() {}

    /** Work-items per work-group of the row kernels; also the size of their local reduction buffer. */
    public static final int GROUP = 128;
    /** Elements per Q8_0 / Q4_0 block. */
    public static final int QK = 32;

    /**
     * {@code out[r][row] = W[row] · x[first + r]} for the {@code meta[nIdx]} entries from {@code meta[firstIdx]},
     * with W in Q8_0 repacked as int8 quants ({@code rows * cols}) and one float32 scale per 32. One work-group per
     * output row, its work-items striding over the row's blocks; the row is read from memory once per entry while it
     * is still in cache.
     */
    public static void matmulQ8(KernelContext c, ByteArray quants, FloatArray scales, FloatArray x, FloatArray out,
            IntArray meta, int nIdx, int firstIdx, int rows, int cols) {
        int row = c.groupIdx;
        int lid = c.localIdx;
        float[] partial = c.allocateFloatLocalArray(GROUP);
        int n = meta.get(nIdx);
        int first = meta.get(firstIdx);
        int blocks = cols / QK;
        for (int r = 0; r < n; r++) {
            int xBase = (first + r) * cols;
            float sum = 0f;
            for (int b = lid; b < blocks; b += GROUP) {
                int q = row * cols + b * QK;
                int xo = xBase + b * QK;
                float acc = 0f;
                for (int j = 0; j < QK; j++) {
                    acc += quants.get(q + j) * x.get(xo + j);
                }
                sum += acc * scales.get(row * blocks + b);
            }
            partial[lid] = sum;
            // tree reduction in local memory, written out in every kernel: TornadoVM (5.2) miscompiles a local array
            // passed to a helper method (it indexes it like a heap array, with a header and byte offsets)
            for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (lid < stride) {
                    partial[lid] += partial[lid + stride];
                }
            }
            c.localBarrier();
            if (lid == 0) {
                out.set(r * rows + row, partial[0]);
            }
        }
    }

    /**
     * As {@link #matmulQ8} for Q4_0 repacked as the blocks' 16 bytes of nibbles ({@code rows * cols / 2}; element
     * {@code j < 16} in the low nibble of byte {@code j}, {@code j >= 16} in the high nibble of byte {@code j - 16},
     * both offset by 8) and one float32 scale per 32.
     */
    public static void matmulQ4(KernelContext c, ByteArray nibbles, FloatArray scales, FloatArray x, FloatArray out,
            IntArray meta, int nIdx, int firstIdx, int rows, int cols) {
        int row = c.groupIdx;
        int lid = c.localIdx;
        float[] partial = c.allocateFloatLocalArray(GROUP);
        int n = meta.get(nIdx);
        int first = meta.get(firstIdx);
        int blocks = cols / QK;
        for (int r = 0; r < n; r++) {
            int xBase = (first + r) * cols;
            float sum = 0f;
            for (int b = lid; b < blocks; b += GROUP) {
                int q = (row * cols + b * QK) / 2;
                int xo = xBase + b * QK;
                float acc = 0f;
                for (int j = 0; j < QK / 2; j++) {
                    // sign-extended byte, both nibbles masked after the shift: TornadoVM (5.2) turns
                    // "(b & 0xFF) >> 4" into unsigned arithmetic, where "- 8" wraps around
                    int packed = nibbles.get(q + j);
                    int lo = (packed & 0x0F) - 8;
                    int hi = ((packed >> 4) & 0x0F) - 8;
                    acc += lo * x.get(xo + j) + hi * x.get(xo + j + QK / 2);
                }
                sum += acc * scales.get(row * blocks + b);
            }
            partial[lid] = sum;
            // tree reduction in local memory, written out in every kernel: TornadoVM (5.2) miscompiles a local array
            // passed to a helper method (it indexes it like a heap array, with a header and byte offsets)
            for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (lid < stride) {
                    partial[lid] += partial[lid + stride];
                }
            }
            c.localBarrier();
            if (lid == 0) {
                out.set(r * rows + row, partial[0]);
            }
        }
    }

    /**
     * As {@link #matmulQ4} for Q4_K repacked by {@link DeviceMatrix}: per 32 values, nibbles q in 0..15 (byte j holds
     * values j and j + 16), a scale and a minimum: the block contributes {@code scale * sum(q * x) - min * sum(x)}.
     */
    public static void matmulQ4K(KernelContext c, ByteArray nibbles, FloatArray scales, FloatArray mins, FloatArray x,
            FloatArray out, IntArray meta, int nIdx, int firstIdx, int rows, int cols) {
        int row = c.groupIdx;
        int lid = c.localIdx;
        float[] partial = c.allocateFloatLocalArray(GROUP);
        int n = meta.get(nIdx);
        int first = meta.get(firstIdx);
        int blocks = cols / QK;
        for (int r = 0; r < n; r++) {
            int xBase = (first + r) * cols;
            float sum = 0f;
            for (int b = lid; b < blocks; b += GROUP) {
                int q = (row * cols + b * QK) / 2;
                int xo = xBase + b * QK;
                float acc = 0f;
                float xs = 0f;
                for (int j = 0; j < QK / 2; j++) {
                    // both nibbles masked after the shift (see matmulQ4)
                    int packed = nibbles.get(q + j);
                    int lo = packed & 0x0F;
                    int hi = (packed >> 4) & 0x0F;
                    float x0 = x.get(xo + j);
                    float x1 = x.get(xo + j + QK / 2);
                    acc += lo * x0 + hi * x1;
                    xs += x0 + x1;
                }
                int block = row * blocks + b;
                sum += acc * scales.get(block) - xs * mins.get(block);
            }
            partial[lid] = sum;
            // tree reduction in local memory, written out in every kernel (see matmulQ4)
            for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (lid < stride) {
                    partial[lid] += partial[lid + stride];
                }
            }
            c.localBarrier();
            if (lid == 0) {
                out.set(r * rows + row, partial[0]);
            }
        }
    }

    /** As {@link #matmulQ8} for Q6_K repacked by {@link DeviceMatrix}: int8 values with a scale per 16 of them. */
    public static void matmulQ6K(KernelContext c, ByteArray quants, FloatArray scales, FloatArray x, FloatArray out,
            IntArray meta, int nIdx, int firstIdx, int rows, int cols) {
        int row = c.groupIdx;
        int lid = c.localIdx;
        float[] partial = c.allocateFloatLocalArray(GROUP);
        int n = meta.get(nIdx);
        int first = meta.get(firstIdx);
        int blocks = cols / 16;
        for (int r = 0; r < n; r++) {
            int xBase = (first + r) * cols;
            float sum = 0f;
            for (int b = lid; b < blocks; b += GROUP) {
                int q = row * cols + b * 16;
                int xo = xBase + b * 16;
                float acc = 0f;
                for (int j = 0; j < 16; j++) {
                    acc += quants.get(q + j) * x.get(xo + j);
                }
                sum += acc * scales.get(row * blocks + b);
            }
            partial[lid] = sum;
            // tree reduction in local memory, written out in every kernel (see matmulQ4)
            for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (lid < stride) {
                    partial[lid] += partial[lid + stride];
                }
            }
            c.localBarrier();
            if (lid == 0) {
                out.set(r * rows + row, partial[0]);
            }
        }
    }

    // Embedding lookups on the device (tied embeddings: the output matrix is the token embedding): one work-item per
    // (entry, column); x[b][i] = row token(b) of the matrix, decoded as the matmul kernels decode it.

    /** For work-item {@code gid} (entry gid / dim, column gid % dim): the element of its token's row, or -1 past n. */
    static int embeddingIndex(IntArray meta, int tokenBase, int dim, int gid) {
        int b = gid / dim;
        if (b >= meta.get(Meta.N)) {
            return -1;
        }
        return meta.get(tokenBase + b) * dim + (gid - b * dim);
    }

    /** Q8_0 rows. */
    public static void embedQ8(KernelContext c, ByteArray quants, FloatArray scales, FloatArray x, IntArray meta,
            int tokenBase, int dim) {
        int gid = c.globalIdx;
        int at = embeddingIndex(meta, tokenBase, dim, gid);
        if (at >= 0) {
            x.set(gid, quants.get(at) * scales.get(at / QK));
        }
    }

    /** Q4_0 rows. */
    public static void embedQ4(KernelContext c, ByteArray nibbles, FloatArray scales, FloatArray x, IntArray meta,
            int tokenBase, int dim) {
        int gid = c.globalIdx;
        int at = embeddingIndex(meta, tokenBase, dim, gid);
        if (at >= 0) {
            int block = at / QK;
            int j = at - block * QK;
            int packed = nibbles.get(block * (QK / 2) + (j % (QK / 2)));
            int q = j < QK / 2 ? (packed & 0x0F) - 8 : ((packed >> 4) & 0x0F) - 8;
            x.set(gid, q * scales.get(block));
        }
    }

    /** Q4_K rows (repacked: nibbles per 32 values, a scale and a minimum). */
    public static void embedQ4K(KernelContext c, ByteArray nibbles, FloatArray scales, FloatArray mins, FloatArray x,
            IntArray meta, int tokenBase, int dim) {
        int gid = c.globalIdx;
        int at = embeddingIndex(meta, tokenBase, dim, gid);
        if (at >= 0) {
            int block = at / QK;
            int j = at - block * QK;
            int packed = nibbles.get(block * (QK / 2) + (j % (QK / 2)));
            int q = j < QK / 2 ? packed & 0x0F : (packed >> 4) & 0x0F;
            x.set(gid, q * scales.get(block) - mins.get(block));
        }
    }

    /** Q6_K rows (repacked: int8 values, a scale per 16). */
    public static void embedQ6K(KernelContext c, ByteArray quants, FloatArray scales, FloatArray x, IntArray meta,
            int tokenBase, int dim) {
        int gid = c.globalIdx;
        int at = embeddingIndex(meta, tokenBase, dim, gid);
        if (at >= 0) {
            x.set(gid, quants.get(at) * scales.get(at / 16));
        }
    }

    /** F16 rows. */
    public static void embedF16(KernelContext c, ShortArray halves, FloatArray pow2, FloatArray x, IntArray meta,
            int tokenBase, int dim) {
        int gid = c.globalIdx;
        int at = embeddingIndex(meta, tokenBase, dim, gid);
        if (at >= 0) {
            x.set(gid, half(halves.get(at), pow2));
        }
    }

    /** F32 rows. */
    public static void embedF32(KernelContext c, FloatArray w, FloatArray x, IntArray meta, int tokenBase, int dim) {
        int gid = c.globalIdx;
        int at = embeddingIndex(meta, tokenBase, dim, gid);
        if (at >= 0) {
            x.set(gid, w.get(at));
        }
    }

    /** As {@link #matmulQ8} for float32 weights. */
    public static void matmulF32(KernelContext c, FloatArray w, FloatArray x, FloatArray out, IntArray meta, int nIdx,
            int firstIdx, int rows, int cols) {
        int row = c.groupIdx;
        int lid = c.localIdx;
        float[] partial = c.allocateFloatLocalArray(GROUP);
        int n = meta.get(nIdx);
        int first = meta.get(firstIdx);
        for (int r = 0; r < n; r++) {
            int xBase = (first + r) * cols;
            float sum = 0f;
            for (int j = lid; j < cols; j += GROUP) {
                sum += w.get(row * cols + j) * x.get(xBase + j);
            }
            partial[lid] = sum;
            // tree reduction in local memory, written out in every kernel: TornadoVM (5.2) miscompiles a local array
            // passed to a helper method (it indexes it like a heap array, with a header and byte offsets)
            for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (lid < stride) {
                    partial[lid] += partial[lid + stride];
                }
            }
            c.localBarrier();
            if (lid == 0) {
                out.set(r * rows + row, partial[0]);
            }
        }
    }

    /**
     * As {@link #matmulQ8} for IEEE binary16 weights, decoded from their bits: {@code pow2[e]} is
     * {@code 2^(e-25)} ({@code 2^-24} for {@code e = 0}), so a normal value is {@code (1024 + m) * pow2[e]} and a
     * subnormal {@code m * pow2[0]}, both exact in float32 (weights hold no infinities or NaNs).
     */
    public static void matmulF16(KernelContext c, ShortArray w, FloatArray pow2, FloatArray x, FloatArray out,
            IntArray meta, int nIdx, int firstIdx, int rows, int cols) {
        int row = c.groupIdx;
        int lid = c.localIdx;
        float[] partial = c.allocateFloatLocalArray(GROUP);
        int n = meta.get(nIdx);
        int first = meta.get(firstIdx);
        for (int r = 0; r < n; r++) {
            int xBase = (first + r) * cols;
            float sum = 0f;
            for (int j = lid; j < cols; j += GROUP) {
                sum += half(w.get(row * cols + j), pow2) * x.get(xBase + j);
            }
            partial[lid] = sum;
            // tree reduction in local memory, written out in every kernel: TornadoVM (5.2) miscompiles a local array
            // passed to a helper method (it indexes it like a heap array, with a header and byte offsets)
            for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (lid < stride) {
                    partial[lid] += partial[lid + stride];
                }
            }
            c.localBarrier();
            if (lid == 0) {
                out.set(r * rows + row, partial[0]);
            }
        }
    }

    /** Decodes binary16 bits (see {@link #matmulF16}). */
    static float half(short bits, FloatArray pow2) {
        int h = bits & 0xFFFF;
        int e = (h >> 10) & 0x1F;
        int m = h & 0x3FF;
        float magnitude = (e == 0 ? m : 1024 + m) * pow2.get(e);
        return (h & 0x8000) != 0 ? -magnitude : magnitude;
    }

    /** The table {@link #matmulF16} decodes with. */
    public static FloatArray pow2Table() {
        FloatArray t = new FloatArray(32);
        t.set(0, (float) Math.scalb(1.0, -24));
        for (int e = 1; e < 32; e++) {
            t.set(e, (float) Math.scalb(1.0, e - 25));
        }
        return t;
    }

    /**
     * {@code out[b] = x[b] / sqrt(mean(x[b]^2) + eps) * weight} for entries {@code b} from {@code meta[firstIdx]},
     * {@code meta[nIdx]} of them, written to {@code out} from row 0 ({@code out[r]} is entry {@code first + r}).
     * One work-group per entry.
     */
    public static void rmsNorm(KernelContext c, FloatArray x, FloatArray weight, FloatArray out, IntArray meta,
            int nIdx, int firstIdx, int dim, float eps) {
        int r = c.groupIdx;
        int lid = c.localIdx;
        float[] partial = c.allocateFloatLocalArray(GROUP);
        int n = meta.get(nIdx);
        int first = meta.get(firstIdx);
        // every work-item of a group takes the same branch, so the barriers inside stay uniform
        if (r < n) {
            int base = (first + r) * dim;
            float sum = 0f;
            for (int i = lid; i < dim; i += GROUP) {
                float v = x.get(base + i);
                sum += v * v;
            }
            partial[lid] = sum;
            // tree reduction in local memory, written out in every kernel: TornadoVM (5.2) miscompiles a local array
            // passed to a helper method (it indexes it like a heap array, with a header and byte offsets)
            for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (lid < stride) {
                    partial[lid] += partial[lid + stride];
                }
            }
            c.localBarrier();
            float scale = 1f / TornadoMath.sqrt(partial[0] / dim + eps);
            for (int i = lid; i < dim; i += GROUP) {
                out.set(r * dim + i, x.get(base + i) * scale * weight.get(i));
            }
        }
    }

    /**
     * RoPE in ggml's NORM mode (adjacent pairs) on {@code heads} heads of every entry, with the angles of the entry's
     * position from host-computed tables ({@code cos/sin[pos * pairs + i]}, Llama 3.1 frequency factors included).
     * One work-item per (entry, head, pair).
     */
    public static void rope(KernelContext c, FloatArray v, FloatArray cos, FloatArray sin, IntArray meta, int heads,
            int headDim, int pairs) {
        int id = c.globalIdx;
        int perEntry = heads * pairs;
        int b = id / perEntry;
        if (b < meta.get(Meta.N)) {
            int h = (id % perEntry) / pairs;
            int i = id % pairs;
            int pos = meta.get(Meta.ENTRIES + 2 * b);
            float cs = cos.get(pos * pairs + i);
            float sn = sin.get(pos * pairs + i);
            int at = b * heads * headDim + h * headDim + 2 * i;
            float x0 = v.get(at);
            float x1 = v.get(at + 1);
            v.set(at, x0 * cs - x1 * sn);
            v.set(at + 1, x0 * sn + x1 * cs);
        }
    }

    /**
     * Stores every entry's key and value (kvDim each) at its position in its slot's cache, layer {@code layer}.
     * Cache layout per slot: {@code [layer][kvHead][position][headDim]}, {@code slotFloats} floats per slot.
     */
    public static void storeKv(KernelContext c, FloatArray k, FloatArray v, FloatArray keyCache, FloatArray valueCache,
            IntArray meta, int layer, int kvHeads, int headDim, int context, int slotFloats) {
        int id = c.globalIdx;
        int kvDim = kvHeads * headDim;
        int b = id / kvDim;
        if (b < meta.get(Meta.N)) {
            int h = (id % kvDim) / headDim;
            int d = id % headDim;
            int slot = meta.get(Meta.ENTRIES + 2 * b + 1);
            int pos = meta.get(Meta.ENTRIES + 2 * b);
            int at = slot * slotFloats + ((layer * kvHeads + h) * context + pos) * headDim + d;
            keyCache.set(at, k.get(id));
            valueCache.set(at, v.get(id));
        }
    }

    /**
     * Causal grouped-query attention with an online softmax: query head {@code h} of entry {@code b} attends to
     * positions {@code 0 .. pos[b]} of KV head {@code h / group} in the entry's slot. One work-group per (entry,
     * head), one work-item per output dimension {@code d}; each work-item computes the scores itself (no barriers), keeps
     * the running maximum, the running sum and its output element, and rescales them when the maximum grows.
     */
    public static void attention(KernelContext c, FloatArray q, FloatArray keyCache, FloatArray valueCache,
            FloatArray out, IntArray meta, int layer, int heads, int kvHeads, int headDim, int context, int slotFloats) {
        int g = c.groupIdx;
        int d = c.localIdx;
        int b = g / heads;
        if (b < meta.get(Meta.N) && d < headDim) {
            int h = g % heads;
            int kvh = h / (heads / kvHeads);
            int slot = meta.get(Meta.ENTRIES + 2 * b + 1);
            int pos = meta.get(Meta.ENTRIES + 2 * b);
            int qBase = (b * heads + h) * headDim;
            int cacheBase = slot * slotFloats + (layer * kvHeads + kvh) * context * headDim;
            float scale = 1f / TornadoMath.sqrt(headDim);
            float max = Float.NEGATIVE_INFINITY;
            float sum = 0f;
            float acc = 0f;
            for (int t = 0; t <= pos; t++) {
                int row = cacheBase + t * headDim;
                float s = 0f;
                for (int j = 0; j < headDim; j++) {
                    s += q.get(qBase + j) * keyCache.get(row + j);
                }
                s *= scale;
                float newMax = TornadoMath.max(max, s);
                float correction = TornadoMath.exp(max - newMax);
                float p = TornadoMath.exp(s - newMax);
                sum = sum * correction + p;
                acc = acc * correction + p * valueCache.get(row + d);
                max = newMax;
            }
            out.set(qBase + d, acc / sum);
        }
    }

    /** {@code gate = silu(gate) * up} for the batch's entries ({@code width} each). */
    public static void swiglu(KernelContext c, FloatArray gate, FloatArray up, IntArray meta, int width) {
        int id = c.globalIdx;
        if (id / width < meta.get(Meta.N)) {
            float g = gate.get(id);
            gate.set(id, g / (1f + TornadoMath.exp(-g)) * up.get(id));
        }
    }

    /** {@code x += delta} for the batch's entries ({@code width} each). */
    public static void add(KernelContext c, FloatArray x, FloatArray delta, IntArray meta, int width) {
        int id = c.globalIdx;
        if (id / width < meta.get(Meta.N)) {
            x.set(id, x.get(id) + delta.get(id));
        }
    }

    /** Layout of the {@code meta} array uploaded with every pass. */
    public static final class Meta {
        private Meta() {}

        /** Entries in this pass. */
        public static final int N = 0;
        /** Always 0: the first entry, for kernels over all entries. */
        public static final int ZERO = 1;
        /** First entry whose logits are wanted. */
        public static final int LOGITS_FIRST = 2;
        /** How many entries' logits are wanted. */
        public static final int LOGITS_COUNT = 3;
        /** Per entry {@code b}: its position in its sequence at {@code ENTRIES + 2b}, its KV slot at {@code ENTRIES + 2b + 1}. */
        public static final int ENTRIES = 8;

        /** Length of a meta array for {@code capacity} entries. */
        public static int length(int capacity) {
            return ENTRIES + 3 * capacity;
        }

        /** Where entry {@code b}'s token id is: at {@code tokens(capacity) + b}. */
        public static int tokens(int capacity) {
            return ENTRIES + 2 * capacity;
        }
    }
}
