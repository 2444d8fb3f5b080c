/**
 * Llama Guard 2 and 3 safety classification on a loaded guard model: Meta's prompt templates
 * ({@link dev.llama3.guard.GuardPrompt}), category policies with custom categories
 * ({@link dev.llama3.guard.GuardPolicy}), the thresholded P(unsafe) verdict with categories decoded under a grammar
 * ({@link dev.llama3.guard.LlamaGuard}), and a fail-closed parser for answer text
 * ({@link dev.llama3.guard.GuardVerdictParser}).
 */
package dev.llama3.guard;
