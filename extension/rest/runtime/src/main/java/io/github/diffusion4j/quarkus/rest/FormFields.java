package io.github.diffusion4j.quarkus.rest;

import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parts of a {@code multipart/form-data} request: text fields, and the bytes of the image parts (file parts, or
 * text parts holding base64 / a data URI). A field given twice, or a file where text belongs, is an error naming the
 * field; an image file larger than the upload limit is refused from its size, before it is read.
 */
final class FormFields {

    private final Map<String, String> texts = new LinkedHashMap<>();
    private final Map<String, byte[]> files = new LinkedHashMap<>();

    private FormFields() {
    }

    /** Reads {@code input}; {@code imageFields} may be files, every other field must be text. */
    static FormFields read(MultipartFormDataInput input, Set<String> imageFields, ImageUploads uploads) {
        if (input == null) {
            throw new InvalidRequestException("body", "is required: multipart/form-data with at least \"prompt\"");
        }
        FormFields form = new FormFields();
        List<FieldError> errors = new ArrayList<>();
        for (Map.Entry<String, Collection<FormValue>> entry : input.getValues().entrySet()) {
            String name = entry.getKey();
            if (entry.getValue().size() != 1) {
                errors.add(new FieldError(Problems.shorten(name), "is given " + entry.getValue().size()
                        + " times; give it once"));
                continue;
            }
            FormValue value = entry.getValue().iterator().next();
            if (!value.isFileItem()) {
                form.texts.put(name, value.getValue());
            } else if (!imageFields.contains(name)) {
                errors.add(new FieldError(Problems.shorten(name), "must be a text field, got a file"));
            } else {
                try {
                    form.files.put(name, bytes(name, value, uploads));
                } catch (InvalidRequestException e) {
                    errors.addAll(e.errors());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return form;
    }

    private static byte[] bytes(String field, FormValue value, ImageUploads uploads) {
        try {
            long size = value.getFileItem().getFileSize();
            if (size > uploads.maxBytes()) {
                throw new InvalidRequestException(field, "must be at most " + uploads.maxBytes() + " bytes"
                        + " (quarkus.diffusion4j.rest.uploads.max-image-size), got " + size);
            }
            try (InputStream in = value.getFileItem().getInputStream()) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new InvalidRequestException(field, "cannot be read: " + Problems.shorten(e.getMessage()));
        }
    }

    /** Names of every field, text and file. */
    Set<String> names() {
        Set<String> names = new java.util.LinkedHashSet<>(texts.keySet());
        names.addAll(files.keySet());
        return names;
    }

    /** A text field, or {@code null}. */
    String text(String name) {
        return texts.get(name);
    }

    /** A file field's bytes, or {@code null}. */
    byte[] file(String name) {
        return files.get(name);
    }

    /** An optional integer field; a malformed one adds an error naming it. */
    Integer integer(String name, List<FieldError> errors) {
        String text = texts.get(name);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            errors.add(new FieldError(name, "must be an integer, got '" + Problems.shorten(text) + "'"));
            return null;
        }
    }

    /** An optional long field; a malformed one adds an error naming it. */
    Long longValue(String name, List<FieldError> errors) {
        String text = texts.get(name);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Long.valueOf(text.strip());
        } catch (NumberFormatException e) {
            errors.add(new FieldError(name, "must be an integer, got '" + Problems.shorten(text) + "'"));
            return null;
        }
    }

    /** An optional number field; a malformed one adds an error naming it. */
    Double number(String name, List<FieldError> errors) {
        String text = texts.get(name);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Double.valueOf(text.strip());
        } catch (NumberFormatException e) {
            errors.add(new FieldError(name, "must be a number, got '" + Problems.shorten(text) + "'"));
            return null;
        }
    }
}
