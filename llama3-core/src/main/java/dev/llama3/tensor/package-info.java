/**
 * GGML's tensor formats as typed views over (memory-mapped) data, and the compute kernels.
 *
 * <p>{@link dev.llama3.tensor.WeightMatrix} views a 2-D GGUF tensor in place and offers exact dequantization of
 * a row (bit for bit what ggml's {@code dequantize_row_<type>} produces), the dot product of a row with a float
 * vector, and matrix products over a batch of vectors, parallelized by a {@link dev.llama3.tensor.ComputePool}.
 * Supported types: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_NL, IQ4_XS.
 *
 * <p>The kernels use the Vector API when the JVM runs with {@code --add-modules jdk.incubator.vector}: every format
 * is unpacked in registers and multiplied with float32 FMAs in one pass over the weights. Without the module a
 * scalar implementation runs instead (with a warning); {@code -Dllama3.vector=false} forces it.
 * {@link dev.llama3.tensor.Kernels#describe()} says which is active.
 *
 * <p>{@link dev.llama3.tensor.Quantizers} turns float rows into ggml-compatible blocks (ggml's reference
 * algorithms) and {@link dev.llama3.tensor.Float16} / {@link dev.llama3.tensor.BFloat16} convert half-precision
 * values with ggml's rounding.
 */
package dev.llama3.tensor;
