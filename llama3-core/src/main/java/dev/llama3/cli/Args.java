package dev.llama3.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} options and {@code --flag} switches of one sub-command. Every option must be
 * declared by the command that reads it; anything left unread is reported as unknown.
 */
final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final Set<String> used = new HashSet<>();

    Args(List<String> args, Set<String> flagNames) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("-") || a.equals("-")) {
                throw new CliException("unexpected argument '" + a + "'");
            }
            String name = a.replaceFirst("^--?", "");
            int eq = name.indexOf('=');
            if (eq > 0) {
                values.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (flagNames.contains(name)) {
                flags.add(name);
            } else {
                if (i + 1 >= args.size()) {
                    throw new CliException("option --" + name + " needs a value");
                }
                values.put(name, args.get(++i));
            }
        }
    }

    boolean flag(String name) {
        used.add(name);
        return flags.contains(name);
    }

    String string(String name, String def) {
        used.add(name);
        return values.getOrDefault(name, def);
    }

    String required(String name) {
        String v = string(name, null);
        if (v == null) {
            throw new CliException("missing required option --" + name);
        }
        return v;
    }

    Path path(String name) {
        return Path.of(expandHome(required(name)));
    }

    int integer(String name, int def) {
        String v = string(name, null);
        if (v == null) {
            return def;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    long longValue(String name, long def) {
        String v = string(name, null);
        if (v == null) {
            return def;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    float decimal(String name, float def) {
        String v = string(name, null);
        if (v == null) {
            return def;
        }
        try {
            return Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException("--" + name + " expects a number, got '" + v + "'");
        }
    }

    List<Integer> integers(String name, List<Integer> def) {
        String v = string(name, null);
        if (v == null) {
            return def;
        }
        List<Integer> out = new ArrayList<>();
        for (String part : v.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                out.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw new CliException("--" + name + " expects comma-separated integers, got '" + v + "'");
            }
        }
        return out;
    }

    /** {@code --backend}: auto (default, or {@code -Dllama3.backend}), cpu, or a backend provider's name. */
    String backend() {
        String v = string("backend", dev.llama3.engine.EngineOptions.defaultBackend()).trim();
        if (v.isEmpty()) {
            throw new CliException("--backend expects auto, cpu or a backend's name such as tornadovm");
        }
        return v;
    }

    boolean has(String name) {
        used.add(name);
        return values.containsKey(name) || flags.contains(name);
    }

    /** Fails on options that the command never read. */
    void rejectUnknown() {
        for (String k : values.keySet()) {
            if (!used.contains(k)) {
                throw new CliException("unknown option --" + k);
            }
        }
        for (String k : flags) {
            if (!used.contains(k)) {
                throw new CliException("unknown option --" + k);
            }
        }
    }

    static String expandHome(String p) {
        return p.startsWith("~/") ? System.getProperty("user.home") + p.substring(1) : p;
    }
}
