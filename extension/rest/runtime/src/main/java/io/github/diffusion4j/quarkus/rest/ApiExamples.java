package io.github.diffusion4j.quarkus.rest;

/** Examples of the OpenAPI document shared by the images and jobs resources. */
final class ApiExamples {

    /** A generation request. */
    static final String REQUEST = "{\"prompt\": \"a watercolor fox in a snowy forest\", "
            + "\"negativePrompt\": \"blurry\", \"width\": 512, \"height\": 512, \"steps\": 20, \"guidanceScale\": 7.5, "
            + "\"scheduler\": \"euler\", \"seed\": 42, \"noise\": \"torch\", \"batch\": 1}";
    /** The events of a job, as its stream sends them. */
    static final String STREAM = "id: 1\nevent: queued\ndata: {\"jobId\":\"3f1c...\",\"model\":\"default\",\"position\":1}\n\n"
            + "id: 2\nevent: started\ndata: {\"jobId\":\"3f1c...\",\"seed\":42,\"steps\":20,...}\n\n"
            + "id: 3\nevent: step\ndata: {\"jobId\":\"3f1c...\",\"index\":1,\"total\":20,\"progress\":0.05,\"etaMillis\":1900,...}\n\n"
            + "id: 22\nevent: completed\ndata: {\"jobId\":\"3f1c...\",\"seed\":42,\"images\":[{\"image\":\"data:image/png;base64,...\",...}],...}\n\n";

    private ApiExamples() {
    }
}
