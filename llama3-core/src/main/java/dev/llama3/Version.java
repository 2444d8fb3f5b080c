package dev.llama3;

/** Library version marker. */
public final class Version {
    private Version() {}

    public static String runtime() {
        return Runtime.version().toString();
    }
}
