package dev.pop3raw.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;

/**
 * What every private POP3 server of the test kit offers a test: a temporary directory of its own, a self-signed
 * certificate made there by openssl, and two loopback ports (POP3 with STLS, POP3S with implicit TLS).
 */
public abstract class LoopbackPop3Server implements AutoCloseable {

    protected final Path root;
    protected final Path keyFile;
    protected final Path certFile;
    protected final X509Certificate certificate;
    protected volatile int pop3Port;
    protected volatile int pop3sPort;

    /** Makes the certificate ({@code key.pem}, {@code cert.pem}) in {@code root}. */
    protected LoopbackPop3Server(Path root) throws IOException {
        this.root = root;
        this.keyFile = root.resolve("key.pem");
        this.certFile = root.resolve("cert.pem");
        this.certificate = ServerKit.makeCertificate(keyFile, certFile);
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return ServerKit.HOST;
    }

    /** Plain POP3 port (STLS offered). */
    public int pop3Port() {
        return pop3Port;
    }

    /** Implicit-TLS POP3S port. */
    public int pop3sPort() {
        return pop3sPort;
    }

    /** A fresh SSLContext that trusts exactly this server's certificate (and nothing else). */
    public SSLContext sslContext() {
        return ServerKit.trusting(certificate);
    }

    /** The self-signed server certificate (CN=localhost, SAN IP:127.0.0.1 and DNS:localhost). */
    public X509Certificate certificate() {
        return certificate;
    }

    /** PEM file of the server certificate. */
    public Path certificateFile() {
        return certFile;
    }

    /** SHA-256 of the DER-encoded server certificate, lowercase hex without separators. */
    public String certificateSha256() {
        return ServerKit.sha256(certificate);
    }

    /** Stops the server and deletes its directory. */
    @Override
    public abstract void close();
}
