package io.github.diffusion4j.scheduler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The scheduler registry: registry names, common aliases and diffusers class names.
 * <p>
 * Registry names: {@code ddim}, {@code ddpm}, {@code pndm}, {@code euler}, {@code euler_a}, {@code lms},
 * {@code dpmpp_2m}. Aliases: {@code plms} (pndm with skip_prk_steps), {@code k_euler}, {@code k_euler_a},
 * {@code euler_ancestral}, {@code k_euler_ancestral}, {@code k_lms}, {@code dpm++_2m}, {@code k_dpmpp_2m},
 * {@code dpmsolver++}, and Karras variants {@code euler_karras}, {@code lms_karras}, {@code dpmpp_2m_karras},
 * {@code dpm++_2m_karras}, {@code k_dpmpp_2m_karras} (which set {@code use_karras_sigmas} = true). diffusers class
 * names ({@code DDIMScheduler}, {@code PNDMScheduler}, ...) are accepted too. All lookups are case-insensitive.
 */
public final class Schedulers {

    private record Entry(String name, String className, Function<SchedulerConfig, Scheduler> factory) {
    }

    private record Alias(String target, UnaryOperator<SchedulerConfig> adjust) {
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();
    private static final Map<String, Alias> ALIASES = new LinkedHashMap<>();

    static {
        register("ddim", "DDIMScheduler", DdimScheduler::new);
        register("ddpm", "DDPMScheduler", DdpmScheduler::new);
        register("pndm", "PNDMScheduler", PndmScheduler::new);
        register("euler", "EulerDiscreteScheduler", EulerDiscreteScheduler::new);
        register("euler_a", "EulerAncestralDiscreteScheduler", EulerAncestralDiscreteScheduler::new);
        register("lms", "LMSDiscreteScheduler", LmsDiscreteScheduler::new);
        register("dpmpp_2m", "DPMSolverMultistepScheduler", DpmSolverMultistepScheduler::new);

        UnaryOperator<SchedulerConfig> same = UnaryOperator.identity();
        UnaryOperator<SchedulerConfig> karras = c -> c.with("use_karras_sigmas", true);
        alias("plms", "pndm", c -> c.with("skip_prk_steps", true));
        alias("k_euler", "euler", same);
        alias("euler_karras", "euler", karras);
        alias("k_euler_a", "euler_a", same);
        alias("euler_ancestral", "euler_a", same);
        alias("k_euler_ancestral", "euler_a", same);
        alias("k_lms", "lms", same);
        alias("lms_karras", "lms", karras);
        alias("dpm++_2m", "dpmpp_2m", same);
        alias("k_dpmpp_2m", "dpmpp_2m", same);
        alias("dpmsolver++", "dpmpp_2m", same);
        alias("dpmpp_2m_karras", "dpmpp_2m", karras);
        alias("dpm++_2m_karras", "dpmpp_2m", karras);
        alias("k_dpmpp_2m_karras", "dpmpp_2m", karras);
    }

    private Schedulers() {
    }

    private static void register(String name, String className, Function<SchedulerConfig, Scheduler> factory) {
        ENTRIES.put(name, new Entry(name, className, factory));
    }

    private static void alias(String alias, String target, UnaryOperator<SchedulerConfig> adjust) {
        ALIASES.put(alias, new Alias(target, adjust));
    }

    /**
     * Creates a scheduler by registry name, alias or diffusers class name (case-insensitive). The config supplies
     * the model's keys; each scheduler applies its own diffusers defaults to the keys it does not find, so any config
     * works with any scheduler, as with diffusers' {@code from_config}.
     *
     * @param config the scheduler config; {@code null} means {@link SchedulerConfig#empty()}
     * @throws IllegalArgumentException for an unknown name (the message lists the valid ones) or an invalid config
     */
    public static Scheduler create(String name, SchedulerConfig config) {
        if (name == null || name.isBlank()) {
            throw unknown(String.valueOf(name));
        }
        SchedulerConfig base = config == null ? SchedulerConfig.empty() : config;
        String key = name.trim().toLowerCase(Locale.ROOT);
        Entry entry = ENTRIES.get(key);
        if (entry != null) {
            return entry.factory().apply(base);
        }
        Alias alias = ALIASES.get(key);
        if (alias != null) {
            return ENTRIES.get(alias.target()).factory().apply(alias.adjust().apply(base));
        }
        for (Entry e : ENTRIES.values()) {
            if (e.className().toLowerCase(Locale.ROOT).equals(key)) {
                return e.factory().apply(base);
            }
        }
        throw unknown(name);
    }

    /** The registry names, in registration order. */
    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /** The registry name for a diffusers class name, e.g. {@code EulerDiscreteScheduler} to {@code euler}. */
    public static Optional<String> nameForClass(String diffusersClassName) {
        if (diffusersClassName == null) {
            return Optional.empty();
        }
        String key = diffusersClassName.trim();
        for (Entry e : ENTRIES.values()) {
            if (e.className().equalsIgnoreCase(key)) {
                return Optional.of(e.name());
            }
        }
        return Optional.empty();
    }

    /**
     * The scheduler a {@code scheduler_config.json} names in {@code _class_name}. Without a {@code _class_name} it
     * falls back to {@code pndm}, the scheduler diffusers' Stable Diffusion 1.x pipelines ship with; a class name
     * this SDK does not implement is an error rather than a silent substitution.
     *
     * @throws IllegalArgumentException when {@code _class_name} names an unsupported scheduler
     */
    public static Scheduler fromConfig(SchedulerConfig config) {
        SchedulerConfig base = config == null ? SchedulerConfig.empty() : config;
        String className = base.className();
        if (className == null) {
            return create("pndm", base);
        }
        String name = nameForClass(className).orElseThrow(() -> new IllegalArgumentException(
                "Unsupported scheduler class '" + className + "' in _class_name; supported classes: " + classNames()
                        + "; pick one by name with Schedulers.create(name, config)"));
        return create(name, base);
    }

    private static List<String> classNames() {
        return ENTRIES.values().stream().map(Entry::className).toList();
    }

    private static IllegalArgumentException unknown(String name) {
        // Starts with the field name, as every request validation message does, so callers can map it to the field.
        return new IllegalArgumentException("scheduler '" + name + "' is unknown; valid names: " + names()
                + ", aliases: " + List.copyOf(ALIASES.keySet()) + ", or a diffusers class name: " + classNames());
    }
}
