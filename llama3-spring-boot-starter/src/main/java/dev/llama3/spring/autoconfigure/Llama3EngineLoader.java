package dev.llama3.spring.autoconfigure;

import dev.llama3.backend.Availability;
import dev.llama3.backend.BackendUnavailableException;
import dev.llama3.engine.EngineOptions;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.gguf.GgufFormatException;
import dev.llama3.tensor.ComputePool;
import dev.llama3.tensor.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the {@link LlamaEngine} that {@link Llama3Properties} describe: checks the settings, resolves the model
 * path, picks the backend, and turns every way loading can fail into an {@link InvalidLlama3PropertyException}
 * that says which setting to change.
 */
final class Llama3EngineLoader {

    private static final Logger log = LoggerFactory.getLogger(Llama3EngineLoader.class);
    private static final String PATH_PROPERTY = Llama3Properties.PREFIX + ".model.path";
    private static final String BACKEND_PROPERTY = Llama3Properties.PREFIX + ".backend";

    private Llama3EngineLoader() {}

    static LlamaEngine load(Llama3Properties properties) {
        Llama3PropertiesValidator.validateEngine(properties);
        Path path = modelPath(properties.getModel().getPath());
        String backend = properties.getBackend().name().toLowerCase(Locale.ROOT);
        Boolean hugePages = properties.getHugePages();
        EngineOptions options = EngineOptions.builder()
                .backend(backend)
                .kvCacheType(properties.getKvCacheType())
                .threads(properties.getThreads() != null ? properties.getThreads() : ComputePool.defaultThreads())
                .contextLength(properties.getContextLength())
                .batchSize(properties.getBatchSize())
                .maxBatchSequences(properties.getMaxBatchSequences())
                .hugePages(hugePages != null ? hugePages : EngineOptions.defaultHugePages())
                .build();
        log.info("Loading Llama 3 model {} ({} MiB), backend {}: {} threads, context {}, prompt batch {}, "
                        + "KV cache {}, CPU kernels: {}",
                path, size(path) >> 20, backend, options.threads(),
                options.contextLength() == 0 ? "model default" : options.contextLength(), options.batchSize(),
                options.kvCacheType(), Kernels.describe());
        LlamaEngine engine;
        try {
            engine = LlamaEngine.load(path, options);
        } catch (BackendUnavailableException e) {
            throw unavailable(e);
        } catch (GgufFormatException e) {
            throw new InvalidLlama3PropertyException(PATH_PROPERTY, path, "the file is not a valid GGUF file: "
                    + e.getMessage(), "Point it at a Llama 3 model in GGUF format (for example "
                    + "Llama-3.2-1B-Instruct-Q8_0.gguf); the file may also be incomplete, so check its size.", e);
        } catch (IOException e) {
            throw new InvalidLlama3PropertyException(PATH_PROPERTY, path, "the file cannot be read: " + e,
                    "Check that the file exists and that this process may read it.", e);
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            throw new InvalidLlama3PropertyException(PATH_PROPERTY, path, "the model cannot be loaded: "
                    + e.getMessage(), "Point it at a Llama 3 family model (architecture 'llama') in GGUF format "
                    + "with supported weight types, e.g. Q8_0, Q4_K_M or F16.", e);
        }
        if (engine.contextLength() > engine.config().contextLength()) {
            log.warn("spring.ai.llama3.context-length={} is longer than the {} positions {} was trained on: replies "
                    + "past that point degrade", engine.contextLength(), engine.config().contextLength(),
                    path.getFileName());
        }
        return engine;
    }

    /** The configured path with a leading {@code ~} expanded, or a failure saying what is missing. */
    static Path modelPath(@Nullable String configured) {
        return ModelFile.resolve(PATH_PROPERTY, configured, "Llama 3", "Llama-3.2-1B-Instruct-Q8_0.gguf",
                "or set spring.ai.model.chat to another provider to switch the Llama 3 chat model off");
    }

    /**
     * A backend requested by name that cannot run: the failure analysis names the missing piece (module, runtime,
     * driver, device, memory) and how to get it. Only a named backend gets here; {@code auto} falls back to the CPU.
     */
    static InvalidLlama3PropertyException unavailable(BackendUnavailableException e) {
        Availability a = e.availability();
        String problem = "the " + e.backend() + " backend cannot start: " + missing(a.missing()) + " (" + a.reason()
                + ")";
        String fix = a.fix().isEmpty() ? "" : capitalize(a.fix()) + ". ";
        return new InvalidLlama3PropertyException(BACKEND_PROPERTY, e.backend(), problem, fix
                + "Or set spring.ai.llama3.backend to auto (uses it when it can run, else the CPU) or to cpu.", e);
    }

    private static String missing(Availability.Missing missing) {
        return switch (missing) {
            case MODULE -> "its module is not on the classpath";
            case RUNTIME -> "its runtime is missing";
            case DRIVER -> "no device driver loads";
            case DEVICE -> "no usable device";
            case MEMORY -> "not enough device memory";
            case MODEL -> "it cannot run this model";
            case NOTHING -> "it failed";
        };
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static long size(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            return 0;
        }
    }
}
