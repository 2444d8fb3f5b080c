package dev.llama3.backend;

/** The built-in backend: the Vector API (or scalar) kernels on this machine's cores; always usable. */
public final class CpuBackendProvider implements BackendProvider {
    /** The CPU backend's name. */
    public static final String NAME = "cpu";

    /**
     * System property: {@code false} turns off compiling the kernels during load ({@link KernelWarmup}), e.g. where
     * the extra CPU at startup matters more than the first request's latency.
     */
    public static final String WARMUP_PROPERTY = "llama3.warmup";

    /**
     * System property: {@code false} keeps the weights on the mapped file's pages instead of moving them onto
     * transparent huge pages after the first forward pass ({@link HugePageMover}), e.g. where several processes
     * should share one copy of the model in the page cache: the default of {@code EngineOptions.hugePages}, which
     * reaches this backend as {@link BackendRequest#hugePages()}.
     */
    public static final String HUGE_PAGES_PROPERTY = "llama3.hugePages";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability probe(BackendRequest request) {
        return Availability.usable("the CPU, " + request.threads() + " threads");
    }

    @Override
    public Backend open(BackendRequest request) {
        return new CpuBackend(request, enabled(WARMUP_PROPERTY));
    }

    /** {@link #HUGE_PAGES_PROPERTY}: whether the weights move onto huge pages unless the options say otherwise. */
    public static boolean hugePagesByDefault() {
        return enabled(HUGE_PAGES_PROPERTY);
    }

    private static boolean enabled(String property) {
        return !"false".equalsIgnoreCase(System.getProperty(property, "").trim());
    }
}
