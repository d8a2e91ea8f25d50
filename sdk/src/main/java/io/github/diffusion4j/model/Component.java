package io.github.diffusion4j.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads and checks the I/O contract of one component's session; shared by the component classes. */
final class Component {

    private Component() {
    }

    static Map<String, TensorSpec> inputs(OrtSession session, String file) {
        try {
            return specs(session.getInputInfo(), file);
        } catch (OrtException e) {
            throw new ModelContractException("Cannot read the inputs of " + file + ": " + e.getMessage());
        }
    }

    static Map<String, TensorSpec> outputs(OrtSession session, String file) {
        try {
            return specs(session.getOutputInfo(), file);
        } catch (OrtException e) {
            throw new ModelContractException("Cannot read the outputs of " + file + ": " + e.getMessage());
        }
    }

    private static Map<String, TensorSpec> specs(Map<String, NodeInfo> infos, String file) {
        Map<String, TensorSpec> out = new LinkedHashMap<>();
        for (NodeInfo node : infos.values()) {
            out.put(node.getName(), TensorSpec.of(node, file));
        }
        return out;
    }

    /** The input called {@code name}, or a contract error listing what the graph has. */
    static TensorSpec require(Map<String, TensorSpec> specs, String name, String file, String kind) {
        TensorSpec spec = specs.get(name);
        if (spec == null) {
            throw new ModelContractException(file + " has no " + kind + " '" + name + "' (" + kind + "s: "
                    + describe(specs) + ")");
        }
        return spec;
    }

    /** The output called {@code preferred}, else the first output. */
    static TensorSpec outputOrFirst(Map<String, TensorSpec> outputs, String preferred, String file) {
        if (outputs.isEmpty()) {
            throw new ModelContractException(file + " has no outputs");
        }
        TensorSpec spec = outputs.get(preferred);
        return spec != null ? spec : outputs.values().iterator().next();
    }

    static void requireType(TensorSpec spec, String file, Set<OnnxJavaType> allowed) {
        if (!allowed.contains(spec.type())) {
            throw new ModelContractException(file + " '" + spec.name() + "' has element type "
                    + spec.type() + ", expected one of " + allowed);
        }
    }

    static void requireRank(TensorSpec spec, String file, int... ranks) {
        for (int r : ranks) {
            if (spec.rank() == r) {
                return;
            }
        }
        List<Integer> allowed = new ArrayList<>();
        for (int r : ranks) {
            allowed.add(r);
        }
        throw new ModelContractException(file + " '" + spec.name() + "' has rank " + spec.rank() + " ("
                + spec.describe() + "), expected rank " + allowed);
    }

    static void rejectExtraInputs(Map<String, TensorSpec> inputs, Set<String> known, String file) {
        for (String name : inputs.keySet()) {
            if (!known.contains(name)) {
                throw new ModelContractException(file + " has an input '" + name + "' this pipeline does not provide"
                        + " (inputs: " + describe(inputs) + "; expected only " + known + ")");
            }
        }
    }

    static String describe(Map<String, TensorSpec> specs) {
        List<String> parts = new ArrayList<>();
        for (TensorSpec s : specs.values()) {
            parts.add(s.describe());
        }
        return String.join(", ", parts);
    }

    static void closeQuietly(AutoCloseable c, Throwable primary) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            primary.addSuppressed(e);
        }
    }
}
