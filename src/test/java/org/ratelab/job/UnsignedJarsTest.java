package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's unsigned copies of signed jars ({@link UnsignedJars}, {@code ratelab_unsigned} in
 * {@code jobs/jvm-opts.sh}): a signed jar's copy has every entry but the signature files, byte for byte; an
 * unsigned jar and a directory stay as they are; and Janino, the reason for it, is signed.
 */
class UnsignedJarsTest {
    @TempDir Path dir;

    static Path jar(Path at, Map<String, String> entries) throws IOException {
        try (ZipOutputStream o = new ZipOutputStream(Files.newOutputStream(at))) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                o.putNextEntry(new ZipEntry(e.getKey()));
                o.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                o.closeEntry();
            }
        }
        return at;
    }

    static Map<String, byte[]> contents(Path jar) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(jar.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) m.put(e.getName(), z.getInputStream(e).readAllBytes());
        }
        return m;
    }

    Map<String, String> signedEntries() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\nName: a/B.class\r\nSHA-256-Digest: x\r\n\r\n");
        e.put("META-INF/KEY.SF", "Signature-Version: 1.0\r\n");
        e.put("META-INF/KEY.RSA", "block");
        e.put("META-INF/maven/g/a/pom.properties", "version=1");
        e.put("a/B.class", "class bytes");
        e.put("a/KEY.SF", "not a signature: below META-INF/ only its own files are");
        return e;
    }

    @Test
    void aSignedJarIsCopiedWithoutItsSignatureAndTheRestStays() throws Exception {
        Path signed = jar(dir.resolve("signed.jar"), signedEntries());
        Path plain = jar(dir.resolve("plain.jar"), Map.of("c/D.class", "d"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertTrue(UnsignedJars.signed(signed));
        assertFalse(UnsignedJars.signed(plain));

        Path copies = dir.resolve("copies");
        List<String> cp = UnsignedJars.rewrite(List.of(signed.toString(), plain.toString(), classes.toString(),
                dir.resolve("missing.jar").toString()), copies);
        assertEquals(4, cp.size());
        Path copy = Path.of(cp.get(0));
        assertEquals(copies, copy.getParent());
        assertTrue(copy.getFileName().toString().endsWith("-signed.jar"), copy.toString());
        assertEquals(List.of(plain.toString(), classes.toString(), dir.resolve("missing.jar").toString()),
                cp.subList(1, 4));

        Map<String, byte[]> before = contents(signed);
        Map<String, byte[]> after = contents(copy);
        before.remove("META-INF/KEY.SF");
        before.remove("META-INF/KEY.RSA");
        assertEquals(new ArrayList<>(before.keySet()), new ArrayList<>(after.keySet()));
        for (String k : before.keySet()) assertArrayEquals(before.get(k), after.get(k), k);
        assertFalse(UnsignedJars.signed(copy));
        assertEquals(Files.getPosixFilePermissions(signed), Files.getPosixFilePermissions(copy));

        // a second call reuses the copy; a newer original makes a new one
        long made = Files.getLastModifiedTime(copy).toMillis();
        Thread.sleep(20);
        assertEquals(cp, UnsignedJars.rewrite(List.of(signed.toString(), plain.toString(), classes.toString(),
                dir.resolve("missing.jar").toString()), copies));
        assertEquals(made, Files.getLastModifiedTime(copy).toMillis());
        Files.setLastModifiedTime(signed, java.nio.file.attribute.FileTime.fromMillis(made + 5_000));
        UnsignedJars.rewrite(List.of(signed.toString()), copies);
        assertNotEquals(made, Files.getLastModifiedTime(copy).toMillis());
        try (java.util.stream.Stream<Path> s = Files.list(copies)) {
            assertEquals(1, s.count(), "one copy, no temporary file left");
        }
    }

    @Test
    void sparksCodeGeneratorShipsSigned() throws Exception {
        // the reason for the copies: the JVM's own view of Janino's jar on this class path is a signed jar
        List<String> janino = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (Path.of(e).getFileName().toString().matches("(janino|commons-compiler)-[0-9.]+\\.jar")) janino.add(e);
        }
        assertEquals(2, janino.size(), janino.toString());
        for (String j : janino) {
            assertTrue(UnsignedJars.signed(Path.of(j)), j);
            Path copy = UnsignedJars.copy(Path.of(j), dir);
            try (JarFile jf = new JarFile(copy.toFile(), true)) {
                // every class of the copy reads without a signer
                for (java.util.jar.JarEntry e : java.util.Collections.list(jf.entries())) {
                    if (!e.getName().endsWith(".class")) continue;
                    jf.getInputStream(e).readAllBytes();
                    assertEquals(null, e.getCodeSigners(), e.getName());
                }
            }
        }
    }

    @Test
    void theLauncherWritesTheClassPathWithTheCopies() throws Exception {
        Path signed = jar(dir.resolve("signed.jar"), signedEntries());
        Path plain = jar(dir.resolve("plain.jar"), Map.of("c/D.class", "d"));
        Path cpFile = dir.resolve("classpath.txt");
        Files.writeString(cpFile, signed + File.pathSeparator + plain + "\n");
        Path launch = dir.resolve("classpath-launch.txt");
        LauncherJitTest.bash(". jobs/jvm-opts.sh; ratelab_unsigned \"$@\"", List.of(), Map.of(),
                cpFile.toString(), launch.toString(), dir.resolve("copies").toString());
        String[] cp = Files.readString(launch).strip().split(File.pathSeparator);
        assertEquals(2, cp.length, Files.readString(launch));
        assertTrue(cp[0].startsWith(dir.resolve("copies").toString()) && cp[0].endsWith("-signed.jar"), cp[0]);
        assertFalse(UnsignedJars.signed(Path.of(cp[0])));
        assertEquals(plain.toString(), cp[1]);

        // without the helper class (a broken build) the class path stays as it was
        Path launch2 = dir.resolve("classpath-launch2.txt");
        LauncherJitTest.bash("RATELAB_HOME=/nonexistent; . jobs/jvm-opts.sh; ratelab_unsigned \"$@\"", List.of(),
                Map.of(), cpFile.toString(), launch2.toString(), dir.resolve("copies2").toString());
        assertEquals(Files.readString(cpFile), Files.readString(launch2));
    }
}
