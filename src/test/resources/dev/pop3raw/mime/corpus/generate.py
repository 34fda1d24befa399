#!/usr/bin/env python3
"""Writes the MIME corpus of MimeCorpusTest: messages in the shapes real mailers send (written here, no real mail), and
for each a manifest of its leaf parts with the SHA-256 of the bytes that were encoded into it.
Run from this folder: python3 generate.py (deterministic: the same files every time)."""
import base64, hashlib, quopri, random

rng = random.Random(20261207)

def blob(n, head=b""):
    return head + bytes(rng.getrandbits(8) for _ in range(n - len(head)))

def pdf(n):
    return blob(n, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")

def b64(data):
    s = base64.b64encode(data).decode()
    return "\r\n".join(s[i:i + 76] for i in range(0, len(s), 76))

def qp(text):
    """Quoted-printable with CRLF line breaks: each line break of the text is a hard line break."""
    return quopri.encodestring(text.replace("\r\n", "\n").encode("utf-8")).decode().replace("\n", "\r\n")

rows = {}

def part(msg, path, ctype, data, charset="", disposition="", filename="", cid="", problem=""):
    rows.setdefault(msg, []).append("\t".join([path, ctype, charset, disposition, filename, cid, str(len(data)),
                                              hashlib.sha256(data).hexdigest(), problem]))

def write(name, text):
    with open(name + ".eml", "wb") as f:
        f.write(text.encode("utf-8"))
    with open(name + ".parts", "w") as f:
        f.write("# path\tcontent type\tcharset\tdisposition\tfile name\tcontent id\toctets\tsha256\tproblem\n")
        f.write("\n".join(rows[name]) + "\n")

# Outlook: mixed > (alternative: plain + html, both quoted-printable), a PDF, winmail.dat (application/ms-tnef)
plain = "Hello,\r\n\r\nplease find invoice 2024-117 attached. Total: 1.234,50 \u20ac\r\n"
html = "<html><body><p>Hello,</p><p>please find invoice 2024-117 attached. Total: 1.234,50&nbsp;\u20ac</p></body></html>\r\n"
invoice = pdf(23456)
tnef = blob(3001, b"\x78\x9f\x3e\x22")
rows["outlook"] = []
part("outlook", "1.1", "text/plain", plain.encode(), "utf-8")
part("outlook", "1.2", "text/html", html.encode(), "utf-8")
part("outlook", "2", "application/pdf", invoice, "", "attachment", "Invoice 2024-117.pdf")
part("outlook", "3", "application/ms-tnef", tnef, "", "attachment", "winmail.dat")
write("outlook", "From: Accounts <accounts@contoso.example>\r\nTo: you@pop3raw.example\r\nSubject: Invoice 2024-117\r\n"
      "Date: Tue, 4 Jun 2024 10:12:01 +0000\r\nMessage-ID: <DB9PR01MB1234@contoso.example>\r\n"
      "Content-Type: multipart/mixed;\r\n\tboundary=\"_004_DB9PR01MB1234contoso_\"\r\nMIME-Version: 1.0\r\n\r\n"
      "--_004_DB9PR01MB1234contoso_\r\nContent-Type: multipart/alternative;\r\n\tboundary=\"_000_DB9PR01MB1234contoso_\"\r\n\r\n"
      "--_000_DB9PR01MB1234contoso_\r\nContent-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
      + qp(plain) + "\r\n--_000_DB9PR01MB1234contoso_\r\nContent-Type: text/html; charset=\"utf-8\"\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + qp(html) + "\r\n--_000_DB9PR01MB1234contoso_--\r\n\r\n"
      "--_004_DB9PR01MB1234contoso_\r\nContent-Type: application/pdf; name=\"Invoice 2024-117.pdf\"\r\n"
      "Content-Description: Invoice 2024-117.pdf\r\nContent-Disposition: attachment;\r\n\tfilename=\"Invoice 2024-117.pdf\";"
      " size=23456;\r\n\tcreation-date=\"Tue, 04 Jun 2024 10:11:40 GMT\";\r\n\tmodification-date=\"Tue, 04 Jun 2024 10:11:40 GMT\"\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n" + b64(invoice) + "\r\n\r\n"
      "--_004_DB9PR01MB1234contoso_\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\n"
      "Content-Disposition: attachment; filename=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      + b64(tnef) + "\r\n\r\n--_004_DB9PR01MB1234contoso_--\r\n")

# Gmail: mixed > (alternative: plain, html) + a PDF with an RFC 2047 name and a Content-ID, a JPEG
plain = "Hi,\r\n\r\nthe signed contract and a photo of the site. Grüße, Jürgen\r\n"
html = "<div dir=\"ltr\">Hi,<div><br></div><div>the signed contract and a photo of the site. Grüße, Jürgen</div></div>\r\n"
contract = pdf(40000)
jpeg = blob(17777, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
rows["gmail"] = []
part("gmail", "1.1", "text/plain", plain.encode(), "utf-8")
part("gmail", "1.2", "text/html", html.encode(), "utf-8")
part("gmail", "2", "application/pdf", contract, "", "attachment", "Vertrag unterschrieben – Müller.pdf", "f_lx2a9b0c0")
part("gmail", "3", "image/jpeg", jpeg, "", "attachment", "IMG_2041.jpg", "f_lx2a9b0c1")
write("gmail", "MIME-Version: 1.0\r\nDate: Wed, 5 Jun 2024 08:01:02 +0200\r\nMessage-ID: <CAF=abc123@mail.gmail.example>\r\n"
      "Subject: Contract\r\nFrom: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <juergen@gmail.example>\r\nTo: you@pop3raw.example\r\n"
      "Content-Type: multipart/mixed; boundary=\"000000000000f1e2d3061a2b3c4d\"\r\n\r\n"
      "--000000000000f1e2d3061a2b3c4d\r\nContent-Type: multipart/alternative; boundary=\"000000000000f1e2d1061a2b3c4b\"\r\n\r\n"
      "--000000000000f1e2d1061a2b3c4b\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      + b64(plain.encode()) + "\r\n--000000000000f1e2d1061a2b3c4b\r\nContent-Type: text/html; charset=\"UTF-8\"\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + qp(html) + "\r\n--000000000000f1e2d1061a2b3c4b--\r\n"
      "--000000000000f1e2d3061a2b3c4d\r\nContent-Type: application/pdf; \r\n\tname=\"=?UTF-8?Q?Vertrag_unterschrieben_=E2=80=93_M=C3=BCller=2Epdf?=\"\r\n"
      "Content-Disposition: attachment; \r\n\tfilename=\"=?UTF-8?Q?Vertrag_unterschrieben_=E2=80=93_M=C3=BCller=2Epdf?=\"\r\n"
      "Content-Transfer-Encoding: base64\r\nContent-ID: <f_lx2a9b0c0>\r\nX-Attachment-Id: f_lx2a9b0c0\r\n\r\n" + b64(contract)
      + "\r\n--000000000000f1e2d3061a2b3c4d\r\nContent-Type: image/jpeg; name=\"IMG_2041.jpg\"\r\n"
      "Content-Disposition: attachment; filename=\"IMG_2041.jpg\"\r\nContent-Transfer-Encoding: base64\r\n"
      "Content-ID: <f_lx2a9b0c1>\r\nX-Attachment-Id: f_lx2a9b0c1\r\n\r\n" + b64(jpeg) + "\r\n--000000000000f1e2d3061a2b3c4d--\r\n")

# Apple Mail: alternative > plain, related > (html, inline PNG with a file name and a Content-ID, inline PDF)
plain = "Here is the floor plan.\r\n\r\n[floor-plan.png]\r\n"
html = "<html><body>Here is the floor plan.<br><img src=\"cid:8A1C2F3E-6D4B@apple.example\"></body></html>"
png = blob(9999, b"\x89PNG\r\n\x1a\n")
quote = pdf(5000)
rows["apple"] = []
part("apple", "1", "text/plain", plain.encode(), "us-ascii")
part("apple", "2.1", "text/html", html.encode(), "us-ascii")
part("apple", "2.2", "image/png", png, "", "inline", "floor-plan.png", "8A1C2F3E-6D4B@apple.example")
part("apple", "2.3", "application/pdf", quote, "", "inline", "Quote.pdf")
write("apple", "Content-Type: multipart/alternative;\r\n\tboundary=\"Apple-Mail=_7D3C1E2A-0B1F-4C55-9B61-3E8A55D0C6A1\"\r\n"
      "Subject: Floor plan\r\nMime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))\r\n"
      "From: Anna <anna@icloud.example>\r\nTo: you@pop3raw.example\r\nDate: Thu, 6 Jun 2024 18:30:00 +0200\r\n"
      "Message-Id: <0F4D7C5E-2B3A@icloud.example>\r\n\r\n\r\n"
      "--Apple-Mail=_7D3C1E2A-0B1F-4C55-9B61-3E8A55D0C6A1\r\nContent-Transfer-Encoding: 7bit\r\n"
      "Content-Type: text/plain;\r\n\tcharset=us-ascii\r\n\r\n" + plain + "\r\n"
      "--Apple-Mail=_7D3C1E2A-0B1F-4C55-9B61-3E8A55D0C6A1\r\nContent-Type: multipart/related;\r\n"
      "\ttype=\"text/html\";\r\n\tboundary=\"Apple-Mail=_0E5B1A77-3C2D-4F0E-8A44-91B2C3D4E5F6\"\r\n\r\n\r\n"
      "--Apple-Mail=_0E5B1A77-3C2D-4F0E-8A44-91B2C3D4E5F6\r\nContent-Transfer-Encoding: 7bit\r\n"
      "Content-Type: text/html;\r\n\tcharset=us-ascii\r\n\r\n" + html + "\r\n"
      "--Apple-Mail=_0E5B1A77-3C2D-4F0E-8A44-91B2C3D4E5F6\r\nContent-Transfer-Encoding: base64\r\n"
      "Content-Disposition: inline;\r\n\tfilename=floor-plan.png\r\nContent-Type: image/png;\r\n\tx-unix-mode=0644;\r\n"
      "\tname=\"floor-plan.png\"\r\nContent-Id: <8A1C2F3E-6D4B@apple.example>\r\n\r\n" + b64(png) + "\r\n"
      "--Apple-Mail=_0E5B1A77-3C2D-4F0E-8A44-91B2C3D4E5F6\r\nContent-Disposition: inline;\r\n\tfilename=Quote.pdf\r\n"
      "Content-Type: application/pdf;\r\n\tx-unix-mode=0644;\r\n\tname=\"Quote.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      + b64(quote) + "\r\n--Apple-Mail=_0E5B1A77-3C2D-4F0E-8A44-91B2C3D4E5F6--\r\n\r\n"
      "--Apple-Mail=_7D3C1E2A-0B1F-4C55-9B61-3E8A55D0C6A1--\r\n")

# RFC 2231: a name in sections, the first percent-encoded with its charset, a plain one between, out of order; a
# name with a + and a charset the extended form names; an extended name beside a plain fallback (the extended wins)
a, b, c = blob(1200), blob(1300), blob(1400)
rows["rfc2231"] = []
part("rfc2231", "1", "text/plain", b"Three files with long names.")
part("rfc2231", "2", "application/pdf", a, "", "attachment", "€ Rechnung März 2024 – Übersicht (final).pdf")
part("rfc2231", "3", "application/octet-stream", b, "", "", "a+b c%.bin")
part("rfc2231", "4", "text/csv", c, "", "attachment", "Größen.csv")
write("rfc2231", "From: x@pop3raw.example\r\nTo: you@pop3raw.example\r\nSubject: RFC 2231\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=b2231\r\n\r\n--b2231\r\nContent-Type: text/plain\r\n\r\n"
      "Three files with long names.\r\n--b2231\r\nContent-Type: application/pdf\r\n"
      "Content-Disposition: attachment;\r\n filename*1*=%20M%C3%A4rz%202024%20;\r\n filename*0*=utf-8'de'%E2%82%AC%20Rechnung;\r\n"
      " filename*2=\"\u2013 \";\r\n filename*3*=%C3%9Cbersicht%20%28final%29.pdf\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n" + b64(a) + "\r\n--b2231\r\nContent-Type: application/octet-stream;\r\n"
      " name*=iso-8859-1''a+b%20c%25.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(b) + "\r\n--b2231\r\n"
      "Content-Type: text/csv\r\nContent-Disposition: attachment; filename=\"Groessen.csv\";\r\n"
      " filename*=UTF-8''Gr%C3%B6%C3%9Fen.csv\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(c) + "\r\n--b2231--\r\n")

# RFC 2047 in quoted names: ISO-8859-1 Q, UTF-8 B split over two words, a name on Content-Type only; raw UTF-8
d, e, f = blob(700), blob(800), blob(900)
rows["rfc2047"] = []
part("rfc2047", "1", "application/octet-stream", d, "", "attachment", "Grüße.txt")
part("rfc2047", "2", "application/vnd.ms-excel", e, "", "", "Jahresübersicht 2024 – Köln.xls")
part("rfc2047", "3", "application/zip", f, "", "attachment", "Äpfel & Birnen.zip")
write("rfc2047", "From: x@pop3raw.example\r\nTo: you@pop3raw.example\r\nSubject: RFC 2047\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"b2047\"\r\n\r\n--b2047\r\nContent-Type: application/octet-stream\r\n"
      "Content-Disposition: attachment; filename=\"=?ISO-8859-1?Q?Gr=FC=DFe.txt?=\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      + b64(d) + "\r\n--b2047\r\nContent-Type: application/vnd.ms-excel;\r\n name=\"=?UTF-8?B?SmFocmVzw7xiZXJzaWNodCAyMDI0IOKAkyBL?="
      " =?UTF-8?B?w7Zsbi54bHM=?=\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(e) + "\r\n--b2047\r\n"
      "Content-Type: application/zip\r\nContent-Disposition: attachment; filename=\"Äpfel & Birnen.zip\"\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n" + b64(f) + "\r\n--b2047--\r\n")

# A forwarded message as an attachment (message/rfc822), with a PDF of its own
inner_pdf = pdf(12000)
inner = ("From: Supplier <billing@supplier.example>\r\nTo: colleague@pop3raw.example\r\nSubject: Invoice 77\r\n"
         "Message-ID: <inv77@supplier.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=inner77\r\n\r\n"
         "--inner77\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nInvoice 77 attached.\r\n--inner77\r\n"
         "Content-Type: application/pdf; name=\"invoice-77.pdf\"\r\nContent-Disposition: attachment; filename=\"invoice-77.pdf\"\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n" + b64(inner_pdf) + "\r\n--inner77--\r\n")
rows["forwarded"] = []
part("forwarded", "1", "text/plain", b"See the forwarded message.", "utf-8")
part("forwarded", "2", "message/rfc822", inner.encode(), "", "attachment", "Invoice 77.eml")
write("forwarded", "From: colleague@pop3raw.example\r\nTo: you@pop3raw.example\r\nSubject: Fwd: Invoice 77\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n--outer\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
      "See the forwarded message.\r\n--outer\r\nContent-Type: message/rfc822; name=\"Invoice 77.eml\"\r\n"
      "Content-Disposition: attachment; filename=\"Invoice 77.eml\"\r\n\r\n" + inner + "\r\n--outer--\r\n")
# what WALK and BOTH find inside it
rows["forwarded-inner"] = []
part("forwarded-inner", "2.1", "text/plain", b"Invoice 77 attached.", "utf-8")
part("forwarded-inner", "2.2", "application/pdf", inner_pdf, "", "attachment", "invoice-77.pdf")
with open("forwarded-inner.parts", "w") as fh:
    fh.write("# the parts of the message/rfc822 part of forwarded.eml\n" + "\n".join(rows["forwarded-inner"]) + "\n")

# Malformed: characters that are not base64 in one part, a part with no closing boundary at the end
g, h, k = blob(2000), pdf(3000), blob(1000)
bad = b64(g).split("\r\n")
bad.insert(5, "!!##")  # four characters outside the alphabet between two lines: skipped, the octets stay whole
rows["malformed"] = []
part("malformed", "1", "text/plain", b"Two good parts, two broken ones.", "us-ascii")
part("malformed", "2", "application/octet-stream", g, "", "attachment", "junk-in-base64.bin", "", "yes")
part("malformed", "3", "application/pdf", h, "", "attachment", "fine.pdf")
part("malformed", "4", "application/octet-stream", k, "", "attachment", "unterminated.bin", "", "yes")
write("malformed", "From: x@pop3raw.example\r\nTo: you@pop3raw.example\r\nSubject: broken\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"mb\"\r\n\r\n--mb\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
      "Two good parts, two broken ones.\r\n--mb\r\nContent-Type: application/octet-stream\r\n"
      "Content-Disposition: attachment; filename=junk-in-base64.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      + "\r\n".join(bad) + "\r\n--mb\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=fine.pdf\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n" + b64(h) + "\r\n--mb\r\nContent-Type: application/octet-stream\r\n"
      "Content-Disposition: attachment; filename=unterminated.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(k) + "\r\n")
