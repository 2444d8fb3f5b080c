package dev.llama3.backend;

import java.util.Objects;

/**
 * Whether a backend can run here, and if not, what is missing and how to get it. A provider answers this before
 * anything is uploaded or allocated, so that {@code auto} can move on to the CPU and an explicit request can fail
 * with a message that names the missing piece.
 *
 * @param usable whether {@link BackendProvider#open} is expected to succeed
 * @param missing what is missing; {@link Missing#NOTHING} when usable
 * @param reason for a usable backend, what it will run on (e.g. the device); otherwise what is wrong
 * @param fix what the user can do about it; empty when usable
 */
public record Availability(boolean usable, Missing missing, String reason, String fix) {

    /** The piece a backend lacks, coarse enough for a failure analysis to explain. */
    public enum Missing {
        /** Nothing: the backend is usable. */
        NOTHING,
        /** No provider of that name is on the classpath (its module is not a dependency). */
        MODULE,
        /** The backend's runtime is not installed or not on the JVM's command line (e.g. TornadoVM's argfile). */
        RUNTIME,
        /** The runtime is there but no driver for a device loads (OpenCL ICD, CUDA driver, ...). */
        DRIVER,
        /** Drivers load but no device can be used. */
        DEVICE,
        /** A device is there but has too little memory for the weights and KV caches requested. */
        MEMORY,
        /** The device can run, but not this model (a tensor type or shape the backend's kernels lack). */
        MODEL
    }

    public Availability {
        Objects.requireNonNull(missing, "missing");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(fix, "fix");
        if (usable != (missing == Missing.NOTHING)) {
            throw new IllegalArgumentException("a usable backend misses nothing, an unusable one misses something");
        }
    }

    /** A usable backend; {@code description} says what it runs on. */
    public static Availability usable(String description) {
        return new Availability(true, Missing.NOTHING, description, "");
    }

    /** An unusable backend: what is missing, why, and how to fix it. */
    public static Availability missing(Missing missing, String reason, String fix) {
        return new Availability(false, missing, reason, fix);
    }

    /**
     * The memory check every device backend needs: {@code needed} bytes against {@code available}.
     *
     * @param what what the memory is, e.g. "device memory of NVIDIA H100"
     */
    public static Availability memory(String what, long needed, long available, String usableDescription) {
        if (needed <= available) {
            return usable(usableDescription);
        }
        return missing(Missing.MEMORY, "the model needs " + mib(needed) + " MiB of " + what + " but "
                + mib(available) + " MiB are available", "use a smaller model or quantization, a shorter context "
                + "length, fewer concurrent sessions, or the cpu backend");
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
