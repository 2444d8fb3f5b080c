package dev.llama3.cli;

import dev.llama3.backend.BackendUnavailableException;
import dev.llama3.gguf.GgufFormatException;
import dev.llama3.model.ContextOverflowException;
import dev.llama3.tensor.UnsupportedTensorTypeException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code llama3} command line: {@code generate}, {@code tokenize}, {@code logits}, {@code bench},
 * {@code guard}, {@code synth}. User mistakes print one line on stderr and exit with status 2; other failures exit with 1.
 */
public final class Main {
    private Main() {}

    static final String USAGE = """
            usage: llama3 <command> [options]

            commands:
              generate --model F [--chat] [--system S] --prompt P [-n N] [--temperature T] [--seed S]
                       [--top-p P] [--top-k K] [--min-p P] [--repeat-penalty R] [--stop S]
                       [-t THREADS] [--context N] [--backend auto|cpu|tornadovm]
              tokenize --model F [--no-bos] [--special] (--text T | --jsonl FILE)
              logits   --model F (--prompt P [--no-bos] [--special] | --ids 1,2,3) --out FILE [--all-positions]
                       [--backend auto|cpu|tornadovm]
              bench    --model F [-p 128,512] [-n 64] [-r 3] [-t THREADS] [--concurrency N] [--prefix-reuse] [--json]
                       [--backend auto|cpu|tornadovm]
              guard    --model F --user TEXT [--assistant TEXT] [--version 3|3-1b|2] [--threshold P] [-r N] [--vary] [-t THREADS]
                       [--backend auto|cpu|tornadovm]
              synth    --shape (tiny|llama-3.2-1b|llama-3.2-3b|llama-3.1-8b) --type T [--vocab VOCAB.gguf]
                       --out F [--seed S]
            """;

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** Runs one command; returns the process exit status. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("-h") || argv[0].equals("--help") || argv[0].equals("help")) {
            (argv.length == 0 ? err : out).print(USAGE);
            return argv.length == 0 ? 2 : 0;
        }
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        try {
            return switch (argv[0]) {
                case "generate" -> new GenerateCommand().run(rest, out, err);
                case "tokenize" -> new TokenizeCommand().run(rest, out);
                case "logits" -> new LogitsCommand().run(rest, out);
                case "bench" -> new BenchCommand().run(rest, out, err);
                case "synth" -> new SynthCommand().run(rest, out, err);
                case "guard" -> new GuardCommand().run(rest, out);
                default -> throw new CliException("unknown command '" + argv[0] + "'\n" + USAGE);
            };
        } catch (CliException e) {
            err.println("llama3: " + e.getMessage());
            return 2;
        } catch (FileNotFoundException | NoSuchFileException e) {
            err.println("llama3: file not found: " + e.getMessage());
            return 2;
        } catch (BackendUnavailableException e) {
            // the backend was asked for by name: say what is missing, never fall back silently
            err.println("llama3: " + e.getMessage());
            return 2;
        } catch (GgufFormatException | UnsupportedTensorTypeException | ContextOverflowException e) {
            err.println("llama3: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("llama3: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("llama3: I/O error: " + e.getMessage());
            return 1;
        }
    }
}
