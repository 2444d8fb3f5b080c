package dev.llama3.spring.guard;

import dev.llama3.guard.GuardVerdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Guard meters: {@code llama3.guard.checks} (tags {@code direction} input/output, {@code outcome} safe/blocked/failed,
 * {@code cached}), {@code llama3.guard.blocked} per violated {@code category} code, and the
 * {@code llama3.guard.duration} timer of classifications that ran the model. Tags never carry message content.
 */
public final class MicrometerGuardMetrics implements GuardMetrics {
    private final MeterRegistry registry;

    public MicrometerGuardMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void record(GuardDirection direction, GuardVerdict verdict, long nanos, boolean cached) {
        String outcome = verdict.reason().startsWith("guard failed") ? "failed" : verdict.safe() ? "safe" : "blocked";
        Counter.builder("llama3.guard.checks").description("Llama Guard classifications")
                .tag("direction", direction.tag()).tag("outcome", outcome).tag("cached", Boolean.toString(cached))
                .register(registry).increment();
        if (!verdict.safe()) {
            for (String category : verdict.categories()) {
                Counter.builder("llama3.guard.blocked").description("Messages blocked by Llama Guard, by category")
                        .tag("direction", direction.tag()).tag("category", category).register(registry).increment();
            }
        }
        if (!cached) {
            Timer.builder("llama3.guard.duration").description("Time Llama Guard took to classify a message")
                    .tag("direction", direction.tag()).register(registry).record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
