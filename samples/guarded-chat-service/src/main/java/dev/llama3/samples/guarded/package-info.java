/** The guarded-chat-service sample: the chat API with Llama Guard in front of and behind the model. */
@NullMarked
package dev.llama3.samples.guarded;

import org.jspecify.annotations.NullMarked;
