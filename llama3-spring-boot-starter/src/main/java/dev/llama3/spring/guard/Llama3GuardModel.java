package dev.llama3.spring.guard;

import dev.llama3.engine.EngineOptions;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.gguf.GgufFormatException;
import dev.llama3.guard.GuardPolicy;
import dev.llama3.guard.LlamaGuard;
import dev.llama3.spring.autoconfigure.InvalidLlama3PropertyException;
import dev.llama3.spring.autoconfigure.ModelFile;
import dev.llama3.tensor.ComputePool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loaded guard model: its own engine (a second model, separate from the chat model's) and the
 * {@link LlamaGuard} classifier with the configured policy. Not a {@link LlamaEngine} bean on purpose, so that it
 * never stands in for the chat model's engine.
 */
public final class Llama3GuardModel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Llama3GuardModel.class);
    private static final String PATH_PROPERTY = Llama3GuardProperties.PREFIX + ".model.path";

    private final LlamaEngine engine;
    private final LlamaGuard guard;

    public Llama3GuardModel(LlamaEngine engine, GuardPolicy policy) {
        this.engine = engine;
        this.guard = new LlamaGuard(engine, policy);
    }

    /** Loads the configured guard model and builds its policy. */
    public static Llama3GuardModel load(Llama3GuardProperties properties) {
        Path path = path(properties.getModel().getPath());
        if (properties.getContextLength() < 256) {
            throw new InvalidLlama3PropertyException(Llama3GuardProperties.PREFIX + ".context-length",
                    properties.getContextLength(), "the guard's prompt alone (policy and instructions) needs a few "
                    + "hundred positions", "Set it to 2048 or more.");
        }
        EngineOptions options = EngineOptions.builder()
                .threads(properties.getThreads() != null ? properties.getThreads() : ComputePool.defaultThreads())
                .contextLength(properties.getContextLength()).build();
        LlamaEngine engine;
        try {
            engine = LlamaEngine.load(path, options);
        } catch (GgufFormatException e) {
            throw new InvalidLlama3PropertyException(PATH_PROPERTY, path, "the file is not a valid GGUF file: "
                    + e.getMessage(), "Point it at a Llama Guard GGUF file, e.g. Llama-Guard-3-1B-Q8_0.gguf.", e);
        } catch (IOException e) {
            throw new InvalidLlama3PropertyException(PATH_PROPERTY, path, "the file cannot be read: " + e,
                    "Check that the file exists and that this process may read it.", e);
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            throw new InvalidLlama3PropertyException(PATH_PROPERTY, path, "the model cannot be loaded: "
                    + e.getMessage(), "Point it at a Llama Guard 2 or 3 model in GGUF format.", e);
        }
        try {
            GuardPolicy policy = policy(properties, engine);
            log.info("Llama Guard loaded from {}: {} categories {}, threshold {}, checks {}", path.getFileName(),
                    policy.version(), policy.categories().stream().map(c -> c.code()).toList(),
                    properties.getThreshold(), properties.getChecks().name().toLowerCase(Locale.ROOT));
            return new Llama3GuardModel(engine, policy);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** The default categories of the model's generation, with the configured changes applied. */
    static GuardPolicy policy(Llama3GuardProperties properties, LlamaEngine engine) {
        GuardPolicy policy = switch (resolve(properties.getVersion(), engine)) {
            case LLAMA_GUARD_2 -> GuardPolicy.llamaGuard2();
            case LLAMA_GUARD_3_1B -> GuardPolicy.llamaGuard3OneB();
            default -> GuardPolicy.llamaGuard3();
        };
        String prefix = Llama3GuardProperties.PREFIX + ".categories";
        try {
            if (!properties.getCategories().getExclude().isEmpty()) {
                policy = policy.without(properties.getCategories().getExclude().toArray(String[]::new));
            }
            for (Map.Entry<String, String> e : properties.getCategories().getRename().entrySet()) {
                policy = policy.renamed(e.getKey(), e.getValue());
            }
            for (Llama3GuardProperties.Custom c : properties.getCategories().getCustom()) {
                policy = policy.with(c.getName(), c.getDescription());
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidLlama3PropertyException(prefix, null, e.getMessage(), "Use the codes the model's "
                    + "policy defines (Llama Guard 3: S1..S14, the 1B: S1..S13, Llama Guard 2: S1..S11), keep at "
                    + "least one category, and give custom categories a one-line name.", e);
        }
        return policy;
    }

    static Llama3GuardProperties.GuardModelVersion resolve(Llama3GuardProperties.GuardModelVersion configured,
            LlamaEngine engine) {
        if (configured != Llama3GuardProperties.GuardModelVersion.AUTO) {
            return configured;
        }
        String name = engine.gguf().findString("general.name").orElse("")
                + " " + engine.gguf().path().getFileName();
        String n = name.toLowerCase(Locale.ROOT).replace('-', ' ').replace('_', ' ');
        if (n.contains("guard 2")) {
            return Llama3GuardProperties.GuardModelVersion.LLAMA_GUARD_2;
        }
        if (engine.config().blockCount() == 16) {
            return Llama3GuardProperties.GuardModelVersion.LLAMA_GUARD_3_1B;
        }
        return Llama3GuardProperties.GuardModelVersion.LLAMA_GUARD_3;
    }

    private static Path path(@Nullable String configured) {
        return ModelFile.resolve(PATH_PROPERTY, configured, "Llama Guard", "Llama-Guard-3-1B-Q8_0.gguf",
                "or set spring.ai.llama3.guard.enabled=false");
    }

    public LlamaGuard guard() {
        return guard;
    }

    public LlamaEngine engine() {
        return engine;
    }

    @Override
    public void close() {
        engine.close();
    }
}
