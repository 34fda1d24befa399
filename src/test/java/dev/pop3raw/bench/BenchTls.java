package dev.pop3raw.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.camel.support.jsse.SSLContextParameters;

import dev.pop3raw.testing.TestTls;

/**
 * The TLS variants' trust: the bench's private Dovecot presents a self-signed certificate (the test kit's), which the
 * child trusts as the tests do, through a trust store holding exactly that certificate; the parent passes the PEM
 * file as {@code bench.child.certificate}. Nothing is trusted blindly: a real mailbox's certificate is verified too.
 */
final class BenchTls {

    private BenchTls() {
    }

    /** For pop3raw's and camel-mail's {@code sslContextParameters}: a PKCS12 trust store with the certificate. */
    static SSLContextParameters parameters() throws Exception {
        Path directory = Files.createTempDirectory("pop3raw-bench-trust-");
        directory.toFile().deleteOnExit();
        Path file = directory.resolve("trust.p12");
        file.toFile().deleteOnExit(); // deleted before its directory (the reverse order of registration)
        return TestTls.trustStoreFile(file, certificate());
    }

    /** For the raw TLS ceiling: an unconnected socket whose handshake the first read or write starts. */
    static Socket rawSocket() throws IOException {
        try {
            return context().getSocketFactory().createSocket();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build the bench's TLS context", e);
        }
    }

    private static volatile SSLContext context;

    private static SSLContext context() throws IOException, GeneralSecurityException {
        SSLContext c = context;
        if (c == null) {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore());
            c = SSLContext.getInstance("TLS");
            c.init(null, tmf.getTrustManagers(), null);
            context = c;
        }
        return c;
    }

    private static KeyStore trustStore() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("dovecot", certificate());
        return store;
    }

    private static Certificate certificate() throws IOException, GeneralSecurityException {
        String pem = System.getProperty("bench.child.certificate");
        if (pem == null) {
            throw new IllegalStateException("a TLS variant needs bench.child.certificate (set by Bench)");
        }
        try (InputStream in = Files.newInputStream(Path.of(pem))) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
