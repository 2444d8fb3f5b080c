package dev.llama3.tensor;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;

/** The kernel implementations every kernel test runs against: scalar always, Vector API when its module is on. */
final class KernelImplementations {
    private static DotKernels vector;

    private KernelImplementations() {}

    static List<DotKernels> all() {
        List<DotKernels> list = new ArrayList<>();
        list.add(Kernels.scalar());
        if (Kernels.vectorModulePresent()) {
            list.add(vector());
        }
        return list;
    }

    /** The Vector API kernels, or a skipped test when the JVM runs without jdk.incubator.vector. */
    static synchronized DotKernels vector() {
        assumeTrue(Kernels.vectorModulePresent(), "jdk.incubator.vector is not enabled in this JVM");
        if (vector == null) {
            vector = Kernels.createVector();
        }
        return vector;
    }

    static String name(DotKernels k) {
        return k.vectorized() ? "vector" : "scalar";
    }
}
