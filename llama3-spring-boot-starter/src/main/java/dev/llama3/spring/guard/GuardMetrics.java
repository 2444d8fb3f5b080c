package dev.llama3.spring.guard;

import dev.llama3.guard.GuardVerdict;

/** Where the guard reports each classification (Micrometer when present; see {@link MicrometerGuardMetrics}). */
public interface GuardMetrics {

    /** Records nothing. */
    GuardMetrics NONE = (direction, verdict, nanos, cached) -> { };

    /**
     * @param nanos time the classification took (0 when served from the cache)
     * @param cached whether the verdict came from the verdict cache
     */
    void record(GuardDirection direction, GuardVerdict verdict, long nanos, boolean cached);
}
