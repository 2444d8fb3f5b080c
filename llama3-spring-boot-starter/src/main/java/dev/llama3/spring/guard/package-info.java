/**
 * Llama Guard for Spring AI: {@link dev.llama3.spring.guard.Llama3SafetyGuard} (classify a conversation),
 * {@link dev.llama3.spring.guard.Llama3GuardAdvisor} (input and output filtering on every ChatClient, with any chat
 * model) and their auto-configuration under {@code spring.ai.llama3.guard}.
 */
@NullMarked
package dev.llama3.spring.guard;

import org.jspecify.annotations.NullMarked;
