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
        return new CpuBackend(request, warmupEnabled());
    }

    private static boolean warmupEnabled() {
        return !"false".equalsIgnoreCase(System.getProperty(WARMUP_PROPERTY, "").trim());
    }
}
