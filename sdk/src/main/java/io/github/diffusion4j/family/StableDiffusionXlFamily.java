package io.github.diffusion4j.family;

import io.github.diffusion4j.model.ModelContractException;
import io.github.diffusion4j.model.ModelFolder;
import io.github.diffusion4j.model.SessionFactory;
import io.github.diffusion4j.model.TensorSpec;

import java.util.Map;

/**
 * Stable Diffusion XL — base, refiner, Turbo — as diffusers' {@code StableDiffusionXLPipeline}
 * (pipelines/stable_diffusion_xl/pipeline_stable_diffusion_xl.py) and, for the refiner's aesthetic-score
 * {@code time_ids}, {@code StableDiffusionXLImg2ImgPipeline._get_add_time_ids}
 * (pipeline_stable_diffusion_xl_img2img.py).
 * <ul>
 *   <li>prompt embeddings: penultimate hidden states of CLIP-L and CLIP-G side by side; pooled: CLIP-G's
 *   {@code text_embeds} → UNet {@code text_embeds};</li>
 *   <li>{@code time_ids}: {@code original_size + crops_coords_top_left + target_size} = (h, w, 0, 0, h, w), the
 *   negative row the same; with {@code requires_aesthetics_score} (refiner) {@code original_size + crops + (score,)}
 *   = (h, w, 0, 0, 6.0) and the negative row's score 2.5;</li>
 *   <li>{@code force_zeros_for_empty_prompt} (model_index.json, true for SDXL): no negative prompt → zero negative
 *   embeddings (see {@link #zeroNegativeForEmptyPrompt(ModelFolder)}).</li>
 * </ul>
 */
final class StableDiffusionXlFamily extends UnetFamily {

    static final String TEXT_EMBEDS = "text_embeds";
    static final String TIME_IDS = "time_ids";
    /** diffusers' StableDiffusionXLImg2ImgPipeline.__call__ defaults for aesthetic_score / negative_aesthetic_score. */
    private static final float AESTHETIC_SCORE = 6.0f;
    private static final float NEGATIVE_AESTHETIC_SCORE = 2.5f;

    @Override
    public String id() {
        return "sdxl";
    }

    @Override
    public String displayName() {
        return "Stable Diffusion XL";
    }

    @Override
    public boolean matches(FamilyProbe probe) {
        boolean inputs = probe.hasInput(TEXT_EMBEDS) && probe.hasInput(TIME_IDS) && probe.hasInput(HIDDEN_STATES);
        return inputs && probe.pipelineClass().map(c -> c.startsWith("StableDiffusionXL")
                || c.startsWith("StableDiffusion") || c.startsWith("LatentConsistency")).orElse(true);
    }

    @Override
    public FamilyDefaults defaults() {
        return new FamilyDefaults(50, 5.0); // StableDiffusionXLPipeline.__call__ defaults
    }

    @Override
    public Conditioner openConditioner(ModelFolder folder, SessionFactory sessions) {
        return ClipConditioner.dual(folder, sessions);
    }

    @Override
    void addConditioning(Map<String, Row> out, TextEmbeddings text, RowContext row) {
        if (text.pooled() == null) {
            throw new ModelContractException("text_encoder_2/model.onnx gave no pooled text_embeds, which "
                    + row.denoiser().file() + " needs");
        }
        out.put(TEXT_EMBEDS, new Row(text.pooled(), new long[] {text.pooled().length}));
        float[] ids = timeIds(row);
        TensorSpec spec = row.denoiser().conditioningSpecs().get(TIME_IDS);
        if (spec != null && !spec.isDynamic(1) && spec.shape()[1] != ids.length) {
            throw new ModelContractException(row.denoiser().file() + " takes " + spec.shape()[1] + " time_ids but "
                    + "model_index.json requires_aesthetics_score=" + requiresAestheticScore(row.folder())
                    + " gives " + ids.length);
        }
        out.put(TIME_IDS, new Row(ids, new long[] {ids.length}));
    }

    private static float[] timeIds(RowContext row) {
        float h = row.height();
        float w = row.width();
        if (requiresAestheticScore(row.folder())) {
            return new float[] {h, w, 0, 0, row.negative() ? NEGATIVE_AESTHETIC_SCORE : AESTHETIC_SCORE};
        }
        return new float[] {h, w, 0, 0, h, w};
    }

    static boolean requiresAestheticScore(ModelFolder folder) {
        return folder.indexFlag("requires_aesthetics_score").orElse(false);
    }

    /** {@code force_zeros_for_empty_prompt} of model_index.json; SDXL's register_to_config default is true. */
    @Override
    public boolean zeroNegativeForEmptyPrompt(ModelFolder folder) {
        return folder.indexFlag("force_zeros_for_empty_prompt").orElse(true);
    }
}
