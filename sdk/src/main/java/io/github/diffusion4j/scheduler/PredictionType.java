package io.github.diffusion4j.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the denoising model predicts (diffusers' {@code prediction_type}), resolved once when a scheduler is built.
 * {@link #FLOW} is the velocity {@code noise - x0} of rectified-flow models (SD3, FLUX.1), implied by the
 * flow-matching schedulers rather than read from a config key.
 */
public enum PredictionType {
    EPSILON("epsilon"),
    V_PREDICTION("v_prediction"),
    SAMPLE("sample"),
    FLOW("flow_prediction");

    /** The three types of the DDPM-family schedulers, in diffusers' order. */
    static final Set<PredictionType> DIFFUSION = Set.of(EPSILON, V_PREDICTION, SAMPLE);
    static final Set<PredictionType> EPSILON_OR_V = Set.of(EPSILON, V_PREDICTION);

    private final String configValue;

    PredictionType(String configValue) {
        this.configValue = configValue;
    }

    /** The value as written in {@code scheduler_config.json}. */
    public String configValue() {
        return configValue;
    }

    /**
     * Reads {@code prediction_type} (default {@code epsilon}).
     *
     * @throws IllegalArgumentException naming the key and the values this scheduler accepts
     */
    static PredictionType fromConfig(SchedulerConfig config, Set<PredictionType> allowed) {
        String value = config.getString("prediction_type", EPSILON.configValue);
        for (PredictionType type : values()) {
            if (type.configValue.equals(value) && allowed.contains(type)) {
                return type;
            }
        }
        List<String> names = new ArrayList<>();
        for (PredictionType type : values()) {
            if (allowed.contains(type)) {
                names.add(type.configValue);
            }
        }
        throw new IllegalArgumentException("Scheduler config 'prediction_type' must be one of " + names + ", got '"
                + value + "'");
    }
}
