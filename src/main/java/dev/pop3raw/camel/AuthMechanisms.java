package dev.pop3raw.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.pop3raw.client.sasl.SaslMechanisms;

/** The values of the authMechanism option: auto, USER, APOP and the client's SASL mechanisms. */
final class AuthMechanisms {

    static final String AUTO = "auto";

    /** Mechanisms that send the password or token itself, as it is (base64 is no protection). */
    private static final List<String> SEND_SECRET = List.of("USER", "PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER");

    private AuthMechanisms() {
    }

    /** Every accepted value, in the form the documentation shows (matched without regard to case). */
    static List<String> names() {
        List<String> names = new ArrayList<>();
        names.add(AUTO);
        names.add("USER");
        names.add("APOP");
        names.addAll(SaslMechanisms.supportedNames());
        return names;
    }

    /**
     * The value in its documented form ({@code auto}, {@code CRAM-MD5}...); an empty value is {@code auto}.
     *
     * @throws IllegalArgumentException naming the option and the accepted values
     */
    static String canonical(String value) {
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        String v = value.trim();
        for (String name : names()) {
            if (name.equalsIgnoreCase(v)) {
                return name;
            }
        }
        throw new IllegalArgumentException("pop3raw: authMechanism=" + v + " is not supported; use one of "
                + String.join(", ", names()));
    }

    /** Whether the mechanism may put the secret itself on the wire (auto may fall back to USER/PASS or PLAIN). */
    static boolean sendsSecret(String canonical) {
        return canonical.equals(AUTO) || SEND_SECRET.contains(canonical.toUpperCase(Locale.ROOT));
    }
}
