package io.github.diffusion4j.quarkus.deployment;

import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.BuildSteps;
import io.quarkus.deployment.builditem.nativeimage.JniRuntimeAccessBuildItem;
import io.quarkus.deployment.builditem.nativeimage.NativeImageResourceBuildItem;
import io.quarkus.deployment.builditem.nativeimage.RuntimeInitializedClassBuildItem;
import io.quarkus.deployment.pkg.steps.NativeOrNativeSourcesBuild;

import java.util.List;

/**
 * What a native image needs to run the Hugging Face tokenizers library through DJL's JNI binding
 * ({@code ai.djl.huggingface:tokenizers}), which tokenizes the T5 prompts of SD3 and FLUX.1. Its Rust library
 * ({@code libtokenizers.so}) ships inside the jar and is extracted and loaded by {@code LibUtils}' static initialiser
 * at first use.
 */
@BuildSteps(onlyIf = NativeOrNativeSourcesBuild.class)
class TokenizersNativeProcessor {

    /**
     * Classes the Rust library reaches by name through JNI: it builds {@code CharSpan} objects (constructor
     * {@code (II)V}) and {@code String[]} results, and throws {@code RuntimeException} with the tokenizers' error
     * message (jni-rs {@code JNIEnv::throw}); {@code TokenizersLibrary} is the receiver of every native method.
     */
    static final List<String> JNI_CLASSES = List.of(
            "ai.djl.huggingface.tokenizers.jni.CharSpan",
            "ai.djl.huggingface.tokenizers.jni.TokenizersLibrary",
            "java.lang.String",
            "java.lang.RuntimeException");

    /**
     * Classes whose static initialiser extracts and loads the native library ({@code LibUtils}) or creates the
     * library's singleton ({@code TokenizersLibrary}): at build time they would load {@code libtokenizers.so} into
     * the image builder and bake the builder's cache path in.
     */
    static final List<String> RUNTIME_INITIALIZED = List.of(
            "ai.djl.huggingface.tokenizers.jni.LibUtils",
            "ai.djl.huggingface.tokenizers.jni.TokenizersLibrary");

    /** Where DJL looks for its natives: {@code native/lib/<os>-<arch>/cpu/}, and the version file beside them. */
    static final String NATIVE_FOLDER = "native/lib/";
    static final String VERSION_FILE = NATIVE_FOLDER + "tokenizers.properties";
    static final String LIBRARY = "libtokenizers.so";

    @BuildStep
    void tokenizersJniAccess(BuildProducer<JniRuntimeAccessBuildItem> jni) {
        // Why: the native code resolves these classes, their constructors and methods by name at run time.
        jni.produce(new JniRuntimeAccessBuildItem(true, true, false, JNI_CLASSES.toArray(new String[0])));
    }

    @BuildStep
    void tokenizersRuntimeInitialization(BuildProducer<RuntimeInitializedClassBuildItem> runtimeInit) {
        // Why: loading the library must happen in the running image, where its cache folder is.
        for (String className : RUNTIME_INITIALIZED) {
            runtimeInit.produce(new RuntimeInitializedClassBuildItem(className));
        }
    }

    @BuildStep
    void tokenizersNativeLibrary(BuildProducer<NativeImageResourceBuildItem> resources) {
        // Why: LibUtils copies the library out of the class path (a resource an image carries only if registered)
        // and Platform.detectPlatform reads the version file to name the cache folder. Only the build platform's
        // library: a native image runs on the architecture it is built on.
        String platform = "aarch64".equals(System.getProperty("os.arch")) ? "linux-aarch64" : "linux-x86_64";
        resources.produce(new NativeImageResourceBuildItem(VERSION_FILE,
                NATIVE_FOLDER + platform + "/cpu/" + LIBRARY));
    }
}
