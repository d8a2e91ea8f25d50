package io.github.diffusion4j.scheduler;

import java.util.List;

/**
 * What the registry knows about one scheduler before building it.
 *
 * @param name           the registry name, e.g. {@code euler_a}
 * @param diffusersClass the diffusers class it ports, e.g. {@code EulerAncestralDiscreteScheduler}
 * @param a1111Names     AUTOMATIC1111 sampler names that select it (an infotext's {@code Sampler:} value)
 * @param aliases        every other accepted name (lower case), including the A1111 names
 * @param order          diffusers' {@code order}: model evaluations per entry of the step loop's schedule unit
 *                       (2 for Heun-type solvers whose timesteps repeat)
 * @param stochastic     whether it draws noise from the generator with its default config
 * @param flowMatching   whether it is a flow-matching (rectified-flow) scheduler: SD3 and FLUX.1 accept only
 *                       these, the DDPM-family models only the others
 */
public record SchedulerDescriptor(String name, String diffusersClass, List<String> a1111Names, List<String> aliases,
                                  int order, boolean stochastic, boolean flowMatching) {

    public SchedulerDescriptor {
        a1111Names = List.copyOf(a1111Names);
        aliases = List.copyOf(aliases);
    }
}
