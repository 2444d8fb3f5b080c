package dev.llama3.spring.autoconfigure;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Resolves and checks a configured model file, with failures that name the property and say what to change. */
public final class ModelFile {

    private ModelFile() {}

    /**
     * The configured path with a leading {@code ~} expanded to the user's home directory.
     *
     * @param property the property it was set by, named in failures
     * @param what the kind of model, e.g. {@code Llama 3}
     * @param example a file name to suggest, e.g. {@code Llama-3.2-1B-Instruct-Q8_0.gguf}
     * @param alternative what else the user may do when nothing is configured (appended to the advice)
     * @throws InvalidLlama3PropertyException when it is unset, not a path, a directory, missing or unreadable
     */
    public static Path resolve(String property, @Nullable String configured, String what, String example,
            String alternative) {
        if (configured == null || configured.isBlank()) {
            throw new InvalidLlama3PropertyException(property, null, "no model file is configured",
                    "Set " + property + " to a " + what + " GGUF file, e.g. ~/models/" + example + ", " + alternative + ".");
        }
        String text = configured.strip();
        if (text.equals("~") || text.startsWith("~/")) {
            text = System.getProperty("user.home") + text.substring(1);
        }
        Path path;
        try {
            path = Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new InvalidLlama3PropertyException(property, configured, "it is not a valid path: "
                    + e.getMessage(), "Set it to the location of a GGUF file.", e);
        }
        if (Files.isDirectory(path)) {
            throw new InvalidLlama3PropertyException(property, configured, path + " is a directory",
                    "Set it to the GGUF file itself, e.g. " + path.resolve(example) + ".");
        }
        if (!Files.isRegularFile(path)) {
            throw new InvalidLlama3PropertyException(property, configured, "no file at " + path,
                    "Fix the path, or download a model first, e.g. " + example + " from Hugging Face, and point "
                            + property + " at it.");
        }
        if (!Files.isReadable(path)) {
            throw new InvalidLlama3PropertyException(property, configured, path + " is not readable",
                    "Give this process read permission on the file.");
        }
        return path;
    }
}
