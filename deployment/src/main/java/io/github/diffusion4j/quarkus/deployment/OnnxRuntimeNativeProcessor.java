package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.quarkus.runtime.ModelSpec;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionBuildTimeConfig;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.BuildSteps;
import io.quarkus.deployment.builditem.nativeimage.JniRuntimeAccessBuildItem;
import io.quarkus.deployment.builditem.nativeimage.NativeImageResourceBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.RuntimeInitializedClassBuildItem;
import io.quarkus.deployment.pkg.steps.NativeOrNativeSourcesBuild;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything a native image needs to run ONNX Runtime (and the SDK's PNG output) — gathered here so that the list of
 * native registrations can be read, and checked, in one place.
 */
@BuildSteps(onlyIf = NativeOrNativeSourcesBuild.class)
class OnnxRuntimeNativeProcessor {

    /**
     * Classes that ONNX Runtime's JNI library ({@code libonnxruntime4j_jni}) finds with {@code FindClass} and builds
     * with {@code NewObject}, or whose fields it reads: model metadata and input/output descriptions are created from
     * C, and every value returned by {@code OrtSession.run} is constructed there.
     */
    static final List<String> JNI_CLASSES = List.of(
            "ai.onnxruntime.TensorInfo",
            "ai.onnxruntime.SequenceInfo",
            "ai.onnxruntime.MapInfo",
            "ai.onnxruntime.NodeInfo",
            "ai.onnxruntime.OnnxModelMetadata",
            "ai.onnxruntime.OnnxTensor",
            "ai.onnxruntime.OnnxSparseTensor",
            "ai.onnxruntime.OnnxMap",
            "ai.onnxruntime.OnnxSequence",
            "ai.onnxruntime.OnnxValue",
            "ai.onnxruntime.OrtException",
            // thrown from C with the error code looked up by name
            "ai.onnxruntime.OrtException$OrtErrorCode",
            // TensorInfo's constructor takes the element type as an enum read from C
            "ai.onnxruntime.OnnxJavaType",
            "ai.onnxruntime.TensorInfo$OnnxTensorType",
            // returned by the execution-provider and device queries
            "ai.onnxruntime.OrtProvider",
            "ai.onnxruntime.OrtEpDevice",
            "ai.onnxruntime.OrtHardwareDevice",
            "ai.onnxruntime.OrtHardwareDevice$OrtHardwareDeviceType",
            // String[] / long[] results and the Java-side logging bridge
            "java.lang.String",
            "java.util.logging.Logger");

    /**
     * Classes whose static initialiser loads or calls the native library (or computes the platform): they must run at
     * start-up in the image, not at build time on the build machine. Subclasses of a run-time initialised class must
     * be run-time initialised too, hence the provider options.
     */
    static final List<String> RUNTIME_INITIALIZED = List.of(
            "ai.onnxruntime.OnnxRuntime",
            "ai.onnxruntime.OrtEnvironment",
            "ai.onnxruntime.OrtEnvironment$ThreadingOptions",
            "ai.onnxruntime.OrtSession",
            "ai.onnxruntime.OrtSession$SessionOptions",
            "ai.onnxruntime.OrtSession$RunOptions",
            "ai.onnxruntime.OrtAllocator",
            "ai.onnxruntime.OrtTrainingSession",
            "ai.onnxruntime.OrtLoraAdapter",
            "ai.onnxruntime.OrtProviderOptions",
            "ai.onnxruntime.providers.OrtCUDAProviderOptions",
            "ai.onnxruntime.providers.OrtTensorRTProviderOptions",
            "ai.onnxruntime.providers.StringConfigProviderOptions",
            "ai.onnxruntime.OnnxTensorLike",
            "ai.onnxruntime.OnnxTensor",
            "ai.onnxruntime.OnnxSparseTensor",
            "ai.onnxruntime.OnnxSequence",
            "ai.onnxruntime.OnnxMap",
            // the SDK caches native library paths and sets onnxruntime.native.path at run time
            "io.github.diffusion4j.model.NativeLibraries");

    /** Native libraries ONNX Runtime extracts from its jar at start-up: it looks them up as class path resources. */
    static final String NATIVE_FOLDER = "ai/onnxruntime/native/";
    static final List<String> CPU_LIBRARIES = List.of("libonnxruntime.so", "libonnxruntime4j_jni.so",
            "libonnxruntime_providers_shared.so");
    static final String CUDA_LIBRARY = "libonnxruntime_providers_cuda.so";

    @BuildStep
    void jniAccess(BuildProducer<JniRuntimeAccessBuildItem> jni) {
        // Why: the JNI library resolves constructors, methods and fields of these classes by name at run time.
        jni.produce(new JniRuntimeAccessBuildItem(true, true, true, JNI_CLASSES.toArray(new String[0])));
    }

    @BuildStep
    void reflection(BuildProducer<ReflectiveClassBuildItem> reflective) {
        // Why: the same classes are also reached reflectively (OnnxRuntime's version and provider queries, error codes).
        reflective.produce(ReflectiveClassBuildItem.builder(JNI_CLASSES.toArray(new String[0]))
                .constructors().methods().fields().build());
    }

    @BuildStep
    void runtimeInitialization(BuildProducer<RuntimeInitializedClassBuildItem> runtimeInit) {
        // Why: initialising them at build time would load libonnxruntime into the image builder and bake its handles in.
        for (String className : RUNTIME_INITIALIZED) {
            runtimeInit.produce(new RuntimeInitializedClassBuildItem(className));
        }
    }

    @BuildStep
    void nativeLibraries(DiffusionBuildTimeConfig config, BuildProducer<NativeImageResourceBuildItem> resources) {
        // Why: only the target platform's libraries, and the 582 MB CUDA provider only when asked for
        // (quarkus.diffusion4j.native.cuda): a CPU image stays ~35 MB of natives instead of ~620 MB.
        // A native image runs on the architecture it is built on (Linux in the builder container).
        String platform = "aarch64".equals(System.getProperty("os.arch")) ? "linux-aarch64" : "linux-x64";
        List<String> libraries = new ArrayList<>();
        for (String library : CPU_LIBRARIES) {
            libraries.add(NATIVE_FOLDER + platform + "/" + library);
        }
        if (config.nativeImage().cuda()) {
            libraries.add(NATIVE_FOLDER + platform + "/" + CUDA_LIBRARY);
        }
        resources.produce(new NativeImageResourceBuildItem(libraries));
    }

    @BuildStep
    void embeddedModels(DiffusionModelsBuildItem models, BuildProducer<NativeImageResourceBuildItem> resources) {
        // Why: embedded models (embed=true) are class path resources that the start-up code extracts; a native image
        // only carries resources that are registered. The dev model is never used in production, so it is not.
        for (ModelSpec spec : models.models()) {
            if (spec.getEmbeddedPrefix() != null) {
                List<String> files = new ArrayList<>();
                for (String file : spec.getEmbeddedFiles()) {
                    files.add(spec.getEmbeddedPrefix() + file);
                }
                resources.produce(new NativeImageResourceBuildItem(files));
            }
        }
    }
}
