#!/usr/bin/env python3
"""Writes the register-tiled kernels of VectorKernels.java (the section between the "generated tiled kernels"
markers). The kernels are spelled out on purpose (no helper methods: C2's inlining budget, see the class comment);
this script keeps their many near-identical lines consistent. Every kernel of a type performs, for each
(row, vector) pair, the same operations in the same order, so results do not depend on the batch.

    python3 tools/gen_tiled_kernels.py            # rewrites llama3-core/.../tensor/VectorKernels.java in place
    python3 tools/gen_tiled_kernels.py --print    # prints the section

A spec TYPE:R:T is R rows x T vectors; R = T = 1 is the single-row dot kernel. "Q8_0S"/"Q4_0S" are the 512-bit
per-block-sum kernels (s = q.x per 32-block, then acc += s * d), matching the hand-written dotQ8_0/dotQ4_0;
"Q8_0S:8:1"/"Q4_0S:4:1" serve one vector over long rows, "Q8_0S:4:4" four to seven
vectors (sessions decoding together). Q4_K keeps two accumulators per (row, vector), low nibbles
(even sub-blocks) and high nibbles (odd ones), added before the lane sum: one FMA chain's latency bounded the
single-vector kernel. "Q4_K512" is dotQ4_K with its loops unrolled for 512-bit
vectors (the loop version spends a fifth of its time on loop control and the per-group scale branch); its weights
are lookups in per-sub-block tables. "Q4_K512:2:1" takes two rows (a page apart) for one vector, looped over the
groups of a super-block so that C1 can compile it.
After the specs come the float-panel kernels (PANEL_SPECS): unpackQ4_K512/unpackQ6_K512 write a row's weights as
float32, and mmPanel2x4Q4_K combines Q4_K rows with vectors, per pair in the order of dotQ4_K512; unpackQ6_K512Ordered
writes a Q6_K row's weights in dotQ6_K512's lane order (the vectors are copied into the same order), so that the plain
tile mmPrompt4x4 does dotQ6_K512's FMAs over them. "Q6_K512:1:1" and mm2x1Q6_K512 (two rows a page apart) read their
vectors in that lane order. Last, mmPrompt4x4 (PROMPT_SPECS): the prompt path's tile over panels, one plain column order per
pair.
"""
import os
import sys

SPECS = ["Q8_0S:2:8", "Q4_0S:2:8", "Q8_0S:4:4", "Q4_0S:4:4", "Q8_0S:8:1", "Q4_0S:4:1", "Q4_K:1:1", "Q4_K:2:4", "Q4_K512:1:1", "Q4_K512:2:1", "Q6_K:1:1", "Q6_K:1:4", "Q6_K512:1:1"]
START = "    // ---------------------------------------------------------------- generated tiled kernels"
END = "    // ---------------------------------------------------------------- end of generated tiled kernels"

def reduce_store(acc, target):
    return [
        f"{acc} = {acc}.add({acc}.rearrange(ROT_A));",
        f"{acc} = {acc}.add({acc}.rearrange(ROT_B));",
        f"if (L >= 8) {{",
        f"    {acc} = {acc}.add({acc}.rearrange(ROT_C));",
        f"}}",
        f"if (L >= 16) {{",
        f"    {acc} = {acc}.add({acc}.rearrange(ROT_D));",
        f"}}",
        target.format(f"{acc}.lane(0)"),
    ]

def fmas(R, T, w, xexpr, acc="c"):
    out = []
    for t in range(T):
        xo = xexpr if t == 0 else (f"{xexpr} + xs" if t == 1 else f"{xexpr} + {t} * xs")
        out.append(f"xv = FloatVector.fromArray(F, x, {xo});")
        for r in range(R):
            out.append(f"{acc}{r}{t} = {w}{r}.fma(xv, {acc}{r}{t});")
    return out

def ind(lines, n):
    return ["    " * n + l if l else l for l in lines]

def q4_k_header(R):
    # per row: d, dmin and the 12 scale bytes of the super-block (bytes 0..7 as a long, 8..11 as an int)
    out = []
    for r in range(R):
        out.append(f"float d{r} = halfToFloat(seg.get(SHORT_LE, o{r}));")
        out.append(f"float m{r} = halfToFloat(seg.get(SHORT_LE, o{r} + 2));")
        out.append(f"long s{r} = seg.get(LONG_LE, o{r} + 4);")
        out.append(f"int t{r} = seg.get(INT_LE, o{r} + 12);")
    return out

def q4_k(R, T):
    body = ["for (int i = 0; i < n; i += 256) {"]
    b = []
    b += q4_k_header(R)
    b.append("for (int g = 0; g < 4; g++) {")
    gb = []
    # per row: scale/min for sub-blocks 2g, 2g+1
    for r in range(R):
        gb += [
            f"int sa{r};", f"int ma{r};", f"int sb{r};", f"int mb{r};",
            f"if (g < 2) {{",
            f"    sa{r} = (int) (s{r} >>> (16 * g)) & 63;",
            f"    sb{r} = (int) (s{r} >>> (16 * g + 8)) & 63;",
            f"    ma{r} = (int) (s{r} >>> (16 * g + 32)) & 63;",
            f"    mb{r} = (int) (s{r} >>> (16 * g + 40)) & 63;",
            f"}} else {{",
            f"    int u = t{r} >>> (16 * (g - 2));",
            f"    int lo = (int) (s{r} >>> (16 * (g - 2)));",
            f"    int hi = (int) (s{r} >>> (16 * g));",
            f"    sa{r} = (u & 0xF) | (((lo >>> 6) & 3) << 4);",
            f"    ma{r} = ((u >>> 4) & 0xF) | (((hi >>> 6) & 3) << 4);",
            f"    sb{r} = ((u >>> 8) & 0xF) | (((lo >>> 14) & 3) << 4);",
            f"    mb{r} = ((u >>> 12) & 0xF) | (((hi >>> 14) & 3) << 4);",
            f"}}",
            f"FloatVector da{r} = FloatVector.broadcast(F, d{r} * sa{r});",
            f"FloatVector na{r} = FloatVector.broadcast(F, -(m{r} * ma{r}));",
            f"FloatVector db{r} = FloatVector.broadcast(F, d{r} * sb{r});",
            f"FloatVector nb{r} = FloatVector.broadcast(F, -(m{r} * mb{r}));",
        ]
    gb.append("for (int j = 0; j < 32; j += BL) {")
    jb = []
    for r in range(R):
        jb.append(f"ByteVector q{r} = ByteVector.fromMemorySegment(B, seg, o{r} + 16 + 32L * g + j, LE);")
    jb.append("for (int p = 0; p < PARTS; p++) {")
    pb = ["int xi = x0 + i + 64 * g + j + p * L;"]
    for r in range(R):
        pb.append(f"FloatVector w{r} = ((FloatVector) q{r}.and((byte) 0x0F).convertShape(B2F, F, p)).fma(da{r}, na{r});")
    pb += fmas(R, T, "w", "xi")
    for r in range(R):
        pb.append(f"w{r} = ((FloatVector) q{r}.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)")
        pb.append(f"        .convertShape(B2F, F, p)).fma(db{r}, nb{r});")
    pb += fmas(R, T, "w", "xi + 32", "e")
    jb += ind(pb, 1) + ["}"]
    gb += ind(jb, 1) + ["}"]
    b += ind(gb, 1) + ["}"]
    for r in range(R):
        b.append(f"o{r} += 144;")
    body += ind(b, 1) + ["}"]
    return body

# Q6_K's four 32-value groups k of a half: (which 32 bytes of ql: 0 = ql[l], 1 = ql[32 + l]; the low 4 bits from
# them; the high 2 bits from qh[l], placed at bits 4-5). Shared by the loop and the unrolled kernels.
Q6K_PARTS = [
    (0, "{s}.and((byte) 0x0F)", "{e}.reinterpretAsShorts().lanewise(LSHL, SHIFT4).reinterpretAsBytes().and((byte) 0x30)"),
    (1, "{s}.and((byte) 0x0F)", "{e}.reinterpretAsShorts().lanewise(LSHL, SHIFT2).reinterpretAsBytes().and((byte) 0x30)"),
    (0, "{s}.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)", "{e}.and((byte) 0x30)"),
    (1, "{s}.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)",
     "{e}.reinterpretAsShorts().lanewise(LSHR, SHIFT2).reinterpretAsBytes().and((byte) 0x30)"),
]

def q6_k_unrolled(R, T):
    body = ["for (int i = 0; i < n; i += 256) {"]
    b = []
    for r in range(R):
        b.append(f"float d{r} = halfToFloat(seg.get(SHORT_LE, o{r} + 208));")
    b.append("for (int h = 0; h < 2; h++) {")
    hb = []
    hb.append("for (int l = 0; l < 32; l += BL) {")
    lb = []
    for r in range(R):
        lb.append(f"ByteVector a{r} = ByteVector.fromMemorySegment(B, seg, o{r} + 64L * h + l, LE);")
        lb.append(f"ByteVector c{r} = ByteVector.fromMemorySegment(B, seg, o{r} + 64L * h + 32 + l, LE);")
        lb.append(f"ByteVector e{r} = ByteVector.fromMemorySegment(B, seg, o{r} + 128 + 32L * h + l, LE);")
    lb.append("long is = 192 + 8L * h + l / 16;")
    lb.append("for (int p = 0; p < PARTS; p++) {")
    pb = ["int xi = x0 + i + 128 * h + l + p * L;"]
    for k, (half, nib, hib) in enumerate(Q6K_PARTS):
        soff = 2 * k
        for r in range(R):
            sv = f"{'ac'[half]}{r}"; e = f"e{r}"
            decl = "FloatVector " if k == 0 else ""
            pb.append(f"{decl}w{r} = ((FloatVector) {nib.format(s=sv)}")
            pb.append(f"        .or({hib.format(e=e)}).sub((byte) 32)")
            pb.append(f"        .convertShape(B2F, F, p)).mul(FloatVector.broadcast(F, d{r} * seg.get(JAVA_BYTE, o{r} + is + {soff})));")
        xexpr = "xi" if k == 0 else f"xi + {32 * k}"
        pb += fmas(R, T, "w", xexpr)
    lb += ind(pb, 1) + ["}"]
    hb += ind(lb, 1) + ["}"]
    b += ind(hb, 1) + ["}"]
    for r in range(R):
        b.append(f"o{r} += 210;")
    body += ind(b, 1) + ["}"]
    return body

def s_scheme(tname, R, T):
    # 512-bit only (L == 16, B = 16 bytes): both 16-value chunks of a 32-value block unpacked for R rows, then per
    # (row, vector): s = fma(w0, x0, 0) (Q4_0: s = w0 * x0); s = fma(w1, x1, s); c = fma(s, d, c) -- the order of the
    # generic dot kernel. Q4_0's multiply, which equals fma(w0, x0, 0) up to the sign of a zero product, saves C2 a
    # register for the zero vector: the model's Q4_0 products at batch 64 (two threads) 1283-1414 -> 1156-1221 ms.
    bb = 34 if tname == "Q8_0" else 18
    body = ["for (int i = 0; i < n; i += 32) {"]
    b = []
    # The scales first, before the vector loads (all @ForceInline, inlined late if need be): a scale read ends in a
    # method without @ForceInline, which C2 no longer inlines once its parse has created 18000 nodes (see the
    # VectorKernels class comment; read last, mm8x1Q8_0's 8th scale sometimes fell past that: decode -25 %).
    for r in range(R):
        b.append(f"FloatVector d{r} = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o{r})));")
    for r in range(R):
        if tname == "Q8_0":
            b.append(f"FloatVector u{r} = (FloatVector) ByteVector.fromMemorySegment(B, seg, o{r} + 2, LE).convertShape(B2F, F, 0);")
            b.append(f"FloatVector v{r} = (FloatVector) ByteVector.fromMemorySegment(B, seg, o{r} + 18, LE).convertShape(B2F, F, 0);")
        else:
            b.append(f"ByteVector q{r} = ByteVector.fromMemorySegment(B, seg, o{r} + 2, LE);")
            b.append(f"FloatVector u{r} = (FloatVector) q{r}.and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);")
            b.append(f"FloatVector v{r} = (FloatVector) q{r}.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes()")
            b.append(f"        .and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);")
    for t in range(T):
        xo = "x0 + i" if t == 0 else (f"x0 + xs + i" if t == 1 else f"x0 + {t} * xs + i")
        b.append(f"x0v = FloatVector.fromArray(F, x, {xo});")
        b.append(f"x1v = FloatVector.fromArray(F, x, {xo} + 16);")
        for r in range(R):
            first = f"u{r}.mul(x0v)" if tname == "Q4_0" else f"u{r}.fma(x0v, zero)"
            b.append(f"c{r}{t} = v{r}.fma(x1v, {first}).fma(d{r}, c{r}{t});")
    for r in range(R):
        b.append(f"o{r} += {bb};")
    body += ind(b, 1) + ["}"]
    return body

def q4_k_512_scale_reads(r):
    # The header of row r's super-block (d, dmin, the 12 scale bytes b) in one 64-byte load and one byte permute
    # (Q4K_HEADER) as 16 ints: lane j (j < 8: scale j, j >= 8: min j - 8) holds in its bytes 0 and 1 the two scale
    # bytes it is built from and in bytes 2-3 d (lanes 0-7) or dmin (lanes 8-15). dm{r}: lanes 0-7 d, 8-15 -dmin;
    # when all halves are normal and positive (real scales) they are converted with integer operations (rebias the
    # exponent, 15 -> 127: + 112 << 10, widen the mantissa, 10 -> 23 bits) and the mins' sign flipped: the floats
    # halfToFloat gives. Any other half (zero, subnormal, negative, infinite, NaN) takes halfToFloat, which ends in a
    # method C2 inlines only while its parse is below NodeCountInliningCutoff (see dotQ8_0), so every kernel reads
    # these first. Against two scalar halfToFloat, two broadcasts and two 16-byte permutes and widenings:
    # dotQ4_K512 10.4-11.0 -> 11.4-12.0 Gweights/s on one core in L2 (docs/performance.md).
    return [
        f"IntVector hd{r} = ByteVector.fromMemorySegment(B64, seg, o{r}, LE).rearrange(Q4K_HEADER).reinterpretAsInts();",
        f"IntVector hv{r} = hd{r}.lanewise(LSHR, 16);",
        f"FloatVector dm{r} = hv{r}.sub(0x0400).compare(ULT, 0x7800).allTrue()",
        f"        ? hv{r}.add(0x1C000).lanewise(LSHL, 13).lanewise(XOR, Q4K_DM_SIGN).reinterpretAsFloats()",
        f"        : FloatVector.broadcast(F, halfToFloat(seg.get(SHORT_LE, o{r})))",
        f"                .blend(-halfToFloat(seg.get(SHORT_LE, o{r} + 2)), Q4K_MINS);",
    ]

def q4_k_512_scales(r):
    # the 8 scales (lanes 0-7: d * sc[j]) and 8 mins (lanes 8-15: -dmin * m[j]) of row r's super-block as one float
    # vector ds{r}. Lane by lane (b = the 12 scale bytes): sc[j] = b[j] & 63 (j < 4), (b[j+4] & 15) | (b[j-4] >> 6) << 4
    # (j >= 4); m[j] = b[j+4] & 63 (j < 4), (b[j+4] >> 4) | (b[j] >> 6) << 4 (j >= 4). Lane j of hd{r} holds the
    # first of those bytes in bits 0-7 and the second in bits 8-15; (b >> 6) << 4 is (b >> 2) & 0x30.
    return [
        f"IntVector sm{r} = hd{r}.lanewise(LSHR, Q4K_SHIFT).and(Q4K_LOW).or(hd{r}.lanewise(LSHR, 10).and(Q4K_HIGH));",
        f"FloatVector ds{r} = ((FloatVector) sm{r}.convert(I2F, 0)).mul(dm{r});",
    ]

def q4_k_512_lanes(r, g, suffix):
    # group g's low-nibble weight table and high-nibble scale and min. Lane q of ta (sub-block 2g) is the weight of
    # nibble q, fma(q, d * sc, -dmin * m) -- the one FMA the loop kernels do per weight, done here once per table,
    # so that a weight is a table lookup (selectFrom) instead of an int-to-float conversion and an FMA; kept as int
    # bits, since selectFrom takes its indexes from the vector it is called on. The high nibbles (sub-block 2g + 1)
    # are converted and multiplied-added with the broadcast sb (d * sc) and mb (-dmin * m) instead: the same FMA,
    # so the same weights, and a lookup and a table's lane permutes run on the one port that also does every other
    # permute and every byte-to-int widening (Sapphire Rapids: port 5), while a conversion and an FMA also use the
    # other. Half from tables, half converted: mm2x1Q4_K512 12.1-12.3 -> 13.2-13.3 and unpackQ4_K512 14.3 -> 15.9
    # Gweights/s on one core in cache, the model's Q4_K products about 5 % faster (docs/performance.md).
    return [
        f"IntVector ta{suffix} = IOTA_F.fma(ds{r}.rearrange(LANE_{2 * g}), ds{r}.rearrange(LANE_{8 + 2 * g})).reinterpretAsInts();",
        f"FloatVector sb{suffix} = ds{r}.rearrange(LANE_{2 * g + 1});",
        f"FloatVector mb{suffix} = ds{r}.rearrange(LANE_{9 + 2 * g});",
    ]

def q4_k_512_weights(q, suffix):
    # the weights of 16 bytes q (zero-extended to ints): low nibbles (first half of a group) from the table, then
    # high nibbles (second half) converted. selectFrom wraps each index to 0..15 (floorMod by the lane count),
    # which is what keeps the low nibble of q; the logical shift leaves the high one.
    lo = f"{q}.selectFrom(ta{suffix}).reinterpretAsFloats()"
    hi = [f"((FloatVector) {q}.lanewise(LSHR, 4).convert(I2F, 0))", f"        .fma(sb{suffix}, mb{suffix})"]
    return lo, hi

def q4_k_512_super_block(emit):
    # one super-block of a single row, unrolled: scale reads, scales, then per group g its weight tables and, for
    # each 16-byte load q0 (values 64g + j and 64g + j + 32), the lines emit(lo, hi, 64g + j) makes of its low- and
    # high-nibble weights. (Multi-row kernels loop over the groups instead, see q4_k_512_rows; the panel unpacking
    # keeps this form, which unpacks a batch of 4 faster than the looped one: the model's Q4_K gate products at batch
    # 4 took 27-31 against 32-35 ms.)
    b = q4_k_512_scale_reads(0) + q4_k_512_scales(0)
    for g in range(4):
        b += q4_k_512_lanes(0, g, f"0{g}")
        for j in (0, 16):
            decl = "IntVector " if (g, j) == (0, 0) else ""
            b.append(f"{decl}q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + {16 + 32 * g + j}, LE)")
            b.append("        .convertShape(ZERO_EXTEND_B2I, I, 0);")
            lo, hi = q4_k_512_weights("q0", f"0{g}")
            b += emit(lo, hi, 64 * g + j)
    b.append("o0 += 144;")
    return b

def q4_k_512_rows(R):
    # R rows (taken a page apart by the caller: R streams of weights in flight) x one vector. The super-block is
    # walked group by group in a loop, not unrolled like dotQ4_K512: R unrolled rows are more than C1 can compile
    # (out of virtual registers), which would leave the kernel interpreted until C2 compiles it. Instead of the
    # lane broadcasts of group g, the scale vector is rotated by two lanes per group (ROT_Q4K), so that group g's
    # scales and mins are always in lanes 0, 1, 8 and 9. Per (row, vector) the operations and their order are
    # dotQ4_K512's.
    b = ["for (int i = 0; i < n; i += 256) {"]
    sb = []
    for r in range(R):
        sb += q4_k_512_scale_reads(r)
    for r in range(R):
        sb += q4_k_512_scales(r)
    sb.append("for (int g = 0; g < 4; g++) {")
    gb = []
    for r in range(R):
        gb += q4_k_512_lanes(r, 0, f"{r}")
    weights = [q4_k_512_weights(f"q{r}", f"{r}") for r in range(R)]
    for j in (0, 16):
        for r in range(R):
            decl = "IntVector " if j == 0 else ""
            gb.append(f"{decl}q{r} = (IntVector) ByteVector.fromMemorySegment(B, seg, o{r} + {16 + j}, LE)")
            gb.append("        .convertShape(ZERO_EXTEND_B2I, I, 0);")
        gb.append(f"xv = FloatVector.fromArray(F, x, x0 + i + 64 * g + {j});")
        for r, (lo, _) in enumerate(weights):
            gb.append(f"c{r}0 = {lo}.fma(xv, c{r}0);")
        gb.append(f"xv = FloatVector.fromArray(F, x, x0 + i + 64 * g + {j + 32});")
        for r, (_, hi) in enumerate(weights):
            gb += [f"e{r}0 = {hi[0]}", f"{hi[1]}.fma(xv, e{r}0);"]
    for r in range(R):
        gb.append(f"ds{r} = ds{r}.rearrange(ROT_Q4K);")
        gb.append(f"o{r} += 32;")
    sb += ind(gb, 1) + ["}"]
    for r in range(R):
        sb.append(f"o{r} += 16;")
    b += ind(sb, 1) + ["}"]
    return b

def q4_k_512(R, T):
    if R > 1:
        assert T == 1
        return q4_k_512_rows(R)
    # 512-bit only (L == 16, B = 16 bytes): dotQ4_K's loops unrolled, same operations in the same order per
    # (row, vector). The 8 scales and 8 mins of a super-block are decoded with one pass of int vector operations
    # (lanes 0-7: d * sc[j], lanes 8-15: -dmin * m[j], the same floats as the scalar decoding of the loop kernels)
    # and broadcast lane by lane (LANE_j) into weight tables, instead of some forty scalar operations per 64 weights.
    assert T == 1
    def fma(lo, hi, v):
        return [f"xv = FloatVector.fromArray(F, x, x0 + i + {v});", f"c00 = {lo}.fma(xv, c00);",
                f"xv = FloatVector.fromArray(F, x, x0 + i + {v + 32});", f"e00 = {hi[0]}", f"{hi[1]}.fma(xv, e00);"]
    return ["for (int i = 0; i < n; i += 256) {"] + ind(q4_k_512_super_block(fma), 1) + ["}"]

def q6_k_512_scales(r):
    # lane j = d * sc[j], the same float product as the loop kernel's scalar one
    return [f"FloatVector ds{r} = ((FloatVector) ByteVector.fromMemorySegment(B, seg, o{r} + 192, LE).convertShape(B2F, F, 0))",
            f"        .mul(halfToFloat(seg.get(SHORT_LE, o{r} + 208)));"]

def q6_k_512_loads(r, h, l):
    # ql bytes l and 32 + l of half h, and qh bytes l of half h (16 each)
    decl = "ByteVector " if (h, l) == (0, 0) else ""
    return [f"{decl}a{r} = ByteVector.fromMemorySegment(B, seg, o{r} + {64 * h + l}, LE);",
            f"{decl}g{r} = ByteVector.fromMemorySegment(B, seg, o{r} + {64 * h + 32 + l}, LE);",
            f"{decl}h{r} = ByteVector.fromMemorySegment(B, seg, o{r} + {128 + 32 * h + l}, LE);"]

def q6_k_512_weight(r, h, l, k):
    # the 16 weights at values 128h + l + 32k, as three lines
    half, nib, hib = Q6K_PARTS[k]
    j = 8 * h + l // 16 + 2 * k
    return [f"((FloatVector) {nib.format(s='ag'[half] + str(r))}",
            f"        .or({hib.format(e='h' + str(r))}).sub((byte) 32)",
            f"        .convertShape(B2F, F, 0)).mul(ds{r}.rearrange(LANE_{j}))"]

def q6_k_512_super_block(emit):
    # one super-block of a single row: scales, then for each 16 values 128h + l + 32k the lines emit(w, v) makes of
    # their weight expression w (three lines) at value offset v
    b = q6_k_512_scales(0)
    for h in range(2):
        for l in (0, 16):
            b += q6_k_512_loads(0, h, l)
            for k in range(4):
                b += emit(q6_k_512_weight(0, h, l, k), 128 * h + l + 32 * k)
    b.append("o0 += 210;")
    return b

def q6_k_512_lane_bytes(r, ql, qd, ds, lows, highs):
    # the weight bytes q - 32 of one half super-block as int lanes lo{r} (k = 0, 1) and hi{r} (k = 2, 3) from its 64
    # ql bytes and its 32 qh bytes twice over, and the scales of their lanes sl{r}, sh{r} (q6_k_512_lane_super_block)
    return [f"IntVector lo{r} = {ql}.and((byte) 0x0F)",
            f"        .or({qd}.reinterpretAsShorts().lanewise(LSHL, Q6K_SHIFT01).reinterpretAsBytes().and((byte) 0x30))",
            "        .sub((byte) 32).reinterpretAsInts();",
            f"IntVector hi{r} = {ql}.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)",
            f"        .or({qd}.reinterpretAsShorts().lanewise(LSHR, Q6K_SHIFT23).reinterpretAsBytes().and((byte) 0x30))",
            "        .sub((byte) 32).reinterpretAsInts();",
            f"FloatVector sl{r} = {ds}.rearrange({lows});",
            f"FloatVector sh{r} = {ds}.rearrange({highs});"]

def q6_k_512_lane_weight(r, part, byte):
    # the 16 weights of byte `byte` of every lane of lo{r} (part 0) or hi{r} (part 1), as two lines: the byte
    # sign-extended (a shift left, an arithmetic shift right), converted and scaled
    src = f"{'lo' if part == 0 else 'hi'}{r}"
    ext = f"{src}.lanewise(ASHR, 24)" if byte == 3 else f"{src}.lanewise(LSHL, {24 - 8 * byte}).lanewise(ASHR, 24)"
    return [f"((FloatVector) {ext}", f"        .convert(I2F, 0)).mul({'sl' if part == 0 else 'sh'}{r})"]

def q6_k_512_lane_super_block(emit):
    # One super-block of a single row in lane order (512-bit only). Per half h, one 64-byte load of its ql bytes and
    # its 32 qh bytes twice over (a byte permute of the super-block's 64) make its 128 weight bytes q - 32 with
    # 64-byte operations: lo{h} bytes 0-31 the values 128h + l (k = 0: low nibbles, qh bits 0-1), bytes 32-63 the
    # values 128h + 32 + l (k = 1: bits 2-3); hi{h} likewise k = 2 and 3 (high nibbles, bits 4-5 and 6-7). Read as 16
    # int lanes, byte b of every lane (a shift left and an arithmetic shift right: the sign-extended weight) is the
    # step 8h + 4 * (hi) + b of the kernel: lane j holds value q6_k_lane_value(step, j), whose scale (sub-block
    # 8h + 4 * (hi) + j / 4) comes from one lane permute per half and part. The vector x must be in the same order
    # (VectorKernels.copyInQ6_KOrder). Against dotQ6_K's order (16 contiguous values per step, each widened from 16
    # bytes and scaled by a broadcast lane): a third fewer operations per weight; one core in L2, 9.1-9.8 -> 11.6-12.4
    # Gweights/s (docs/performance.md). emit(w, v) makes the lines of step v / 16 from its weight expression w (two lines).
    b = [f"ByteVector ql{h} = ByteVector.fromMemorySegment(B64, seg, o0 + {64 * h}, LE);" for h in range(2)]
    b.append("ByteVector qh0 = ByteVector.fromMemorySegment(B64, seg, o0 + 128, LE);")
    b += q6_k_512_scales(0)
    for h in range(2):
        b.append(f"ByteVector qd{h} = qh0.rearrange(Q6K_HALF_{h});")
        b += q6_k_512_lane_bytes(h, f"ql{h}", f"qd{h}", "ds0", f"Q6K_SCALES_{h}_LO", f"Q6K_SCALES_{h}_HI")
        for part in range(2):
            for byte in range(4):
                b += emit(q6_k_512_lane_weight(h, part, byte), 16 * (8 * h + 4 * part + byte))
    b.append("o0 += 210;")
    return b

def q6_k_lane_value(step, j):
    # the value of a Q6_K super-block that lane j of step `step` of dotQ6_K512 holds (see q6_k_512_lane_super_block);
    # VectorKernels.copyInQ6_KOrder copies the vectors by the same formula
    h, part, byte = step // 8, step // 4 % 2, step % 4
    k = 2 * part + (j // 8)
    return 128 * h + 32 * k + 4 * (j % 8) + byte

# the lane order visits every value of a super-block exactly once
assert sorted(q6_k_lane_value(s, j) for s in range(16) for j in range(16)) == list(range(256))

def q6_k_512(R, T):
    # 512-bit only: one super-block per pass in lane order (q6_k_512_lane_super_block), one accumulator, x in that
    # order. Not the order of dotQ6_K (the other widths' kernel): VectorKernels.dot routes Q6_K at 512 bits here.
    assert R == 1
    def fma(w, v):
        decl = "FloatVector " if v == 0 else ""
        return [f"{decl}w0 = {w[0]}", w[1] + ";"] + fmas(1, T, "w", f"x0 + i + {v}")
    return ["for (int i = 0; i < n; i += 256) {"] + ind(q6_k_512_lane_super_block(fma), 1) + ["}"]

def q6_k_512_rows():
    # Two rows (a page apart, see VectorKernels.pageSpread) x one vector in dotQ6_K512's lane order, per (row, vector)
    # its operations in its order, so the same bits. A core streams one row's weights at about 5-6 GB/s; two rows
    # are two streams in flight (as for Q8_0, Q4_0 and Q4_K). The halves of a super-block are a loop (the half's qh
    # permute and scale permutes chosen per pass), so that C1 can compile it.
    R = 2
    lines = ["static void mm2x1Q6_K512(MemorySegment seg, long off, long rb, int n, float[] x, int x0, float[] out, int o,",
             "        int ors) {"]
    b = []
    for r in range(R):
        b.append(f"long o{r} = off" + stride(r, "rb") + ";")
    for r in range(R):
        b.append(f"FloatVector c{r}0 = FloatVector.zero(F);")
    b += ["FloatVector xv;", "FloatVector w;", "for (int i = 0; i < n; i += 256) {"]
    sb = []
    for r in range(R):
        sb += q6_k_512_scales(r)
        sb.append(f"ByteVector qh{r} = ByteVector.fromMemorySegment(B64, seg, o{r} + 128, LE);")
    sb.append("for (int h = 0; h < 2; h++) {")
    hb = ["VectorShuffle<Byte> half = h == 0 ? Q6K_HALF_0 : Q6K_HALF_1;",
          "VectorShuffle<Float> lows = h == 0 ? Q6K_SCALES_0_LO : Q6K_SCALES_1_LO;",
          "VectorShuffle<Float> highs = h == 0 ? Q6K_SCALES_0_HI : Q6K_SCALES_1_HI;"]
    for r in range(R):
        hb += [f"ByteVector ql{r} = ByteVector.fromMemorySegment(B64, seg, o{r} + 64L * h, LE);",
               f"ByteVector qd{r} = qh{r}.rearrange(half);"]
        hb += q6_k_512_lane_bytes(r, f"ql{r}", f"qd{r}", f"ds{r}", "lows", "highs")
    for part in range(2):
        for byte in range(4):
            hb.append(f"xv = FloatVector.fromArray(F, x, x0 + i + 128 * h + {16 * (4 * part + byte)});")
            for r in range(R):
                w = q6_k_512_lane_weight(r, part, byte)
                hb += [f"w = {w[0]}", w[1] + ";", f"c{r}0 = w.fma(xv, c{r}0);"]
    sb += ind(hb, 1) + ["}"]
    for r in range(R):
        sb.append(f"o{r} += 210;")
    b += ind(sb, 1) + ["}"]
    for r in range(R):
        b += reduce_store(f"c{r}0", "out[o" + stride(r, "ors") + "] = {};")
    lines += ind(b, 1) + ["}"]
    return ind(lines, 1)

GEN = {"Q4_K": q4_k, "Q6_K": q6_k_unrolled, "Q4_K512": q4_k_512, "Q6_K512": q6_k_512}

# ---- float panels (512-bit only): a batch of 4 or more vectors meets Q4_K/Q6_K rows unpacked once to float32
# (unpackX512 writes exactly the weights w the dot kernels form), then a float32 register tile does for each
# (row, vector) pair the FMAs of dotQ4_K512/dotQ6_K512 in their order: the same bits, a fraction of the unpacking.
# Q4_K: mmPanel2x4Q4_K over rows in column order. Q6_K: rows unpacked in dotQ6_K512's lane order
# (unpackQ6_K512Ordered, vectors copied the same way by VectorKernels.copyInQ6_KOrder), then the plain mmPrompt4x4:
# a counted loop that C2 compiles better than a tile stepping through dotQ6_K512's order (the model's Q6_K output
# product at batch 4: 23 against 26-27 ms).

def unpack_kernel(tname, super_block, suffix=""):
    lines = [f"static void unpack{tname}512{suffix}(MemorySegment seg, long off, int n, float[] w, int wo) {{"]
    b = ["long o0 = off;", "for (int i = 0; i < n; i += 256) {"] + ind(super_block, 1) + ["}"]
    lines += ind(b, 1) + ["}"]
    return ind(lines, 1)

def unpack_q4_k_512():
    def store(lo, hi, v):
        return [f"{lo}.intoArray(w, wo + i + {v});", hi[0], f"{hi[1]}.intoArray(w, wo + i + {v + 32});"]
    return unpack_kernel("Q4_K", q4_k_512_super_block(store))

def unpack_q6_k_512():
    def store(wl, v):
        return [wl[0], wl[1], wl[2] + f".intoArray(w, wo + i + {v});"]
    return unpack_kernel("Q6_K", q6_k_512_super_block(store))

def unpack_q6_k_512_ordered():
    # a Q6_K row's weights in dotQ6_K512's lane order (step by step, q6_k_512_lane_super_block), so that a tile going
    # through the panel in plain order, with the vectors in the same order (copyInQ6_KOrder), does dotQ6_K512's FMAs
    def store(w, v):
        return [w[0], w[1] + f".intoArray(w, wo + i + {v});"]
    return unpack_kernel("Q6_K", q6_k_512_lane_super_block(store), "Ordered")

def at(base, offset):
    return base if offset == 0 else f"{base} + {offset}"

def panel_kernel(tname, R, T):
    # rows w[wo + r*ws ..] (floats) times vectors x[x0 + t*xs ..] -> out[o + t*os + r]; tname None: the prompt tile
    # (mmPromptRxT, one accumulator per pair in plain column order), "Q4_K": the order of dotQ4_K512
    assert tname in (None, "Q4_K")
    two = tname == "Q4_K"
    name = f"mmPrompt{R}x{T}" if tname is None else f"mmPanel{R}x{T}{tname}"
    lines = [f"static void {name}(float[] w, int wo, int ws, int n, float[] x, int x0, int xs,",
             f"        float[] out, int o, int os) {{"]
    b = []
    for r in range(R):
        for t in range(T):
            b.append(f"FloatVector c{r}{t} = FloatVector.zero(F);")
            if two:
                b.append(f"FloatVector e{r}{t} = FloatVector.zero(F);")
    b.append("FloatVector xv;")
    if tname is None:
        b.append("for (int i = 0; i < n; i += 16) {")
        chunks = [(0, "c")]
    else:
        # dotQ4_K512's order: per 64 values, values 0-31 into c, 32-63 into e, ascending
        b.append("for (int i = 0; i < n; i += 64) {")
        chunks = [(0, "c"), (16, "c"), (32, "e"), (48, "e")]
    ib = []
    for ci, (co, acc) in enumerate(chunks):
        for r in range(R):
            wi = at("wo" + stride(r, "ws") + " + i", co)
            ib.append(f"{'FloatVector ' if ci == 0 else ''}w{r} = FloatVector.fromArray(F, w, {wi});")
        ib += fmas(R, T, "w", at("x0 + i", co), acc)
    b += ind(ib, 1) + ["}"]
    for t in range(T):
        for r in range(R):
            if two:
                b.append(f"c{r}{t} = c{r}{t}.add(e{r}{t});")
            ox = "o" + ("" if r == 0 else f" + {r}") + stride(t, "os")
            b += reduce_store(f"c{r}{t}", f"out[{ox}] = {{}};")
    lines += ind(b, 1) + ["}"]
    return ind(lines, 1)

PANEL_SPECS = [("Q4_K", 2, 4)]

# ---- prompt panels (512-bit only): the prompt path of Q8_0, Q4_0, Q4_K and Q6_K (VectorKernels.matmulPromptRows).
# Rows are unpacked to float32 weights (Q8_0/Q4_0: ggml's q * d / (q - 8) * d; the K-quants: what their dot kernels
# form), and every (row, vector) pair is one accumulator taking w[i..i+15] * x[i..i+15] for i = 0, 16, 32, ... in
# column order, then the lane sum. This is not the decode kernels' order (per-block sums, two accumulators, Q6_K's piece order), so
# decode keeps those; the prompt path gives every prompt vector this order whatever the batch (promptDotPanel does
# the same for a single pair). The tile is panel_kernel's with tname None.

PROMPT_SPECS = [(4, 4)]


def stride(k, name):
    # k steps of stride name, as a term to append: "", " + name", " + k * name". Tile rows are rb apart in the
    # matrix and their results ors apart in out (the caller may take rows a page apart, VectorKernels.pageSpread).
    return "" if k == 0 else (f" + {name}" if k == 1 else f" + {k} * {name}")


def kernel(tname, R, T):
    scheme_s = tname.endswith("S")
    tname = tname.rstrip("S") if scheme_s else tname
    ident = tname
    lines = []
    if R == 1 and T == 1:
        lines.append(f"static float dot{ident}(MemorySegment seg, long off, int n, float[] x, int x0) {{")
    elif T == 1:
        lines.append(f"static void mm{R}x1{ident}(MemorySegment seg, long off, long rb, int n, float[] x, int x0, float[] out, int o,")
        lines.append(f"        int ors) {{")
    else:
        lines.append(f"static void mm{R}x{T}{ident}(MemorySegment seg, long off, long rb, int n, float[] x, int x0, int xs,")
        lines.append(f"        float[] out, int o, int os, int ors) {{")
    b = []
    for r in range(R):
        b.append(f"long o{r} = off" + stride(r, "rb") + ";")
    two = tname.startswith("Q4_K")
    for r in range(R):
        for t in range(T):
            b.append(f"FloatVector c{r}{t} = FloatVector.zero(F);")
            if two:
                b.append(f"FloatVector e{r}{t} = FloatVector.zero(F);")
    if scheme_s:
        if tname == "Q8_0":
            b.append("FloatVector zero = FloatVector.zero(F);")
        b.append("FloatVector x0v;")
        b.append("FloatVector x1v;")
        b += s_scheme(tname, R, T)
    else:
        b.append("FloatVector xv;")
        b += GEN[tname](R, T)
    for t in range(T):
        for r in range(R):
            if two:
                b.append(f"c{r}{t} = c{r}{t}.add(e{r}{t});")
            if R == 1 and T == 1:
                tgt = "return {};"
            elif T == 1:
                tgt = "out[o" + stride(r, "ors") + "] = {};"
            else:
                ox = "o" + stride(r, "ors") + stride(t, "os")
                tgt = f"out[{ox}] = {{}};"
            b += reduce_store(f"c{r}{t}", tgt)
    lines += ind(b, 1)
    lines.append("}")
    return ind(lines, 1)


def section():
    out = ["    // LANE_j: every lane takes lane j (512-bit vectors; the Q4_K512 and Q6_K512 scale broadcasts)."]
    for j in range(16):
        out.append(f"    private static final VectorShuffle<Float> LANE_{j} = VectorShuffle.iota(F, {j}, 0, true);")
    out.append("    // Q4K_HEADER: the bytes of a Q4_K block's first 64 that make each int lane of its scales (lanes 0-7) and mins")
    out.append("    // (8-15): the two scale bytes the value is built from, then d or dmin (q4_k_512_scale_reads in the generator);")
    out.append("    // Q4K_SHIFT, Q4K_LOW, Q4K_HIGH: how (q4_k_512_scales); Q4K_DM_SIGN: the sign of -dmin; Q4K_MINS: lanes 8-15.")
    out.append("    private static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_512;")
    out.append("    private static final VectorShuffle<Byte> Q4K_HEADER = L == 16 ? VectorShuffle.fromValues(B64,")
    out.append("            4, 4, 0, 1, 5, 4, 0, 1, 6, 4, 0, 1, 7, 4, 0, 1,")
    out.append("            12, 4, 0, 1, 13, 5, 0, 1, 14, 6, 0, 1, 15, 7, 0, 1,")
    out.append("            8, 4, 2, 3, 9, 4, 2, 3, 10, 4, 2, 3, 11, 4, 2, 3,")
    out.append("            12, 8, 2, 3, 13, 9, 2, 3, 14, 10, 2, 3, 15, 11, 2, 3) : null;")
    out.append("    private static final IntVector Q4K_SHIFT = L == 16")
    out.append("            ? IntVector.fromArray(I, new int[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4}, 0) : null;")
    out.append("    private static final IntVector Q4K_LOW = L == 16")
    out.append("            ? IntVector.fromArray(I, new int[] {63, 63, 63, 63, 15, 15, 15, 15, 63, 63, 63, 63, 15, 15, 15, 15}, 0) : null;")
    out.append("    private static final IntVector Q4K_HIGH = L == 16")
    out.append("            ? IntVector.fromArray(I, new int[] {0, 0, 0, 0, 0x30, 0x30, 0x30, 0x30, 0, 0, 0, 0, 0x30, 0x30, 0x30, 0x30}, 0) : null;")
    out.append("    private static final IntVector Q4K_DM_SIGN = L == 16")
    out.append("            ? IntVector.zero(I).blend(0x80000000, VectorMask.fromLong(I, 0xFF00L)) : null;")
    out.append("    private static final VectorMask<Float> Q4K_MINS = VectorMask.fromLong(F, 0xFF00L);")
    out.append("    // Q6K_HALF_h: half h's 32 qh bytes (of a super-block's 64) twice over; Q6K_SHIFT01, Q6K_SHIFT23: the 16-bit")
    out.append("    // shifts that bring the qh bits of k = 0 and 1 (2 and 3) to bits 4-5 of bytes 0-31 and 32-63; Q6K_SCALES_h_LO,")
    out.append("    // Q6K_SCALES_h_HI: each lane's scale for the steps of half h (q6_k_512_lane_super_block in the generator).")
    out.append("    private static final VectorSpecies<Short> S64 = ShortVector.SPECIES_512;")
    out.append("    private static final VectorShuffle<Byte> Q6K_HALF_0 = L == 16 ? VectorShuffle.fromOp(B64, i -> i & 31) : null;")
    out.append("    private static final VectorShuffle<Byte> Q6K_HALF_1 = L == 16 ? VectorShuffle.fromOp(B64, i -> 32 | (i & 31)) : null;")
    out.append("    private static final ShortVector Q6K_SHIFT01 = L == 16")
    out.append("            ? ShortVector.broadcast(S64, (short) 4).blend((short) 2, VectorMask.fromLong(S64, 0xFFFF0000L)) : null;")
    out.append("    private static final ShortVector Q6K_SHIFT23 = L == 16")
    out.append("            ? ShortVector.zero(S64).blend((short) 2, VectorMask.fromLong(S64, 0xFFFF0000L)) : null;")
    out.append("    private static final VectorShuffle<Float> Q6K_SCALES_0_LO = L == 16")
    out.append("            ? VectorShuffle.fromValues(F, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3) : null;")
    out.append("    private static final VectorShuffle<Float> Q6K_SCALES_0_HI = L == 16")
    out.append("            ? VectorShuffle.fromValues(F, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7) : null;")
    out.append("    private static final VectorShuffle<Float> Q6K_SCALES_1_LO = L == 16")
    out.append("            ? VectorShuffle.fromValues(F, 8, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 10, 11, 11, 11, 11) : null;")
    out.append("    private static final VectorShuffle<Float> Q6K_SCALES_1_HI = L == 16")
    out.append("            ? VectorShuffle.fromValues(F, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 15) : null;")
    out.append("    // ROT_Q4K: lanes 2-7 to 0-5 and 0-1 to 6-7, the same within lanes 8-15 (the next group's scales and mins).")
    out.append("    private static final VectorShuffle<Float> ROT_Q4K = L == 16")
    out.append("            ? VectorShuffle.fromValues(F, 2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9) : null;")
    out.append("    // IOTA_F: lane q holds q (the nibble values of the Q4_K512 weight tables).")
    out.append("    private static final FloatVector IOTA_F = (FloatVector) IOTA.convert(I2F, 0);")
    out.append("")
    for spec in SPECS:
        t, r, tt = spec.split(":")
        out += kernel(t, int(r), int(tt)) + [""]
    out += q6_k_512_rows() + [""]
    out += unpack_q4_k_512() + [""] + unpack_q6_k_512() + [""] + unpack_q6_k_512_ordered() + [""]
    for t, r, tt in PANEL_SPECS:
        out += panel_kernel(t, r, tt) + [""]
    for r, tt in PROMPT_SPECS:
        out += panel_kernel(None, r, tt) + [""]
    return "\n".join(out)


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "llama3-core", "src", "main", "java", "dev",
                        "llama3", "tensor", "VectorKernels.java")
    if "--print" in sys.argv:
        print(section())
        return
    text = open(path).read()
    a = text.index(START)
    a = text.index("\n\n", a) + 2  # keep the marker's comment block
    b = text.index(END)
    new_text = text[:a] + section() + text[b:]  # before opening: a failing generator leaves the file as it was
    open(path, "w").write(new_text)


if __name__ == "__main__":
    main()
