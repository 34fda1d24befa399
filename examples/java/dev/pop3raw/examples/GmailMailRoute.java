package dev.pop3raw.examples;

import java.io.File;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;

/**
 * Gmail with OAuth2, Java DSL: implicit TLS to pop.gmail.com:995, SASL XOAUTH2, tokens from Google's token endpoint
 * with a refresh token granted for https://mail.google.com/, got by the endpoint's oauth2 options. POP must be enabled
 * in the Gmail settings. Messages stay on the server; a file-based idempotent repository remembers what was consumed.
 * Properties: gmail.host, gmail.port, gmail.user, gmail.client-id, gmail.client-secret, gmail.refresh-token.
 */
public class GmailMailRoute extends RouteBuilder {

    @Override
    public void configure() {
        bindToRegistry("gmailSeenMail", FileIdempotentRepository.fileIdempotentRepository(
                new File(getContext().resolvePropertyPlaceholders("{{pop3.seen-file}}")), 10_000));

        from("pop3raw:{{gmail.host}}:{{gmail.port}}?tls=implicit&username={{gmail.user}}&authMechanism=XOAUTH2"
                + "&oauth2Provider=google&oauth2ClientId={{gmail.client-id}}&oauth2ClientSecret={{gmail.client-secret}}"
                + "&oauth2RefreshToken={{gmail.refresh-token}}&idempotentRepository=#gmailSeenMail")
                .routeId("gmail-mail-java")
                .to("file:{{mail.output}}?fileName=${header.CamelPop3RawMailbox}/${exchangeId}.eml")
                .log("${header.CamelPop3RawUidl}  ${header.CamelPop3RawSize} octets  ${header.CamelPop3RawSubject}");
    }
}
