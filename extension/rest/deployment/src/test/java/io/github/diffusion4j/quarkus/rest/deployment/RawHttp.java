package io.github.diffusion4j.quarkus.rest.deployment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket, for what {@code java.net.http} will not send: a {@code Content-Length} larger than the
 * body, chunked bodies of any size, a body that stops half-way, a made-up {@code Host}.
 */
final class RawHttp implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RawHttp(URI base, int readTimeoutMillis) {
        try {
            socket = new Socket(base.getHost(), base.getPort());
            socket.setSoTimeout(readTimeoutMillis);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes text as is (headers, or a part of a body). */
    RawHttp write(String text) {
        return write(text.getBytes(StandardCharsets.UTF_8));
    }

    RawHttp write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** One chunk of a chunked body. Returns false once the server has closed the connection. */
    boolean chunk(byte[] data) {
        try {
            out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /** Everything the server sends until it closes the connection or goes silent for the read timeout. */
    String readAll() {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException silent) {
            // what came so far
        } catch (IOException reset) {
            // a reset after the response: keep what arrived
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    /** The status code of a raw response text, -1 when there is none. */
    static int status(String response) {
        if (!response.startsWith("HTTP/1.1 ")) {
            return -1;
        }
        return Integer.parseInt(response.substring(9, 12));
    }

    /** The body of a raw response text (after the blank line; chunked framing left in). */
    static String body(String response) {
        int at = response.indexOf("\r\n\r\n");
        return at < 0 ? "" : response.substring(at + 4);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed by the server
        }
    }
}
