package org.ratelab.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalFiles}: every permission Hadoop's local file system sets without a process is the one it set
 * with {@code chmod}, for files, directories and explicit modes; and its configuration resource names it for
 * {@code file:}.
 */
class LocalFilesTest {
    @TempDir java.nio.file.Path dir;

    static String mode(java.nio.file.Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void permissionsAreHadoopsOwn() throws Exception {
        Configuration conf = new Configuration(false);
        RawLocalFileSystem hadoop = new RawLocalFileSystem();
        hadoop.initialize(URI.create("file:///"), conf);
        LocalFiles.Raw ours = new LocalFiles.Raw();
        ours.initialize(URI.create("file:///"), conf);
        for (String side : new String[] {"hadoop", "ours"}) Files.createDirectories(dir.resolve(side));
        int checked = 0;
        for (short m : new short[] {0644, 0600, 0755, 0700, 0640, 0444, 0777, 0000, 0751}) {
            FsPermission p = new FsPermission(m);
            for (RawLocalFileSystem fs : new RawLocalFileSystem[] {hadoop, ours}) {
                String side = fs == hadoop ? "hadoop" : "ours";
                Path file = new Path(dir.resolve(side).resolve("f" + m).toUri());
                try (OutputStream o = fs.create(file, p, true, 4096, (short) 1, 1 << 20, null)) {
                    o.write(1);
                }
                fs.mkdirs(new Path(dir.resolve(side).resolve("d" + m).toUri()), p);
                Path set = new Path(dir.resolve(side).resolve("s" + m).toUri());
                fs.create(set, true).close();
                fs.setPermission(set, p);
            }
            for (String kind : new String[] {"f", "d", "s"}) {
                String expected = mode(dir.resolve("hadoop").resolve(kind + m));
                assertEquals(expected, mode(dir.resolve("ours").resolve(kind + m)), kind + " " + p);
                checked++;
            }
        }
        assertEquals(27, checked);
        // the defaults Hadoop applies to a file and a directory made without a mode: rw-r--r-- and rwxr-xr-x
        // under the default umask 022
        Path plain = new Path(dir.resolve("ours").resolve("plain").toUri());
        ours.create(plain, true).close();
        assertEquals("rw-r--r--", mode(dir.resolve("ours").resolve("plain")));
    }

    @Test
    void specialBitsAreLeftToHadoop() {
        assertNull(LocalFiles.posix(new FsPermission((short) 01777)));
        assertEquals(PosixFilePermissions.fromString("rwxr-x--x"), LocalFiles.posix(new FsPermission((short) 0751)));
    }

    @Test
    void theResourceNamesItForFileSchemes() throws Exception {
        Configuration conf = new Configuration(false);
        conf.addResource(LocalFiles.RESOURCE);
        assertEquals(LocalFiles.class.getName(), conf.get("fs.file.impl"));
        conf.setBoolean("fs.file.impl.disable.cache", true);
        FileSystem fs = FileSystem.get(URI.create("file:///"), conf);
        assertSame(LocalFiles.class, fs.getClass());
        assertTrue(fs instanceof LocalFileSystem);
        assertSame(LocalFiles.Raw.class, ((LocalFileSystem) fs).getRawFileSystem().getClass());
    }
}
