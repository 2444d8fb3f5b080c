package dev.llama3.tensor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the row kernels once per JVM: the Vector API kernels when the incubator module
 * {@code jdk.incubator.vector} is present (start the JVM with {@code --add-modules jdk.incubator.vector}),
 * otherwise the scalar ones. {@code -Dllama3.vector=false} forces the scalar kernels.
 *
 * <p>All Vector API code lives in classes that are only loaded (reflectively) after the module check, so
 * the library works, slowly, on a JVM without the module instead of failing with NoClassDefFoundError.
 */
public final class Kernels {
    private static final Logger LOG = LoggerFactory.getLogger(Kernels.class);

    /** System property; {@code false} forces the scalar kernels. */
    public static final String VECTOR_PROPERTY = "llama3.vector";

    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_KERNELS_CLASS = "dev.llama3.tensor.VectorKernels";

    static {
        loadSegmentKinds();
    }

    private static final DotKernels ACTIVE = select();

    private Kernels() {}

    /** Whether the active kernels use the Vector API. */
    public static boolean vectorized() {
        return ACTIVE.vectorized();
    }

    /** Which kernels are active, e.g. "Vector API, 512-bit vectors (16 float lanes)". */
    public static String describe() {
        return ACTIVE.description();
    }

    static DotKernels active() {
        return ACTIVE;
    }

    static DotKernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /** Whether the Vector API module is in the boot layer. */
    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /**
     * A new instance of the Vector API kernels. Only call when {@link #vectorModulePresent()}.
     *
     * @throws IllegalStateException when they cannot be created on this machine (e.g. unusable vector size)
     */
    static DotKernels createVector() {
        try {
            return (DotKernels) Class.forName(VECTOR_KERNELS_CLASS).getDeclaredConstructor().newInstance();
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot load the Vector API kernels: " + e, e);
        }
    }

    /**
     * Loads every kind of {@link java.lang.foreign.MemorySegment} the engine uses (mapped file, native, heap arrays)
     * before any kernel runs. The JIT compiles the kernels under the assumption that only the segment classes loaded
     * so far exist; the first heap or native segment created later (a KV cache, an attention buffer) would then
     * throw away every compiled kernel in the middle of the first prompt, costing a few hundred milliseconds of
     * recompilation on the first request.
     */
    private static void loadSegmentKinds() {
        java.lang.foreign.MemorySegment.ofArray(new byte[1]).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0);
        java.lang.foreign.MemorySegment.ofArray(new short[1]).get(java.lang.foreign.ValueLayout.JAVA_SHORT, 0);
        java.lang.foreign.MemorySegment.ofArray(new int[1]).get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
        java.lang.foreign.MemorySegment.ofArray(new float[1]).get(java.lang.foreign.ValueLayout.JAVA_FLOAT, 0);
        java.lang.foreign.MemorySegment.ofArray(new long[1]).get(java.lang.foreign.ValueLayout.JAVA_LONG, 0);
        java.lang.foreign.MemorySegment.ofArray(new double[1]).get(java.lang.foreign.ValueLayout.JAVA_DOUBLE, 0);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            arena.allocate(8).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0);
        }
    }

    private static DotKernels select() {
        if ("false".equalsIgnoreCase(System.getProperty(VECTOR_PROPERTY, "").trim())) {
            LOG.info("Tensor kernels: scalar (forced by -D{}=false)", VECTOR_PROPERTY);
            return ScalarKernels.INSTANCE;
        }
        if (!vectorModulePresent()) {
            LOG.warn("Tensor kernels: the Vector API module {} is not enabled, so matrix products run on slow scalar"
                    + " code. Start the JVM with --add-modules {} to enable the fast path.", VECTOR_MODULE, VECTOR_MODULE);
            return ScalarKernels.INSTANCE;
        }
        try {
            DotKernels kernels = createVector();
            LOG.info("Tensor kernels: {}", kernels.description());
            return kernels;
        } catch (IllegalStateException e) {
            LOG.warn("Tensor kernels: Vector API unusable here ({}); falling back to slow scalar code", e.getMessage());
            return ScalarKernels.INSTANCE;
        }
    }
}
