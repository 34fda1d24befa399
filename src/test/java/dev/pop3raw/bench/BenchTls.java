package dev.pop3raw.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * The TLS variants' trust: the bench's private Dovecot presents a self-signed certificate (the test kit's), which the
 * child trusts as the tests do, through a trust store holding exactly that certificate; the parent passes the PEM
 * file as {@code bench.child.certificate}. Nothing is trusted blindly: a real mailbox's certificate is verified too.
 */
final class BenchTls {

    private static final String STORE_PASSWORD = "bench-store";

    private BenchTls() {
    }

    /** For pop3raw's and camel-mail's {@code sslContextParameters}: a PKCS12 trust store with the certificate. */
    static SSLContextParameters parameters() throws IOException, GeneralSecurityException {
        Path file = Files.createTempFile("pop3raw-bench-trust-", ".p12");
        file.toFile().deleteOnExit();
        try (OutputStream out = Files.newOutputStream(file)) {
            trustStore().store(out, STORE_PASSWORD.toCharArray());
        }
        KeyStoreParameters keyStore = new KeyStoreParameters();
        keyStore.setResource("file:" + file);
        keyStore.setPassword(STORE_PASSWORD);
        keyStore.setType("PKCS12");
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(keyStore);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setTrustManagers(trust);
        return parameters;
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
        String pem = System.getProperty("bench.child.certificate");
        if (pem == null) {
            throw new IllegalStateException("a TLS variant needs bench.child.certificate (set by Bench)");
        }
        Certificate certificate;
        try (InputStream in = Files.newInputStream(Path.of(pem))) {
            certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("dovecot", certificate);
        return store;
    }
}
