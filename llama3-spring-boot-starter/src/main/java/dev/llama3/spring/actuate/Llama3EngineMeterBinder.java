package dev.llama3.spring.actuate;

import dev.llama3.engine.LlamaEngine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Gauges of the loaded engine, tagged with the model's name: {@value #SESSIONS} (conversations holding a KV cache) and
 * {@value #KV_CACHE_MEMORY} (bytes those caches hold outside the Java heap).
 */
public class Llama3EngineMeterBinder implements MeterBinder {

    public static final String SESSIONS = "llama3.sessions.active";
    public static final String KV_CACHE_MEMORY = "llama3.kv.cache.memory";

    private final LlamaEngine engine;
    private final String modelName;

    public Llama3EngineMeterBinder(LlamaEngine engine, String modelName) {
        this.engine = engine;
        this.modelName = modelName;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(SESSIONS, this.engine, LlamaEngine::openSessions)
                .description("Llama 3 sessions (conversations) holding a KV cache")
                .tag(MicrometerLlama3Metrics.TAG_MODEL, this.modelName)
                .strongReference(true)
                .register(registry);
        Gauge.builder(KV_CACHE_MEMORY, this.engine, LlamaEngine::kvCacheBytesInUse)
                .description("Memory held by the KV caches of the open Llama 3 sessions, outside the Java heap")
                .baseUnit("bytes")
                .tag(MicrometerLlama3Metrics.TAG_MODEL, this.modelName)
                .strongReference(true)
                .register(registry);
    }
}
