package dev.llama3.spring.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * A {@code spring.ai.llama3.*} setting that cannot work, with what to change. {@link Llama3FailureAnalyzer} turns it
 * into the failure analysis Spring Boot prints when startup fails.
 */
public class InvalidLlama3PropertyException extends RuntimeException {

    private final String property;
    private final @Nullable Object value;
    private final String problem;
    private final String action;

    /**
     * @param property the full property name, e.g. {@code spring.ai.llama3.threads}
     * @param value the value it has (null when unset)
     * @param problem what is wrong with it
     * @param action what the user should change
     */
    public InvalidLlama3PropertyException(String property, @Nullable Object value, String problem, String action) {
        this(property, value, problem, action, null);
    }

    public InvalidLlama3PropertyException(String property, @Nullable Object value, String problem, String action,
            @Nullable Throwable cause) {
        super(property + "=" + (value == null ? "(unset)" : value) + ": " + problem, cause);
        this.property = property;
        this.value = value;
        this.problem = problem;
        this.action = action;
    }

    public String getProperty() {
        return this.property;
    }

    public @Nullable Object getValue() {
        return this.value;
    }

    public String getProblem() {
        return this.problem;
    }

    public String getAction() {
        return this.action;
    }
}
