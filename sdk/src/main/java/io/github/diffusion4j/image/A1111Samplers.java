package io.github.diffusion4j.image;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Our scheduler names and AUTOMATIC1111's sampler names, both ways.
 *
 * <p>A1111's names are the labels of {@code modules/sd_samplers_kdiffusion.py} {@code samplers_k_diffusion} and of
 * {@code modules/sd_samplers_timesteps.py} ({@code DDIM}, {@code PLMS}). Versions up to 1.8 wrote a Karras schedule
 * into the sampler name ({@code DPM++ 2M Karras}); 1.9 and later write {@code Sampler: DPM++ 2M, Schedule type:
 * Karras}. We write the combined name, which both read, and read both forms.
 *
 * <p>To add a scheduler: one {@link #add} line in the static block, our registry name first. A scheduler with no
 * entry is written under its own name and read back unchanged.
 */
public final class A1111Samplers {

    private static final Map<String, String> TO_A1111 = new LinkedHashMap<>();
    private static final Map<String, String> FROM_A1111 = new LinkedHashMap<>();

    static {
        add("euler", "Euler");
        add("euler_a", "Euler a");
        add("euler_karras", "Euler Karras");
        add("lms", "LMS");
        add("lms_karras", "LMS Karras");
        add("ddim", "DDIM");
        add("ddpm", "DDPM");
        // diffusers' PNDM with skip_prk_steps (Stable Diffusion's configuration) is the PLMS of the original repo
        add("pndm", "PLMS");
        add("dpmpp_2m", "DPM++ 2M");
        add("dpmpp_2m_karras", "DPM++ 2M Karras");
    }

    private A1111Samplers() {
    }

    private static void add(String ours, String a1111) {
        TO_A1111.put(ours, a1111);
        FROM_A1111.put(a1111.toLowerCase(Locale.ROOT), ours);
    }

    /** The A1111 sampler label for one of our scheduler names, or the name itself when it has none. */
    public static String toA1111(String scheduler) {
        if (scheduler == null) {
            return null;
        }
        return TO_A1111.getOrDefault(scheduler.trim().toLowerCase(Locale.ROOT), scheduler);
    }

    /**
     * Our scheduler name for an A1111 sampler label and, from A1111 1.9 on, its {@code Schedule type} (null,
     * {@code Automatic} or e.g. {@code Karras}); empty when we have no such scheduler.
     */
    public static Optional<String> fromA1111(String sampler, String scheduleType) {
        if (sampler == null) {
            return Optional.empty();
        }
        String label = sampler.trim();
        if (scheduleType != null && !scheduleType.isBlank() && !scheduleType.trim().equalsIgnoreCase("Automatic")) {
            label = label + " " + scheduleType.trim();
        }
        String key = label.toLowerCase(Locale.ROOT);
        if (FROM_A1111.containsKey(key)) {
            return Optional.of(FROM_A1111.get(key));
        }
        // our own names written unchanged (a scheduler without an A1111 label) read back as they are
        return TO_A1111.containsKey(key) ? Optional.of(key) : Optional.empty();
    }

    /** The table, our name to A1111 label, in registration order. */
    public static Map<String, String> table() {
        return Map.copyOf(TO_A1111);
    }
}
