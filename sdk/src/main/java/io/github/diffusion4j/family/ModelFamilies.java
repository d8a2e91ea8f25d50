package io.github.diffusion4j.family;

import io.github.diffusion4j.model.ModelContractException;
import io.github.diffusion4j.model.ModelFolder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The families this SDK runs, and recognition of a model folder's family. Most specific first: FLUX.1 (a transformer
 * with {@code img_ids}), SD3 (a transformer with {@code pooled_projections}), SDXL (a UNet with
 * {@code text_embeds}/{@code time_ids}), LCM ({@code timestep_cond} or an LCM pipeline class), then SD 1.x/2.x.
 * Families the SDK does not run yet are refused by name before any session is opened.
 */
public final class ModelFamilies {

    private static final List<ModelFamily> FAMILIES = List.of(new FluxFamily(), new StableDiffusion3Family(),
            new StableDiffusionXlFamily(), new LatentConsistencyFamily(), new StableDiffusionFamily());

    /** diffusers pipeline class prefixes of families this SDK cannot run yet, with their names. */
    private static final Map<String, String> NOT_YET = new LinkedHashMap<>();

    static {
        NOT_YET.put("StableCascade", "Stable Cascade");
        NOT_YET.put("Wuerstchen", "Würstchen");
        NOT_YET.put("Kandinsky", "Kandinsky");
        NOT_YET.put("PixArt", "PixArt");
        NOT_YET.put("AuraFlow", "AuraFlow");
        NOT_YET.put("Sana", "Sana");
        NOT_YET.put("Lumina", "Lumina");
        NOT_YET.put("HunyuanDiT", "Hunyuan-DiT");
        NOT_YET.put("IF", "DeepFloyd IF");
        NOT_YET.put("StableDiffusionUpscale", "Stable Diffusion x4 upscaler");
        NOT_YET.put("StableDiffusionLatentUpscale", "Stable Diffusion latent upscaler");
        NOT_YET.put("Kolors", "Kolors");
        NOT_YET.put("Chroma", "Chroma");
        NOT_YET.put("QwenImage", "Qwen-Image");
    }

    private ModelFamilies() {
    }

    /** Every family, most specific first. */
    public static List<ModelFamily> all() {
        return FAMILIES;
    }

    /** The family with id {@code id} ({@code sd}, {@code sdxl}, {@code lcm}). */
    public static Optional<ModelFamily> byId(String id) {
        return FAMILIES.stream().filter(f -> f.id().equals(id)).findFirst();
    }

    /**
     * Refuses, before anything is loaded, a folder whose {@code _class_name} names a family this SDK cannot run.
     *
     * @throws ModelContractException naming the family, the class and the supported families
     */
    public static void refuseUnsupported(ModelFolder folder) {
        Optional<String> cls = folder.pipelineClass();
        String base = cls.map(FamilyProbe::baseClassName).orElse("");
        for (Map.Entry<String, String> e : NOT_YET.entrySet()) {
            if (base.startsWith(e.getKey()) && !isSupportedClass(base)) {
                throw new ModelContractException(folder.root() + " is a " + e.getValue() + " model (model_index.json"
                        + " _class_name " + cls.get() + "), a family this version cannot run yet. Supported: "
                        + supported());
            }
        }
    }

    private static boolean isSupportedClass(String base) {
        // the upscalers share the "StableDiffusion" prefix with the families we run
        return base.startsWith("StableDiffusion") && !base.startsWith("StableDiffusionUpscale")
                && !base.startsWith("StableDiffusionLatentUpscale");
    }

    /**
     * The family of a probed folder.
     *
     * @throws ModelContractException when no family matches, naming what was found and the supported families
     */
    public static ModelFamily recognise(FamilyProbe probe) {
        for (ModelFamily family : FAMILIES) {
            if (family.matches(probe)) {
                return family;
            }
        }
        throw new ModelContractException(probe.denoiser().file() + " of " + probe.folder().root() + " does not look like"
                + " any supported family (model_index.json _class_name " + probe.folder().pipelineClass().orElse("absent")
                + ", denoiser inputs " + probe.denoiser().describe() + "). Supported: " + supported());
    }

    /** {@code sd (Stable Diffusion 1.x/2.x), sdxl (...), ...}, for messages. */
    public static String supported() {
        List<String> parts = new ArrayList<>();
        for (ModelFamily f : FAMILIES) {
            parts.add(f.id() + " (" + f.displayName() + ")");
        }
        return String.join(", ", parts);
    }
}
