package io.github.diffusion4j.quarkus.runtime.queue;

/**
 * How a job is submitted.
 *
 * @param client the client it counts against for the per-client cap and round-robin; {@code null} = the client of the
 *               current HTTP request (see {@link ClientKeys}), or {@link ClientKeys#LOCAL} outside a request
 * @param keep   whether the job is kept after it ends for {@code jobs.expire-after}: {@code false} for calls whose
 *               client never learns the job id (a synchronous PNG or OpenAI response), whose result is dropped as
 *               soon as it has been handed over
 */
public record SubmitOptions(String client, boolean keep) {

    public static final SubmitOptions DEFAULT = new SubmitOptions(null, true);

    /** A job whose id the client never receives: not kept once its waiter got it. */
    public static final SubmitOptions TRANSIENT = new SubmitOptions(null, false);

    public SubmitOptions withClient(String client) {
        return new SubmitOptions(client, keep);
    }
}
