package io.github.diffusion4j.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/** Reading session outputs as float whatever the export's dtype. */
final class Tensors {

    private Tensors() {
    }

    static float[] toFloats(OnnxValue value, String what) {
        if (!(value instanceof OnnxTensor tensor)) {
            throw new IllegalStateException(what + " is not a tensor");
        }
        TensorInfo info = tensor.getInfo();
        OnnxJavaType type = info.type;
        switch (type) {
            case FLOAT -> {
                FloatBuffer fb = tensor.getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                return out;
            }
            case FLOAT16 -> {
                ShortBuffer sb = tensor.getShortBuffer();
                float[] out = new float[sb.remaining()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = Fp16Conversions.fp16ToFloat(sb.get(i));
                }
                return out;
            }
            case DOUBLE -> {
                DoubleBuffer db = tensor.getDoubleBuffer();
                float[] out = new float[db.remaining()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) db.get(i);
                }
                return out;
            }
            default -> throw new IllegalStateException(what + " has element type " + type + ", expected a float type");
        }
    }

    static long[] shape(OnnxValue value) {
        return ((OnnxTensor) value).getInfo().getShape();
    }
}
