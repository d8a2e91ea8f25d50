package io.github.diffusion4j.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.platform.Fp16Conversions;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ONNX tensor over a direct buffer that this object owns. ONNX Runtime reads inputs created from a direct
 * buffer in place (no copy), and writes pinned outputs straight into it, so one {@code DirectTensor} is created per
 * generation and refilled every step instead of allocating a buffer per step.
 * <p>
 * Values cross the boundary as {@code float}; the element type of the graph (float32, float16, int64, int32) is
 * converted here, so the rest of the pipeline never sees the dtype of the export.
 */
public final class DirectTensor implements AutoCloseable {

    /** Live tensors, so tests and diagnostics can prove that every path closes what it opened. */
    private static final AtomicInteger OPEN = new AtomicInteger();
    /**
     * {@code Unsafe.invokeCleaner}: frees a direct buffer's native memory now. Without it the memory of a closed
     * tensor stays allocated until a GC happens to collect the buffer object, which with a quiet heap can be never
     * — RSS then grows with every generation. Null where the JDK does not offer it (then the GC frees it).
     */
    private static final MethodHandle CLEANER = findCleaner();

    private final OnnxJavaType type;
    private final long[] shape;
    private final int size;
    private final ByteBuffer buffer;
    private final OnnxTensor tensor;
    private boolean closed;
    /** Kept idle in a {@link TensorPool}: not counted as open, reused by a later generation of the same shape. */
    private boolean parked;

    private DirectTensor(OnnxJavaType type, long[] shape, int size, ByteBuffer buffer, OnnxTensor tensor) {
        this.type = type;
        this.shape = shape;
        this.size = size;
        this.buffer = buffer;
        this.tensor = tensor;
    }

    /** Allocates a zeroed tensor of {@code type} and {@code shape}. */
    public static DirectTensor allocate(OrtEnvironment env, OnnxJavaType type, long[] shape) {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Concrete shape required, got " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, d);
        }
        int size = Math.toIntExact(count);
        int elementBytes = switch (type) {
            case FLOAT, INT32 -> 4;
            case FLOAT16 -> 2;
            case INT64, DOUBLE -> 8;
            default -> throw new IllegalArgumentException("Unsupported tensor element type " + type);
        };
        ByteBuffer buffer = ByteBuffer.allocateDirect(Math.max(1, size * elementBytes)).order(ByteOrder.nativeOrder());
        try {
            OnnxTensor tensor = switch (type) {
                case FLOAT -> OnnxTensor.createTensor(env, buffer.asFloatBuffer(), shape);
                case FLOAT16 -> OnnxTensor.createTensor(env, buffer.asShortBuffer(), shape, OnnxJavaType.FLOAT16);
                case INT32 -> OnnxTensor.createTensor(env, buffer.asIntBuffer(), shape);
                case INT64 -> OnnxTensor.createTensor(env, buffer.asLongBuffer(), shape);
                case DOUBLE -> OnnxTensor.createTensor(env, buffer.asDoubleBuffer(), shape);
                default -> throw new IllegalStateException("unreachable");
            };
            OPEN.incrementAndGet();
            return new DirectTensor(type, shape.clone(), size, buffer, tensor);
        } catch (OrtException e) {
            throw new IllegalStateException("Cannot create " + type + Arrays.toString(shape) + " tensor: " + e.getMessage(), e);
        }
    }

    public OnnxTensor tensor() {
        return tensor;
    }

    public OnnxJavaType type() {
        return type;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int size() {
        return size;
    }

    /** Writes {@code length} values of {@code src} from {@code srcOffset} to element {@code dstOffset}. */
    public void put(float[] src, int srcOffset, int dstOffset, int length) {
        checkRange(dstOffset, length);
        switch (type) {
            case FLOAT -> buffer.asFloatBuffer().put(dstOffset, src, srcOffset, length);
            case FLOAT16 -> {
                for (int i = 0; i < length; i++) {
                    buffer.putShort((dstOffset + i) * 2, Fp16Conversions.floatToFp16(src[srcOffset + i]));
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < length; i++) {
                    buffer.putDouble((dstOffset + i) * 8, src[srcOffset + i]);
                }
            }
            case INT64 -> {
                for (int i = 0; i < length; i++) {
                    buffer.putLong((dstOffset + i) * 8, Math.round(src[srcOffset + i]));
                }
            }
            case INT32 -> {
                for (int i = 0; i < length; i++) {
                    buffer.putInt((dstOffset + i) * 4, Math.round(src[srcOffset + i]));
                }
            }
            default -> throw new IllegalStateException("unreachable");
        }
    }

    /** Sets every element to {@code value} (e.g. a timestep). Integer types round. */
    public void fill(double value) {
        for (int i = 0; i < size; i++) {
            switch (type) {
                case FLOAT -> buffer.putFloat(i * 4, (float) value);
                case FLOAT16 -> buffer.putShort(i * 2, Fp16Conversions.floatToFp16((float) value));
                case DOUBLE -> buffer.putDouble(i * 8, value);
                case INT64 -> buffer.putLong(i * 8, Math.round(value));
                case INT32 -> buffer.putInt(i * 4, (int) Math.round(value));
                default -> throw new IllegalStateException("unreachable");
            }
        }
    }

    /** Writes integer token ids (for int32/int64 inputs). */
    public void putIds(int[] ids, int dstOffset) {
        checkRange(dstOffset, ids.length);
        for (int i = 0; i < ids.length; i++) {
            switch (type) {
                case INT64 -> buffer.putLong((dstOffset + i) * 8, ids[i]);
                case INT32 -> buffer.putInt((dstOffset + i) * 4, ids[i]);
                default -> throw new IllegalStateException("Token ids need an int32 or int64 tensor, this one is " + type);
            }
        }
    }

    /** A read-only view of a float32 tensor's values, valid until {@link #close()}: read in place, without a copy. */
    public FloatBuffer floats() {
        if (type != OnnxJavaType.FLOAT) {
            throw new IllegalStateException("Cannot view " + type + " values as floats");
        }
        return buffer.asFloatBuffer().asReadOnlyBuffer();
    }

    /** Reads {@code length} values from element {@code srcOffset} into {@code dst} at {@code dstOffset}. */
    public void get(int srcOffset, float[] dst, int dstOffset, int length) {
        checkRange(srcOffset, length);
        switch (type) {
            case FLOAT -> buffer.asFloatBuffer().get(srcOffset, dst, dstOffset, length);
            case FLOAT16 -> {
                for (int i = 0; i < length; i++) {
                    dst[dstOffset + i] = Fp16Conversions.fp16ToFloat(buffer.getShort((srcOffset + i) * 2));
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < length; i++) {
                    dst[dstOffset + i] = (float) buffer.getDouble((srcOffset + i) * 8);
                }
            }
            default -> throw new IllegalStateException("Cannot read " + type + " as float");
        }
    }

    private void checkRange(int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " outside tensor of " + size);
        }
    }

    /**
     * Number of {@code DirectTensor}s in use in this JVM: created (or taken from a {@link TensorPool}) and not yet
     * closed or given back to one. A tensor that no path returns shows up here.
     */
    public static int openTensors() {
        return OPEN.get();
    }

    /** Whether {@link #close()} freed it. */
    public boolean isClosed() {
        return closed;
    }

    /** Bytes of native memory this tensor holds. */
    long bytes() {
        return buffer.capacity();
    }

    /** Key of the tensors a {@link TensorPool} can hand out in place of this one. */
    TensorPool.Key poolKey() {
        return TensorPool.Key.of(type, shape);
    }

    /** Given back to a pool: no longer in use. */
    void park() {
        if (!closed && !parked) {
            parked = true;
            OPEN.decrementAndGet();
        }
    }

    /** Taken from a pool: in use again, zeroed as a fresh tensor is when {@code zero}. */
    void unpark(boolean zero) {
        parked = false;
        OPEN.incrementAndGet();
        if (zero) {
            clear();
        }
    }

    /** Sets every byte to zero (bulk copies from a zero buffer: no per-element loop). */
    private void clear() {
        ByteBuffer target = buffer.duplicate().clear();
        while (target.hasRemaining()) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit(Math.min(zeros.capacity(), target.remaining()));
            target.put(zeros);
        }
    }

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

    @Override
    public void close() {
        if (!closed) {
            if (!parked) {
                OPEN.decrementAndGet();
            }
            closed = true;
            parked = false;
            tensor.close();
            free(buffer);
        }
    }

    private static void free(ByteBuffer buffer) {
        if (CLEANER != null) {
            try {
                CLEANER.invokeExact(buffer);
            } catch (Throwable e) {
                // Left to the garbage collector, as without the cleaner.
            }
        }
    }

    private static MethodHandle findCleaner() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            Object unsafe = field.get(null);
            MethodHandle handle = MethodHandles.lookup().findVirtual(unsafeClass, "invokeCleaner",
                    MethodType.methodType(void.class, ByteBuffer.class));
            return handle.bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
