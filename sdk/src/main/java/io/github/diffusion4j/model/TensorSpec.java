package io.github.diffusion4j.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;

import java.util.Arrays;
import java.util.Locale;

/**
 * One input or output of an ONNX graph as the session reports it: the contract is read from the graph, never
 * assumed.
 *
 * @param name  the graph name
 * @param type  element type
 * @param shape dimensions; -1 for a dynamic (symbolic) dimension; empty for a scalar
 */
public record TensorSpec(String name, OnnxJavaType type, long[] shape) {

    static TensorSpec of(NodeInfo node, String component) {
        if (!(node.getInfo() instanceof TensorInfo info)) {
            throw new ModelContractException(component + " " + node.getName()
                    + " is not a tensor (" + node.getInfo() + "); only tensor inputs and outputs are supported");
        }
        return new TensorSpec(node.getName(), info.type, info.getShape());
    }

    public int rank() {
        return shape.length;
    }

    /** Whether dimension {@code i} is dynamic. */
    public boolean isDynamic(int i) {
        return shape[i] < 0;
    }

    public boolean isFloatingPoint() {
        return type == OnnxJavaType.FLOAT || type == OnnxJavaType.FLOAT16 || type == OnnxJavaType.DOUBLE
                || type == OnnxJavaType.BFLOAT16;
    }

    /** {@code name: float16[-1, 4, -1, -1]}, for error messages and logs. */
    public String describe() {
        return name + ": " + type.name().toLowerCase(Locale.ROOT) + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && t.name.equals(name) && t.type == type && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return describe();
    }
}
