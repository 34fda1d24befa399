package dev.pop3raw.examples;

import java.io.File;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;

/**
 * Microsoft 365 (Exchange Online) with OAuth2, Java DSL: implicit TLS to outlook.office365.com:995, SASL XOAUTH2,
 * tokens from the Microsoft identity platform with a refresh token (delegated permission POP.AccessAsUser.All), got
 * by the endpoint's oauth2 options; the rotated refresh token is kept in m365.refresh-token-file. Messages stay on the
 * server; a file-based idempotent repository remembers what was consumed. Properties: m365.host, m365.port, m365.user,
 * m365.tenant, m365.client-id, m365.refresh-token, m365.refresh-token-file (examples/yaml/application.properties).
 */
public class Microsoft365MailRoute extends RouteBuilder {

    @Override
    public void configure() {
        bindToRegistry("m365SeenMail", FileIdempotentRepository.fileIdempotentRepository(
                new File(getContext().resolvePropertyPlaceholders("{{pop3.seen-file}}")), 10_000));

        from("pop3raw:{{m365.host}}:{{m365.port}}?tls=implicit&username={{m365.user}}&authMechanism=XOAUTH2"
                + "&oauth2Provider=microsoft&oauth2Tenant={{m365.tenant}}&oauth2ClientId={{m365.client-id}}"
                + "&oauth2RefreshToken={{m365.refresh-token}}&oauth2RefreshTokenFile={{m365.refresh-token-file}}"
                + "&idempotentRepository=#m365SeenMail")
                .routeId("microsoft365-mail-java")
                .to("file:{{mail.output}}?fileName=${header.CamelPop3RawMailbox}/${exchangeId}.eml")
                .log("${header.CamelPop3RawUidl}  ${header.CamelPop3RawSize} octets  ${header.CamelPop3RawSubject}");
    }
}
