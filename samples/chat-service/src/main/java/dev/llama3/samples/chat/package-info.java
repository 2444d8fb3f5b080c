/** The chat-service sample: a web API over the Llama 3 starter. */
@NullMarked
package dev.llama3.samples.chat;

import org.jspecify.annotations.NullMarked;
