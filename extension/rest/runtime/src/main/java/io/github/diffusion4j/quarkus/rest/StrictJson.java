package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * Request readers stricter than the application's mapper (which they copy, keeping its modules): an empty string, a
 * quoted number or boolean, a fraction, a number or boolean where a string belongs, a duplicate field or trailing content is an error rather than
 * a silent null, truncation, conversion or ignored value. The application's
 * own mapper is left as it is.
 */
final class StrictJson {

    private StrictJson() {
    }

    static ObjectReader readerFor(ObjectMapper applicationMapper, Class<?> type) {
        ObjectMapper strict = applicationMapper.copy();
        for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            strict.coercionConfigFor(t).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        // "steps": "8" is a type error like any other: a client that quotes numbers has a bug worth seeing
        for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            strict.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        // "prompt": true or 42 is a client bug, not a prompt
        for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Boolean, CoercionInputShape.Integer,
                CoercionInputShape.Float}) {
            strict.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        // the same field twice is ambiguous: which one did the client mean?
        strict.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return strict.readerFor(type)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }
}
