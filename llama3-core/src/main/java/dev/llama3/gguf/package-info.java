/**
 * Reading and writing GGUF files, the model format of llama.cpp.
 *
 * <p>{@link dev.llama3.gguf.GgufFile} opens GGUF v2/v3 files, validates their structure (any
 * malformed file is refused with a {@link dev.llama3.gguf.GgufFormatException} naming the file, the
 * problem and its byte offset, key or tensor) and memory-maps tensor data read-only.
 * {@link dev.llama3.gguf.GgufWriter} writes GGUF v3 files in ggml's layout. Metadata values are
 * {@link dev.llama3.gguf.GgufValue}s; tensors are described by {@link dev.llama3.gguf.GgufTensorInfo}
 * with element types from {@link dev.llama3.gguf.GgmlType}.
 */
package dev.llama3.gguf;
