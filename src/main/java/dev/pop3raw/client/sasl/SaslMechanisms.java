package dev.pop3raw.client.sasl;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Creates {@link SaslMechanism}s by name and picks the strongest one a server offers.
 * <p>
 * Strength order: with a token provider OAUTHBEARER, then XOAUTH2 (tokens are what the user configured
 * them for, and OAuth servers often disable passwords); with a password SCRAM-SHA-256 (mutual
 * authentication, nothing replayable), CRAM-SHA256, CRAM-SHA1, CRAM-MD5 (nothing replayable; the stronger HMAC
 * first), PLAIN, then LOGIN (both send the password; PLAIN is a standard, LOGIN a legacy fallback).
 */
public final class SaslMechanisms {

    private static final List<String> TOKEN_MECHANISMS = List.of(OAuthBearerMechanism.NAME, XOAuth2Mechanism.NAME);
    private static final List<String> PASSWORD_MECHANISMS = List.of(
            ScramSha256Mechanism.NAME, CramMechanism.CRAM_SHA256, CramMechanism.CRAM_SHA1, CramMechanism.CRAM_MD5,
            PlainMechanism.NAME, LoginMechanism.NAME);
    private static final List<String> SUPPORTED = List.of(
            OAuthBearerMechanism.NAME, XOAuth2Mechanism.NAME, ScramSha256Mechanism.NAME, CramMechanism.CRAM_SHA256,
            CramMechanism.CRAM_SHA1, CramMechanism.CRAM_MD5, PlainMechanism.NAME, LoginMechanism.NAME);

    private SaslMechanisms() {
    }

    /** The names of all supported mechanisms, strongest first. */
    public static List<String> supportedNames() {
        return SUPPORTED;
    }

    /**
     * Creates a mechanism by name, asking the token provider (if used) for a cached token.
     *
     * @see #create(String, SaslCredentials, boolean)
     */
    public static SaslMechanism create(String name, SaslCredentials credentials) {
        return create(name, credentials, false);
    }

    /**
     * Creates a mechanism for one exchange.
     *
     * @param  name                     the mechanism name, case-insensitive
     * @param  credentials              the user's credentials
     * @param  forceTokenRefresh        for the OAuth mechanisms: ask the provider for a fresh token (the retry
     *                                  after a rejected one); ignored by the others
     * @throws IllegalArgumentException when the mechanism is unknown (the message lists the supported ones) or
     *                                  the credentials lack what it needs (a password or a token provider)
     */
    public static SaslMechanism create(String name, SaslCredentials credentials, boolean forceTokenRefresh) {
        if (name == null) {
            throw new IllegalArgumentException("no SASL mechanism given; supported: " + String.join(", ", SUPPORTED));
        }
        String upper = name.trim().toUpperCase(Locale.ROOT);
        if (!SUPPORTED.contains(upper)) {
            throw new IllegalArgumentException("unknown SASL mechanism '" + SaslBytes.printable(name, 64)
                    + "'; supported: " + String.join(", ", SUPPORTED));
        }
        if (TOKEN_MECHANISMS.contains(upper) && !credentials.hasTokenProvider()) {
            throw new IllegalArgumentException(upper + " needs an access token provider, but the credentials for user "
                    + credentials.username() + " have none");
        }
        if (PASSWORD_MECHANISMS.contains(upper) && !credentials.hasPassword()) {
            throw new IllegalArgumentException(upper + " needs a password, but the credentials for user "
                    + credentials.username() + " have none");
        }
        String user = credentials.username();
        switch (upper) {
            case OAuthBearerMechanism.NAME :
                return new OAuthBearerMechanism(user, credentials.tokenProvider(), credentials.host(),
                        credentials.port(), forceTokenRefresh);
            case XOAuth2Mechanism.NAME :
                return new XOAuth2Mechanism(user, credentials.tokenProvider(), credentials.xoauth2TwoLine(),
                        forceTokenRefresh);
            case ScramSha256Mechanism.NAME :
                return new ScramSha256Mechanism(user, credentials.password());
            case CramMechanism.CRAM_MD5 :
                return new CramMd5Mechanism(user, credentials.password());
            case CramMechanism.CRAM_SHA1 :
            case CramMechanism.CRAM_SHA256 :
                return new CramMechanism(upper, user, credentials.password());
            case PlainMechanism.NAME :
                return new PlainMechanism(user, credentials.password());
            default :
                return new LoginMechanism(user, credentials.password());
        }
    }

    /**
     * The strongest mechanism that the server offers and the credentials can do.
     *
     * @param  serverOffered the names from the server's {@code SASL} capability (any case)
     * @return               a new mechanism, or empty when there is no overlap (the caller may fall back to
     *                       USER/PASS or APOP, or give up)
     */
    public static Optional<SaslMechanism> strongestOffered(Collection<String> serverOffered,
            SaslCredentials credentials) {
        return strongestOfferedName(serverOffered, credentials).map(n -> create(n, credentials));
    }

    /**
     * Like {@link #strongestOffered(Collection, SaslCredentials)} but returns only the name, for logging
     * the choice or creating the mechanism again on a retry.
     */
    public static Optional<String> strongestOfferedName(Collection<String> serverOffered, SaslCredentials credentials) {
        Set<String> offered = serverOffered.stream()
                .filter(s -> s != null)
                .map(s -> s.trim().toUpperCase(Locale.ROOT))
                .collect(Collectors.toSet());
        if (credentials.hasTokenProvider()) {
            for (String n : TOKEN_MECHANISMS) {
                if (offered.contains(n)) {
                    return Optional.of(n);
                }
            }
        }
        if (credentials.hasPassword()) {
            for (String n : PASSWORD_MECHANISMS) {
                if (offered.contains(n)) {
                    return Optional.of(n);
                }
            }
        }
        return Optional.empty();
    }
}
