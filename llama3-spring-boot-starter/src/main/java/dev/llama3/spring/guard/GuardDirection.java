package dev.llama3.spring.guard;

import java.util.Locale;

/** Which side of a conversation a check is about: what the user sent, or what the model answered. */
public enum GuardDirection {
    INPUT, OUTPUT;

    /** Lower-case name for metric tags and logs. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
