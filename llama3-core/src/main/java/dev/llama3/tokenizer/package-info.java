/**
 * The Llama 3 tokenizer: byte-level BPE read from a GGUF vocabulary, identical to llama.cpp's
 * {@code llama_tokenize} / {@code llama_token_to_piece} for {@code tokenizer.ggml.pre = "llama-bpe"}.
 *
 * <p>{@link dev.llama3.tokenizer.Llama3Tokenizer} is the entry point (encode, decode, special tokens);
 * {@link dev.llama3.tokenizer.StreamingDecoder} turns generated ids into text without splitting characters. The
 * package-private classes are the steps: special-token splitting, the Llama 3 pre-tokenizer, GPT-2 byte symbols,
 * and the merge table.
 */
package dev.llama3.tokenizer;
