package dev.llama3.backend;

/**
 * A way to run the forward pass, found through {@link java.util.ServiceLoader} (a module lists its implementation in
 * {@code META-INF/services/dev.llama3.backend.BackendProvider}); the CPU provider is built in.
 *
 * <p>A provider class must load even where its runtime is absent: {@link #probe} is how it says so. Keep references
 * to the runtime's classes out of the provider class itself.
 */
public interface BackendProvider {

    /** The name users select it by ({@code spring.ai.llama3.backend}, {@code --backend}), lower case. */
    String name();

    /**
     * Whether it can run {@code request} here — runtime, driver, device, memory needed against memory available,
     * supported tensor types — without allocating anything lasting. Never throws for a missing runtime.
     */
    Availability probe(BackendRequest request);

    /**
     * Starts the backend for {@code request}: uploads what it needs and allocates its working memory.
     *
     * @throws BackendUnavailableException when it turns out it cannot run after all (e.g. the device refused the
     *     allocation)
     */
    Backend open(BackendRequest request);
}
