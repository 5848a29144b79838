package org.ratelab.api;

/**
 * A plug-in that cannot be used: an unreadable jar, a provider that fails to load, two providers of one name.
 * The CLI prints its one-line message and exits 2, before anything is planned or written.
 */
public final class PluginException extends RuntimeException {
    public PluginException(String message) {
        super(message);
    }
}
