package dev.pop3raw.camel;

/** The identity provider whose token endpoint and scopes the oauth2 options start from. */
public enum OAuth2Provider {
    /** Gmail: https://oauth2.googleapis.com/token, refresh-token grant, scope https://mail.google.com/. */
    GOOGLE,
    /** Microsoft 365 / Exchange Online: https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token. */
    MICROSOFT,
    /** Any other: oauth2TokenEndpoint (and oauth2Scope when the endpoint needs one) say everything. */
    CUSTOM
}
