/**
 * Spring Boot auto-configuration of the in-process Llama 3 chat model: properties under {@code spring.ai.llama3},
 * the engine, tokenizer and chat model beans, and failure analyses for invalid settings.
 */
@NullMarked
package dev.llama3.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
