package dev.llama3.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks and opens the backend an engine runs on. {@value #AUTO}: the first usable provider other than the CPU (by
 * name), else the CPU, logging why each other one was passed over; a name: that provider, or a
 * {@link BackendUnavailableException} that names what is missing.
 */
public final class BackendSelector {
    private static final Logger log = LoggerFactory.getLogger(BackendSelector.class);

    /** The choice that lets the selector decide. */
    public static final String AUTO = "auto";

    private final List<BackendProvider> providers;
    /** Providers that could not even be instantiated (a broken service entry), with why; reported by auto. */
    private final List<String> broken;

    BackendSelector(List<BackendProvider> providers, List<String> broken) {
        List<BackendProvider> sorted = new ArrayList<>();
        sorted.add(new CpuBackendProvider());
        for (BackendProvider p : providers) {
            if (sorted.stream().anyMatch(q -> q.name().equals(p.name())) || p.name().equals(AUTO)) {
                log.warn("Ignoring backend provider {}: the name '{}' is taken", p.getClass().getName(), p.name());
            } else {
                sorted.add(p);
            }
        }
        sorted.sort(Comparator.comparing((BackendProvider p) -> p.name().equals(CpuBackendProvider.NAME))
                .thenComparing(BackendProvider::name));
        this.providers = List.copyOf(sorted);
        this.broken = List.copyOf(broken);
    }

    /** The built-in CPU provider and every {@link BackendProvider} the context class loader's services list. */
    public static BackendSelector load() {
        List<BackendProvider> found = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        Iterator<BackendProvider> it = ServiceLoader.load(BackendProvider.class).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                // a provider whose dependencies are missing must not stop the engine from starting on the CPU
                log.warn("A backend provider could not be loaded: {}", e.toString());
                broken.add(e.toString());
            }
        }
        return new BackendSelector(found, broken);
    }

    /** Names of the providers present, the CPU's last. */
    public List<String> names() {
        return providers.stream().map(BackendProvider::name).toList();
    }

    /**
     * Opens the backend {@code requested} ({@value #AUTO}, {@code cpu} or another provider's name) for
     * {@code request}.
     *
     * @throws BackendUnavailableException when a named backend is absent or cannot run here
     */
    public Backend open(String requested, BackendRequest request) {
        String name = requested.trim().toLowerCase(Locale.ROOT);
        if (name.equals(AUTO)) {
            return openAuto(request);
        }
        BackendProvider provider = providers.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new BackendUnavailableException(name, Availability.missing(Availability.Missing.MODULE,
                        "no backend named '" + name + "' is on the classpath (present: " + String.join(", ", names())
                                + ")", "add the module that provides it (for tornadovm: dev.llama3:llama3-tornadovm) "
                                + "to the application's dependencies, or choose another backend")));
        Availability a = probe(provider, request);
        if (!a.usable()) {
            throw new BackendUnavailableException(name, a);
        }
        Backend backend = provider.open(request);
        log.info("Backend {}: {}", name, backend.description());
        return backend;
    }

    private Backend openAuto(BackendRequest request) {
        List<String> passedOver = new ArrayList<>(broken);
        for (BackendProvider p : providers) {
            if (p.name().equals(CpuBackendProvider.NAME)) {
                break;
            }
            Availability a = probe(p, request);
            if (!a.usable()) {
                passedOver.add(p.name() + ": " + a.reason());
                continue;
            }
            try {
                Backend backend = p.open(request);
                log.info("Backend auto: using {} ({})", p.name(), backend.description());
                return backend;
            } catch (RuntimeException e) {
                log.warn("Backend auto: {} reported itself usable but failed to start; using the CPU", p.name(), e);
                passedOver.add(p.name() + ": failed to start: " + e.getMessage());
            }
        }
        Backend cpu = new CpuBackendProvider().open(request);
        log.info("Backend auto: using the CPU ({}) because {}", cpu.description(), passedOver.isEmpty()
                ? "no other backend is on the classpath"
                : passedOver.stream().collect(Collectors.joining("; ")));
        return cpu;
    }

    /** A probe that throws is a provider bug; treat it as unusable with the exception as the reason. */
    private static Availability probe(BackendProvider p, BackendRequest request) {
        try {
            return p.probe(request);
        } catch (RuntimeException | LinkageError e) {
            log.debug("Probing backend {} failed", p.name(), e);
            return Availability.missing(Availability.Missing.RUNTIME, "probing it failed: " + e,
                    "check that the backend's runtime is installed and on the JVM's command line");
        }
    }
}
