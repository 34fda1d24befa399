package dev.pop3raw.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * In-memory TLS material for tests, built with JDK APIs only (no keytool, no files, no BouncyCastle).
 *
 * <p>Each instance holds a freshly generated test CA (EC P-256, valid now ± 1 day, {@code CN=pop3raw test CA}) and a server
 * certificate issued by it; {@link #serverContext()} presents {@code [server, CA]} and {@link #clientContext()} trusts only
 * that CA. The CA is a real trust anchor, so PKIX path validation checks the server certificate's validity period and
 * names like it would for a production server.
 *
 * <ul>
 *   <li>{@link #localhost()}: server certificate for {@code CN=localhost}, SAN {@code DNS:localhost, IP:127.0.0.1}, valid
 *       now - 1 day .. now + 1 day;</li>
 *   <li>{@link #wrongHost()}: same, but SAN {@code DNS:wrong.example.invalid} only (no IP, no localhost) — fails only on a
 *       client that performs endpoint identification ({@code SSLParameters#setEndpointIdentificationAlgorithm});</li>
 *   <li>{@link #expired()}: names as {@link #localhost()}, validity ended yesterday (now - 30 days .. now - 1 day) — fails
 *       PKIX validation on any client using {@link #clientContext()}.</li>
 * </ul>
 *
 * <p>Generation takes a few milliseconds; {@link #localhost()} is cached for the JVM because it is immutable.
 *
 * <p>For the consumer tests, {@link #trustStoreFile} writes a certificate to a PKCS12 trust store file and gives the
 * {@code sslContextParameters} a user would configure for it.
 */
public final class TestTls {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static volatile TestTls localhost;

    private final X509Certificate caCertificate;
    private final X509Certificate serverCertificate;
    private final SSLContext serverContext;
    private final SSLContext clientContext;

    private TestTls(List<String> dnsNames, List<byte[]> ipAddresses, Instant notBefore, Instant notAfter) {
        try {
            Instant now = Instant.now();
            KeyPair caKeys = ecKeyPair();
            KeyPair serverKeys = ecKeyPair();
            String caName = "pop3raw test CA";
            this.caCertificate = certificate(caName, caName, caKeys.getPublic(), caKeys.getPrivate(),
                    now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)), true, List.of(), List.of());
            this.serverCertificate = certificate(caName, "localhost", serverKeys.getPublic(), caKeys.getPrivate(),
                    notBefore, notAfter, false, dnsNames, ipAddresses);

            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("server", serverKeys.getPrivate(), PASSWORD,
                    new Certificate[]{serverCertificate, caCertificate});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, PASSWORD);
            this.serverContext = SSLContext.getInstance("TLS");
            serverContext.init(kmf.getKeyManagers(), null, new SecureRandom());

            KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            trustStore.setCertificateEntry("ca", caCertificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore);
            this.clientContext = SSLContext.getInstance("TLS");
            clientContext.init(null, tmf.getTrustManagers(), new SecureRandom());
        } catch (Exception e) {
            throw new IllegalStateException("cannot build test TLS material", e);
        }
    }

    /** Server certificate valid for {@code localhost} and {@code 127.0.0.1}, currently valid. Cached. */
    public static TestTls localhost() {
        TestTls result = localhost;
        if (result == null) {
            synchronized (TestTls.class) {
                result = localhost;
                if (result == null) {
                    result = new TestTls(List.of("localhost"), List.of(new byte[]{127, 0, 0, 1}),
                            Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(1)));
                    localhost = result;
                }
            }
        }
        return result;
    }

    /** Server certificate that names only {@code wrong.example.invalid}: host name verification must fail. */
    public static TestTls wrongHost() {
        return new TestTls(List.of("wrong.example.invalid"), List.of(),
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(1)));
    }

    /** Server certificate for localhost/127.0.0.1 whose validity ended a day ago: PKIX validation must fail. */
    public static TestTls expired() {
        return new TestTls(List.of("localhost"), List.of(new byte[]{127, 0, 0, 1}),
                Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(1)));
    }

    /** For the server side: key manager presenting the server certificate chain. */
    public SSLContext serverContext() {
        return serverContext;
    }

    /** For the client side: trusts exactly this instance's test CA (not the JDK's default CAs). */
    public SSLContext clientContext() {
        return clientContext;
    }

    public X509Certificate serverCertificate() {
        return serverCertificate;
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /**
     * The {@code sslContextParameters} that trust {@code trusted} only, as a user would configure them: a PKCS12 trust
     * store file with its password. The store is written to {@code file} unless that file exists already (a test that
     * asks twice gets the same file, not one rewritten under a reader).
     */
    public static SSLContextParameters trustStoreFile(Path file, Certificate trusted) throws Exception {
        return trustStoreFile(file, trusted, "PKCS12");
    }

    /** As {@link #trustStoreFile(Path, Certificate)}, in a store of {@code type} ({@code PKCS12} or {@code JKS}). */
    public static SSLContextParameters trustStoreFile(Path file, Certificate trusted, String type) throws Exception {
        if (!Files.exists(file)) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(null, null);
            store.setCertificateEntry("trusted", trusted);
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, "store-pw".toCharArray());
            }
        }
        KeyStoreParameters keyStore = new KeyStoreParameters();
        keyStore.setResource("file:" + file);
        keyStore.setPassword("store-pw");
        keyStore.setType(type);
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(keyStore);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setTrustManagers(trust);
        return parameters;
    }

    // ---------------------------------------------------------------- certificate construction (X.509 v3, RFC 5280)

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static final int[] OID_ECDSA_SHA256 = {1, 2, 840, 10045, 4, 3, 2};
    private static final int[] OID_COMMON_NAME = {2, 5, 4, 3};
    private static final int[] OID_SUBJECT_ALT_NAME = {2, 5, 29, 17};
    private static final int[] OID_KEY_USAGE = {2, 5, 29, 15};
    private static final int[] OID_BASIC_CONSTRAINTS = {2, 5, 29, 19};
    private static final int[] OID_EXT_KEY_USAGE = {2, 5, 29, 37};
    private static final int[] OID_SERVER_AUTH = {1, 3, 6, 1, 5, 5, 7, 3, 1};

    private static X509Certificate certificate(String issuerCn, String subjectCn, PublicKey subjectKey,
            PrivateKey signingKey,
            Instant notBefore, Instant notAfter, boolean ca, List<String> dnsNames, List<byte[]> ipAddresses)
            throws Exception {
        byte[] signatureAlgorithm = seq(oid(OID_ECDSA_SHA256));

        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        if (ca) {
            extensions.writeBytes(extension(OID_BASIC_CONSTRAINTS, true, seq(tlv(0x01, new byte[]{(byte) 0xFF}))));
            // keyUsage: keyCertSign (bit 5) + cRLSign (bit 6) -> 0b0000_0110, 1 unused bit
            extensions.writeBytes(extension(OID_KEY_USAGE, true, tlv(0x03, new byte[]{1, 0x06})));
        } else {
            // keyUsage: digitalSignature (bit 0) -> 0b1000_0000, 7 unused bits
            extensions.writeBytes(extension(OID_KEY_USAGE, true, tlv(0x03, new byte[]{7, (byte) 0x80})));
            extensions.writeBytes(extension(OID_EXT_KEY_USAGE, false, seq(oid(OID_SERVER_AUTH))));
            ByteArrayOutputStream names = new ByteArrayOutputStream();
            for (String dns : dnsNames) {
                names.writeBytes(tlv(0x82, dns.getBytes(StandardCharsets.US_ASCII))); // [2] dNSName
            }
            for (byte[] ip : ipAddresses) {
                names.writeBytes(tlv(0x87, ip)); // [7] iPAddress
            }
            extensions.writeBytes(extension(OID_SUBJECT_ALT_NAME, false, seq(names.toByteArray())));
        }

        byte[] tbs = seq(
                tlv(0xA0, tlv(0x02, new byte[]{2})), // version v3
                tlv(0x02, new BigInteger(63, new SecureRandom()).add(BigInteger.ONE).toByteArray()),
                signatureAlgorithm,
                name(issuerCn),
                seq(time(notBefore), time(notAfter)),
                name(subjectCn),
                subjectKey.getEncoded(), // SubjectPublicKeyInfo, already DER
                tlv(0xA3, seq(extensions.toByteArray())));

        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(signingKey);
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] bitString = new byte[signature.length + 1];
        System.arraycopy(signature, 0, bitString, 1, signature.length);

        byte[] der = seq(tbs, signatureAlgorithm, tlv(0x03, bitString));
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
    }

    private static byte[] extension(int[] oid, boolean critical, byte[] value) {
        return critical
                ? seq(oid(oid), tlv(0x01, new byte[]{(byte) 0xFF}), tlv(0x04, value))
                : seq(oid(oid), tlv(0x04, value));
    }

    private static byte[] name(String commonName) {
        return seq(tlv(0x31, seq(oid(OID_COMMON_NAME), tlv(0x0C, commonName.getBytes(StandardCharsets.UTF_8)))));
    }

    private static byte[] time(Instant instant) {
        // UTCTime is mandatory for years 1950..2049 (RFC 5280 4.1.2.5); GeneralizedTime afterwards
        int year = instant.atZone(ZoneOffset.UTC).getYear();
        if (year < 2050) {
            String text = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC).format(instant);
            return tlv(0x17, text.getBytes(StandardCharsets.US_ASCII));
        }
        String text = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC).format(instant);
        return tlv(0x18, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] oid(int[] arcs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(arcs[0] * 40 + arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            int arc = arcs[i];
            int shift = 28;
            while (shift > 0 && (arc >>> shift) == 0) {
                shift -= 7;
            }
            for (; shift > 0; shift -= 7) {
                out.write(0x80 | ((arc >>> shift) & 0x7F));
            }
            out.write(arc & 0x7F);
        }
        return tlv(0x06, out.toByteArray());
    }

    private static byte[] seq(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return tlv(0x30, out.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int length = value.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >>> 8);
            out.write(length & 0xFF);
        } else {
            out.write(0x83);
            out.write(length >>> 16);
            out.write((length >>> 8) & 0xFF);
            out.write(length & 0xFF);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}
