import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Checks that the tiny fixtures' T5 tokenizer.json, read by the Hugging Face tokenizers library (DJL's JNI
 * binding, the library the SDK is meant to use), gives the ids sentencepiece gives for spiece.model
 * (sdk/src/test/resources/goldens/t5-tokenizer/expected.json, written by tools/goldens/dit_goldens.py).
 * Arguments: the tokenizer folder and the expected.json. Exit status 1 on any mismatch.
 */
public final class CheckT5Tokenizer {

    private CheckT5Tokenizer() {
    }

    public static void main(String[] args) throws Exception {
        JsonObject expected = JsonParser.parseString(Files.readString(Path.of(args[1]))).getAsJsonObject();
        int failures = 0;
        int cases = 0;
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(Path.of(args[0])).optAddSpecialTokens(true).build()) {
            for (JsonElement element : expected.getAsJsonArray("cases")) {
                JsonObject c = element.getAsJsonObject();
                String text = c.get("text").getAsString();
                long[] want = c.getAsJsonArray("ids").asList().stream().mapToLong(JsonElement::getAsLong).toArray();
                Encoding encoding = tokenizer.encode(text);
                long[] got = encoding.getIds();
                cases++;
                if (!Arrays.equals(want, got)) {
                    failures++;
                    System.out.printf("MISMATCH %s%n  sentencepiece %s%n  tokenizers    %s %s%n", text,
                            Arrays.toString(want), Arrays.toString(got), Arrays.toString(encoding.getTokens()));
                }
            }
        }
        System.out.printf("%d cases, %d mismatches%n", cases, failures);
        System.exit(failures == 0 ? 0 : 1);
    }
}
