package dev.outrigger.mtls;

/**
 * Certificates or keys that cannot be used; the message names where they came from (a file path,
 * {@code inline}, ...) and what is wrong with them.
 */
public final class CredentialException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String problem;

    /** A problem with the credentials read from {@code source}. */
    public CredentialException(String source, String problem) {
        this(source, problem, null);
    }

    /** A problem with the credentials read from {@code source}, caused by {@code cause}. */
    public CredentialException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
        this.problem = problem;
    }

    /** Where the credentials came from: a file path or {@code inline}. */
    public String source() {
        return source;
    }

    /** What is wrong, without the source. */
    public String problem() {
        return problem;
    }
}
