package org.ratelab.job;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The launcher's class path, with an unsigned copy of each signed jar. JDK 17 leaves every class of a signed jar
 * out of a class-data sharing archive ({@code Skipping ...: Signed JAR}), and Spark's code generator, Janino
 * ({@code janino} and {@code commons-compiler}), ships signed: every command that ran a query read and verified
 * its ~360 classes from the jar again. A copy keeps every entry but the signature files ({@code META-INF/*.SF},
 * {@code .RSA}, {@code .DSA}, {@code .EC}, {@code SIG-*}); without them the JVM treats the jar as unsigned, and
 * nothing a class loads changes. {@code jobs/jvm-opts.sh} runs it once per build:
 * {@code UnsignedJars CLASSPATH_FILE DIR} prints the class path of {@code CLASSPATH_FILE} with each signed jar
 * replaced by its copy in {@code DIR}.
 */
final class UnsignedJars {
    private UnsignedJars() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: UnsignedJars CLASSPATH_FILE DIR");
            System.exit(2);
        }
        String cp = Files.readString(Path.of(args[0])).strip();
        System.out.print(String.join(File.pathSeparator, rewrite(List.of(cp.split(File.pathSeparator)), Path.of(args[1]))));
    }

    /** The class path {@code entries} with each signed jar replaced by its unsigned copy in {@code dir}. */
    static List<String> rewrite(List<String> entries, Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (String e : entries) {
            if (e.isEmpty()) continue;
            Path jar = Path.of(e);
            out.add(Files.isRegularFile(jar) && e.endsWith(".jar") && signed(jar) ? copy(jar, dir).toString() : e);
        }
        return out;
    }

    /** Whether {@code name} is a jar signature's file (the signature file or its signature block). */
    static boolean signature(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (!n.startsWith("META-INF/") || n.indexOf('/', "META-INF/".length()) >= 0) return false;
        return n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA") || n.endsWith(".EC")
                || n.startsWith("META-INF/SIG-");
    }

    static boolean signed(Path jar) throws IOException {
        try (ZipFile z = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> en = z.entries();
            while (en.hasMoreElements()) {
                if (signature(en.nextElement().getName())) return true;
            }
            return false;
        }
    }

    /**
     * The unsigned copy of {@code jar} in {@code dir}, named by a hash of the original's path so that two jars of
     * the same file name never share a copy; written (through a temporary file) unless already there.
     */
    static Path copy(Path jar, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path abs = jar.toAbsolutePath().normalize();
        Path target = dir.resolve(String.format("%08x-%s", abs.toString().hashCode(), abs.getFileName()));
        if (Files.isRegularFile(target)
                && Files.getLastModifiedTime(target).compareTo(Files.getLastModifiedTime(abs)) >= 0) {
            return target;
        }
        Path tmp = Files.createTempFile(dir, ".copy-", ".jar");
        try (ZipFile z = new ZipFile(abs.toFile());
                ZipOutputStream o = new ZipOutputStream(Files.newOutputStream(tmp))) {
            Enumeration<? extends ZipEntry> en = z.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                if (signature(e.getName())) continue;
                ZipEntry c = new ZipEntry(e.getName());
                c.setTime(e.getTime());
                o.putNextEntry(c);
                try (InputStream in = z.getInputStream(e)) {
                    in.transferTo(o);
                }
                o.closeEntry();
            }
        } catch (IOException | RuntimeException ex) {
            Files.deleteIfExists(tmp);
            throw ex;
        }
        try {  // readable as the original is (a temporary file is its owner's only)
            Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(abs));
        } catch (UnsupportedOperationException notPosix) {
            // the file system's defaults
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
