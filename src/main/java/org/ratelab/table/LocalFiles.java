package org.ratelab.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}), with a file's permission set by the JVM instead of a process.
 * Without Hadoop's native library (which Spark does not ship), {@link RawLocalFileSystem#setPermission} runs
 * {@code chmod} as a child process, and Hadoop sets the permission of every file and directory it creates: 45
 * processes for a 2-run job's output, 11 for a report, each a fork of the driver's JVM. Here the permission is
 * set with {@link Files#setPosixFilePermissions}, to the same bits; anything else (checksums, listing, renames)
 * is Hadoop's. A permission with a sticky or set-id bit, or a file system without POSIX attributes, still goes
 * to Hadoop's own. The CLI makes it the {@code file:} scheme's implementation when it runs embedded
 * ({@link #register}); under spark-submit the cluster's configuration stays as it is.
 */
public final class LocalFiles extends LocalFileSystem {
    /** The Hadoop configuration resource that names this class for {@code file:} ({@code fs.file.impl}). */
    static final String RESOURCE = "ratelab/hadoop-local-files.xml";

    public LocalFiles() {
        super(new Raw());
    }

    /** Every Hadoop {@link Configuration} made from now on in this JVM opens {@code file:} paths with this class. */
    public static void register() {
        Configuration.addDefaultResource(RESOURCE);
    }

    /** The raw (checksum-less) local file system, with the permission set in the JVM. */
    public static final class Raw extends RawLocalFileSystem {
        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            Set<PosixFilePermission> bits = posix(permission);
            if (bits == null) {
                super.setPermission(p, permission);
                return;
            }
            try {
                Files.setPosixFilePermissions(pathToFile(p).toPath(), bits);
            } catch (UnsupportedOperationException notPosix) {
                super.setPermission(p, permission);
            }
        }
    }

    /** The POSIX permissions of {@code p}'s user, group and other bits; null when it has a sticky or set-id bit. */
    static Set<PosixFilePermission> posix(FsPermission p) {
        if (p.getStickyBit() || (p.toShort() & ~0777) != 0) return null;
        return PosixFilePermissions.fromString(p.toString());  // "rwxr-x---": Hadoop's symbols are POSIX's
    }
}
