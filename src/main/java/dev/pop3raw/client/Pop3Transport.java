package dev.pop3raw.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.util.HexFormat;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The connection under a session: the socket (direct or through a SOCKS proxy), its timeouts, TLS from the first
 * byte or after STLS with the certificate, host name and optional pin checked, and whether the peer is this host.
 * It knows nothing of POP3: {@link Pop3Wire} reads and writes its streams.
 */
final class Pop3Transport {

    private final String host;
    private final int port;
    private final Pop3ClientOptions options;
    private Socket socket;
    private boolean secure;
    private boolean closed;

    Pop3Transport(String host, int port, Pop3ClientOptions options) {
        this.host = host;
        this.port = port;
        this.options = options;
    }

    /** Connects, and for {@link TlsMode#IMPLICIT} (or {@link TlsMode#AUTO} on port 995) does the TLS handshake. */
    void connect() throws IOException {
        Proxy proxy = options.proxy();
        Socket plain = proxy == null ? new Socket() : new Socket(proxy);
        socket = plain;
        // through a SOCKS proxy the proxy resolves the name: the host may not be resolvable here
        InetSocketAddress address = proxy == null || proxy.type() == Proxy.Type.DIRECT
                ? new InetSocketAddress(host, port)
                : InetSocketAddress.createUnresolved(host, port);
        plain.connect(address, (int) options.connectTimeout().toMillis());
        plain.setSoTimeout((int) options.readTimeout().toMillis());
        plain.setTcpNoDelay(true);
        TlsMode mode = options.tlsMode();
        if (mode == TlsMode.IMPLICIT || mode == TlsMode.AUTO && port == TlsMode.IMPLICIT.defaultPort()) {
            startTls();
        }
    }

    /** Runs the TLS handshake over the connection as it stands (at connect, or after STLS was accepted). */
    void startTls() throws IOException {
        try {
            SSLContext context = options.sslContext() != null ? options.sslContext() : SSLContext.getDefault();
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
            SSLParameters params = tls.getSSLParameters();
            if (options.hostnameVerification()) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            tls.setSSLParameters(params);
            tls.setSoTimeout((int) options.connectTimeout().toMillis());
            tls.startHandshake();
            tls.setSoTimeout((int) options.readTimeout().toMillis());
            checkPin(tls);
            socket = tls;
            secure = true;
        } catch (SSLException e) {
            throw new Pop3SecurityException("TLS handshake with " + host + ":" + port + " failed: " + e.getMessage(),
                    e);
        } catch (NoSuchAlgorithmException e) {
            throw new Pop3SecurityException("no default SSLContext available", e);
        }
    }

    private void checkPin(SSLSocket tls) throws IOException {
        String pin = options.pinnedCertificateSha256();
        if (pin == null) {
            return;
        }
        try {
            Certificate[] chain = tls.getSession().getPeerCertificates();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded());
            String actual = HexFormat.of().formatHex(digest);
            if (!actual.equals(pin)) {
                throw new Pop3SecurityException("the certificate of " + host + ":" + port + " has SHA-256 " + actual
                        + ", not the pinned " + pin);
            }
        } catch (GeneralSecurityException e) {
            throw new Pop3SecurityException("could not read the server certificate to check its pin", e);
        }
    }

    InputStream input() throws IOException {
        return socket.getInputStream();
    }

    OutputStream output() throws IOException {
        return socket.getOutputStream();
    }

    /** Whether the connection runs over TLS. */
    boolean isSecure() {
        return secure;
    }

    /**
     * Whether the peer is this host and the options trust it: no one else can read a cleartext password on the
     * loopback interface. Through a proxy the socket's peer is the proxy, so the answer is no.
     */
    boolean isTrustedLoopbackPeer() {
        if (!options.loopbackIsTrusted()
                || options.proxy() != null && options.proxy().type() != Proxy.Type.DIRECT) {
            return false;
        }
        InetAddress peer = socket.getInetAddress();
        return peer != null && peer.isLoopbackAddress();
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes the socket; never throws. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to do with a socket that will not close
            }
        }
    }
}
