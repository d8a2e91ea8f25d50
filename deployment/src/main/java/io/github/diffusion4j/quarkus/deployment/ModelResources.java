package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.quarkus.runtime.ModelLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** Lists the files of a model folder, on disk or on the build class path. */
final class ModelResources {

    private ModelResources() {
    }

    /** {@link ModelLoader#contentKey}, with read errors as {@link UncheckedIOException}: a build step cannot go on. */
    static String contentKey(String prefix, List<String> files, ModelLoader.FileOpener opener) {
        try {
            return ModelLoader.contentKey(prefix, files, opener);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the model files under " + prefix + ": " + e.getMessage(), e);
        }
    }

    /** Files under {@code folder}, relative, with '/' separators, sorted. */
    static List<String> filesOf(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            List<String> files = new ArrayList<>();
            walk.filter(Files::isRegularFile)
                    .forEach(p -> files.add(folder.relativize(p).toString().replace('\\', '/')));
            Collections.sort(files);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Files of the class path folder {@code prefix} (ending in '/') that holds {@code marker}, relative to it; empty
     * when the marker is not on the class path.
     */
    static List<String> classpathFolder(ClassLoader loader, String prefix, String marker) {
        URL url = loader.getResource(prefix + marker);
        if (url == null) {
            return List.of();
        }
        try {
            if ("file".equals(url.getProtocol())) {
                Path markerPath = Paths.get(url.toURI());
                return filesOf(markerPath.getParent());
            }
            if ("jar".equals(url.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) url.openConnection();
                connection.setUseCaches(false);
                List<String> files = new ArrayList<>();
                try (JarFile jar = connection.getJarFile()) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry entry = entries.nextElement();
                        if (!entry.isDirectory() && entry.getName().startsWith(prefix)) {
                            files.add(entry.getName().substring(prefix.length()));
                        }
                    }
                }
                Collections.sort(files);
                return files;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + url + ": " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        // Quarkus' own class loaders hand out "quarkus:" URLs for in-memory resources: read the marker's siblings one by one
        throw new IllegalStateException("Cannot list the class path folder " + prefix + " behind " + url);
    }
}
