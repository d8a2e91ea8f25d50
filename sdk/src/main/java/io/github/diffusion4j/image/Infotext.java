package io.github.diffusion4j.image;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AUTOMATIC1111's "infotext": the {@code parameters} text its web UI writes into PNGs and pastes back into its form.
 *
 * <pre>
 * a watercolor fox
 * Negative prompt: blurry
 * Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512, Model hash: 6ce0161689, Model: sd15
 * </pre>
 *
 * <p>Ported from stable-diffusion-webui {@code modules/infotext_utils.py} (commit 0365002): {@link #quote} and
 * {@link #unquote} follow its {@code quote}/{@code unquote} (JSON strings via {@code json.dumps(ensure_ascii=False)} /
 * {@code json.loads}), {@link #format} follows the text assembly at the end of {@code modules/processing.py}
 * {@code create_infotext}, and {@link #parse} follows {@code parse_generation_parameters} up to its field-splitting
 * loop, with the same regular expression {@code re_param}. The UI-only defaults that function then fills in
 * ("Clip skip", "Hires ...", "Mask mode", ...) are not added: they are settings of A1111's form, not of the image.
 */
public final class Infotext {

    /** {@code re_param_code}; Python's {@code \w} is Unicode-aware, hence UNICODE_CHARACTER_CLASS. */
    private static final Pattern PARAM = Pattern.compile("\\s*(\\w[\\w \\-/]+):\\s*(\"(?:\\\\.|[^\\\\\"])+\"|[^,]*)(?:,|$)",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern IMAGE_SIZE = Pattern.compile("^(\\d+)x(\\d+)$");
    private static final String NEGATIVE = "Negative prompt:";

    /** A parsed infotext: the prompt, the negative prompt and the "Key: value" fields in order. */
    public record Parsed(String prompt, String negativePrompt, Map<String, String> fields) {

        public Parsed {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        /** The field's value, or {@code null}. A {@code Size: WxH} field is also split into "Size-1" and "Size-2". */
        public String get(String key) {
            return fields.get(key);
        }
    }

    private Infotext() {
    }

    /**
     * The infotext of one image: prompt, {@code Negative prompt:} line when not empty, then the fields joined by
     * {@code ", "}; fields whose value is {@code null} are left out and values are {@link #quote quoted}.
     */
    public static String format(String prompt, String negativePrompt, Map<String, ?> fields) {
        StringBuilder params = new StringBuilder();
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (params.length() > 0) {
                params.append(", ");
            }
            String value = e.getValue().toString();
            // A1111 writes a bare flag (key == value, e.g. "Tiling") without the colon.
            params.append(e.getKey().equals(value) ? value : e.getKey() + ": " + quote(value));
        }
        String negative = negativePrompt == null || negativePrompt.isEmpty() ? "" : "\n" + NEGATIVE + " " + negativePrompt;
        return (prompt + negative + "\n" + params).strip();
    }

    /**
     * Parses an infotext. The last line is the field line only when {@code re_param} finds at least 3 fields in it;
     * lines before a line starting with {@code Negative prompt:} are the prompt, the rest the negative prompt.
     */
    public static Parsed parse(String text) {
        String[] split = text.strip().split("\n", -1);
        int promptLines = split.length - 1;
        String lastLine = split[split.length - 1];
        if (countParams(lastLine) < 3) {
            promptLines = split.length;
            lastLine = "";
        }
        StringBuilder prompt = new StringBuilder();
        StringBuilder negative = new StringBuilder();
        boolean doneWithPrompt = false;
        for (int i = 0; i < promptLines; i++) {
            String line = split[i].strip();
            if (line.startsWith(NEGATIVE)) {
                doneWithPrompt = true;
                line = line.substring(NEGATIVE.length()).strip();
            }
            StringBuilder target = doneWithPrompt ? negative : prompt;
            target.append(target.length() == 0 ? "" : "\n").append(line);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(lastLine);
        while (m.find()) {
            String key = m.group(1);
            String value = m.group(2);
            if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                value = unquote(value);
            }
            Matcher size = IMAGE_SIZE.matcher(value);
            if (size.matches()) {
                fields.put(key + "-1", size.group(1));
                fields.put(key + "-2", size.group(2));
            }
            // A1111 keeps only the split form of a size; the joined value is kept too so the text round-trips.
            fields.put(key, value);
        }
        return new Parsed(prompt.toString(), negative.toString(), fields);
    }

    private static int countParams(String line) {
        Matcher m = PARAM.matcher(line);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** A1111's {@code quote}: a value holding {@code ,}, a newline or {@code :} becomes a JSON string. */
    public static String quote(String text) {
        if (text.indexOf(',') < 0 && text.indexOf('\n') < 0 && text.indexOf(':') < 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A1111's {@code unquote}: a JSON string literal decoded, anything else (or invalid JSON) returned as is. */
    public static String unquote(String text) {
        if (text.length() < 2 || text.charAt(0) != '"' || text.charAt(text.length() - 1) != '"') {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 1; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (c == '"' || c < 0x20) {
                return text; // json.loads rejects an unescaped quote or control character: A1111 keeps the raw text
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (++i >= text.length() - 1) {
                return text;
            }
            char e = text.charAt(i);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    if (i + 4 > text.length() - 2 || !text.substring(i + 1, i + 5).matches("[0-9a-fA-F]{4}")) {
                        return text;
                    }
                    sb.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> {
                    return text;
                }
            }
        }
        return sb.toString();
    }
}
