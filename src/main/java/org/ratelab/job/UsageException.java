package org.ratelab.job;

/** A request the CLI cannot carry out as given (bad flag, bad output directory): exit status 2, one line. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
