package io.github.diffusion4j.scheduler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The scheduler registry: registry names, aliases (including AUTOMATIC1111 sampler names, so an infotext's
 * {@code Sampler:} value can be pasted back) and diffusers class names, each with a {@link SchedulerDescriptor}.
 * All lookups are case-insensitive.
 * <p>
 * Registry names: {@code ddim}, {@code ddpm}, {@code pndm}, {@code euler}, {@code euler_a}, {@code lms},
 * {@code dpmpp_2m}, {@code dpmpp_2m_sde} (DPMSolverMultistepScheduler with {@code algorithm_type}
 * sde-dpmsolver++), {@code dpmpp_2s} (DPMSolverSinglestepScheduler), {@code unipc}, {@code deis}, {@code heun},
 * {@code dpm2}, {@code dpm2_a} (second order: their timesteps list one entry per model evaluation), {@code lcm},
 * {@code tcd} (its gamma is the config key {@code eta}), {@code flow_match_euler}, {@code flow_match_heun}. Aliases
 * add config keys where their name says so: the Karras variants set {@code use_karras_sigmas}, {@code plms} sets
 * {@code skip_prk_steps}.
 * <p>
 * Refused by name: diffusers' {@code DPMSolverSDEScheduler} (A1111 {@code DPM++ SDE}, {@code DPM++ SDE Karras}).
 * It draws its noise from torchsde's Brownian tree (a {@code BrownianInterval} queried at pairs of sigmas), whose
 * values cannot be reproduced from a seed without re-implementing torchsde; approximating it with plain Gaussian
 * noise would silently give other images than diffusers for the same seed, so the registry refuses it and points
 * to {@code dpmpp_2m_sde} instead.
 */
public final class Schedulers {

    private record Entry(SchedulerDescriptor descriptor, Function<SchedulerConfig, Scheduler> factory) {
    }

    private record Alias(String target, UnaryOperator<SchedulerConfig> adjust) {
    }

    private static final String BROWNIAN_TREE = "needs torchsde's Brownian tree noise (diffusers'"
            + " DPMSolverSDEScheduler), which cannot be reproduced from a seed here; use 'dpmpp_2m_sde' (A1111"
            + " 'DPM++ 2M SDE') or 'dpmpp_2m_sde_karras' instead";

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();
    private static final Map<String, Alias> ALIASES = new LinkedHashMap<>();
    private static final Map<String, List<String>> ALIAS_NAMES = new LinkedHashMap<>();
    private static final Map<String, List<String>> A1111_NAMES = new LinkedHashMap<>();
    private static final Map<String, String> REFUSED = new LinkedHashMap<>();

    static {
        UnaryOperator<SchedulerConfig> same = UnaryOperator.identity();
        UnaryOperator<SchedulerConfig> karras = c -> c.with("use_karras_sigmas", true);
        UnaryOperator<SchedulerConfig> sde = c -> c.with("algorithm_type", "sde-dpmsolver++");

        register("ddim", "DDIMScheduler", 1, false, false, DdimScheduler::new);
        a1111("DDIM", "ddim", same);
        register("ddpm", "DDPMScheduler", 1, true, false, DdpmScheduler::new);
        a1111("DDPM", "ddpm", same);
        register("pndm", "PNDMScheduler", 1, false, false, PndmScheduler::new);
        alias("plms", "pndm", c -> c.with("skip_prk_steps", true));
        register("euler", "EulerDiscreteScheduler", 1, false, false, EulerDiscreteScheduler::new);
        a1111("Euler", "euler", same);
        alias("k_euler", "euler", same);
        alias("euler_karras", "euler", karras);
        register("euler_a", "EulerAncestralDiscreteScheduler", 1, true, false, EulerAncestralDiscreteScheduler::new);
        a1111("Euler a", "euler_a", same);
        alias("k_euler_a", "euler_a", same);
        alias("euler_ancestral", "euler_a", same);
        alias("k_euler_ancestral", "euler_a", same);
        register("lms", "LMSDiscreteScheduler", 1, false, false, LmsDiscreteScheduler::new);
        a1111("LMS", "lms", same);
        a1111("LMS Karras", "lms", karras);
        alias("k_lms", "lms", same);
        alias("lms_karras", "lms", karras);
        register("dpmpp_2m", "DPMSolverMultistepScheduler", 1, false, false,
                c -> new DpmSolverMultistepScheduler("dpmpp_2m", c));
        a1111("DPM++ 2M", "dpmpp_2m", same);
        a1111("DPM++ 2M Karras", "dpmpp_2m", karras);
        alias("dpm++_2m", "dpmpp_2m", same);
        alias("k_dpmpp_2m", "dpmpp_2m", same);
        alias("dpmsolver++", "dpmpp_2m", same);
        alias("dpmpp_2m_karras", "dpmpp_2m", karras);
        alias("dpm++_2m_karras", "dpmpp_2m", karras);
        alias("k_dpmpp_2m_karras", "dpmpp_2m", karras);
        register("dpmpp_2m_sde", "DPMSolverMultistepScheduler", 1, true, false,
                c -> new DpmSolverMultistepScheduler("dpmpp_2m_sde", sde.apply(c)));
        a1111("DPM++ 2M SDE", "dpmpp_2m_sde", same);
        a1111("DPM++ 2M SDE Karras", "dpmpp_2m_sde", karras);
        alias("dpmpp_2m_sde_karras", "dpmpp_2m_sde", karras);
        alias("dpm++_2m_sde", "dpmpp_2m_sde", same);
        alias("dpm++_2m_sde_karras", "dpmpp_2m_sde", karras);
        register("dpmpp_2s", "DPMSolverSinglestepScheduler", 1, false, false, DpmSolverSinglestepScheduler::new);
        alias("dpm++_2s", "dpmpp_2s", same);
        alias("dpmpp_2s_karras", "dpmpp_2s", karras);
        alias("dpmpp_singlestep", "dpmpp_2s", same);
        register("unipc", "UniPCMultistepScheduler", 1, false, false, UniPcMultistepScheduler::new);
        a1111("UniPC", "unipc", same);
        alias("unipc_karras", "unipc", karras);
        register("deis", "DEISMultistepScheduler", 1, false, false, DeisMultistepScheduler::new);
        alias("deis_karras", "deis", karras);
        register("heun", "HeunDiscreteScheduler", 2, false, false, HeunDiscreteScheduler::new);
        a1111("Heun", "heun", same);
        alias("k_heun", "heun", same);
        alias("heun_karras", "heun", karras);
        register("dpm2", "KDPM2DiscreteScheduler", 2, false, false, c -> new KDpm2DiscreteScheduler(c, false));
        a1111("DPM2", "dpm2", same);
        a1111("DPM2 Karras", "dpm2", karras);
        alias("k_dpm_2", "dpm2", same);
        alias("dpm2_karras", "dpm2", karras);
        register("dpm2_a", "KDPM2AncestralDiscreteScheduler", 2, true, false,
                c -> new KDpm2DiscreteScheduler(c, true));
        a1111("DPM2 a", "dpm2_a", same);
        a1111("DPM2 a Karras", "dpm2_a", karras);
        alias("k_dpm_2_a", "dpm2_a", same);
        alias("dpm2_a_karras", "dpm2_a", karras);
        register("lcm", "LCMScheduler", 1, true, false, LcmScheduler::new);
        a1111("LCM", "lcm", same);
        register("tcd", "TCDScheduler", 1, true, false, TcdScheduler::new);
        register("flow_match_euler", "FlowMatchEulerDiscreteScheduler", 1, false, true,
                FlowMatchEulerDiscreteScheduler::new);
        alias("flow_euler", "flow_match_euler", same);
        register("flow_match_heun", "FlowMatchHeunDiscreteScheduler", 2, false, true,
                FlowMatchHeunDiscreteScheduler::new);

        for (String refused : List.of("dpmpp_sde", "dpmpp_sde_karras", "dpm++_sde", "dpm++_sde_karras",
                "DPM++ SDE", "DPM++ SDE Karras", "DPMSolverSDEScheduler", "k_dpmpp_sde")) {
            REFUSED.put(refused.toLowerCase(Locale.ROOT), BROWNIAN_TREE);
        }
    }

    private Schedulers() {
    }

    private static void register(String name, String className, int order, boolean stochastic, boolean flow,
                                 Function<SchedulerConfig, Scheduler> factory) {
        ENTRIES.put(name, new Entry(new SchedulerDescriptor(name, className, List.of(), List.of(), order,
                stochastic, flow), factory));
        ALIAS_NAMES.put(name, new ArrayList<>());
        A1111_NAMES.put(name, new ArrayList<>());
    }

    private static void alias(String alias, String target, UnaryOperator<SchedulerConfig> adjust) {
        String key = alias.toLowerCase(Locale.ROOT);
        ALIASES.put(key, new Alias(target, adjust));
        ALIAS_NAMES.get(target).add(key);
        Entry e = ENTRIES.get(target);
        SchedulerDescriptor d = e.descriptor();
        ENTRIES.put(target, new Entry(new SchedulerDescriptor(d.name(), d.diffusersClass(), A1111_NAMES.get(target),
                ALIAS_NAMES.get(target), d.order(), d.stochastic(), d.flowMatching()), e.factory()));
    }

    private static void a1111(String a1111Name, String target, UnaryOperator<SchedulerConfig> adjust) {
        A1111_NAMES.get(target).add(a1111Name);
        alias(a1111Name, target, adjust);
    }

    /**
     * Creates a scheduler by registry name, alias, A1111 sampler name or diffusers class name (case-insensitive).
     * The config supplies the model's keys; each scheduler applies its own diffusers defaults to the keys it does not
     * find, so any config works with any scheduler, as with diffusers' {@code from_config}.
     *
     * @param config the scheduler config; {@code null} means {@link SchedulerConfig#empty()}
     * @throws IllegalArgumentException for an unknown or refused name (the message lists the valid ones, or says why
     *                                  it is refused) or an invalid config
     */
    public static Scheduler create(String name, SchedulerConfig config) {
        SchedulerConfig base = config == null ? SchedulerConfig.empty() : config;
        String key = key(name);
        Entry entry = ENTRIES.get(key);
        if (entry != null) {
            return entry.factory().apply(base);
        }
        Alias alias = ALIASES.get(key);
        if (alias != null) {
            return ENTRIES.get(alias.target()).factory().apply(alias.adjust().apply(base));
        }
        for (Entry e : ENTRIES.values()) {
            if (e.descriptor().diffusersClass().toLowerCase(Locale.ROOT).equals(key)) {
                return e.factory().apply(base);
            }
        }
        throw unknown(name);
    }

    /**
     * The registry name a registry name, alias, A1111 name or diffusers class name resolves to, e.g.
     * {@code "Euler a"} to {@code euler_a}. Aliases that add config keys resolve to their scheduler
     * ({@code "DPM++ 2M Karras"} to {@code dpmpp_2m}); {@link #create} applies the keys.
     *
     * @throws IllegalArgumentException for an unknown or refused name
     */
    public static String canonicalName(String name) {
        String key = key(name);
        if (ENTRIES.containsKey(key)) {
            return key;
        }
        Alias alias = ALIASES.get(key);
        if (alias != null) {
            return alias.target();
        }
        for (Entry e : ENTRIES.values()) {
            if (e.descriptor().diffusersClass().toLowerCase(Locale.ROOT).equals(key)) {
                return e.descriptor().name();
            }
        }
        throw unknown(name);
    }

    /** The descriptor of a scheduler, by any name {@link #canonicalName} accepts. */
    public static SchedulerDescriptor descriptor(String name) {
        return ENTRIES.get(canonicalName(name)).descriptor();
    }

    /** Every scheduler's descriptor, in registration order. */
    public static List<SchedulerDescriptor> descriptors() {
        return ENTRIES.values().stream().map(Entry::descriptor).toList();
    }

    /** The registry names, in registration order. */
    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /**
     * The registry name for a diffusers class name, e.g. {@code EulerDiscreteScheduler} to {@code euler}; for
     * {@code DPMSolverMultistepScheduler} the deterministic {@code dpmpp_2m} (its config's {@code algorithm_type}
     * still applies).
     */
    public static Optional<String> nameForClass(String diffusersClassName) {
        if (diffusersClassName == null) {
            return Optional.empty();
        }
        String key = diffusersClassName.trim();
        for (Entry e : ENTRIES.values()) {
            if (e.descriptor().diffusersClass().equalsIgnoreCase(key)) {
                return Optional.of(e.descriptor().name());
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

    private static String key(String name) {
        if (name == null || name.isBlank()) {
            throw unknown(String.valueOf(name));
        }
        String key = name.trim().toLowerCase(Locale.ROOT);
        String refused = REFUSED.get(key);
        if (refused != null) {
            throw new IllegalArgumentException("scheduler '" + name.trim() + "' is not supported: it " + refused);
        }
        return key;
    }

    private static List<String> classNames() {
        return ENTRIES.values().stream().map(e -> e.descriptor().diffusersClass()).distinct().toList();
    }

    private static IllegalArgumentException unknown(String name) {
        // Starts with the field name, as every request validation message does, so callers can map it to the field.
        return new IllegalArgumentException("scheduler '" + name + "' is unknown; valid names: " + names()
                + ", aliases: " + List.copyOf(ALIASES.keySet()) + ", or a diffusers class name: " + classNames());
    }
}
