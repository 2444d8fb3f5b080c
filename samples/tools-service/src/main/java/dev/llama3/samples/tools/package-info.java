/** The tools-service sample: the chat API with an order desk and a unit converter as Spring AI tools. */
@NullMarked
package dev.llama3.samples.tools;

import org.jspecify.annotations.NullMarked;
