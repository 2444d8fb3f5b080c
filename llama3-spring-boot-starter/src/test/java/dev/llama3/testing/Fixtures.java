package dev.llama3.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared/fixtures (override with -Dllama3.fixtures=DIR); tests skip when it is absent. */
public final class Fixtures {
    private Fixtures() {}

    public static Path root() {
        String configured = System.getProperty("llama3.fixtures");
        Path dir = Path.of(configured != null && !configured.isBlank() ? configured : "../shared/fixtures");
        return dir.toAbsolutePath().normalize();
    }

    /** The fixtures path {@code relative}, or a skipped test when it is missing. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), () -> "fixture " + p + " not found (set -Dllama3.fixtures=DIR); skipping");
        return p;
    }
}
