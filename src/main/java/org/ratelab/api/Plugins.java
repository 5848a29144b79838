package org.ratelab.api;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * The class loader the registries search: ratelab's own, or a {@link URLClassLoader} over the plug-in jars
 * (from {@code --jars}, a {@code plugins/} directory beside the spec, and {@code RATELAB_PLUGINS}) with
 * ratelab's as its parent. Set once per JVM by the CLI before anything is parsed; on Spark executors the same
 * jars are on the task class path ({@code spark.jars}), so the default loader finds them.
 */
public final class Plugins {
    private Plugins() {}

    private static volatile ClassLoader loader;
    private static volatile List<Path> jars = List.of();
    private static ClassLoader contextBefore;

    /** The loader the registries use (the context class loader, else ratelab's, unless jars were added). */
    public static ClassLoader loader() {
        ClassLoader l = loader;
        if (l != null) return l;
        ClassLoader ctx = Thread.currentThread().getContextClassLoader();
        return ctx != null ? ctx : Plugins.class.getClassLoader();
    }

    /** The plug-in jars in use, in order. */
    public static List<Path> jars() { return jars; }

    /**
     * Uses these jars (duplicates dropped, order kept); an empty list restores ratelab's own loader. A jar that
     * does not exist or cannot be opened as a jar is a {@link PluginException} naming it.
     */
    public static synchronized void use(List<Path> paths) {
        Set<Path> unique = new LinkedHashSet<>();
        for (Path p : paths) unique.add(p.toAbsolutePath().normalize());
        if (unique.isEmpty()) {
            if (loader != null && Thread.currentThread().getContextClassLoader() == loader) {
                Thread.currentThread().setContextClassLoader(contextBefore);
            }
            loader = null;
            jars = List.of();
            return;
        }
        List<URL> urls = new ArrayList<>();
        for (Path p : unique) {
            if (!Files.isRegularFile(p)) throw new PluginException("plug-in jar " + p + ": no such file");
            try (JarFile j = new JarFile(p.toFile())) {
                j.getManifest();
            } catch (IOException e) {
                throw new PluginException("plug-in jar " + p + ": cannot be read as a jar ("
                        + Registry.oneLine(e.getMessage()) + ")");
            }
            try {
                urls.add(p.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new PluginException("plug-in jar " + p + ": " + e.getMessage());
            }
        }
        ClassLoader parent = Plugins.class.getClassLoader();
        URLClassLoader cl = new URLClassLoader("ratelab-plugins", urls.toArray(URL[]::new), parent);
        if (loader == null) contextBefore = Thread.currentThread().getContextClassLoader();
        loader = cl;
        jars = List.copyOf(unique);
        Thread.currentThread().setContextClassLoader(cl);
    }

    /**
     * The jars of a run: {@code --jars}, then every {@code *.jar} of the {@code plugins/} directory beside
     * {@code spec} (when the spec is given and the directory exists), then the paths of {@code env}
     * ({@code RATELAB_PLUGINS}: jars or directories of jars, separated by the path separator).
     */
    public static List<Path> gather(List<Path> flagged, Path spec, String env) {
        List<Path> out = new ArrayList<>(flagged);
        if (spec != null) {
            Path dir = spec.toAbsolutePath().getParent();
            if (dir != null) addDir(out, dir.resolve("plugins"));
        }
        if (env != null && !env.isBlank()) {
            for (String s : env.split(java.io.File.pathSeparator)) {
                if (s.isBlank()) continue;
                Path p = Path.of(s.trim());
                if (Files.isDirectory(p)) addDir(out, p);
                else out.add(p);
            }
        }
        return out;
    }

    private static void addDir(List<Path> out, Path dir) {
        if (!Files.isDirectory(dir)) return;
        try (var s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(out::add);
        } catch (IOException e) {
            throw new PluginException("plug-in directory " + dir + ": " + e.getMessage());
        }
    }
}
