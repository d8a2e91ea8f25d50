package io.github.diffusion4j.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    private static final ObjectMapper JACKSON = new ObjectMapper();

    @Test
    void everyJsonSideFileOfTheFixturesParsesAsJacksonsUntypedBindingDoes() throws IOException {
        Path models = Path.of("../tools/models");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(models)) {
            files = walk.filter(p -> p.toString().endsWith(".json")).toList();
        }
        assertThat(files).hasSizeGreaterThan(20);
        for (Path file : files) {
            Object expected = JACKSON.readValue(file.toFile(), Object.class);
            assertThat(Json.parse(file)).as(file.toString()).isEqualTo(expected);
        }
    }

    @Test
    void numbersAndEscapesAreTypedAsJacksonTypesThem() throws IOException {
        String text = "{\"i\": -12, \"l\": 12345678901, \"b\": 123456789012345678901234, \"d\": 1.5, \"e\": 1e30,"
                + " \"z\": -0, \"s\": \"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\", \"t\": true, \"n\": null,"
                + " \"a\": [1, [], {}], \"k\": 1, \"k\": 2}";
        Object parsed = Json.parse(text);
        assertThat(parsed).isEqualTo(JACKSON.readValue(text, Object.class));
        Map<?, ?> map = (Map<?, ?>) parsed;
        assertThat(map.get("i")).isEqualTo(-12);
        assertThat(map.get("l")).isEqualTo(12345678901L);
        assertThat(map.get("b")).isEqualTo(new BigInteger("123456789012345678901234"));
        assertThat(map.get("e")).isEqualTo(1e30);
        assertThat(map.get("s")).isEqualTo("a\"b\\c/\né\uD83D\uDE00");
        assertThat(map.get("k")).isEqualTo(2);
        assertThat(Json.toNode(parsed)).isEqualTo(JACKSON.readTree(text));
    }

    @Test
    void syntaxErrorsNameTheLineAndColumn() {
        assertThatThrownBy(() -> Json.parse("{\n  \"a\": 1,\n  \"b\" 2}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 3, column 7").hasMessageContaining("expected ':'");
        for (String bad : List.of("", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "tru", "\"a", "\"\\x\"", "{} x",
                "[1 2]", "\"\u0001\"", "NaN", "{a:1}")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("invalid JSON at line");
        }
    }

    @Test
    void parseObjectRefusesAnotherTopLevelValue() throws IOException {
        Path file = Files.createTempFile("json", ".json");
        try {
            Files.writeString(file, "[1]");
            assertThatThrownBy(() -> Json.parseObject(file)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected a JSON object");
        } finally {
            Files.delete(file);
        }
    }
}
