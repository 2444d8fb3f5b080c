package dev.llama3.spring.actuate;

import dev.llama3.engine.LlamaEngine;
import dev.llama3.model.LlamaConfig;
import dev.llama3.tensor.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports the in-process Llama 3 model (contributor {@code llama3}): UP while the engine is loaded, with the model
 * file, its size and weight types, the backend and SIMD kernels, the context length and threads, and the sessions
 * (conversations) in use with the memory their KV caches hold; DOWN once the engine is closed.
 *
 * <p>The check only reads counters the engine keeps: it runs no inference and takes no lock.
 */
public class Llama3HealthIndicator extends AbstractHealthIndicator {

    private final LlamaEngine engine;
    private final String modelName;

    public Llama3HealthIndicator(LlamaEngine engine, String modelName) {
        super("Llama 3 health check failed");
        this.engine = engine;
        this.modelName = modelName;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Path file = this.engine.gguf().path();
        builder.withDetail("model", this.modelName).withDetail("file", file.toString());
        if (this.engine.isClosed()) {
            builder.down().withDetail("reason", "the engine is closed (the application is shutting down)");
            return;
        }
        LlamaConfig config = this.engine.config();
        builder.up()
                .withDetail("fileSize", size(file))
                .withDetail("weightTypes", this.engine.weightTypes())
                .withDetail("layers", config.blockCount())
                .withDetail("vocabulary", config.vocabSize())
                .withDetail("backend", this.engine.backendName())
                .withDetail("backendDescription", this.engine.backendDescription())
                .withDetail("kernels", Kernels.describe())
                .withDetail("threads", this.engine.options().threads())
                .withDetail("contextLength", this.engine.contextLength())
                .withDetail("trainedContextLength", config.contextLength())
                .withDetail("kvCacheType", this.engine.options().kvCacheType().name())
                .withDetail("sessionsInUse", this.engine.openSessions())
                .withDetail("kvCacheBytesPerSession", this.engine.kvCacheBytesPerSession())
                .withDetail("kvCacheBytesInUse", this.engine.kvCacheBytesInUse());
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
