package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.IOException;

/**
 * Reads one request type from the bodies {@link RequestGuard} collected: the size limit once more (for bodies read
 * by someone else), the strict reader, and every Jackson error mapped to a 400.
 *
 * @param <T> the request type
 */
final class RequestBodies<T> {

    private final Class<T> type;
    private volatile ObjectReader reader;

    RequestBodies(Class<T> type) {
        this.type = type;
    }

    T read(ObjectMapper mapper, byte[] body, long max) {
        if (body == null || body.length == 0) {
            throw new InvalidRequestException("body", "is required: a JSON object with at least \"prompt\"");
        }
        if (body.length > max) {
            throw ApiException.bodyTooLarge(body.length, max);
        }
        try {
            return reader(mapper).readValue(body);
        } catch (JsonProcessingException e) {
            throw new MalformedJsonException(e);
        } catch (IOException e) {
            throw new InvalidRequestException("body", "cannot be read: " + Problems.shorten(e.getMessage()));
        }
    }

    private ObjectReader reader(ObjectMapper mapper) {
        ObjectReader r = reader;
        if (r == null) {
            r = StrictJson.readerFor(mapper, type);
            reader = r;
        }
        return r;
    }
}
