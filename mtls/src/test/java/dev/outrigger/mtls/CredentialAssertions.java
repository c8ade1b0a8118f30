package dev.outrigger.mtls;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on the {@link CredentialException}s of the credential classes. */
final class CredentialAssertions {

    private CredentialAssertions() {
    }

    /** Code that is expected to throw. */
    interface Action {
        void run() throws Exception;
    }

    /** Asserts that {@code action} throws a {@link CredentialException} whose message starts with {@code expectedPrefix}. */
    static CredentialException assertProblem(String expectedPrefix, Action action) {
        CredentialException e = assertThrows(CredentialException.class, action::run);
        assertTrue(e.getMessage().startsWith(expectedPrefix), "expected '" + expectedPrefix + "', got: " + e.getMessage());
        return e;
    }
}
