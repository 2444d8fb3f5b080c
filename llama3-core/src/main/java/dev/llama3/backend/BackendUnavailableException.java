package dev.llama3.backend;

/**
 * A backend that was asked for by name cannot run here. The message names the backend and the missing piece;
 * {@link #availability()} carries the details for callers that explain it (the starter's failure analysis, the CLI).
 */
public class BackendUnavailableException extends RuntimeException {
    private final String backend;
    private final Availability availability;

    public BackendUnavailableException(String backend, Availability availability) {
        this(backend, availability, null);
    }

    public BackendUnavailableException(String backend, Availability availability, Throwable cause) {
        super("backend '" + backend + "' is not usable (" + availability.missing().name().toLowerCase(java.util.Locale.ROOT)
                + " missing): " + availability.reason() + (availability.fix().isEmpty() ? "" : "; " + availability.fix()),
                cause);
        if (availability.usable()) {
            throw new IllegalArgumentException("availability must say what is missing");
        }
        this.backend = backend;
        this.availability = availability;
    }

    /** The backend's name as requested, e.g. {@code tornadovm}. */
    public String backend() {
        return backend;
    }

    /** What is missing, why, and how to fix it. */
    public Availability availability() {
        return availability;
    }
}
