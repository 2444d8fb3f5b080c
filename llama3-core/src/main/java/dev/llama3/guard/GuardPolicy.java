package dev.llama3.guard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The hazard categories a Llama Guard model is asked about, and the prompt generation they are written for.
 * Immutable; the {@code with...} methods return modified copies. Codes stay stable when categories are removed
 * (removing S6 leaves S5 and S7), as Meta's templates do with excluded categories, so verdicts keep their meaning.
 */
public final class GuardPolicy {
    private final GuardVersion version;
    private final List<GuardCategory> categories;

    private GuardPolicy(GuardVersion version, List<GuardCategory> categories) {
        this.version = Objects.requireNonNull(version, "version");
        Map<String, GuardCategory> byCode = new LinkedHashMap<>();
        for (GuardCategory c : categories) {
            if (byCode.put(c.code(), c) != null) {
                throw new IllegalArgumentException("category " + c.code() + " listed twice");
            }
        }
        if (byCode.isEmpty()) {
            throw new IllegalArgumentException("a guard policy needs at least one category");
        }
        this.categories = List.copyOf(categories);
    }

    /** A policy with exactly these categories. */
    public static GuardPolicy of(GuardVersion version, List<GuardCategory> categories) {
        return new GuardPolicy(version, categories);
    }

    /** Llama Guard 3 8B's categories S1–S14, as its chat template lists them. */
    public static GuardPolicy llamaGuard3() {
        return new GuardPolicy(GuardVersion.GUARD_3, guard3Names(14));
    }

    /** Llama Guard 3 1B's categories S1–S13 (the 1B was not trained on S14, Code Interpreter Abuse). */
    public static GuardPolicy llamaGuard3OneB() {
        return new GuardPolicy(GuardVersion.GUARD_3, guard3Names(13));
    }

    /** Llama Guard 2's categories S1–S11, as its chat template lists them. */
    public static GuardPolicy llamaGuard2() {
        String[] names = {"Violent Crimes.", "Non-Violent Crimes.", "Sex Crimes.", "Child Exploitation.",
            "Specialized Advice.", "Privacy.", "Intellectual Property.", "Indiscriminate Weapons.", "Hate.",
            "Self-Harm.", "Sexual Content."};
        return new GuardPolicy(GuardVersion.GUARD_2, numbered(names, names.length));
    }

    private static List<GuardCategory> guard3Names(int count) {
        String[] names = {"Violent Crimes.", "Non-Violent Crimes.", "Sex Crimes.", "Child Exploitation.",
            "Defamation.", "Specialized Advice.", "Privacy.", "Intellectual Property.", "Indiscriminate Weapons.",
            "Hate.", "Self-Harm.", "Sexual Content.", "Elections.", "Code Interpreter Abuse."};
        return numbered(names, count);
    }

    private static List<GuardCategory> numbered(String[] names, int count) {
        List<GuardCategory> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(new GuardCategory("S" + (i + 1), names[i]));
        }
        return list;
    }

    public GuardVersion version() {
        return version;
    }

    public List<GuardCategory> categories() {
        return categories;
    }

    /** The category with this code, or null. */
    public GuardCategory category(String code) {
        for (GuardCategory c : categories) {
            if (c.code().equals(code)) {
                return c;
            }
        }
        return null;
    }

    /** Without the categories with these codes (the model is no longer asked about them). */
    public GuardPolicy without(String... codes) {
        List<GuardCategory> kept = new ArrayList<>(categories);
        for (String code : codes) {
            if (!kept.removeIf(c -> c.code().equals(code))) {
                throw new IllegalArgumentException("no category " + code + " in this policy");
            }
        }
        return new GuardPolicy(version, kept);
    }

    /** With an added category, numbered after the highest code in use. */
    public GuardPolicy with(String name, String description) {
        int next = 0;
        for (GuardCategory c : categories) {
            next = Math.max(next, c.number());
        }
        List<GuardCategory> list = new ArrayList<>(categories);
        list.add(new GuardCategory("S" + (next + 1), name, description));
        return new GuardPolicy(version, list);
    }

    /** With category {@code code} renamed. */
    public GuardPolicy renamed(String code, String name) {
        return replaced(code, c -> new GuardCategory(code, name, c.description()));
    }

    /** With category {@code code} described (policy text listed under its name). */
    public GuardPolicy described(String code, String description) {
        return replaced(code, c -> new GuardCategory(code, c.name(), description));
    }

    private GuardPolicy replaced(String code, java.util.function.UnaryOperator<GuardCategory> change) {
        List<GuardCategory> list = new ArrayList<>();
        boolean found = false;
        for (GuardCategory c : categories) {
            if (c.code().equals(code)) {
                list.add(change.apply(c));
                found = true;
            } else {
                list.add(c);
            }
        }
        if (!found) {
            throw new IllegalArgumentException("no category " + code + " in this policy");
        }
        return new GuardPolicy(version, list);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GuardPolicy p && p.version == version && p.categories.equals(categories);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, categories);
    }

    @Override
    public String toString() {
        return "GuardPolicy[" + version + ", " + categories.stream().map(GuardCategory::code).toList() + "]";
    }
}
