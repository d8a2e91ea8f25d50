package io.github.diffusion4j.quarkus.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * What the build decided about one model, handed to {@link DiffusionRecorder} at start-up. A plain bean (public
 * no-argument constructor, getters and setters) because Quarkus records it into bytecode.
 */
public class ModelSpec {

    private String name;
    private String configKey;
    private String embeddedPrefix;
    private List<String> embeddedFiles = new ArrayList<>();
    private String contentKey;
    private String devModelFolder;

    public ModelSpec() {
    }

    public ModelSpec(String name, String configKey) {
        this.name = name;
        this.configKey = configKey;
    }

    /** Public model name: {@code default} or the map key. */
    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /** Key in the config maps: {@code <default>} or the model name. */
    public String getConfigKey() {
        return configKey;
    }

    public void setConfigKey(String configKey) {
        this.configKey = configKey;
    }

    /** Classpath folder (ending in '/') holding an embedded copy of the model, or {@code null}. */
    public String getEmbeddedPrefix() {
        return embeddedPrefix;
    }

    public void setEmbeddedPrefix(String embeddedPrefix) {
        this.embeddedPrefix = embeddedPrefix;
    }

    /** Files of the embedded copy, relative to {@link #getEmbeddedPrefix()}. */
    public List<String> getEmbeddedFiles() {
        return embeddedFiles;
    }

    public void setEmbeddedFiles(List<String> embeddedFiles) {
        this.embeddedFiles = embeddedFiles;
    }

    /**
     * Digest of the embedded files' names and bytes ({@link ModelLoader#contentKey}), computed at build time: it names
     * the extracted copy, so a rebuilt model with files of the same sizes never reuses an older extraction.
     */
    public String getContentKey() {
        return contentKey;
    }

    public void setContentKey(String contentKey) {
        this.contentKey = contentKey;
    }

    /**
     * Where the build (dev or test mode, no {@code path} configured) extracted the development model, or
     * {@code null}: dev and test run on the machine that built them.
     */
    public String getDevModelFolder() {
        return devModelFolder;
    }

    public void setDevModelFolder(String devModelFolder) {
        this.devModelFolder = devModelFolder;
    }

    /** The property that configures this model's {@code key}, e.g. {@code quarkus.diffusion4j."anime".path}. */
    public String property(String key) {
        return ConfigNames.property(configKey, key);
    }
}
