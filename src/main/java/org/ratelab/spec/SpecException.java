package org.ratelab.spec;

/**
 * A spec that cannot be run: names the file, the key path and the reason, in one line.
 * The CLI prints {@link #getMessage()} and exits with status 2.
 */
public final class SpecException extends RuntimeException {
    private final String file;
    private final String path;
    private final String reason;

    public SpecException(String file, String path, String reason) {
        super(format(file, path, reason));
        this.file = file;
        this.path = path;
        this.reason = reason;
    }

    private static String format(String file, String path, String reason) {
        String where = file == null ? "" : file + ": ";
        String key = path == null || path.isEmpty() ? "" : path + ": ";
        return (where + key + reason).replace('\n', ' ');
    }

    /** Same error, attributed to a file (used once the loader knows it). */
    public SpecException inFile(String f) {
        return file != null ? this : new SpecException(f, path, reason);
    }

    public String file() { return file; }
    public String path() { return path; }
    public String reason() { return reason; }
}
