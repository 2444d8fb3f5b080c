package dev.llama3.cli;

/** A user mistake on the command line: printed as one line on stderr, exit code 2, no stack trace. */
final class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }
}
