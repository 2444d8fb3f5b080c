package dev.llama3.spring.autoconfigure;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;

/**
 * Explains startup failures caused by {@code spring.ai.llama3.*} settings: an {@link InvalidLlama3PropertyException}
 * (missing or unreadable model file, negative sizes, unavailable backend, out-of-range chat defaults) and a value
 * that cannot be bound at all (e.g. an unknown backend), for which it lists the values that are accepted.
 */
public class Llama3FailureAnalyzer implements FailureAnalyzer, Ordered {

    @Override
    public @Nullable FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidLlama3PropertyException e) {
                return new FailureAnalysis("Invalid Llama 3 setting " + e.getProperty() + " ("
                        + (e.getValue() == null ? "unset" : "'" + e.getValue() + "'") + "): " + e.getProblem() + ".",
                        "Update " + e.getProperty() + " in your application's configuration. " + e.getAction(), e);
            }
            if (t instanceof BindException e && e.getName().toString().startsWith(Llama3Properties.PREFIX + ".")) {
                return bindFailure(e);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static FailureAnalysis bindFailure(BindException e) {
        String name = e.getName().toString();
        ConfigurationProperty property = e.getProperty();
        Object value = property != null ? property.getValue() : null;
        Class<?> type = e.getTarget().getType().resolve(Object.class);
        StringBuilder description = new StringBuilder("Invalid Llama 3 setting ").append(name);
        if (value != null) {
            description.append(" ('").append(value).append("')");
        }
        if (property != null && property.getOrigin() != null) {
            description.append(" from ").append(property.getOrigin());
        }
        description.append(": it cannot be read as ").append(describe(type));
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // For an enum the valid values below say it better than the converter's message.
        if (root != e && root.getMessage() != null && !type.isEnum()) {
            description.append(" (").append(root.getMessage()).append(')');
        }
        description.append('.');
        String action;
        if (type.isEnum()) {
            action = "Set " + name + " to one of: " + Arrays.stream(type.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .collect(Collectors.joining(", ")) + ".";
        } else {
            action = "Set " + name + " to " + describe(type) + ", or remove it to use the default.";
        }
        return new FailureAnalysis(description.toString(), action, e);
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        return "a " + type.getSimpleName();
    }

    /** Before Spring Boot's generic binding analyzer, so settings of this starter get the specific advice. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
