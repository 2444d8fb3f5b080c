/** Caffeine-backed caches of the starter: the prompt-prefix KV cache. */
@NullMarked
package dev.llama3.spring.cache;

import org.jspecify.annotations.NullMarked;
