package io.github.diffusion4j.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The direct tensors of one model kept between generations: the denoiser's bound inputs and output, the VAE
 * decoder's latent and image. A generation of the same size takes the previous one's tensors instead of allocating
 * new ones. Why: a tensor of more than a few hundred kilobytes is fresh memory from the operating system each time
 * (mapped, page-faulted in, zeroed, unmapped again), a fixed cost per generation that on a small model is a visible
 * part of the whole (the CLIP hidden states of a guided SD batch alone are 473 KB).
 * <p>
 * The pool owns the idle tensors, a caller the ones it took until it gives them back; handed-out tensors are zeroed
 * like fresh ones, except those taken for a pinned output (ONNX Runtime overwrites them whole). At most {@value #MAX_IDLE_PER_SHAPE} idle per shape (concurrent generations of one size) and
 * {@value #MAX_IDLE_BYTES} bytes in all; a tensor given back past that, or after {@link #close()}, is freed.
 */
public final class TensorPool implements AutoCloseable {

    static final int MAX_IDLE_PER_SHAPE = 2;
    static final long MAX_IDLE_BYTES = 256L * 1024 * 1024;

    /** Element type and shape: the tensors one request can take in place of each other. */
    record Key(OnnxJavaType type, List<Long> shape) {

        static Key of(OnnxJavaType type, long[] shape) {
            List<Long> dims = new ArrayList<>(shape.length);
            for (long d : shape) {
                dims.add(d);
            }
            return new Key(type, List.copyOf(dims));
        }
    }

    private final OrtEnvironment env;
    private final Map<Key, ArrayDeque<DirectTensor>> idle = new HashMap<>();
    private long idleBytes;
    private boolean closed;
    private long reused;

    TensorPool(OrtEnvironment env) {
        this.env = env;
    }

    /** A zeroed tensor of {@code type} and {@code shape}: an idle one of that shape, else a new one. */
    public DirectTensor acquire(OnnxJavaType type, long[] shape) {
        return acquire(type, shape, true);
    }

    /**
     * A tensor for a pinned output, which ONNX Runtime overwrites whole: an idle one keeps its old values (zeroing the
     * 786 KB image of a 256² decode costs more than a tenth of a millisecond for nothing).
     */
    public DirectTensor acquireOutput(OnnxJavaType type, long[] shape) {
        return acquire(type, shape, false);
    }

    private DirectTensor acquire(OnnxJavaType type, long[] shape, boolean zero) {
        Key key = Key.of(type, shape);
        DirectTensor reused;
        synchronized (this) {
            ArrayDeque<DirectTensor> ofShape = idle.get(key);
            reused = ofShape == null ? null : ofShape.pollFirst();
            if (reused != null) {
                idleBytes -= reused.bytes();
                this.reused++;
            }
        }
        if (reused == null) {
            return DirectTensor.allocate(env, type, shape);
        }
        reused.unpark(zero);
        return reused;
    }

    /** A tensor of the pool for one try-with-resources block: given back when closed. */
    public record Lease(TensorPool pool, DirectTensor tensor) implements AutoCloseable {
        @Override
        public void close() {
            pool.release(tensor);
        }
    }

    /** {@link #acquire} for a try-with-resources block. */
    public Lease lease(OnnxJavaType type, long[] shape) {
        return new Lease(this, acquire(type, shape));
    }

    /** {@link #acquireOutput} for a try-with-resources block. */
    public Lease leaseOutput(OnnxJavaType type, long[] shape) {
        return new Lease(this, acquireOutput(type, shape));
    }

    /** Gives back a tensor taken with {@link #acquire} (or any tensor the caller owns): kept idle, or freed. */
    public void release(DirectTensor tensor) {
        if (tensor == null || tensor.isClosed()) {
            return;
        }
        Key key = tensor.poolKey();
        synchronized (this) {
            ArrayDeque<DirectTensor> ofShape = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
            if (!closed && ofShape.size() < MAX_IDLE_PER_SHAPE && idleBytes + tensor.bytes() <= MAX_IDLE_BYTES) {
                tensor.park();
                ofShape.addFirst(tensor);
                idleBytes += tensor.bytes();
                return;
            }
        }
        tensor.close();
    }

    /** How many acquisitions an idle tensor served (for tests and diagnostics). */
    public synchronized long reusedTensors() {
        return reused;
    }

    /** Idle tensors held now (for tests and diagnostics). */
    public synchronized int idleTensors() {
        int n = 0;
        for (ArrayDeque<DirectTensor> ofShape : idle.values()) {
            n += ofShape.size();
        }
        return n;
    }

    /** Frees the idle tensors; tensors given back from now on are freed at once. */
    @Override
    public void close() {
        List<DirectTensor> toFree = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(toFree::addAll);
            idle.clear();
            idleBytes = 0;
        }
        toFree.forEach(DirectTensor::close);
    }
}
