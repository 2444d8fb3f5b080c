/**
 * Spring AI adapters for the Llama 3 engine: {@link dev.llama3.spring.ai.Llama3ChatModel} (a {@code ChatModel} and
 * {@code StreamingChatModel}), its {@link dev.llama3.spring.ai.Llama3ChatOptions} and the tokenizer as a
 * {@code TokenCountEstimator}. Plain classes, usable without Spring Boot.
 */
@NullMarked
package dev.llama3.spring.ai;

import org.jspecify.annotations.NullMarked;
